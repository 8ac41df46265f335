/**
 * Tags written into real files (src/lib/file-tags): a generated folder of the fixture clips in MP3, FLAC, Ogg
 * Vorbis, Opus, M4A and WAV with title/artist/album/genre, the plan from the real models' results on each
 * clip, written with taglib-wasm; read back with independent readers: mutagen sees the decided MOOD values and
 * the MUSIC_TAGGER record, ffprobe the other tags unchanged, the audio packets hash the same and decode to the
 * same samples. Undo puts every field back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelCard } from '$lib/card/types';
import { decodeFileNode } from '$lib/audio/decode-node';
import { appliedTags } from '$lib/predictions/decide';
import { findCard } from '$lib/card/lookup';
import { modelFile } from '$lib/model-files/model-file';
import type { ModelResult } from '$lib/pipeline/types';
import { readIndexNode } from '../../src/lib/model-files/read-node';
import { planTags, type TagPlan } from '../../src/lib/file-tags/plan';
import {
	describeChanges,
	restoreFields,
	undoTags,
	writeTagPlan,
	type OriginalFields,
	type TagLib
} from '../../src/lib/file-tags/write';
import { loadTagLibNode } from '../../src/lib/file-tags/taglib-node';
import { openNodeTagger } from '../../src/cli/taggers';
import { ensureModelsBuilt, modelsDir } from './helpers/models';
import {
	audioStreamMd5,
	extensions,
	ffprobeTags,
	makeMusicFolder,
	mutagenTags,
	type MusicFile
} from './helpers/music-folder';
import { ffmpeg } from './helpers/transcode';

const work = mkdtempSync(join(tmpdir(), 'music-tagger-file-tags-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const moodModel = 'mtg-moodtheme-vggish';
const genreModel = 'jamendo-fcn';
let files: MusicFile[];
let taglib: TagLib;
const cards: Record<string, ModelCard> = {};
/** The real results of both models per clip (by album folder: one clip per album). */
const results = new Map<string, ModelResult[]>();
const plans = new Map<string, TagPlan>();

const clipOf = (file: MusicFile) => file.tags.album;
const without = (tags: Record<string, string>, ...keys: string[]) =>
	Object.fromEntries(Object.entries(tags).filter(([k]) => !keys.includes(k)));

beforeAll(async () => {
	files = makeMusicFolder(work);
	await ensureModelsBuilt();
	const index = await readIndexNode(modelsDir);
	for (const id of [moodModel, genreModel]) cards[id] = findCard(index, id);
	const taggers = await Promise.all(
		[moodModel, genreModel].map((id) => openNodeTagger(cards[id], 'int8', modelsDir))
	);
	for (const file of files.filter((f) => f.ext === 'flac')) {
		const audio = await decodeFileNode(file.path);
		results.set(clipOf(file), [await taggers[0].tag(audio), await taggers[1].tag(audio)]);
	}
	for (const tagger of taggers) await tagger.release();
	for (const [clip, r] of results) plans.set(clip, planTags(r, cards, { version: 'test', genres: true }));
	taglib = await loadTagLibNode();
}, 240_000);

