/**
 * Streaming decode with the @audio/decode-* WASM/JS codecs (the codecs of audio-decode, MIT): compressed
 * chunks in, one growing mono float32 signal out. Each decoded block is down-mixed at once, so per-channel
 * copies of the whole track never exist. No DOM and no Node APIs: runs in Node, in a Web Worker and on the
 * main thread. decode-node.ts feeds it from a file; a worker can feed it `blob.stream()`.
 * The codecs are imported directly (not through the audio-decode umbrella, which imports codec packages it
 * does not depend on and so breaks bundlers), and lazily: a bundle only loads the codec a file needs.
 */
import audioType from 'audio-type';
import { undecodableMessage } from './formats';
import { AudioInputError, audioLimits, checkDecodedAudio, type DecodedAudio } from './types';

interface DecodedBlock {
	channelData: Float32Array[];
	sampleRate: number;
	samplesDecoded?: number;
}
interface ChunkDecoder {
	decode(chunk: Uint8Array): DecodedBlock | Promise<DecodedBlock>;
	flush?(): DecodedBlock | Promise<DecodedBlock>;
	free?(): void;
}

type CodecLoader = () => Promise<(name: string) => ChunkDecoder | Promise<ChunkDecoder>>;
/** An @audio/decode-* codec: its decoder() takes no name. */
const plain =
	(load: () => Promise<{ decoder(): ChunkDecoder | Promise<ChunkDecoder> }>): CodecLoader =>
	async () => {
		const { decoder } = await load();
		return () => decoder();
	};
const mp4: CodecLoader = async () => (await import('./decode-mp4')).decoder;

/**
 * audio-type format name → codec loader. m4a is any MP4 (ftyp box): AAC or ALAC is decoded, another codec
 * is refused by name (decode-mp4.ts); aac is a raw ADTS stream. WMA etc. get undecodableMessage().
 */
const codecs: Record<string, CodecLoader> = {
	mp3: plain(() => import('@audio/decode-mp3')),
	oga: plain(() => import('@audio/decode-vorbis')),
	opus: plain(() => import('@audio/decode-opus')),
	flac: plain(() => import('@audio/decode-flac')),
	wav: plain(() => import('@audio/decode-wav')),
	aiff: plain(() => import('@audio/decode-aiff')),
	m4a: mp4,
	aac: mp4
};

/** Bytes needed to recognise a format (a leading ID3v2 tag is resolved by audio-type itself). */
const sniffBytes = 64 * 1024;

type Format = keyof typeof codecs;

/**
 * A mono float32 buffer that grows by 1.5×; `take()` trims it. When `expectedFrames` is known (e.g. from
 * a header) the first allocation is exact, so no growth copy happens at all.
 */
class MonoAccumulator {
	private data: Float32Array;
	length = 0;
	constructor(expectedFrames = 0) {
		this.data = new Float32Array(Math.max(expectedFrames, 1 << 16));
	}
	private reserve(extra: number) {
		if (this.length + extra <= this.data.length) return;
		const grown = new Float32Array(Math.max(this.length + extra, Math.ceil(this.data.length * 1.5)));
		grown.set(this.data.subarray(0, this.length));
		this.data = grown;
	}
	/** Appends the float32 mean of the channels: (L+R)/2 for stereo, exactly as training did. */
	appendMix(channels: Float32Array[]) {
		const frames = channels[0].length;
		this.reserve(frames);
		const out = this.data;
		const at = this.length;
		if (channels.length === 1) out.set(channels[0], at);
		else if (channels.length === 2) {
			const [l, r] = channels;
			for (let i = 0; i < frames; i++) out[at + i] = (l[i] + r[i]) / 2;
		} else {
			// Sum in float32 order like numpy's mean over a float32 axis would for small counts, then divide.
			const n = channels.length;
			for (let i = 0; i < frames; i++) {
				let s = 0;
				for (let c = 0; c < n; c++) s = Math.fround(s + channels[c][i]);
				out[at + i] = s / n;
			}
		}
		this.length += frames;
	}
	/** The frames so far, not copied. */
	view = (): Float32Array => this.data.subarray(0, this.length);
	take(): Float32Array {
		// Trim only when the slack is worth a copy; a subarray keeps the caller's view exact either way.
		return this.data.length - this.length > this.length / 50
			? this.data.slice(0, this.length)
			: this.data.subarray(0, this.length);
	}
}

