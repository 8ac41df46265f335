/**
 * Node decoding: the fixture excerpts against ffmpeg 5.1.9's decode (audio_src.f32), and every kind of bad
 * or unusual input → a valid DecodedAudio or a typed AudioInputError, never a hang or a crash.
 * Measured vs ffmpeg: Ogg Vorbis ≤ 3.6e-7, MP3 ≤ 1.8e-6 max |Δ|, same lengths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrontendSpec } from '../../src/lib/card/types';
import { decodeBytesNode, decodeFileNode } from '../../src/lib/audio/decode-node';
import { resampleForFrontend } from '../../src/lib/audio/resample';
import {
	AudioInputError,
	isNearSilent,
	type AudioInputErrorCode,
	type DecodedAudio
} from '../../src/lib/audio/types';
import { createMelExtractor } from '../../src/lib/features/mel';
import {
	clipFile,
	clipSourceRate,
	clipsWithSource,
	compressedClipFile,
	maxAbsDiff,
	readF32,
	readJson
} from './helpers/fixtures';
import { wavBlockFrames, writeWav } from './helpers/wav';

describe.each(clipsWithSource())('%s: decode vs ffmpeg', (clip) => {
	it('matches audio_src.f32', async () => {
		const file = compressedClipFile(clip);
		const decoded = await decodeFileNode(file);
		const expected = readF32(clipFile(clip, 'audio_src.f32'));
		expect(decoded.sampleRate).toBe(clipSourceRate(clip));
		const original = readJson<{ original: { channels: number } }>(clipFile(clip, 'clip.json')).original;
		expect(decoded.channels).toBe(original.channels); // a mono MP3 is reported mono, not the decoder's dual mono
		expect(decoded.mono.length).toBe(expected.length);
		const diff = maxAbsDiff(decoded.mono, expected);
		console.log(`${clip}: decoder vs ffmpeg max |Δ| = ${diff.toExponential(2)}`);
		expect(diff).toBeLessThanOrEqual(file.endsWith('.mp3') ? 3e-6 : 1e-6);
		// The byte path decodes identically.
		const fromBytes = await decodeBytesNode(new Uint8Array(readFileSync(file)));
		expect(maxAbsDiff(fromBytes.mono, decoded.mono)).toBe(0);
	});
});

async function expectInputError(promise: Promise<unknown>, ...codes: AudioInputErrorCode[]) {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e
	);
	expect(error).toBeInstanceOf(AudioInputError);
	expect(codes).toContain((error as AudioInputError).code);
	expect((error as AudioInputError).message.length).toBeGreaterThan(10);
	return error as AudioInputError;
}

/** Either a sane decoded signal or a typed error: what a user's broken file must give. */
async function expectValidOrTyped(promise: Promise<DecodedAudio>) {
	try {
		const decoded = await promise;
		expect(decoded.mono.length).toBeGreaterThan(0);
		expect(decoded.mono.every(Number.isFinite)).toBe(true);
		return decoded;
	} catch (error) {
		expect(error).toBeInstanceOf(AudioInputError);
		return error as AudioInputError;
	}
}

