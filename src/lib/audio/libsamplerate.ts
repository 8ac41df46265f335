/**
 * libsamplerate 0.2.2 SRC_SINC_MEDIUM_QUALITY as Essentia 2019's MonoLoader drove it (what made the MTG
 * training mels), ported from src_sinc.c (`sinc_mono_vari_process`, `calc_output_single`, `prepare_data`;
 * BSD-2-Clause, Copyright (c) 2002-2021 Erik de Castro Lopo) for bit-identical float32 output.
 *
 * Faithful details (fixtures README step 4):
 * - src_ratio = float32(targetRate) / float32(sourceRate) (Essentia computes it in `Real`);
 * - fixed-point filter index (12 fractional bits, lrint), linearly interpolated float32 table, the
 *   coefficient difference rounded to float32 (float − float in C), double accumulation, left wing summed
 *   outward-in, right wing outward-in, output = (float)(scale · (left + right));
 * - the input position advances by 1/ratio in float64 with `fmod_one`, exactly as the library does;
 * - Essentia feeds 4096-frame blocks with end_of_input = 0 and sets end_of_input = 1 only on a final
 *   partial block. With end_of_input the filter tail is flushed (zeros after the end) until
 *   `position + 1/ratio > N`; without it (N a multiple of 4096) output stops once fewer than
 *   half-filter-length input samples remain after the current position.
 * Buffering inside libsamplerate only changes when outputs are produced, not their values, so the signal is
 * processed in one pass with zeros outside [0, N).
 */
import { midQualCoeffsBase64, midQualIncrement, midQualLength } from './generated/libsamplerate-mid-qual';
import type { ResampleControl } from './types';

/** Fixed-point filter index: 12 fractional bits (src_sinc.c SHIFT_BITS). */
export const shiftBits = 12;
export const fpOne = 1 << shiftBits;
export const fpMask = fpOne - 1;
/** Essentia's streaming block size (frames per src_process call). */
export const essentiaBlockSize = 4096;

let table: { coeffs: Float32Array; pairs: Float64Array } | undefined;