/** Detects the container/codec from the first bytes, or throws a typed 'unsupported' error. */
export function sniffFormat(head: Uint8Array, name = 'This file'): Format {
	if (head.length === 0) throw new AudioInputError('empty', `${name} is empty (0 bytes).`);
	const type = audioType(head);
	if (!type)
		throw new AudioInputError(
			'unsupported',
			`${name} is not audio we can decode (unrecognised content${looksLikeText(head) ? ': it looks like text' : ''}).`
		);
	if (!(type in codecs)) throw new AudioInputError('unsupported', undecodableMessage(type, name));
	return type;
}

function looksLikeText(head: Uint8Array): boolean {
	const n = Math.min(head.length, 512);
	for (let i = 0; i < n; i++) {
		const b = head[i];
		if (b < 9 || (b > 13 && b < 32 && b !== 27)) return false;
	}
	return true;
}

/**
 * Decodes a stream of compressed chunks to mono at the file's own sample rate.
 * Enforces the limits in types.ts while decoding (a too-long file stops early instead of filling memory).
 */
export async function decodeStream(
	chunks: AsyncIterable<Uint8Array>,
	options: {
		name?: string;
		expectedFrames?: number;
		signal?: AbortSignal;
		/**
		 * Receives each decoded block's mono down-mix (valid only during the call) instead of the accumulator:
		 * the returned `mono` is then empty, so a consumer (e.g. a streaming resampler) bounds the memory.
		 */
		onBlock?: (mono: Float32Array, sampleRate: number) => void;
	} = {}
): Promise<DecodedAudio> {
	const name = options.name ?? 'This file';
	const iterator = chunks[Symbol.asyncIterator]();
	// Collect enough leading bytes to recognise the format, then replay them to the decoder.
	const head: Uint8Array[] = [];
	let headBytes = 0;
	let ended = false;
	while (headBytes < sniffBytes) {
		const next = await iterator.next();
		if (next.done) {
			ended = true;
			break;
		}
		if (next.value.length === 0) continue;
		head.push(next.value);
		headBytes += next.value.length;
	}
	const format = sniffFormat(concat(head, headBytes), name);
	async function* replay(): AsyncGenerator<Uint8Array> {
		yield* head;
		head.length = 0;
		if (ended) return;
		for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
	}

	const mono = new MonoAccumulator(options.onBlock ? 0 : options.expectedFrames);
	let streamed = 0; // frames handed to onBlock
	let sampleRate = 0;
	let channels = 0;
	// The MP3 decoder upmixes mono to two identical channels; count such a stream as mono until they differ.
	let dualMono = format === 'mp3';
	const append = (block: DecodedBlock) => {
		options.signal?.throwIfAborted();
		let data = block.channelData;
		if (!data?.length) return;
		const frames = Math.min(block.samplesDecoded ?? data[0].length, data[0].length);
		if (frames === 0) return;
		if (frames < data[0].length) data = data.map((c) => c.subarray(0, frames));
		if (!sampleRate) sampleRate = block.sampleRate;
		else if (block.sampleRate !== sampleRate)
			throw new AudioInputError(
				'corrupt',
				`${name} changes sample rate mid-stream (${sampleRate} → ${block.sampleRate} Hz).`
			);
		if (dualMono && data.length === 2) dualMono = data[0].every((v, i) => v === data[1][i]);
		channels = Math.max(channels, data.length === 2 && dualMono ? 1 : data.length);
		mono.appendMix(data);
		if (options.onBlock) {
			options.onBlock(mono.view(), sampleRate);
			streamed += mono.length;
			mono.length = 0;
		}
		if (streamed + mono.length > audioLimits.maxDurationS * sampleRate)
			checkDecodedAudio(sampleRate, streamed + mono.length, name);
	};
	let codec: ChunkDecoder | undefined;
	try {
		codec = await (await codecs[format]())(name);
		for await (const chunk of replay()) append(await codec.decode(chunk));
		if (codec.flush) append(await codec.flush());
	} catch (error) {
		if (error instanceof AudioInputError || options.signal?.aborted) throw error;
		throw new AudioInputError(
			'corrupt',
			`${name} could not be decoded: ${(error as Error)?.message ?? String(error)}.`,
			{
				cause: error
			}
		);
	} finally {
		codec?.free?.();
	}
	if (streamed + mono.length === 0 || !sampleRate)
		throw new AudioInputError('corrupt', `${name} could not be decoded: it contains no audio frames.`);
	checkDecodedAudio(sampleRate, streamed + mono.length, name);
	return { sampleRate, channels, mono: mono.take() };
}

/** Yields a byte array in slices, so whole-buffer input goes through the same streaming path. */
export async function* sliceBytes(bytes: Uint8Array, size = 1 << 20): AsyncGenerator<Uint8Array> {
	for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, Math.min(at + size, bytes.length));
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
	if (parts.length === 1) return parts[0];
	const out = new Uint8Array(total);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}
