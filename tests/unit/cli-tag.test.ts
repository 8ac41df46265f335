/**
 * `music-tagger tag` end to end: the fixture clips (read in place) against the upstream references, JSON and CSV
 * output, --chunks, several models at once, folders with broken files, integrity checking of the model files.
 * Both in process (runTag/main) and as `node bin/music-tagger.js`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	copyFileSync,
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { parseCommand, type TagCommand } from '../../src/cli/args';
import { runTag } from '../../src/cli/tag';
import type { ModelCard } from '../../src/lib/card/types';
import { clipFile, readModelReference } from './helpers/fixtures';
import { captureIO, repoRoot, runBin } from './cli-helpers';
import { tagLabel } from '../../src/lib/card/labels';
import { modelFile } from '../../src/lib/model-files/model-file';
import { int8TieFor, topKAgrees, topTagNames } from '../shared/top-k';

const clips = ['wesnoth-battle-epic', 'lincity-pronobozo-lincity', 'mtat-joram-solipsism'];
// The MagnaTagATune clip is read where it is, never copied.
const clipAudio = (clip: string) => clipFile(clip, clip.startsWith('mtat-') ? 'audio.mp3' : 'audio.ogg');

const modelsDir = join(repoRoot, 'static', 'models');
const card = (id: string) => JSON.parse(readFileSync(join(modelsDir, id, 'card.json'), 'utf8')) as ModelCard;

/** The stored upstream result of the track-level scheme the card names: the centre segment or the chunk mean. */
function reference(clip: string, model: ModelCard) {
	const ref = readModelReference(clip, model.provenance.checkpoint.file.replace(/\.pth$/, ''));
	expect(ref.tags).toEqual(model.tags);
	const track = model.chunking.track.scheme === 'centre' ? ref.chunk_outputs[0] : ref.track_mean;
	return { track, chunks: ref.chunk_outputs };
}

interface ExportedResult {
	model: string;
	tags: Record<string, number>;
	chunks?: number[][];
}

/**
 * Our probabilities against the reference: max |Δp| ≤ 0.02 and the same top 5 — exactly for fp32, and up to
 * reference near-ties at the cut for int8 (tests/shared/top-k.ts).
 */
function expectMatchesReference(result: ExportedResult, clip: string, variant: 'fp32' | 'int8') {
	const model = card(result.model);
	const { track } = reference(clip, model);
	expect(Object.keys(result.tags)).toEqual(model.tags);
	const ours = model.tags.map((t) => result.tags[t]);
	const maxDiff = Math.max(...ours.map((p, i) => Math.abs(p - track[i])));
	expect(maxDiff).toBeLessThanOrEqual(0.02);
	const tie = variant === 'int8' ? int8TieFor(maxDiff) : 0;
	expect(topKAgrees(model.tags, ours, track, 5, tie), topTagNames(model.tags, ours, 5).join()).toBe(true);
}

