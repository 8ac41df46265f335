/**
 * M4A (AAC, ALAC), audio in MP4 and ADTS .aac through the Node path (decode-mp4.ts, @audio/decode-aac).
 * The fixture clips are transcoded with ffmpeg at test time into a temporary folder (never committed):
 * - ALAC decodes bit-identically to the same PCM as a float WAV (lossless), at the source's length: 16-bit
 *   samples / 32768, as ffmpeg and libsndfile read them. Our FLAC and 16-bit WAV decoders scale by 1/32767
 *   instead (@audio/decode-flac: all samples; @audio/decode-wav: positive ones), so those agree to one step;
 * - AAC agrees with ffmpeg's own decode of the same file (encoded without PNS, whose noise is each decoder's
 *   own random numbers), and the default model's track probabilities from the M4A are within 1e-3 of those
 *   from a float WAV of ffmpeg's decode of it; with PNS (ffmpeg's default) the decoders' noise differs and so
 *   do the probabilities, by up to ≈ 3e-3;
 * - what we cannot decode (WMA, AC-3 in MP4, an MP4 without audio, fragmented MP4, a truncated index) is
 *   refused with a message naming it.
 * Measured: AAC vs ffmpeg 5.1 max |Δ| ≤ 4.8e-7; track probabilities without PNS ≤ 6e-7 apart, with PNS ≤ 2.9e-3.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBytesNode, decodeFileNode } from '../../src/lib/audio/decode-node';
import { AudioInputError, type DecodedAudio } from '../../src/lib/audio/types';
import { defaultCard } from '../../src/lib/card/lookup';
import { readIndexNode } from '../../src/lib/model-files/read-node';
import { openNodeTagger } from '../../src/cli/taggers';
import type { Tagger } from '../../src/lib/pipeline/open-tagger';
import { compressedClipFile, fixtureClips, maxAbsDiff } from './helpers/fixtures';
import { aacWithoutPns, ffmpeg, floatWav } from './helpers/transcode';

const clips = fixtureClips();
const work = mkdtempSync(join(tmpdir(), 'music-tagger-mp4-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The files each clip is transcoded to (all from one 16-bit PCM WAV of the clip's decoded audio). */
const file = (clip: string, kind: string) => join(work, `${clip}.${kind}`);

beforeAll(() => {
	for (const clip of clips) {
		const wav = file(clip, 'wav');
		ffmpeg('-i', compressedClipFile(clip), '-c:a', 'pcm_s16le', wav);
		ffmpeg('-i', wav, ...floatWav, file(clip, 'float.wav'));
		ffmpeg('-i', wav, '-c:a', 'alac', file(clip, 'alac.m4a'));
		ffmpeg('-i', wav, '-c:a', 'flac', file(clip, 'flac'));
		ffmpeg('-i', wav, ...aacWithoutPns, file(clip, 'aac.m4a')); // the index (moov) after the audio
		ffmpeg('-i', wav, ...aacWithoutPns, '-movflags', '+faststart', file(clip, 'faststart.m4a'));
		ffmpeg('-i', wav, ...aacWithoutPns, '-f', 'adts', file(clip, 'aac'));
		ffmpeg('-i', wav, '-c:a', 'aac', '-b:a', '128k', file(clip, 'pns.m4a')); // ffmpeg's default: PNS on
		// ffmpeg's own decode of the AAC files, as float WAV (read back by the exact WAV decoder).
		for (const kind of ['aac.m4a', 'aac', 'pns.m4a'])
			ffmpeg('-i', file(clip, kind), ...floatWav, file(clip, `${kind}.ffmpeg.wav`));
	}
}, 120_000);

