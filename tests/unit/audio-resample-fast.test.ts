/**
 * The fast resamplers (resampy-fast.ts, libsamplerate-fast.ts, the default in resample.ts) against the
 * reference ports they speed up (resampy.ts, libsamplerate.ts): same length, max |Δ| ≤ 1e-6 (the issue's
 * tolerance) on every fixture clip's audio_src.f32 → 16 and 12 kHz and on synthetic signals at the rates
 * the app meets and others, including ranges, short inputs and lengths that are multiples of 4096; same
 * progress reports and abort. Measured: max |Δ| = 0 everywhere (resampy-fast is bit-identical by
 * construction; libsamplerate-fast sums in float64 in another order, which could flip a float32 rounding),
 * both with their WebAssembly SIMD kernels (the default) and in JavaScript.
 */
import { describe, expect, it } from 'vitest';
import type { FrontendSpec } from '../../src/lib/card/types';
import { resampleForFrontend, resampleRangeForFrontend, resampledLength } from '../../src/lib/audio/resample';
import { libsamplerateMedium } from '../../src/lib/audio/libsamplerate';
import { libsamplerateMediumFast } from '../../src/lib/audio/libsamplerate-fast';
import { resampyKaiserBest } from '../../src/lib/audio/resampy';
import { resampyKaiserBestFast } from '../../src/lib/audio/resampy-fast';
import type { ResampleControl } from '../../src/lib/audio/types';
import { clipFile, clipSourceRate, clipsWithSource, maxAbsDiff, readF32, readJson } from './helpers/fixtures';

const tolerance = 1e-6;
type Resampler = (x: Float32Array, from: number, to: number, control?: ResampleControl) => Float32Array;
const pairs: [string, Resampler, Resampler][] = [
	['resampy', resampyKaiserBestFast, resampyKaiserBest],
	['libsamplerate', libsamplerateMediumFast, libsamplerateMedium],
	// Where WebAssembly SIMD is missing (dot-kernels.ts): the same schemes in JavaScript.
	[
		'resampy (JavaScript chains)',
		(x, from, to, control) => resampyKaiserBestFast(x, from, to, { ...control, simd: false }),
		resampyKaiserBest
	],
	[
		'libsamplerate (JavaScript dot products)',
		(x, from, to, control) => libsamplerateMediumFast(x, from, to, { ...control, simd: false }),
		libsamplerateMedium
	]
];

/** A loud test signal: three sines, a chirp and white noise (deterministic), peaking near ±0.95. */
function signal(n: number, rate: number, seed = 1): Float32Array {
	let state = seed;
	const noise = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
	return Float32Array.from({ length: n }, (_, i) => {
		const t = i / rate;
		return (
			0.3 * Math.sin(2 * Math.PI * 440 * t) +
			0.2 * Math.sin(2 * Math.PI * 3000 * t + 1) +
			0.15 * Math.sin(2 * Math.PI * (0.45 * rate) * t) +
			0.15 * Math.sin(2 * Math.PI * (50 + 2000 * t) * t) +
			0.15 * noise()
		);
	});
}

function compare(fast: Float32Array, exact: Float32Array): number {
	expect(fast.length).toBe(exact.length);
	const diff = maxAbsDiff(fast, exact);
	expect(diff).toBeLessThanOrEqual(tolerance);
	return diff;
}

describe.each(clipsWithSource())('fixture %s (audio_src.f32 at its own rate)', (clip) => {
	const source = readF32(clipFile(clip, 'audio_src.f32'));
	const rate = clipSourceRate(clip);
	it.each(
		pairs.flatMap(([name, fast, exact]) => [16000, 12000].map((to) => [name, to, fast, exact] as const))
	)('%s → %i Hz', (name, to, fast, exact) => {
		const diff = compare(fast(source, rate, to), exact(source, rate, to));
		console.log(`${clip} ${name} ${rate} → ${to}: max |Δ| = ${diff}`);
	});
});

