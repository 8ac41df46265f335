/**
 * `music-tagger tag --write-tags` through the built CLI (`npm run build:cli` first) on a generated folder in six
 * formats: mutagen reads back the export's decided moods as MOOD, ffprobe the other tags unchanged, the audio
 * packets hash the same; a read-only file is skipped with a message; --dry-run changes nothing; --undo puts
 * the files back; a run interrupted by SIGINT after its first write leaves every file untouched or fully tagged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tagLabel } from '$lib/card/labels';
import type { JsonExport } from '../../src/lib/library/export';
import {
	audioStreamMd5,
	ffprobeTags,
	makeMusicFolder,
	mutagenTags,
	type MusicFile
} from './helpers/music-folder';
import { ensureModelsBuilt } from './helpers/models';
import { runBin } from './cli-helpers';

const work = mkdtempSync(join(tmpdir(), 'music-tagger-cli-write-'));
const music = join(work, 'music');
const pristine = join(work, 'pristine');
afterAll(() => rmSync(work, { recursive: true, force: true }));

const models = ['--model', 'mtg-moodtheme-vggish,jamendo-fcn'];
let files: MusicFile[];
const bytesOf = (path: string) => readFileSync(path);
const without = (tags: Record<string, string>, ...keys: string[]) =>
	Object.fromEntries(Object.entries(tags).filter(([k]) => !keys.includes(k)));

/** The moods the export decided for a file: the labels of its decided mood/theme tags, over all models. */
function exportedMoods(data: JsonExport, file: string): string[] {
	const track = data.tracks.find((t) => t.file === file)!;
	const labels = track.results.flatMap((r) => (r as unknown as { decided: string[] }).decided.map(tagLabel));
	return [...new Set(labels.filter((l) => l.category === 'mood/theme').map((l) => l.label))];
}

beforeAll(async () => {
	files = makeMusicFolder(music, { seconds: 6 });
	cpSync(music, pristine, { recursive: true });
	await ensureModelsBuilt();
}, 120_000);

describe('music-tagger tag --write-tags', () => {
	it('--dry-run previews and changes nothing', async () => {
		const run = await runBin(['tag', music, '--dry-run', ...models, '-o', join(work, 'dry.json')]);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr.match(/^Would change /gm)?.length).toBe(files.length);
		for (const f of files) expect(bytesOf(f.path).equals(bytesOf(join(pristine, f.name))), f.name).toBe(true);
	}, 300_000);

	it('writes the decided moods into all six formats; other tags and audio untouched; a read-only file skipped', async () => {
		const readOnly = files.find((f) => f.ext === 'flac')!;
		chmodSync(readOnly.path, 0o444);
		const out = join(work, 'export.json');
		const run = await runBin(['tag', music, '--write-tags', ...models, '-o', out]);
		chmodSync(readOnly.path, 0o644);
		expect(run.code, run.stderr).toBe(0);
		expect(run.stderr).toContain(`${readOnly.path}: the file is read-only: not written`);
		expect(run.stderr).toContain(`Wrote tags into ${files.length - 1} file(s).`);
		const data = JSON.parse(readFileSync(out, 'utf8')) as JsonExport;
		const read = mutagenTags(files.map((f) => f.path));
		let withMood = 0;
		for (const f of files) {
			const original = join(pristine, f.name);
			if (f === readOnly) {
				expect(bytesOf(f.path).equals(bytesOf(original))).toBe(true);
				continue;
			}
			const moods = exportedMoods(data, f.path);
			withMood += moods.length > 0 ? 1 : 0;
			expect(read[f.path].mood, f.name).toEqual(moods);
			const record = JSON.parse(read[f.path].machine[0]);
			expect(record.results.map((r: { model: string }) => r.model)).toEqual([
				'mtg-moodtheme-vggish',
				'jamendo-fcn'
			]);
			expect(without(ffprobeTags(f.path), 'mood', 'tmoo', 'music_tagger'), f.name).toEqual(
				ffprobeTags(original)
			);
			expect(audioStreamMd5(f.path), f.name).toBe(audioStreamMd5(original));
		}
		expect(withMood).toBeGreaterThan(0);
	}, 300_000);

	it('--undo restores the tags the files had', async () => {
		const run = await runBin(['tag', music, '--undo']);
		expect(run.code, run.stderr).toBe(0);
		const read = mutagenTags(files.map((f) => f.path));
		for (const f of files) {
			expect(read[f.path].machine, f.name).toEqual([]);
			expect(read[f.path].mood, f.name).toEqual([]);
			expect(ffprobeTags(f.path), f.name).toEqual(ffprobeTags(join(pristine, f.name)));
		}
	}, 120_000);

	it('SIGINT after the first write: every file untouched or fully tagged, no temporary left', async () => {
		const folder = join(work, 'interrupted');
		cpSync(pristine, folder, { recursive: true });
		const run = await runBin(
			['tag', folder, '--write-tags', ...models, '-o', join(work, 'i.json')],
			undefined,
			(child) => {
				let seen = '';
				child.stderr!.on('data', (d) => {
					seen += d;
					// The first file's tags are written before the second "Changing" line.
					if ((seen.match(/^Changing /gm)?.length ?? 0) === 2) child.kill('SIGINT');
				});
			}
		);
		expect(run.code, run.stderr).toBe(130);
		expect(run.stderr).toContain('Interrupted');
		const paths = files.map((f) => join(folder, f.name));
		const read = mutagenTags(paths);
		let tagged = 0;
		let untouched = 0;
		for (const [i, f] of files.entries()) {
			const path = paths[i];
			if (bytesOf(path).equals(bytesOf(join(pristine, f.name)))) untouched++;
			else {
				tagged++;
				expect(JSON.parse(read[path].machine[0]).app, f.name).toBe('music-tagger');
				expect(audioStreamMd5(path), f.name).toBe(audioStreamMd5(join(pristine, f.name)));
			}
		}
		expect(tagged).toBeGreaterThanOrEqual(1);
		expect(untouched).toBeGreaterThanOrEqual(1);
		const leftovers = readdirSync(folder, { recursive: true }).filter((n) => String(n).includes('tmp-'));
		expect(leftovers).toEqual([]);
	}, 300_000);
});
