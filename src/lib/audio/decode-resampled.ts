/**
 * Decoding straight to model rates, in bounded memory: the compressed file is read in 1 MiB slices, each
 * decoded block (decode-stream.ts, WASM codecs) is down-mixed and fed to one streaming resampler per front
 * end (resample-stream.ts), and only the model-rate signals are kept, never the whole source-rate signal.
 * For hour-long files in the worker: 1 h at 44.1 kHz is 635 MB of mono float32, the same hour at 16 kHz
 * 230 MB. The signals equal `resampleForFrontend(decodeStream(…).mono, …)` bit for bit.
 * No DOM and no Node APIs (Blob is in both): runs in a Web Worker, in Node and in the tests.
 */
import type { FrontendSpec } from '$lib/card/types';
import { decodeStream } from './decode-stream';
import { createStreamResampler, type StreamResampler } from './resample-stream';
import { silenceThresholdDb } from './types';

export interface ResampledAudio {
	/** The file's own rate and channels (as DecodedAudio has them). */
	sampleRate: number;
	channels: number;
	/** Decoded frames at the file's rate. */
	frames: number;
	/** One signal per requested front end, in the same order. */
	signals: Float32Array[];
	/** isNearSilent of the source-rate signal (computed block by block). */
	silent: boolean;
}

/** A Blob's bytes in slices (no ReadableStream async iteration needed: Safari lacks it). */
export async function* blobChunks(blob: Blob, size = 1 << 20): AsyncGenerator<Uint8Array> {
	for (let at = 0; at < blob.size; at += size)
		yield new Uint8Array(await blob.slice(at, Math.min(at + size, blob.size)).arrayBuffer());
}

/**
 * The AC level of types.ts's `acLevelDb` (RMS around the mean, dBFS), from per-block means and squared
 * deviations merged as in Chan et al.'s parallel variance; equal to the two-pass value up to rounding.
 */
class LevelMeter {
	private n = 0;
	private mean = 0;
	private m2 = 0;
	add(block: Float32Array) {
		const k = block.length;
		if (k === 0) return;
		let sum = 0;
		for (let i = 0; i < k; i++) sum += block[i];
		const mean = sum / k;
		let m2 = 0;
		for (let i = 0; i < k; i++) m2 += (block[i] - mean) ** 2;
		const n = this.n + k;
		const delta = mean - this.mean;
		this.m2 += m2 + (delta * delta * this.n * k) / n;
		this.mean += (delta * k) / n;
		this.n = n;
	}
	get db(): number {
		return this.n ? 10 * Math.log10(this.m2 / this.n) : -Infinity;
	}
}

export async function decodeToModelRates(
	blob: Blob,
	frontends: FrontendSpec[],
	options: {
		name?: string;
		/** Frames the header announces: the model-rate signals are allocated once at their size. */
		expectedFrames?: number;
		signal?: AbortSignal;
		/** Fraction of the file's bytes read so far. */
		onProgress?: (fraction: number) => void;
		/** Outputs per resampling call (tests). */
		windowOutputs?: number;
	} = {}
): Promise<ResampledAudio> {
	let resamplers: StreamResampler[] | undefined;
	const level = new LevelMeter();
	let read = 0;
	let frames = 0;
	async function* chunks(): AsyncGenerator<Uint8Array> {
		for await (const chunk of blobChunks(blob)) {
			yield chunk;
			read += chunk.length;
			options.onProgress?.(read / blob.size);
		}
	}
	const decoded = await decodeStream(chunks(), {
		name: options.name,
		signal: options.signal,
		onBlock(mono, sampleRate) {
			resamplers ??= frontends.map((frontend) =>
				createStreamResampler(sampleRate, frontend, {
					expectedInput: options.expectedFrames,
					signal: options.signal,
					windowOutputs: options.windowOutputs
				})
			);
			frames += mono.length;
			level.add(mono);
			for (const resampler of resamplers) resampler.push(mono);
		}
	});
	const signals = resamplers!.map((resampler) => resampler.end());
	const { sampleRate, channels } = decoded;
	return { sampleRate, channels, frames, signals, silent: level.db < silenceThresholdDb };
}