const work = mkdtempSync(join(tmpdir(), 'music-tagger-tag-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the fixture clips', () => {
	it('default model (mtg-moodtheme-vggish, int8), in process: |Δp| ≤ 0.02, the reference top 5 up to near-ties', async () => {
		const io = captureIO();
		const run = await runTag(
			parseCommand(['tag', ...clips.map(clipAudio), '--scheme', 'upstream']) as TagCommand,
			io
		);
		expect(run.exitCode).toBe(0);
		expect(run.failures).toEqual([]);
		const data = JSON.parse(io.out());
		expect(data).toMatchObject({ app: 'music-tagger', version: expect.any(String) });
		expect(data.tracks.map((t: { file: string }) => t.file)).toEqual(clips.map(clipAudio));
		data.tracks.forEach((track: { duration: number; results: ExportedResult[] }, i: number) => {
			expect(track.duration).toBeGreaterThan(29);
			expect(track.results.map((r) => r.model)).toEqual(['mtg-moodtheme-vggish']);
			expect(track.results[0].chunks).toBeUndefined();
			expectMatchesReference(track.results[0], clips[i], 'int8');
		});
		expect(io.err()).toContain('Tagged 3 of 3 file(s) with mtg-moodtheme-vggish (int8).');
	});

	it('two models, fp32, --chunks, --out, through node bin/music-tagger.js: the reference top 5, |Δp| ≤ 0.02', async () => {
		const out = join(work, 'two-models.json');
		const run = await runBin([
			'tag',
			...clips.map(clipAudio),
			'--model',
			'mtg-moodtheme-vggish,mtat-musicnn',
			'--variant',
			'fp32',
			'--chunks',
			'--scheme',
			'upstream',
			'--out',
			out
		]);
		expect(run.code).toBe(0);
		expect(run.stdout).toBe('');
		// stderr is a pipe here: terse per-file lines (numbered as files finish: lanes finish in any order),
		// then the summary.
		const lines = run.stderr.split('\n');
		for (const clip of clips)
			expect(
				lines.filter((line) => /^\[[123]\/3\] /.test(line) && line.endsWith(` ${clipAudio(clip)}: ok`))
			).toHaveLength(1);
		expect(lines.filter((line) => /^\[\d\/3\] /.test(line)).map((line) => line.slice(0, 5))).toEqual([
			'[1/3]',
			'[2/3]',
			'[3/3]'
		]);
		expect(run.stderr).toContain(`Wrote ${out}`);
		const data = JSON.parse(readFileSync(out, 'utf8'));
		data.tracks.forEach((track: { results: ExportedResult[] }, i: number) => {
			expect(track.results.map((r) => r.model)).toEqual(['mtg-moodtheme-vggish', 'mtat-musicnn']);
			for (const result of track.results) {
				expectMatchesReference(result, clips[i], 'fp32');
				// The chunks of the track-level scheme: 1 centre segment (mtg), 16 overlapping chunks (sota eval).
				const { chunks } = reference(clips[i], card(result.model));
				expect(result.chunks).toHaveLength(chunks.length);
				const diff = Math.max(
					...result.chunks!.flatMap((row, c) => row.map((p, t) => Math.abs(p - chunks[c][t])))
				);
				expect(diff).toBeLessThanOrEqual(0.02);
			}
		});
	});

	it('--format csv: one row per track × model × tag', async () => {
		const run = await runBin(['tag', clipAudio(clips[0]), '--format', 'csv', '--scheme', 'upstream']);
		expect(run.code).toBe(0);
		const lines = run.stdout.trimEnd().split(/\r?\n/);
		expect(lines[0]).toBe('file,duration,model,variant,scheme,tag,probability,applies');
		expect(lines).toHaveLength(1 + card('mtg-moodtheme-vggish').tags.length);
		// action: p ≈ 0.134 over its published threshold 0.092 on this orchestral battle clip.
		expect(lines[1]).toMatch(
			new RegExp(
				`^${clipAudio(clips[0])},30\\.19\\d*,mtg-moodtheme-vggish,int8,upstream,mood/theme---action,0\\.1\\d{5},1$`
			)
		);
	});

	it('default scheme whole: a sota model gives the reference mean of the back-to-back windows; --format csv-wide', async () => {
		const out = join(work, 'whole.json');
		const run = await runBin(['tag', ...clips.map(clipAudio), '--model', 'mtat-musicnn', '--out', out]);
		expect(run.code).toBe(0);
		const data = JSON.parse(readFileSync(out, 'utf8'));
		const model = card('mtat-musicnn');
		data.tracks.forEach((track: { results: (ExportedResult & { scheme: string })[] }, i: number) => {
			const [result] = track.results;
			expect(result.scheme).toBe('whole');
			const ref = readModelReference(clips[i], 'mtat-musicnn');
			const ours = model.tags.map((t) => result.tags[t]);
			expect(Math.max(...ours.map((p, t) => Math.abs(p - ref.alt_chunking!.mean[t])))).toBeLessThanOrEqual(
				0.02
			);
		});
		const wide = await runBin(['tag', clipAudio(clips[1]), '--format', 'csv-wide']);
		expect(wide.code).toBe(0);
		const [header, row] = wide.stdout.trimEnd().split(/\r?\n/);
		const labels = card('mtg-moodtheme-vggish').tags.map((t) => tagLabel(t).label);
		expect(header).toBe(
			['file', 'title', 'artist', 'album', 'duration', 'scheme', 'moods', 'tags', ...labels].join(',')
		);
		const cells = row.split(',');
		expect(cells[0]).toBe(clipAudio(clips[1]));
		expect(cells[5]).toBe('whole');
		expect(
			cells
				.slice(8)
				.map(Number)
				.every((p) => p >= 0 && p <= 1)
		).toBe(true);
		expect(cells).toHaveLength(8 + labels.length);
	});
});

describe('bad files', () => {
	const good = join(work, 'mixed');
	const bad = join(work, 'all-bad');

	beforeAll(() => {
		mkdirSync(join(good, 'album'), { recursive: true });
		mkdirSync(bad);
		copyFileSync(clipFile('lincity-pronobozo-lincity', 'audio.ogg'), join(good, 'lincity.ogg'));
		copyFileSync(clipFile('wesnoth-battle-epic', 'audio.ogg'), join(good, 'album', 'wesnoth.ogg'));
		writeFileSync(join(good, 'cover.jpg'), 'not looked at: not an audio extension');
		for (const dir of [good, bad]) {
			writeFileSync(join(dir, 'empty.mp3'), '');
			writeFileSync(join(dir, 'notes.mp3'), 'These are my notes, not an MP3.\n'.repeat(50));
			// The Ogg headers and not one audio page.
			writeFileSync(
				join(dir, 'truncated.ogg'),
				readFileSync(clipFile('wesnoth-battle-epic', 'audio.ogg')).subarray(0, 4000)
			);
		}
	});

	it('a folder with broken files: every good file tagged, the bad ones summarised, exit code 0', async () => {
		const io = captureIO();
		const out = join(work, 'mixed.json');
		const run = await runTag(
			parseCommand(['tag', good, '--scheme', 'upstream', '--out', out]) as TagCommand,
			io
		);
		expect(run.exitCode).toBe(0);
		expect(run.tracks.map((t) => t.file)).toEqual([
			join(good, 'album', 'wesnoth.ogg'),
			join(good, 'lincity.ogg')
		]);
		expect(run.failures.map((f) => f.file)).toEqual(
			['empty.mp3', 'notes.mp3', 'truncated.ogg'].map((f) => join(good, f))
		);
		for (const f of run.failures) expect(f.message).toMatch(/\S/);
		const data = JSON.parse(readFileSync(out, 'utf8'));
		expectMatchesReference(data.tracks[0].results[0], 'wesnoth-battle-epic', 'int8');
		expectMatchesReference(data.tracks[1].results[0], 'lincity-pronobozo-lincity', 'int8');
		const err = io.err();
		expect(err).toContain('Tagged 2 of 5 file(s)');
		expect(err).toContain('Skipped 3:');
		expect(err).toContain(`  ${join(good, 'empty.mp3')}: "empty.mp3" is empty (0 bytes).`);
		for (const f of run.failures) expect(err).toContain(`  ${f.file}: ${f.message}\n`);
	});

	it('only bad files (and a missing path): non-zero exit, nothing written, through the bin', async () => {
		const out = join(work, 'all-bad.json');
		const run = await runBin(['tag', bad, join(work, 'no-such-file.mp3'), '--out', out]);
		expect(run.code).toBe(1);
		expect(existsSync(out)).toBe(false);
		expect(run.stdout).toBe('');
		expect(run.stderr).toContain('Tagged 0 of 4 file(s)');
		expect(run.stderr).toContain(`${join(work, 'no-such-file.mp3')}: no such file or folder`);
		expect(run.stderr).toContain(`${join(bad, 'notes.mp3')}: `);
	});

	it('an unknown model id is a usage error (exit 2) naming the known ones', async () => {
		const io = captureIO();
		expect(await main(['tag', clipAudio(clips[0]), '--model', 'nope'], io)).toBe(2);
		expect(io.err()).toMatch(/Unknown model "nope"\. Known: mtg-moodtheme-vggish, /);
	});

	it('a folder without audio says so, and the summary names the default model', async () => {
		const folder = join(work, 'no-audio');
		mkdirSync(folder);
		writeFileSync(join(folder, 'cover.jpg'), 'not audio');
		const io = captureIO();
		expect(await main(['tag', folder], io)).toBe(1);
		expect(io.err()).toContain(`No audio files found in ${folder} (looked for .mp3 `);
		expect(io.err()).toContain('Tagged 0 of 0 file(s) with mtg-moodtheme-vggish (int8).');
	});

	it('a model file that fails its sha256 check is not run', async () => {
		const models = join(work, 'models');
		mkdirSync(models);
		cpSync(join(modelsDir, 'index.json'), join(models, 'index.json'));
		cpSync(join(modelsDir, 'mtg-moodtheme-vggish'), join(models, 'mtg-moodtheme-vggish'), {
			recursive: true
		});
		// The file the CLI's int8 reads on WASM (the static int8 model where the card has one).
		const card = JSON.parse(
			readFileSync(join(models, 'mtg-moodtheme-vggish', 'card.json'), 'utf8')
		) as ModelCard;
		const name = modelFile(card, 'int8', 'wasm').file;
		const file = join(models, 'mtg-moodtheme-vggish', name);
		const bytes = readFileSync(file);
		bytes[bytes.length - 1] ^= 1;
		writeFileSync(file, bytes);
		for (const jobs of ['1', '2']) {
			// One lane opens the models in this thread; two open them in each lane's worker thread.
			const io = captureIO();
			const files = [clipAudio(clips[0]), clipAudio(clips[1])];
			expect(await main(['tag', ...files, '--models-dir', models, '--jobs', jobs], io)).toBe(1);
			expect(io.err()).toContain(`mtg-moodtheme-vggish/${name} failed its integrity check`);
			expect(io.out()).toBe('');
		}
	});
});

describe('--jobs: files side by side on worker threads (src/cli/lanes.ts)', () => {
	it('two lanes give one lane’s export, in file order, with the same skipped files', async () => {
		const notes = join(work, 'lanes-notes.mp3');
		writeFileSync(notes, 'not audio\n'.repeat(20));
		const inputs = [clipAudio(clips[0]), notes, clipAudio(clips[1]), clipAudio(clips[2])];
		const exports: string[] = [];
		for (const jobs of ['1', '2', '3']) {
			const io = captureIO();
			const run = await runTag(
				parseCommand([
					'tag',
					...inputs,
					'--jobs',
					jobs,
					'--chunks',
					'--model',
					'mtg-moodtheme-vggish,mtat-musicnn'
				]) as TagCommand,
				io
			);
			expect(run.exitCode).toBe(0);
			expect(run.tracks.map((t) => t.file)).toEqual(clips.map(clipAudio));
			expect(run.failures.map((f) => f.file)).toEqual([notes]);
			expect(io.err()).toContain('Tagged 3 of 4 file(s)');
			const data = JSON.parse(io.out());
			delete data.exported;
			exports.push(JSON.stringify(data));
		}
		expect(exports[1]).toBe(exports[0]);
		expect(exports[2]).toBe(exports[0]);
	});
});
