/**
 * dot-kernels.ts: the WebAssembly SIMD module is what dot-kernels.wat assembles to, Node runs it (so the
 * fast resamplers tested in audio-resample-fast.test.ts are the SIMD ones), libsamplerate's sums agree with
 * the JavaScript kernels (a window summed alone gives the bits it gets in a quad; SIMD vs JavaScript differ
 * only by float64 rounding, another summation order), and resampy's eight float32 chains are the
 * reference's arithmetic bit for bit.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dotKernels, type DotKernels } from '../../src/lib/audio/dot-kernels';
import { assembleDotKernels, generatedSource } from '../../tools/gen-dot-kernels';

/** A row of `len` W0 then `len` D values at 0, and an input span after it, all random in [−1, 1). */
function fill(kernels: DotKernels, values: number, seed: number): void {
	let state = seed;
	for (let i = 0; i < values; i++)
		kernels.data[i] = ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

describe('dot kernels', () => {
	it('the stored module is what dot-kernels.wat assembles to', async () => {
		const stored = readFileSync('src/lib/audio/generated/dot-kernels.ts', 'utf8');
		expect(stored).toBe(generatedSource(await assembleDotKernels()));
	});

	it('Node runs the SIMD kernels; simd: false gives the JavaScript ones', () => {
		expect(dotKernels(64).simd).toBe(true);
		expect(dotKernels(64, { simd: false }).simd).toBe(false);
	});

	it.each([1, 2, 7, 336, 337])('%i taps: alone = in a quad (bit for bit), SIMD ≈ JavaScript', (len) => {
		const values = 2 * len + 4000;
		const simd = dotKernels(values);
		const js = dotKernels(values, { simd: false });
		fill(simd, values, len);
		fill(js, values, len);
		const windows = [2 * len, 2 * len + 1, 2 * len + 441, 2 * len + 1000];
		for (const kernels of [simd, js]) {
			kernels.quad(0, len, windows[0], windows[1], windows[2], windows[3]);
			const quad = Array.from(kernels.sums);
			windows.forEach((k, m) => {
				kernels.one(0, len, k, 0, len);
				expect([kernels.sums[0], kernels.sums[1]]).toEqual([quad[2 * m], quad[2 * m + 1]]);
			});
		}
		simd.quad(0, len, windows[0], windows[1], windows[2], windows[3]);
		js.quad(0, len, windows[0], windows[1], windows[2], windows[3]);
		for (let i = 0; i < 8; i++) expect(Math.abs(simd.sums[i] - js.sums[i])).toBeLessThan(1e-12 * len);
		// A clipped window: taps [from, to) only, the same sum as the JavaScript kernel's within rounding.
		simd.one(0, len, windows[2], len >> 2, len - (len >> 3));
		js.one(0, len, windows[2], len >> 2, len - (len >> 3));
		expect(Math.abs(simd.sums[0] - js.sums[0])).toBeLessThan(1e-12 * len);
		expect(Math.abs(simd.sums[1] - js.sums[1])).toBeLessThan(1e-12 * len);
	});

	it.each([1, 2, 177, 178])('resampy: %i taps of eight float32 chains, bit for bit', (count) => {
		const values = 2 * count + 4000;
		const simd = dotKernels(values);
		fill(simd, values, count);
		const data = Float64Array.from(simd.data);
		for (const dir of [-1, 1]) {
			const start = Array.from({ length: 8 }, (_, m) => 2 * count + 1000 + 147 * m + (m >> 1));
			const expected = start.map((k, m) => {
				// resampy's tap: fround(sum + (win + eta·delta)·x), from a non-zero running sum.
				let sum = Math.fround(0.25 * m - 1);
				const eta = 0.1 * m + 0.05;
				for (let i = 0; i < count; i++)
					sum = Math.fround(sum + (data[2 * i] + eta * data[2 * i + 1]) * data[k + dir * i]);
				return sum;
			});
			for (let m = 0; m < 8; m++) {
				simd.sums[m] = Math.fround(0.25 * m - 1);
				simd.etas[m] = 0.1 * m + 0.05;
				simd.inputs[m] = start[m];
			}
			simd.wingOct!(0, dir, count);
			expect(Array.from(simd.sums)).toEqual(expected);
		}
	});
});