function decodeBase64(text: string): Uint8Array {
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

/**
 * The medium-quality coefficients, and for the inner loop [coeff, diff] pairs side by side (one cache line
 * per tap instead of two), where diff = float32(coeffs[i+1] − coeffs[i]) as C computes `float − float`.
 */
export function midQualityTable() {
	if (!table) {
		const bytes = decodeBase64(midQualCoeffsBase64);
		const view = new DataView(bytes.buffer);
		const coeffs = new Float32Array(midQualLength);
		for (let i = 0; i < midQualLength; i++) coeffs[i] = view.getFloat32(4 * i, true);
		const pairs = new Float64Array(2 * midQualLength);
		for (let i = 0; i < midQualLength; i++) {
			pairs[2 * i] = coeffs[i];
			pairs[2 * i + 1] = i + 1 < midQualLength ? Math.fround(coeffs[i + 1] - coeffs[i]) : 0;
		}
		table = { coeffs, pairs };
	}
	return table;
}

/** C lrint in the default rounding mode: round half to even. */
export function lrint(x: number): number {
	const r = Math.round(x);
	return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** libsamplerate's fmod_one: x − lrint(x), wrapped into [0, 1). */
export function fmodOne(x: number): number {
	const r = x - lrint(x);
	return r < 0 ? r + 1 : r;
}

/**
 * One half of calc_output_single: the interpolated coefficient at each filter index (stepping down by
 * `increment` while it stays above `lowest`) times the sample at the data index (stepping by `dataStep`).
 * Left half: lowest −1 (index 0 included), data rising; right half: lowest 0, data falling.
 */
function wing(
	x: Float32Array,
	pairs: Float64Array,
	filterIndex: number,
	increment: number,
	dataIndex: number,
	dataStep: 1 | -1,
	lowest: -1 | 0
): number {
	let sum = 0.0;
	for (
		;
		filterIndex > lowest;
		filterIndex = (filterIndex - increment) | 0, dataIndex = (dataIndex + dataStep) | 0
	) {
		const at = (filterIndex >> shiftBits) << 1;
		sum += (pairs[at] + (filterIndex & fpMask) * (1 / fpOne) * pairs[at + 1]) * x[dataIndex];
	}
	return sum;
}

/** src_sinc.c's constants for one conversion (mono, constant ratio, Essentia's float32 ratio). */
export function converter(n: number, sourceRate: number, targetRate: number) {
	const ratio = Math.fround(Math.fround(targetRate) / Math.fround(sourceRate));
	const coeffHalfLen = midQualLength - 2;
	let count = (coeffHalfLen + 2.0) / midQualIncrement;
	if (ratio < 1.0) count /= ratio;
	const floatIncrement = midQualIncrement * (ratio < 1.0 ? ratio : 1.0);
	return {
		n,
		ratio,
		halfFilterLen: lrint(count) + 1,
		floatIncrement,
		increment: lrint(floatIncrement * fpOne),
		scale: floatIncrement / midQualIncrement,
		maxFilterIndex: coeffHalfLen << shiftBits,
		terminate: 1.0 / ratio + 1e-20,
		flushes: n % essentiaBlockSize !== 0 // a final partial block carries end_of_input = 1
	};
}
export type Converter = ReturnType<typeof converter>;

/** An output's input position: libsamplerate's b_current (a whole sample) and input_index (the fraction). */
export class Cursor {
	current = 0;
	inputIndex = 0.0;

	/** No more output: flushed to the end, or (no end_of_input) too few samples left for the filter. */
	ended(c: Converter): boolean {
		// b_current + input_index + terminate > b_real_end, with b_real_end − b_current = N − current.
		return c.flushes
			? this.inputIndex + c.terminate > c.n - this.current
			: c.n - this.current <= c.halfFilterLen;
	}

	advance(c: Converter): void {
		this.inputIndex += 1.0 / c.ratio;
		const rem = fmodOne(this.inputIndex);
		this.current += lrint(this.inputIndex - rem);
		this.inputIndex = rem;
	}
}

/** How many samples libsamplerateMedium produces for `n` input samples (positions only, no filtering). */
export function libsamplerateLength(n: number, sourceRate: number, targetRate: number): number {
	const c = converter(n, sourceRate, targetRate);
	const cursor = new Cursor();
	let count = 0;
	for (; !cursor.ended(c); count++) cursor.advance(c);
	return count;
}

/**
 * Essentia 2019 MonoLoader resampling (libsamplerate SINC_MEDIUM, 4096-frame blocks).
 * `range` computes only outputs [from, to) (clipped to the output length); the input position of `from` is
 * replayed exactly, so ranges computed separately (e.g. in two workers) concatenate to the whole, bit for bit.
 */
export function libsamplerateMedium(
	x: Float32Array,
	sourceRate: number,
	targetRate: number,
	{ tick, range = { from: 0 } }: ResampleControl = {}
): Float32Array {
	// At ratio 1 libsamplerate would still filter; Essentia's Resample copies instead (see resample.ts).
	const { pairs } = midQualityTable();
	const n = x.length;
	const c = converter(n, sourceRate, targetRate);
	const { increment, maxFilterIndex, floatIncrement, scale } = c;
	const cursor = new Cursor();
	for (let t = 0; t < range.from && !cursor.ended(c); t++) cursor.advance(c);

	// Output upper bound: positions advance by ≥ 1/ratio − 1 ulp; allocate generously and trim.
	const capacity = Math.max(0, Math.min(range.to ?? Infinity, Math.ceil(n * c.ratio) + 2) - range.from);
	const y = new Float32Array(capacity);
	let produced = 0;
	while (produced < capacity && !cursor.ended(c)) {
		if (tick && (produced & 0xffff) === 0) tick(produced / capacity);
		const { current, inputIndex } = cursor;
		const startFilterIndex = lrint(inputIndex * floatIncrement * fpOne);

		// Left wing: from the farthest tap in to the current sample (data index increasing).
		let filterIndex = startFilterIndex;
		let coeffCount = Math.trunc((maxFilterIndex - filterIndex) / increment);
		filterIndex += coeffCount * increment;
		let dataIndex = current - coeffCount;
		// Taps before the signal start read the zeros libsamplerate keeps in front of its buffer.
		if (dataIndex < 0) {
			const steps = -dataIndex;
			filterIndex -= increment * steps;
			dataIndex += steps;
		}
		// (current < N always holds here, so the left wing never reads past the end.)
		const left = wing(x, pairs, filterIndex | 0, increment | 0, dataIndex | 0, 1, -1);

		// Right wing: from the farthest tap in to the sample after the current one (data index decreasing).
		filterIndex = increment - startFilterIndex;
		coeffCount = Math.trunc((maxFilterIndex - filterIndex) / increment);
		filterIndex += coeffCount * increment;
		dataIndex = current + 1 + coeffCount;
		// Taps past the end read the zeros of the flushed tail: they add exactly 0, so skip them.
		if (dataIndex >= n) {
			const skip = dataIndex - (n - 1);
			filterIndex -= increment * skip;
			dataIndex -= skip;
		}
		const right = wing(x, pairs, filterIndex | 0, increment | 0, dataIndex | 0, -1, 0);

		y[produced++] = scale * (left + right);
		cursor.advance(c);
	}
	return produced === capacity ? y : y.slice(0, produced);
}
