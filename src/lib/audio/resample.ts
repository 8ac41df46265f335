/**
 * Resampling to a model's front-end rate, with the resampler its training data went through
 * (named by the model card: `frontend.resampler`). Pure TypeScript, deterministic: the browser, the worker
 * and Node produce bit-identical output.
 *
 * By default the fast evaluations run (resampy-fast.ts: bit-identical to the port; libsamplerate-fast.ts:
 * the same positions and filter, within one float32 rounding of the port — in practice bit-identical on
 * the fixtures); `exact: true` runs the reference ports (resampy.ts, libsamplerate.ts) instead.
 */
import type { FrontendSpec } from '$lib/card/types';
import { libsamplerateLength, libsamplerateMedium } from './libsamplerate';
import { libsamplerateMediumFast } from './libsamplerate-fast';
import { resampyKaiserBest, resampyLength } from './resampy';
import { resampyKaiserBestFast } from './resampy-fast';
import type { ResampleControl } from './types';

/**
 * Long inputs take a while (≈ 0.5 s of CPU per minute of 44.1 kHz audio with the fast paths):
 * `onProgress` gets the fraction done every 2^16 output samples, and `signal` aborts there (throwing its
 * reason).
 */
export interface ResampleOptions {
	onProgress?: (fraction: number) => void;
	signal?: AbortSignal;
	/** Use the reference ports instead of the fast paths (for tests and benchmarks). */
	exact?: boolean;
}

/** The per-block callback the resamplers call; throws when aborted. */
const tickFor = (options: ResampleOptions): ResampleControl['tick'] =>
	options.onProgress || options.signal
		? (fraction) => {
				options.signal?.throwIfAborted();
				options.onProgress?.(fraction);
			}
		: undefined;

/**
 * Results per decoded signal, so that running several models on one track (8 of the 9 share the 16 kHz
 * resampy front end) resamples once. Weak: dropping the decoded audio drops its resampled copies.
 * Callers must not mutate `mono` after resampling it.
 */
const memo = new WeakMap<Float32Array, Map<string, Float32Array>>();

export function resampleForFrontend(
	mono: Float32Array,
	sourceRate: number,
	frontend: FrontendSpec,
	options: ResampleOptions = {}
): Float32Array {
	const key = `${sourceRate}>${frontend.sampleRate}:${frontend.resampler}${options.exact ? ':exact' : ''}`;
	let results = memo.get(mono);
	const cached = results?.get(key);
	if (cached) return cached;
	const resampled = resample(mono, sourceRate, frontend, options.exact, tickFor(options));
	if (!results) memo.set(mono, (results = new Map()));
	results.set(key, resampled);
	return resampled;
}

/**
 * Outputs [from, to) of `resampleForFrontend(mono, sourceRate, frontend)`, bit-identical to that slice of the
 * whole (each resampler replays its input position up to `from`). Lets a caller split one long track over
 * several workers: e.g. [0, L/2) and [L/2, L) with L = resampledLength(…). Not memoised.
 */
export function resampleRangeForFrontend(
	mono: Float32Array,
	sourceRate: number,
	frontend: FrontendSpec,
	from: number,
	to: number,
	options: ResampleOptions = {}
): Float32Array {
	return resample(mono, sourceRate, frontend, options.exact, tickFor(options), { from, to });
}

/** The length resampleForFrontend returns for `n` samples at `sourceRate`. */
export function resampledLength(n: number, sourceRate: number, frontend: FrontendSpec): number {
	if (frontend.resampler === 'resampy-0.2.2-kaiser-best')
		return resampyLength(n, sourceRate, frontend.sampleRate);
	return sourceRate === frontend.sampleRate ? n : libsamplerateLength(n, sourceRate, frontend.sampleRate);
}

function resample(
	mono: Float32Array,
	sourceRate: number,
	frontend: FrontendSpec,
	exact: boolean | undefined,
	tick?: ResampleControl['tick'],
	range?: { from: number; to: number }
): Float32Array {
	switch (frontend.resampler) {
		case 'resampy-0.2.2-kaiser-best':
			// librosa.load returns the signal untouched when the rate already matches.
			return (exact ? resampyKaiserBest : resampyKaiserBestFast)(mono, sourceRate, frontend.sampleRate, {
				tick,
				range
			});
		case 'libsamplerate-sinc-medium':
			// Essentia's streaming Resample just copies the input when the ratio is 1.
			if (sourceRate === frontend.sampleRate) return range ? mono.slice(range.from, range.to) : mono;
			return (exact ? libsamplerateMedium : libsamplerateMediumFast)(mono, sourceRate, frontend.sampleRate, {
				tick,
				range
			});
		default: {
			const unknown: never = frontend;
			throw new Error(`Unknown resampler in model card: ${(unknown as FrontendSpec).resampler}`);
		}
	}
}
