/**
 * A long file through several models inside the worker, in bounded memory: the Blob is decoded here with
 * the WASM decoders and resampled while it decodes (audio/decode-resampled.ts), so neither the compressed
 * file as a whole, nor the source-rate signal, nor any main-thread work exists; only the model-rate signal
 * (1 h at 16 kHz: 230 MB) plus small buffers. Models are grouped by front-end rate and resampler: one
 * decode per group (most selections are one group), one group's signal held at a time.
 */
import { decodeToModelRates } from '$lib/audio/decode-resampled';
import { inputDims } from '$lib/card/input';
import { downsampleMel, type DisplayMel } from '$lib/features/display-mel';
import type { Tagger } from '$lib/pipeline/open-tagger';
import type { TagOptions } from '$lib/pipeline/tag-track';
import type { FileProgress, FileTagRequest, FileTagResponse, TagResponse } from './protocol';

type BaseOptions = Omit<TagOptions, 'variant' | 'signal' | 'onProgress' | 'onFirstMel'>;

export async function tagFile(
	taggers: Tagger[],
	request: FileTagRequest,
	signal: AbortSignal,
	onProgress: (progress: FileProgress) => void,
	base: BaseOptions = {}
): Promise<FileTagResponse> {
	const groups = new Map<string, number[]>();
	taggers.forEach(({ card: { frontend } }, i) => {
		const key = `${frontend.sampleRate}:${frontend.resampler}`;
		groups.set(key, [...(groups.get(key) ?? []), i]);
	});
	const responses: TagResponse[] = [];
	let audio: FileTagResponse['audio'] | undefined;
	let done = 0;
	for (const members of groups.values()) {
		const { frontend } = taggers[members[0]].card;
		const decoded = await decodeToModelRates(request.file, [frontend], {
			name: request.name,
			expectedFrames: request.expectedFrames,
			signal,
			onProgress: (fraction) => onProgress({ stage: 'decode', fraction: (done + fraction) / groups.size })
		});
		done++;
		audio = { sampleRate: decoded.sampleRate, channels: decoded.channels, frames: decoded.frames };
		const [samples] = decoded.signals;
		for (const i of members) {
			const tagger = taggers[i];
			// A view per model: the mel cache (weak in the array) then lives only for this model's run.
			const track = { audio: samples.subarray(0), offset: 0, length: samples.length, silent: decoded.silent };
			responses[i] = await tagOne(tagger, track, signal, onProgress, base);
		}
		release(samples.buffer as ArrayBuffer); // before the next group decodes, not when the GC gets to it
	}
	return { audio: audio!, responses };
}

/** Frees a buffer's memory now (ES2024 `transfer(0)` detaches it); older engines leave it to the GC. */
function release(buffer: ArrayBuffer): void {
	(buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }).transfer?.(0);
}

async function tagOne(
	tagger: Tagger,
	track: Parameters<Tagger['tagModelRate']>[0],
	signal: AbortSignal,
	onProgress: (progress: FileProgress) => void,
	base: BaseOptions
): Promise<TagResponse> {
	const { sampleRate: rate } = tagger.card.frontend;
	const [nMels] = inputDims(tagger.card);
	let mel: DisplayMel | undefined;
	const result = await tagger.tagModelRate(track, {
		...base,
		signal,
		onProgress: (p) => onProgress({ ...p, model: tagger.card.id }),
		// The first chunk's mel, shown under the taggram, as the page-decoded path gives it.
		onFirstMel: (first, start, length) =>
			(mel = downsampleMel(first, nMels, { start: start / rate, seconds: length / rate }))
	});
	return mel ? { result, mel } : { result };
}
