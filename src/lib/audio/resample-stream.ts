/**
 * Streaming resampling to a model's front-end rate: decoded blocks in, the model-rate signal out, equal to
 * `resampleForFrontend` on the whole signal (tests/unit/audio-stream-resample.test.ts: bit-identical), while
 * only a window of the source-rate signal (≈ 2 min) is held instead of all of it (1 h at 44.1 kHz: 635 MB).
 *
 * Why windows of the source are not resampled on their own: both resamplers carry their input position from
 * the first output (resampy: a float64 time register summed output by output, which drifts by up to 0.17
 * input samples over an hour of 44.1 → 16 kHz; libsamplerate: its float32 ratio, up to a few samples), so a
 * window resampled from a fresh start sits at slightly different positions (differences ~1e-2 after an hour,
 * even with windows aligned to the rational period). Instead each window asks `resampleRangeForFrontend`
 * for outputs [from, to) of the WHOLE signal, which replays the position from 0 exactly; the signal it is
 * given is a view that holds only the window (global indices, the whole length), and throws on any read
 * outside it, so a too-small margin cannot go unnoticed. (The fast resamplers read the input only through
 * `length` and `subarray`; a plain index read also works, slowly, for rates they hand to the reference.)
 * Before the end of the input the view's length is the input so far: only outputs whose filter support ends
 * well before it are computed, and those do not depend on the length (nor on where the signal ends).
 */
import type { FrontendSpec } from '$lib/card/types';
import { midQualIncrement, midQualLength } from './generated/libsamplerate-mid-qual';
import { resampledLength, resampleRangeForFrontend } from './resample';
import { kaiserBest } from './resampy';

export interface StreamResampler {
	/** Appends decoded source-rate samples (copied; the caller may reuse the array). */
	push(block: Float32Array): void;
	/** Resamples the rest; returns the whole model-rate signal (as long as `resampledLength` of the input). */
	end(): Float32Array;
}

export interface StreamResampleOptions {
	/** Expected input samples (e.g. from the file header): the output is allocated once at its size. */
	expectedInput?: number;
	signal?: AbortSignal;
	/** Outputs per resampling call (default 2^21: ≈ 2 min at 16 kHz, 6 M input samples at 44.1 kHz). */
	windowOutputs?: number;
}

/**
 * Input samples either side of an output's position that its filter may read, plus slack for the drift of
 * the position from t·sourceRate/targetRate (resampy's float64 register, libsamplerate's float32 ratio:
 * both well under 2^-22 of the position) and for rounding.
 */
function margin(sourceRate: number, frontend: FrontendSpec, position: number): number {
	const down = Math.min(1, frontend.sampleRate / sourceRate);
	const zeroCrossings =
		frontend.resampler === 'resampy-0.2.2-kaiser-best'
			? kaiserBest.zeroCrossings
			: midQualLength / midQualIncrement;
	return Math.ceil(zeroCrossings / down + position * 2 ** -22) + 16;
}

/** `total` samples of which only [offset, offset + window.length) are held; reads elsewhere throw. */
function windowView(window: Float32Array, offset: number, total: number): Float32Array {
	const outside = (lo: number, hi: number) =>
		new RangeError(
			`resample-stream: read [${lo}, ${hi}) outside the held window [${offset}, ${offset + window.length})`
		);
	return new Proxy(window, {
		get(target, key) {
			if (key === 'length') return total;
			if (key === 'subarray')
				return (lo: number, hi: number) => {
					if (lo < offset || hi > offset + target.length) throw outside(lo, hi);
					return target.subarray(lo - offset, hi - offset);
				};
			if (typeof key === 'string' && /^\d+$/.test(key)) {
				const i = Number(key);
				if (i >= total) return undefined;
				if (i < offset || i >= offset + target.length) throw outside(i, i + 1);
				return target[i - offset];
			}
			throw new TypeError(`resample-stream: the windowed signal does not support ${String(key)}`);
		}
	});
}

/** A float32 buffer that grows by 1.25× (exact first size when the length is known). */
class Growable {
	data: Float32Array;
	length = 0;
	constructor(capacity: number) {
		this.data = new Float32Array(Math.max(capacity, 1024));
	}
	append(values: Float32Array) {
		if (this.length + values.length > this.data.length) {
			const grown = new Float32Array(
				Math.max(this.length + values.length, Math.ceil(this.data.length * 1.25))
			);
			grown.set(this.data.subarray(0, this.length));
			this.data = grown;
		}
		this.data.set(values, this.length);
		this.length += values.length;
	}
}

export function createStreamResampler(
	sourceRate: number,
	frontend: FrontendSpec,
	options: StreamResampleOptions = {}
): StreamResampler {
	const windowOutputs = options.windowOutputs ?? 1 << 21;
	const step = sourceRate / frontend.sampleRate; // input samples per output, near enough for margins
	const expected = options.expectedInput ?? 0;
	const out = new Growable(expected > 0 ? resampledLength(expected, sourceRate, frontend) : 0);
	// The held input: samples [held, held + input.length) of the whole signal.
	let input = new Float32Array(Math.ceil(windowOutputs * step) + 2 * margin(sourceRate, frontend, 0) + 1024);
	let held = 0;
	let inputLength = 0;
	let next = 0; // the next output to compute

	/** Outputs [next, to) of a signal of `total` samples, of which the window holds what they read. */
	function compute(to: number, total: number) {
		if (to <= next) return;
		const view = windowView(input.subarray(0, inputLength), held, total);
		out.append(resampleRangeForFrontend(view, sourceRate, frontend, next, to, { signal: options.signal }));
		next = to;
		// Drop the input that no later output reads.
		const keepFrom = Math.max(held, Math.floor(next * step) - margin(sourceRate, frontend, next * step));
		input.copyWithin(0, keepFrom - held, inputLength);
		inputLength -= keepFrom - held;
		held = keepFrom;
	}

	function reserve(extra: number) {
		if (inputLength + extra <= input.length) return;
		const grown = new Float32Array(Math.max(inputLength + extra, Math.ceil(input.length * 1.25)));
		grown.set(input.subarray(0, inputLength));
		input = grown;
	}

	if (sourceRate === frontend.sampleRate)
		// Both resamplers pass the signal through unchanged at equal rates (librosa, Essentia).
		return {
			push: (block) => out.append(block),
			end: () => out.data.subarray(0, out.length)
		};

	return {
		push(block) {
			for (let at = 0; at < block.length;) {
				const take = Math.min(block.length - at, Math.ceil(windowOutputs * step));
				reserve(take);
				input.set(block.subarray(at, at + take), inputLength);
				inputLength += take;
				at += take;
				const end = held + inputLength;
				// Whole windows whose support ends inside the input so far.
				for (;;) {
					const to = next + windowOutputs;
					if (Math.ceil(to * step) + margin(sourceRate, frontend, to * step) > end) break;
					compute(to, end);
				}
			}
		},
		end() {
			const total = held + inputLength;
			compute(resampledLength(total, sourceRate, frontend), total);
			input = new Float32Array(0);
			return out.data.subarray(0, out.length);
		}
	};
}
