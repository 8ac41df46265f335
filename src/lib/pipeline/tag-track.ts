/**
 * One track through one model: resample → mel per chunk → ONNX in batches → aggregation.
 * Shared by the browser worker, the CLI and the tests, so all three produce the same numbers.
 */
import type { ModelCard, Variant } from '$lib/card/types';
import { inputDims } from '$lib/card/input';
import { isNearSilent, type DecodedAudio } from '$lib/audio/types';
import { resampledLength, resampleForFrontend, resampleRangeForFrontend } from '$lib/audio/resample';
import type { MelExtractor } from '$lib/features/mel';
import type { TaggerSession } from '$lib/model/session';
import { scoreChunkStarts, taggramChunkStarts, type TrackScheme } from '$lib/predictions/chunks';
import { meanOfChunks, moodGroupScores } from '$lib/predictions/aggregate';
import type { ModelResult, Progress } from './types';

export interface TagOptions {
	variant: Variant;
	onProgress?: (progress: Progress) => void;
	signal?: AbortSignal;
	/** How chunk outputs become the track score (predictions/chunks.ts; default 'whole'). */
	scheme?: TrackScheme;
	/** Chunks per ONNX run. */
	batchSize?: number;
	/**
	 * Compute the taggram's own windows (default true). With false the taggram shows the track chunks only, and
	 * a model whose upstream scheme reads one segment (MTG: the centred 29.1 s) resamples just that segment:
	 * tags for a 3-minute track cost a sixth of the resampling.
	 */
	taggram?: boolean;
	/** Receives the first mel the pipeline computes (the first track chunk), e.g. for display; start/length in samples. */
	onFirstMel?: (mel: Float32Array, start: number, length: number) => void;
}

/**
 * The model-rate audio the chunks need: the whole track, or only the span [from, to) of the track chunks
 * when that is all the result reads. Resampling a span is bit-identical to slicing the whole.
 */
function modelRateAudio(decoded: DecodedAudio, card: ModelCard, options: TagOptions) {
	const { mono, sampleRate } = decoded;
	const n = resampledLength(mono.length, sampleRate, card.frontend);
	const starts = scoreChunkStarts(card.chunking, n, options.scheme ?? 'whole');
	const from = Math.min(...starts);
	const to = Math.min(n, Math.max(...starts) + card.chunking.chunkSamples);
	const progress = (fraction: number) => options.onProgress?.({ stage: 'features', fraction });
	const resampleOptions = { onProgress: progress, signal: options.signal };
	if (options.taggram === false && to - from < n) {
		const audio = resampleRangeForFrontend(mono, sampleRate, card.frontend, from, to, resampleOptions);
		return { audio, offset: from, length: n };
	}
	return {
		audio: resampleForFrontend(mono, sampleRate, card.frontend, resampleOptions),
		offset: 0,
		length: n
	};
}

/** Mel inputs for the given starts (in `audio`, which begins at `offset` of the track), run in batches; returns one output vector per distinct start. */
async function outputsAt(
	audio: Float32Array,
	offset: number,
	starts: number[],
	card: ModelCard,
	mel: MelExtractor,
	session: TaggerSession,
	options: TagOptions,
	timings: ModelResult['timings']
): Promise<Map<number, Float32Array>> {
	const { chunkSamples } = card.chunking;
	const cell = inputDims(card).reduce((a, b) => a * b, 1);
	const batchSize = options.batchSize ?? 8;
	const outputs = new Map<number, Float32Array>();
	const nTags = card.tags.length;
	for (let first = 0; first < starts.length; first += batchSize) {
		options.signal?.throwIfAborted();
		const batch = starts.slice(first, first + batchSize);
		const t0 = performance.now();
		const mels = new Float32Array(batch.length * cell);
		batch.forEach((start, i) => mels.set(mel.logMel(audio, start, chunkSamples), i * cell));
		if (first === 0 && card.io.input === 'mel')
			options.onFirstMel?.(mels.slice(0, cell), batch[0] + offset, chunkSamples);
		const t1 = performance.now();
		options.onProgress?.({ stage: 'inference', fraction: first / starts.length });
		const result = await session.predict(mels, batch.length);
		timings.mel += t1 - t0;
		timings.inference += performance.now() - t1;
		batch.forEach((start, i) => outputs.set(start, result.slice(i * nTags, (i + 1) * nTags)));
	}
	return outputs;
}

/**
 * A track already at the model rate: samples [offset, offset + audio.length) of a `length`-sample signal
 * (e.g. resampled while decoding, src/lib/audio/decode-resampled.ts), with the silence check of its source.
 */
export interface ModelRateTrack {
	audio: Float32Array;
	offset: number;
	length: number;
	silent: boolean;
}

export async function tagTrack(
	decoded: DecodedAudio,
	card: ModelCard,
	session: TaggerSession,
	mel: MelExtractor,
	options: TagOptions
): Promise<ModelResult> {
	options.onProgress?.({ stage: 'features', fraction: 0 });
	const t0 = performance.now();
	const track = modelRateAudio(decoded, card, options);
	const resampleMs = performance.now() - t0;
	options.signal?.throwIfAborted();
	const silent = isNearSilent(decoded.mono);
	return tagModelRate({ ...track, silent }, card, session, mel, options, resampleMs);
}

/** tagTrack after the resampling: chunks → mel → ONNX → aggregation (`resampleMs` goes into the timings). */
export async function tagModelRate(
	track: ModelRateTrack,
	card: ModelCard,
	session: TaggerSession,
	mel: MelExtractor,
	options: TagOptions,
	resampleMs = 0
): Promise<ModelResult> {
	const timings = { resample: resampleMs, mel: 0, inference: 0 };
	const { audio, offset, length } = track;

	const scheme = options.scheme ?? 'whole';
	const trackStarts = scoreChunkStarts(card.chunking, length, scheme);
	const taggramStarts =
		options.taggram === false ? trackStarts : taggramChunkStarts(card.chunking, length, scheme);
	// Identical starts (e.g. a track exactly one chunk long) are computed once.
	const distinct = [...new Set([...trackStarts, ...taggramStarts])];
	const inAudio = await outputsAt(
		audio,
		offset,
		distinct.map((s) => s - offset),
		card,
		mel,
		session,
		options,
		timings
	);
	const outputs = new Map(distinct.map((s) => [s, inAudio.get(s - offset)!]));

	const rate = card.frontend.sampleRate;
	const toArray = (start: number) => Array.from(outputs.get(start)!);
	const chunks = trackStarts.map(toArray);
	const probabilities = meanOfChunks(chunks);
	options.onProgress?.({ stage: 'done', fraction: 1 });
	return {
		model: card.id,
		variant: options.variant,
		scheme,
		backend: session.backend,
		probabilities,
		chunks,
		chunkStarts: trackStarts.map((s) => s / rate),
		taggram: { starts: taggramStarts.map((s) => s / rate), outputs: taggramStarts.map(toArray) },
		groups: moodGroupScores(card, probabilities),
		...(track.silent ? { silent: true as const } : {}),
		timings
	};
}