describe.each(clips)('%s', (clip) => {
	it('ALAC decodes bit-identically to the same PCM as float WAV (and to one 16-bit step of FLAC)', async () => {
		const pcm = await decodeFileNode(file(clip, 'float.wav'));
		for (const kind of ['alac.m4a', 'flac']) {
			const decoded = await decodeFileNode(file(clip, kind));
			expect(decoded.sampleRate).toBe(pcm.sampleRate);
			expect(decoded.channels).toBe(pcm.channels);
			expect(decoded.mono.length).toBe(pcm.mono.length);
			const diff = maxAbsDiff(decoded.mono, pcm.mono);
			if (kind === 'alac.m4a') expect(diff, kind).toBe(0);
			else expect(diff, kind).toBeLessThanOrEqual(2 ** -15);
		}
	});

	it('AAC in M4A: the source length (gapless), ffmpeg’s decode to 1e-6, index before or after the audio', async () => {
		const pcm = await decodeFileNode(file(clip, 'wav'));
		const ours = await decodeFileNode(file(clip, 'aac.m4a'));
		const theirs = await decodeFileNode(file(clip, 'aac.m4a.ffmpeg.wav'));
		expect(ours.sampleRate).toBe(pcm.sampleRate);
		expect(ours.channels).toBe(pcm.channels);
		// The encoder's priming is trimmed by the edit list, and its padding too: the source's exact length.
		// ffmpeg 5.1 trims the priming but keeps up to one frame of padding at the end.
		expect(ours.mono.length).toBe(pcm.mono.length);
		expect(theirs.mono.length - ours.mono.length).toBeGreaterThanOrEqual(0);
		expect(theirs.mono.length - ours.mono.length).toBeLessThanOrEqual(1024);
		const diff = maxAbsDiff(ours.mono, theirs.mono.subarray(0, ours.mono.length));
		console.log(`${clip}: AAC (M4A) vs ffmpeg max |Δ| = ${diff.toExponential(2)}`);
		expect(diff).toBeLessThanOrEqual(1e-6);
		// Lossy but close to the source: a wrong offset or channel order would be far off.
		expect(rmsDiff(ours.mono, pcm.mono)).toBeLessThan(0.1 * rms(pcm.mono));
		// The index first (iTunes, -movflags +faststart) streams from the start: the same samples.
		const faststart = await decodeFileNode(file(clip, 'faststart.m4a'));
		expect(maxAbsDiff(faststart.mono, ours.mono)).toBe(0);
		// Bytes in memory decode the same as the file.
		const fromBytes = await decodeBytesNode(new Uint8Array(readFileSync(file(clip, 'aac.m4a'))));
		expect(maxAbsDiff(fromBytes.mono, ours.mono)).toBe(0);
	});

	it('ADTS .aac: ffmpeg’s decode to 1e-6, without the decoder’s first (priming) frame', async () => {
		const ours = await decodeFileNode(file(clip, 'aac'));
		const theirs = await decodeFileNode(file(clip, 'aac.ffmpeg.wav'));
		if (theirs.sampleRate <= 24000) {
			// ADTS cannot say that a stream has no SBR, so at ≤ 24 kHz FAAD2 assumes implicit SBR (as the
			// standard says) and decodes at twice the rate; ffmpeg waits for SBR data. The resampler takes either.
			expect(ours.sampleRate).toBe(2 * theirs.sampleRate);
			expect(ours.mono.length).toBe(2 * (theirs.mono.length - 1024));
			return;
		}
		expect(ours.sampleRate).toBe(theirs.sampleRate);
		// No container says what the priming is; FAAD2 withholds its first 1024-sample frame, ffmpeg does not.
		expect(theirs.mono.length - ours.mono.length).toBe(1024);
		const diff = maxAbsDiff(ours.mono, theirs.mono.subarray(1024));
		console.log(`${clip}: AAC (ADTS) vs ffmpeg max |Δ| = ${diff.toExponential(2)}`);
		expect(diff).toBeLessThanOrEqual(1e-6);
		// A leading ID3v2 tag (as taggers write into .aac files) changes nothing.
		const tagged = join(work, `${clip}.id3.aac`);
		ffmpeg(
			'-i',
			file(clip, 'aac'),
			'-c',
			'copy',
			'-f',
			'adts',
			'-write_id3v2',
			'1',
			'-metadata',
			'title=T',
			tagged
		);
		expect(maxAbsDiff((await decodeFileNode(tagged)).mono, ours.mono)).toBe(0);
	});
});

describe('the default model: M4A vs a WAV of the same decoded AAC', () => {
	let tagger: Tagger;
	// fp32, the exact instrument: static int8 rounds activations to uint8 steps, so decoders that differ by
	// 1e-7 can already move a probability by 1e-3 there (its fidelity is models-parity.test.ts's).
	beforeAll(async () => {
		tagger = await openNodeTagger(defaultCard(await readIndexNode()), 'fp32');
	});
	afterAll(() => tagger?.release());

	it.each(clips.flatMap((clip) => ['aac.m4a', 'pns.m4a'].map((kind) => [clip, kind])))(
		'%s %s: track probabilities within 1e-3 (1e-2 with PNS noise)',
		async (clip, kind) => {
			const ours = await decodeFileNode(file(clip, kind));
			// ffmpeg's decode, cut to our (gapless) length: the same audio through the WAV decoder.
			const theirs = await decodeFileNode(file(clip, `${kind}.ffmpeg.wav`));
			const same: DecodedAudio = { ...theirs, mono: theirs.mono.slice(0, ours.mono.length) };
			const a = (await tagger.tag(ours)).probabilities;
			const b = (await tagger.tag(same)).probabilities;
			const diff = Math.max(...a.map((p, i) => Math.abs(p - b[i])));
			console.log(`${clip} ${kind}: max |Δp| = ${diff.toExponential(2)}`);
			expect(diff).toBeLessThanOrEqual(kind === 'pns.m4a' ? 1e-2 : 1e-3);
		},
		60_000
	);
});