describe('synthetic signals', () => {
	// The app's rate pairs, other common rates, odd ones, and two whose output period is too long for the
	// polyphase scheme (the fast functions hand those to the reference).
	const rates = [
		44100, 48000, 22050, 32000, 8000, 11025, 16000, 24000, 88200, 96000, 192000, 37800, 12345, 44056
	];
	it.each(
		pairs.flatMap(([name, fast, exact]) => [16000, 12000].map((to) => [name, to, fast, exact] as const))
	)('%s → %i Hz from every rate', (name, to, fast, exact) => {
		const report: string[] = [];
		for (const rate of rates) {
			const x = signal(Math.round(1.3 * rate) + 17, rate, rate);
			report.push(`${rate}: ${compare(fast(x, rate, to), exact(x, rate, to))}`);
		}
		console.log(`${name} → ${to}: max |Δ| ${report.join(', ')}`);
	});
	it('libsamplerate: a length that is a multiple of 4096 (not flushed) and one that is not', () => {
		for (const n of [4096 * 20, 4096 * 20 + 1, 4096 * 3])
			for (const rate of [44100, 48000, 22050])
				compare(
					libsamplerateMediumFast(signal(n, rate), rate, 12000),
					libsamplerateMedium(signal(n, rate), rate, 12000)
				);
		expect(libsamplerateMediumFast(new Float32Array(1323008), 44100, 12000).length).toBe(359957);
	});
	it('short inputs (shorter than one filter length)', () => {
		for (const [, fast, exact] of pairs)
			for (const n of [1, 2, 7, 50, 100, 353, 700, 4096])
				for (const rate of [44100, 48000, 8000, 192000])
					for (const to of [16000, 12000]) {
						const x = signal(n, rate, n);
						compare(fast(x, rate, to), exact(x, rate, to));
					}
	});
	it('silence stays silence, a constant stays the reference’s', () => {
		for (const [, fast, exact] of pairs) {
			expect(fast(new Float32Array(50000), 44100, 16000).every((v) => v === 0)).toBe(true);
			const dc = new Float32Array(60000).fill(0.5);
			compare(fast(dc, 48000, 12000), exact(dc, 48000, 12000));
		}
	});
});

describe.each(pairs)('%s ranges', (_, fast, exact) => {
	it.each([44100, 48000, 22050, 11025])(
		'from %i Hz: any range is that slice of the whole, bit for bit',
		(rate) => {
			for (const to of [16000, 12000]) {
				const x = signal(Math.round(3.1 * rate), rate, 7);
				const whole = fast(x, rate, to);
				const reference = exact(x, rate, to);
				const length = whole.length;
				const cuts: [number, number][] = [
					[0, 1],
					[1, 12345],
					[12345, length],
					[length >> 1, length - 3],
					[length - 3, length + 100],
					[length + 5, length + 10],
					[777, 777],
					[4160 * 3 + 1, 4160 * 5 - 2]
				];
				for (const [from, until] of cuts) {
					const part = fast(x, rate, to, { range: { from, to: until } });
					const slice = whole.subarray(
						Math.min(from, length),
						Math.max(Math.min(from, length), Math.min(until, length))
					);
					expect(part.length).toBe(slice.length);
					expect(maxAbsDiff(part, slice)).toBe(0);
					compare(part, exact(x, rate, to, { range: { from, to: until } }));
				}
				compare(whole, reference);
			}
		}
	);
});

describe.each(pairs)('%s progress and abort', (_, fast, exact) => {
	const x = signal(44100 * 12, 44100);
	it('reports the same fractions as the reference', () => {
		for (const range of [undefined, { from: 70000, to: 190000 }]) {
			const fractions: number[] = [];
			const expected: number[] = [];
			fast(x, 44100, 16000, { tick: (f) => fractions.push(f), range });
			exact(x, 44100, 16000, { tick: (f) => expected.push(f), range });
			expect(fractions).toEqual(expected);
			expect(fractions.length).toBeGreaterThan(1);
		}
	});
	it('stops when the tick throws', () => {
		let calls = 0;
		const run = () =>
			fast(x, 44100, 12000, {
				tick: () => {
					if (++calls === 2) throw new Error('cancelled by the user');
				}
			});
		expect(run).toThrow('cancelled by the user');
	});
});

describe('resample.ts uses the fast paths by default', () => {
	const frontends = readJson<Record<string, FrontendSpec>>('models/frontends.json');
	it.each(['sota-torchaudio', 'mtg-essentia'])('%s', (name) => {
		const frontend = frontends[name];
		const x = signal(44100 * 4 + 3, 44100, 3);
		const fast =
			frontend.resampler === 'resampy-0.2.2-kaiser-best' ? resampyKaiserBestFast : libsamplerateMediumFast;
		const y = resampleForFrontend(x, 44100, frontend);
		expect(maxAbsDiff(y, fast(x, 44100, frontend.sampleRate))).toBe(0);
		const reference = resampleForFrontend(x, 44100, frontend, { exact: true });
		expect(reference).not.toBe(y); // memoised separately
		compare(y, reference);
		expect(y.length).toBe(resampledLength(x.length, 44100, frontend));
		const n = y.length;
		const part = resampleRangeForFrontend(x, 44100, frontend, n >> 2, n - 5);
		expect(maxAbsDiff(part, y.subarray(n >> 2, n - 5))).toBe(0);
	});
});