describe('bad and unusual input', () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), 'audio-decode-'));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));
	const frontends = readJson<Record<string, FrontendSpec>>('models/frontends.json');

	it('zero bytes → empty', async () => {
		const path = join(dir, 'empty.mp3');
		writeFileSync(path, '');
		const error = await expectInputError(decodeFileNode(path), 'empty');
		expect(error.message).toContain('empty (0 bytes)');
		await expectInputError(decodeBytesNode(new Uint8Array(0)), 'empty');
	});

	it('a text file named .mp3 → unsupported', async () => {
		const path = join(dir, 'notes.mp3');
		writeFileSync(path, 'These are my notes, not an mp3.\n'.repeat(50));
		const error = await expectInputError(decodeFileNode(path), 'unsupported');
		expect(error.message).toContain('not audio we can decode');
	});

	it.each([200, 2000, 20000])(
		'an mp3 truncated to %i bytes → short audio or a typed error',
		async (bytes) => {
			const mp3 = clipsWithSource()
				.map(compressedClipFile)
				.find((f) => f.endsWith('.mp3'));
			const source = readFileSync(mp3 ?? compressedClipFile(clipsWithSource()[0]));
			await expectValidOrTyped(decodeBytesNode(new Uint8Array(source.subarray(0, bytes)), 'truncated.mp3'));
		}
	);

	it('an ogg cut in half decodes its first half', async () => {
		const ogg = clipsWithSource()
			.map(compressedClipFile)
			.find((f) => f.endsWith('.ogg'))!;
		const bytes = readFileSync(ogg);
		const half = await decodeBytesNode(new Uint8Array(bytes.subarray(0, bytes.length >> 1)));
		const whole = await decodeFileNode(ogg);
		expect(half.mono.length).toBeGreaterThan(whole.mono.length / 3);
		expect(half.mono.length).toBeLessThan(whole.mono.length);
	});

	it('garbage after a valid Ogg header → corrupt', async () => {
		const ogg = readFileSync(
			clipsWithSource()
				.map(compressedClipFile)
				.find((f) => f.endsWith('.ogg'))!
		);
		const garbage = Uint8Array.from({ length: 20000 }, (_, i) => (i * 7919 + 13) & 255);
		const bytes = new Uint8Array(60 + garbage.length);
		bytes.set(ogg.subarray(0, 60));
		bytes.set(garbage, 60);
		await expectInputError(decodeBytesNode(bytes), 'corrupt', 'too-short');
	});

	it('a WAV header with no samples → corrupt', async () => {
		const path = join(dir, 'header.wav');
		writeWav(path, { sampleRate: 44100, channels: 2, frames: 0 });
		await expectInputError(decodeFileNode(path), 'corrupt', 'too-short');
	});

	it('silence is valid (not an error) and gives the −100 dB floor', async () => {
		const path = join(dir, 'silence.wav');
		writeWav(path, { sampleRate: 44100, channels: 2, frames: 44100 * 4 });
		const decoded = await decodeFileNode(path);
		expect(isNearSilent(decoded.mono)).toBe(true);
		const audio = resampleForFrontend(decoded.mono, decoded.sampleRate, frontends['mtg-essentia']);
		const mel = createMelExtractor(frontends['mtg-essentia']).logMel(audio, 0, 349200);
		expect(mel.every((v) => v === -100)).toBe(true);
	});

	it.each([
		[8000, 1],
		[192000, 2],
		[48000, 6]
	])('%i Hz, %i channel(s): decodes, down-mixes to the mean and resamples', async (sampleRate, channels) => {
		const path = join(dir, `tone-${sampleRate}-${channels}.wav`);
		const frames = sampleRate * 3; // 3 s
		const level = (c: number) => 0.1 * (c + 1);
		writeWav(path, {
			sampleRate,
			channels,
			frames,
			format: 'float32',
			sample: (i, c) => level(c) * Math.sin((2 * Math.PI * 440 * i) / sampleRate)
		});
		const decoded = await decodeFileNode(path);
		expect(decoded).toMatchObject({ sampleRate, channels });
		expect(decoded.mono.length).toBe(frames);
		const meanLevel = Array.from({ length: channels }, (_, c) => level(c)).reduce((a, b) => a + b) / channels;
		const peak = decoded.mono.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
		expect(peak).toBeCloseTo(meanLevel, 3);
		for (const frontend of Object.values(frontends)) {
			const audio = resampleForFrontend(decoded.mono, sampleRate, frontend);
			expect(Math.abs(audio.length - 3 * frontend.sampleRate)).toBeLessThanOrEqual(1);
			expect(audio.every(Number.isFinite)).toBe(true);
		}
	});

	it('a 3 s file gives full-size (zero-padded) model inputs', async () => {
		const path = join(dir, 'short.wav');
		writeWav(path, {
			sampleRate: 44100,
			channels: 2,
			frames: 44100 * 3,
			sample: (i) => 0.3 * Math.sin(i / 10)
		});
		const decoded = await decodeFileNode(path);
		const frontend = frontends['sota-torchaudio'];
		const tables = new Float32Array(512 + 257 * 96).fill(0.5);
		const mel = createMelExtractor(
			{
				...frontend,
				tables: { window: { offset: 0, length: 512 }, filterbank: { offset: 512, rows: 257, cols: 96 } }
			} as FrontendSpec,
			tables.buffer
		);
		const audio = resampleForFrontend(decoded.mono, decoded.sampleRate, frontend);
		expect(audio.length).toBe(48000);
		expect(mel.logMel(audio, 0, 464000).length).toBe(96 * 1813);
	});

	it('a sample rate no format uses → sample-rate', async () => {
		const path = join(dir, 'slow.wav');
		writeWav(path, { sampleRate: 500, channels: 1, frames: 5000 });
		await expectInputError(decodeFileNode(path), 'sample-rate');
	});

	it('under 0.1 s → too-short', async () => {
		const path = join(dir, 'click.wav');
		writeWav(path, { sampleRate: 44100, channels: 1, frames: 441 });
		await expectInputError(decodeFileNode(path), 'too-short');
	});

	it('one hour decodes (8 kHz mono WAV, 58 MB)', async () => {
		const path = join(dir, 'hour.wav');
		const period = wavBlockFrames / 256; // the repeated block holds whole periods
		writeWav(path, {
			sampleRate: 8000,
			channels: 1,
			frames: 8000 * 3600,
			repeatFirstBlock: true,
			sample: (i) => 0.5 * Math.sin((2 * Math.PI * i) / period)
		});
		const decoded = await decodeFileNode(path);
		expect(decoded.mono.length).toBe(8000 * 3600);
		expect(decoded.mono[8000 * 3600 - period + period / 4]).toBeCloseTo(0.5, 3); // last period, at its peak
		rmSync(path);
	});

	it('over 2 hours → too-long, stopping early', async () => {
		const path = join(dir, 'long.wav');
		writeWav(path, { sampleRate: 1000, channels: 1, frames: 1000 * (2 * 3600 + 60), repeatFirstBlock: true });
		const error = await expectInputError(decodeFileNode(path), 'too-long');
		expect(error.message).toContain('2 hours');
	});
});