describe('MP4s and formats we cannot decode: refused by name', () => {
	const clip = clips[0];
	const refused = async (path: string, code: string) => {
		const error = await decodeFileNode(path).then(
			() => undefined,
			(e: unknown) => e
		);
		expect(error).toBeInstanceOf(AudioInputError);
		expect((error as AudioInputError).code).toBe(code);
		return (error as AudioInputError).message;
	};

	it('AAC in an .mp4 with a video track decodes like the M4A', async () => {
		const path = join(work, 'with-video.mp4');
		ffmpeg(
			...['-f', 'lavfi', '-i', 'testsrc=duration=40:size=64x48:rate=5', '-i', file(clip, 'aac.m4a')],
			...['-map', '0:v', '-map', '1:a', '-c:v', 'mpeg4', '-c:a', 'copy', path]
		);
		const video = await decodeFileNode(path);
		const audio = await decodeFileNode(file(clip, 'aac.m4a'));
		// The edit list is in the movie's timescale (ms here): the end may fall a few samples earlier.
		expect(Math.abs(video.mono.length - audio.mono.length)).toBeLessThanOrEqual(audio.sampleRate / 1000);
		const n = Math.min(video.mono.length, audio.mono.length);
		expect(maxAbsDiff(video.mono.subarray(0, n), audio.mono.subarray(0, n))).toBe(0);
	});

	it('WMA, AC-3 in MP4, video without audio, fragmented MP4', async () => {
		const wav = file(clip, 'wav');
		const wma = join(work, 'song.wma');
		ffmpeg('-i', wav, '-t', '3', '-c:a', 'wmav2', wma);
		expect(await refused(wma, 'unsupported')).toBe(
			'"song.wma" is WMA audio (Windows Media), which we cannot decode; convert it to FLAC, MP3, Ogg or AAC (M4A) first.'
		);
		const ac3 = join(work, 'ac3.mp4');
		ffmpeg('-i', wav, '-t', '3', '-c:a', 'ac3', ac3);
		expect(await refused(ac3, 'unsupported')).toMatch(
			/^"ac3\.mp4" is MP4 with AC-3 \(Dolby Digital\) audio, which we cannot decode/
		);
		const silentFilm = join(work, 'video.mp4');
		ffmpeg('-f', 'lavfi', '-i', 'testsrc=duration=2:size=64x48', '-c:v', 'mpeg4', silentFilm);
		expect(await refused(silentFilm, 'unsupported')).toBe('"video.mp4" is an MP4 file with no audio track.');
		const fragmented = join(work, 'fragmented.m4a');
		ffmpeg('-i', file(clip, 'aac.m4a'), '-c', 'copy', '-movflags', 'frag_keyframe+empty_moov', fragmented);
		expect(await refused(fragmented, 'unsupported')).toMatch(/is a fragmented MP4 .*remux it/);
	});

	it('a truncated M4A: its index at the end is missing (corrupt); with the index first, the prefix decodes', async () => {
		const cut = (kind: string, fraction: number) => {
			const bytes = readFileSync(file(clip, kind));
			const path = join(work, `cut-${kind}`);
			writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * fraction)));
			return path;
		};
		expect(await refused(cut('aac.m4a', 0.5), 'corrupt')).toMatch(/ends before its MP4 index \(moov box\)/);
		const whole = await decodeFileNode(file(clip, 'faststart.m4a'));
		const half = await decodeFileNode(cut('faststart.m4a', 0.5));
		expect(half.mono.length).toBeGreaterThan(whole.mono.length * 0.4);
		expect(half.mono.length).toBeLessThan(whole.mono.length * 0.6);
		expect(maxAbsDiff(half.mono, whole.mono.subarray(0, half.mono.length))).toBe(0);
	});
});

function rms(x: Float32Array): number {
	let s = 0;
	for (const v of x) s += v * v;
	return Math.sqrt(s / x.length);
}

function rmsDiff(a: Float32Array, b: Float32Array): number {
	let s = 0;
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) s += (a[i] - b[i]) ** 2;
	return Math.sqrt(s / n);
}
