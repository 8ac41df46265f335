/**
 * The streaming resampler (src/lib/audio/resample-stream.ts) against the whole-signal resampleForFrontend:
 * same length and max |Δ| ≤ 1e-6 (measured: 0, bit-identical) for both front-end resamplers, on every
 * fixture clip's audio_src.f32 and on synthetic signals at 44.1/48/22.05/8/16 kHz, fed in blocks of many
 * sizes with windows of many sizes (so every window boundary case is met), and on 3 minutes of 44.1 kHz
 * with the default window, where the positions have drifted (the reason windows are not resampled alone).
 * decodeToModelRates (decode a Blob → stream-resample, the worker's long-file path) against decoding the whole
 * file and resampling it: the same signals, frames, channels and silence verdict.
 */
import { describe, expect, it } from 'vitest';
import type { FrontendSpec } from '../../src/lib/card/types';
import { resampleForFrontend, resampledLength } from '../../src/lib/audio/resample';
import { createStreamResampler } from '../../src/lib/audio/resample-stream';
import { decodeToModelRates } from '../../src/lib/audio/decode-resampled';
import { decodeBytesNode } from '../../src/lib/audio/decode-node';
import { isNearSilent } from '../../src/lib/audio/types';
import { clipAudioFile, fixtureClips } from '../../tools/fixtures';
import { clipFile, clipSourceRate, clipsWithSource, maxAbsDiff, readF32, readJson } from './helpers/fixtures';
import { readFileSync } from 'node:fs';

const frontends = readJson<Record<string, FrontendSpec>>('models/frontends.json');
const byResampler = ['sota-torchaudio', 'mtg-essentia'].map((name) => [name, frontends[name]] as const);

/** Music-like test signal: two tones, a chirp and deterministic noise, peaking near ±0.9. */
function testSignal(n: number, rate: number): Float32Array {
	let state = rate;
	return Float32Array.from({ length: n }, (_, i) => {
		const t = i / rate;
		state = (Math.imul(state, 1103515245) + 12345) >>> 0;
		return (
			0.35 * Math.sin(2 * Math.PI * 220 * t) +
			0.2 * Math.sin(2 * Math.PI * 0.41 * rate * t) +
			0.2 * Math.sin(2 * Math.PI * (100 + 900 * t) * t) +
			0.15 * (state / 2 ** 31 - 1)
		);
	});
}

/** Streams `x` in blocks of the given sizes (cycled), as a decoder would hand them over. */
function streamed(
	x: Float32Array,
	rate: number,
	frontend: FrontendSpec,
	blocks: number[],
	windowOutputs?: number,
	expectedInput?: number
): Float32Array {
	const stream = createStreamResampler(rate, frontend, { windowOutputs, expectedInput });
	for (let at = 0, k = 0; at < x.length; k++) {
		const size = blocks[k % blocks.length];
		// A reused scratch array, as decode-stream's onBlock hands it: the resampler must copy.
		const scratch = x.slice(at, at + size);
		stream.push(scratch);
		scratch.fill(NaN);
		at += size;
	}
	return stream.end();
}

function expectSame(ours: Float32Array, whole: Float32Array): number {
	expect(ours.length).toBe(whole.length);
	const diff = maxAbsDiff(ours, whole);
	expect(diff).toBeLessThanOrEqual(1e-6);
	return diff;
}

describe.each(clipsWithSource())('fixture %s (audio_src.f32)', (clip) => {
	const source = readF32(clipFile(clip, 'audio_src.f32'));
	const rate = clipSourceRate(clip);
	it.each(byResampler)('%s', (name, frontend) => {
		const whole = resampleForFrontend(source, rate, frontend);
		const report: string[] = [];
		for (const [blocks, window] of [
			[[4096], 10_000],
			[[1152, 77_777, 3], 65_536],
			[[1 << 20], undefined]
		] as const) {
			const diff = expectSame(streamed(source, rate, frontend, [...blocks], window), whole);
			report.push(`window ${window ?? 'default'}: ${diff}`);
		}
		console.log(`${clip} ${name} ${rate} → ${frontend.sampleRate}: max |Δ| ${report.join(', ')}`);
	});
});

