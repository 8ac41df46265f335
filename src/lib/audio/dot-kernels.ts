/**
 * The fast resamplers' dot products: libsamplerate's (`dotQuad`, `dotOne`) in WebAssembly SIMD
 * (dot-kernels.wat, f64x2: two taps per instruction, the same float64 products) where the runtime has it,
 * else JavaScript; and resampy's float32 chains eight outputs at a time (`wingOct`, SIMD only).
 * Each sums a window in one fixed order whether it is summed alone or in a quad (so an output gets the same
 * bits either way, and a range stays a bit-identical slice of the whole): the SIMD kernels sum even and odd
 * taps apart and then add them, the JavaScript ones sum the taps in one chain; between the two, an output
 * may differ by a float64 rounding (and, rarely, one float32 rounding of the result).
 */
import { dotKernelsBase64 } from './generated/dot-kernels';

/** The arena (`data`, float64) and, after it, the sums the kernels write and their other inputs, in one memory. */
export interface DotKernels {
	readonly data: Float64Array;
	readonly sums: Float64Array;
	/** Whether these are the WebAssembly SIMD kernels. */
	readonly simd: boolean;
	/** sums[2m] = Σ W0·x_m, sums[2m + 1] = Σ D·x_m for windows at kA…kD against the row at `row`. */
	quad(row: number, len: number, kA: number, kB: number, kC: number, kD: number): void;
	/** sums[0] = Σ W0·x, sums[1] = Σ D·x over taps [from, to) of the window at k. */
	one(row: number, len: number, k: number, from: number, to: number): void;
	/**
	 * SIMD only (resampy-fast.ts): continues the float32 sums of eight outputs (`sums`) over `count` taps of
	 * the [win, delta] row at `row`, output m with eta `etas[m]` and its tap 0 at arena index `inputs[m]`,
	 * each tap moving the input by `dir`: exactly resampy's arithmetic.
	 */
	wingOct?: (row: number, dir: number, count: number) => void;
	readonly etas: Float64Array;
	readonly inputs: Int32Array;
}

interface Exports {
	dotQuad(out: number, row: number, len: number, kA: number, kB: number, kC: number, kD: number): void;
	dotOne(out: number, row: number, len: number, k: number, from: number, to: number): void;
	wingOct(scratch: number, row: number, dir: number, count: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is missing (or WebAssembly itself). */
function simdModule(): WebAssembly.Module | null {
	if (compiled !== undefined) return compiled;
	try {
		const bytes = Uint8Array.from(atob(dotKernelsBase64), (c) => c.charCodeAt(0));
		compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
	} catch {
		compiled = null;
	}
	return compiled;
}

/** Kernels over an arena (`data`) of `values` float64 values; `simd: false` takes the JavaScript ones. */
export function dotKernels(values: number, { simd = true } = {}): DotKernels {
	const module = simd ? simdModule() : null;
	// The arena, then 8 sums, 8 etas and 8 input indices (int32: 4 float64 slots).
	const length = values + 20;
	const scratch = (buffer: ArrayBufferLike) => ({
		sums: new Float64Array(buffer, 8 * values, 8),
		etas: new Float64Array(buffer, 8 * (values + 8), 8),
		inputs: new Int32Array(buffer, 8 * (values + 16), 8)
	});
	if (!module) {
		const buffer = new ArrayBuffer(8 * length);
		const data = new Float64Array(buffer, 0, values);
		const { sums, etas, inputs } = scratch(buffer);
		return {
			data,
			sums,
			etas,
			inputs,
			simd: false,
			quad: (row, len, kA, kB, kC, kD) => dotQuad(data, sums, row, len, kA, kB, kC, kD),
			one: (row, len, k, from, to) => dotOne(data, sums, row, len, k, from, to)
		};
	}
	const pages = Math.ceil((length * 8) / 65536);
	const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
	const wasm = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
	return {
		data: new Float64Array(memory.buffer, 0, values),
		...scratch(memory.buffer),
		simd: true,
		quad: (row, len, kA, kB, kC, kD) => wasm.dotQuad(values, row, len, kA, kB, kC, kD),
		one: (row, len, k, from, to) => wasm.dotOne(values, row, len, k, from, to),
		wingOct: (row, dir, count) => wasm.wingOct(8 * values, row, dir, count)
	};
}

/**
 * Sums of four input windows against one kernel row (`len` W0 values at `row`, then `len` D values):
 * out[2k] = Σ W0·x_k, out[2k + 1] = Σ D·x_k, window k starting at arena index kA, kB, kC, kD.
 */
function dotQuad(
	arena: Float64Array,
	out: Float64Array,
	row: number,
	len: number,
	kA: number,
	kB: number,
	kC: number,
	kD: number
): void {
	let wA = 0,
		dA = 0,
		wB = 0,
		dB = 0,
		wC = 0,
		dC = 0,
		wD = 0,
		dD = 0;
	const slopes = row + len;
	for (let j = 0; j < len; j++) {
		const w = arena[row + j];
		const d = arena[slopes + j];
		const a = arena[kA + j],
			b = arena[kB + j],
			c = arena[kC + j],
			e = arena[kD + j];
		wA += w * a;
		dA += d * a;
		wB += w * b;
		dB += d * b;
		wC += w * c;
		dC += d * c;
		wD += w * e;
		dD += d * e;
	}
	out[0] = wA;
	out[1] = dA;
	out[2] = wB;
	out[3] = dB;
	out[4] = wC;
	out[5] = dC;
	out[6] = wD;
	out[7] = dD;
}

/**
 * One window's sums against a kernel row over taps [from, to): out[0] = Σ W0·x, out[1] = Σ D·x, in the same
 * order and arithmetic as each window of `dotQuad` (so an output does not depend on which of the two
 * computed it).
 */
function dotOne(
	arena: Float64Array,
	out: Float64Array,
	row: number,
	len: number,
	k: number,
	from: number,
	to: number
): void {
	let w = 0,
		d = 0;
	const slopes = row + len;
	for (let j = from; j < to; j++) {
		const a = arena[k + j];
		w += arena[row + j] * a;
		d += arena[slopes + j] * a;
	}
	out[0] = w;
	out[1] = d;
}
