/**
 * `music-tagger tag` on a folder of M4A (AAC and ALAC), ADTS .aac and formats we cannot decode, through
 * `node bin/music-tagger.js` (run `npm run build:cli` first). The files are transcoded from the fixture clips
 * with ffmpeg at test time. Their tags must be those of the same audio as WAV: ALAC to the printed precision
 * (lossless, bit-identical decode), AAC within 1e-3 of a float WAV of ffmpeg's decode of the same file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFileNode } from '../../src/lib/audio/decode-node';
import type { JsonExport } from '../../src/lib/library/export';
import { compressedClipFile } from './helpers/fixtures';
import { aacWithoutPns, ffmpeg, floatWav } from './helpers/transcode';
import { runBin } from './cli-helpers';

const work = mkdtempSync(join(tmpdir(), 'music-tagger-cli-formats-'));
const music = join(work, 'music');
const same = join(work, 'as-wav');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** file in `music` → the float WAV in `same` that holds the audio it decodes to, and the tolerance. */
const pairs = [
	{ file: 'wesnoth.m4a', wav: 'wesnoth.wav', tolerance: 1e-3 },
	{ file: 'album/lincity-alac.m4a', wav: 'lincity-alac.wav', tolerance: 1e-6 },
	{ file: 'lincity.aac', wav: 'lincity-adts.wav', tolerance: 1e-3 }
];

beforeAll(async () => {
	mkdirSync(join(music, 'album'), { recursive: true });
	mkdirSync(same);
	const wesnoth = compressedClipFile('wesnoth-battle-epic');
	const lincity = compressedClipFile('lincity-pronobozo-lincity');
	ffmpeg('-i', wesnoth, ...aacWithoutPns, join(music, 'wesnoth.m4a'));
	const pcm = join(work, 'lincity-16bit.wav'); // ALAC from 16-bit PCM, so a float WAV can hold the same audio
	ffmpeg('-i', lincity, '-c:a', 'pcm_s16le', pcm);
	ffmpeg('-i', pcm, '-c:a', 'alac', join(music, 'album', 'lincity-alac.m4a'));
	ffmpeg('-i', lincity, ...aacWithoutPns, '-f', 'adts', join(music, 'lincity.aac'));
	ffmpeg('-i', lincity, '-t', '5', '-c:a', 'wmav2', join(music, 'old.wma'));
	ffmpeg('-f', 'lavfi', '-i', 'testsrc=duration=2:size=64x48', '-c:v', 'mpeg4', join(music, 'film.mp4'));
	// The same audio as float WAV: ffmpeg's decode of the M4A (gapless: its priming and padding trimmed, as
	// ours is), the lossless source, and ffmpeg's decode of the ADTS without the first frame (FAAD2 withholds it).
	// The source's length, which our gapless decode keeps (tests/unit/audio-decode-mp4.test.ts checks that).
	const frames = (await decodeFileNode(join(music, 'wesnoth.m4a'))).mono.length;
	ffmpeg(
		'-i',
		join(music, 'wesnoth.m4a'),
		'-af',
		`atrim=end_sample=${frames}`,
		...floatWav,
		join(same, pairs[0].wav)
	);
	ffmpeg('-i', pcm, ...floatWav, join(same, pairs[1].wav));
	ffmpeg(
		'-i',
		join(music, 'lincity.aac'),
		'-af',
		'atrim=start_sample=1024',
		...floatWav,
		join(same, pairs[2].wav)
	);
}, 60_000);

describe('a folder with .m4a (AAC, ALAC), .aac, .wma and a silent film', () => {
	it('tags the AAC and ALAC files like the same audio as WAV and names what it cannot decode', async () => {
		const out = join(work, 'tags.json');
		// fp32, the exact instrument for decoders: static int8 (the default on WASM) rounds activations to
		// uint8 steps, where a 1e-7 difference in the decoded audio can already move a probability by 1e-3.
		const run = await runBin(['tag', music, '--out', out, '--variant', 'fp32']);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toContain('Tagged 3 of 5 file(s)');
		expect(run.stderr).toContain(
			`${join(music, 'old.wma')}: "old.wma" is WMA audio (Windows Media), which we cannot decode; convert it to FLAC, MP3, Ogg or AAC (M4A) first.`
		);
		expect(run.stderr).toContain(
			`${join(music, 'film.mp4')}: "film.mp4" is an MP4 file with no audio track.`
		);
		const tagged = JSON.parse(readFileSync(out, 'utf8')) as JsonExport;
		expect(tagged.tracks.map((t) => t.file).sort()).toEqual(pairs.map((p) => join(music, p.file)).sort());

		const reference = await runBin(['tag', same, '--variant', 'fp32']);
		expect(reference.code, reference.stderr).toBe(0);
		const wavs = JSON.parse(reference.stdout) as JsonExport;
		for (const { file, wav, tolerance } of pairs) {
			const a = tagged.tracks.find((t) => t.file === join(music, file))!;
			const b = wavs.tracks.find((t) => t.file === join(same, wav))!;
			expect(a.duration).toBeCloseTo(b.duration, 3);
			const [x, y] = [a.results[0].tags, b.results[0].tags];
			const diff = Math.max(...Object.keys(y).map((tag) => Math.abs(x[tag] - y[tag])));
			console.log(`${file} vs ${wav}: max |Δp| = ${diff.toExponential(2)}`);
			expect(diff, file).toBeLessThanOrEqual(tolerance);
		}
	}, 120_000);
});