describe('synthetic signals', () => {
	it.each(byResampler)('%s from 44.1, 48, 22.05, 8 and 16 kHz', (name, frontend) => {
		for (const rate of [44100, 48000, 22050, 8000, 16000]) {
			const x = testSignal(Math.round(7.3 * rate) + 11, rate);
			const whole = resampleForFrontend(x, rate, frontend);
			for (const window of [997, 4096, 30_000])
				for (const blocks of [[1], [513, 4096], [1 << 16]]) {
					if (blocks[0] === 1 && window !== 997) continue; // sample by sample once is enough
					expectSame(streamed(x, rate, frontend, blocks, window), whole);
				}
			// An exact header estimate, a low one (the output grows) and a high one (trimmed).
			for (const expected of [x.length, x.length >> 1, x.length * 2])
				expectSame(streamed(x, rate, frontend, [8192], 5000, expected), whole);
		}
		console.log(`${name}: bit-identical from every rate`);
	});

	it.each(byResampler)('%s: inputs shorter than one filter length and one window', (_, frontend) => {
		for (const n of [1, 2, 50, 353, 4096])
			for (const rate of [44100, 8000]) {
				const x = testSignal(n, rate);
				expectSame(streamed(x, rate, frontend, [7], 1000), resampleForFrontend(x, rate, frontend));
			}
	});

	it.each(byResampler)(
		'%s: 3 minutes of 44.1 kHz, default window',
		(name, frontend) => {
			const x = testSignal(44100 * 180 + 5, 44100);
			const whole = resampleForFrontend(x, 44100, frontend);
			const diff = expectSame(streamed(x, 44100, frontend, [1 << 20, 300_001]), whole);
			expect(whole.length).toBe(resampledLength(x.length, 44100, frontend));
			console.log(`${name} 3 min 44.1 kHz: max |Δ| = ${diff}`);
		},
		60_000
	);
});

describe.each(fixtureClips())('decodeToModelRates: fixture %s (compressed file as a Blob)', (clip) => {
	it('gives the signals of whole decode + resampleForFrontend, for both front ends at once', async () => {
		const bytes = readFileSync(clipAudioFile(clip));
		const decoded = await decodeBytesNode(new Uint8Array(bytes));
		const fronts = byResampler.map(([, frontend]) => frontend);
		const fractions: number[] = [];
		const ours = await decodeToModelRates(new Blob([bytes]), fronts, {
			windowOutputs: 20_000,
			onProgress: (f) => fractions.push(f)
		});
		expect(ours.sampleRate).toBe(decoded.sampleRate);
		expect(ours.channels).toBe(decoded.channels);
		expect(ours.frames).toBe(decoded.mono.length);
		expect(ours.silent).toBe(isNearSilent(decoded.mono));
		fronts.forEach((frontend, i) =>
			expectSame(ours.signals[i], resampleForFrontend(decoded.mono, decoded.sampleRate, frontend))
		);
		expect(fractions.at(-1)).toBe(1);
	});
});

it('decodeToModelRates: a silent file is silent, a file that is not audio is refused by name', async () => {
	const rate = 8000;
	const pcm = new Int16Array(rate * 2);
	const header = new DataView(new ArrayBuffer(44));
	const text = (at: number, s: string) => [...s].forEach((c, i) => header.setUint8(at + i, c.charCodeAt(0)));
	text(0, 'RIFF');
	header.setUint32(4, 36 + pcm.byteLength, true);
	text(8, 'WAVEfmt ');
	header.setUint32(16, 16, true);
	header.setUint16(20, 1, true);
	header.setUint16(22, 1, true);
	header.setUint32(24, rate, true);
	header.setUint32(28, rate * 2, true);
	header.setUint16(32, 2, true);
	header.setUint16(34, 16, true);
	text(36, 'data');
	header.setUint32(40, pcm.byteLength, true);
	const silent = await decodeToModelRates(new Blob([header.buffer, pcm.buffer]), [byResampler[0][1]]);
	expect(silent.silent).toBe(true);
	expect(silent.signals[0].length).toBe(32000);
	await expect(
		decodeToModelRates(new Blob(['just text, not audio']), [byResampler[0][1]], { name: '"notes.mp3"' })
	).rejects.toThrow(/"notes.mp3" is not audio/);
});