describe('writeTagPlan on real files', () => {
	it('plans the labels of the tags the cards decide, MOOD from mood/theme tags, GENRE from genre tags', () => {
		for (const [clip, plan] of plans) {
			const [mood, genre] = results.get(clip)!;
			const moodLabels = appliedTags(cards[moodModel], mood.probabilities).map((d) => d.label);
			const genreDecided = appliedTags(cards[genreModel], genre.probabilities);
			expect(plan.moods).toEqual([
				...new Set([
					...moodLabels,
					...genreDecided.filter((d) => d.category === 'mood/theme').map((d) => d.label)
				])
			]);
			expect(plan.genres).toEqual(genreDecided.filter((d) => d.category === 'genre').map((d) => d.label));
			expect(plan.machine.results.map((r) => r.sha256)).toEqual(
				[moodModel, genreModel].map((id) => modelFile(cards[id], 'int8', 'wasm').sha256)
			);
		}
		// The clips are music: some mood and some genre is decided for them.
		expect([...plans.values()].some((p) => p.moods.length > 0)).toBe(true);
		expect([...plans.values()].some((p) => p.genres.length > 0)).toBe(true);
	});

	it('writes MOOD, GENRE (appended) and MUSIC_TAGGER in all six formats; other tags and the audio untouched', async () => {
		const before = new Map(
			files.map((f) => [f.path, { tags: ffprobeTags(f.path), md5: audioStreamMd5(f.path) }])
		);
		const samples = new Map<string, Float32Array>();
		const written = new Map<string, OriginalFields>();
		for (const f of files) samples.set(f.path, (await decodeFileNode(f.path)).mono);
		for (const f of files) {
			const input = new Uint8Array(readFileSync(f.path));
			const copy = input.slice();
			const write = await writeTagPlan(taglib, input, plans.get(clipOf(f))!);
			expect(input).toEqual(copy); // the input bytes are not changed in place
			expect(write.changes.map((c) => c.field)).toContain('MUSIC_TAGGER');
			expect(describeChanges(write.changes).length).toBe(write.changes.length);
			written.set(f.path, write.original);
			writeFileSync(f.path, write.bytes);
		}
		const read = mutagenTags(files.map((f) => f.path));
		expect(new Set(files.map((f) => read[f.path].kind))).toEqual(
			new Set(['MP3', 'FLAC', 'OggVorbis', 'OggOpus', 'MP4', 'WAVE'])
		);
		for (const f of files) {
			const plan = plans.get(clipOf(f))!;
			const tags = read[f.path];
			expect(tags.mood, f.name).toEqual(plan.moods);
			expect(JSON.parse(tags.machine[0])).toEqual({ ...plan.machine, original: written.get(f.path) });
			expect(tags.genre, f.name).toEqual([f.tags.genre, ...plan.genres]);
			const after = ffprobeTags(f.path);
			const { tags: was, md5 } = before.get(f.path)!;
			expect(without(after, 'mood', 'tmoo', 'music_tagger', 'genre'), f.name).toEqual(without(was, 'genre'));
			expect(audioStreamMd5(f.path), f.name).toBe(md5);
			expect((await decodeFileNode(f.path)).mono, f.name).toEqual(samples.get(f.path));
		}
	}, 300_000);

	it('undo restores the original values, and an existing MOOD shows in the preview', async () => {
		const path = join(work, 'had-mood.ogg');
		ffmpeg(
			'-i',
			files[0].path,
			'-t',
			'3',
			'-map_metadata',
			'-1',
			'-c:a',
			'libvorbis',
			'-metadata',
			'mood=Old',
			'-metadata',
			'title=Kept',
			path
		);
		const plan = [...plans.values()].find((p) => p.moods.length > 0)!;
		const original = new Uint8Array(readFileSync(path));
		const written = await writeTagPlan(taglib, original, plan);
		const mood = written.changes.find((c) => c.field === 'mood')!;
		expect(mood).toEqual({ field: 'mood', before: ['Old'], after: plan.moods });
		expect(written.original).toMatchObject({ mood: ['Old'], MUSIC_TAGGER: [] });
		writeFileSync(path, written.bytes);
		// A second run keeps the values from before the first one; undo (from the file alone) restores those.
		const later = { ...plan, machine: { ...plan.machine, date: new Date(0).toISOString() } };
		const again = await writeTagPlan(taglib, written.bytes, later);
		expect(again.changes.map((c) => c.field)).toEqual(['MUSIC_TAGGER']);
		const undone = await undoTags(taglib, again.bytes);
		// Undo restores every field the app wrote: GENRE too when the plan appended genres.
		const wrote = ['MUSIC_TAGGER', ...(plan.genres.length > 0 ? ['genre'] : []), 'mood'];
		expect(undone.changes.map((c) => c.field).sort()).toEqual(wrote);
		writeFileSync(path, undone.bytes);
		expect((await restoreFields(taglib, undone.bytes, undone.original)).bytes.length).toBeGreaterThan(0);
		const read = mutagenTags([path])[path];
		expect(read.mood).toEqual(['Old']);
		expect(read.machine).toEqual([]);
		expect(ffprobeTags(path).title).toBe('Kept');
	});

	it('refuses bytes that are no audio file with a message', async () => {
		await expect(
			writeTagPlan(taglib, new TextEncoder().encode('not audio at all'), plans.values().next().value!)
		).rejects.toThrow();
	});

	it('covers every format of the folder', () => {
		expect(new Set(files.map((f) => f.ext))).toEqual(new Set(extensions));
	});
});
