import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Chunking, ModelCard } from '$lib/card/types';
import { taggramChunkStarts, trackChunkStarts } from '$lib/predictions/chunks';
import { meanOfChunks, moodGroupScores, topTags } from '$lib/predictions/aggregate';
import { moodGroupsFor } from '../../tools/models/mood-groups';
import moodGroupsSource from '../../models/mood-groups.json';
import zoo from '../../models/zoo.json';
import { fixtureClips, fixturesDir } from './helpers/fixtures';

const clips = fixtureClips();
// Fixture files are named by checkpoint file, zoo entries by id.
const zooByCheckpoint = new Map(zoo.models.map((m) => [m.checkpoint.file.replace('.pth', ''), m]));

interface Reference {
	tags: string[];
	input_samples: number;
	chunking: { starts: number[] };
	chunk_outputs: number[][];
	track_mean: number[];
}

function references(): [string, string, Reference][] {
	return clips.flatMap((clip) =>
		[...zooByCheckpoint.keys()].map(
			(name) =>
				[clip, name, JSON.parse(readFileSync(join(fixturesDir, clip, `${name}.json`), 'utf8'))] as [
					string,
					string,
					Reference
				]
		)
	);
}

describe('chunk starts follow the upstream track-level schemes', () => {
	it.each(references())('%s %s', (_clip, name, ref) => {
		const entry = zooByCheckpoint.get(name)!;
		expect(trackChunkStarts(entry.chunking as Chunking, ref.input_samples)).toEqual(ref.chunking.starts);
	});

	it('gives one zero-padded chunk for a track shorter than a chunk', () => {
		for (const entry of zoo.models) {
			const chunking = entry.chunking as Chunking;
			expect(trackChunkStarts(chunking, chunking.chunkSamples - 1)).toEqual([0]);
			expect(taggramChunkStarts(chunking, 10)).toEqual([0]);
		}
	});

	it('lays consecutive taggram windows over the whole track', () => {
		const mtg = zoo.models.find((m) => m.id === 'mtg-moodtheme-vggish')!.chunking as Chunking;
		expect(taggramChunkStarts(mtg, 3 * 349200 + 5)).toEqual([0, 349200, 698400]);
	});
});

describe('track aggregation', () => {
	it.each(references())('mean of chunk outputs = reference track mean (%s %s)', (_clip, _name, ref) => {
		const mean = meanOfChunks(ref.chunk_outputs);
		const diff = Math.max(...mean.map((v, i) => Math.abs(v - ref.track_mean[i])));
		expect(diff).toBeLessThan(1e-6);
	});

	it('refuses to aggregate nothing', () => {
		expect(() => meanOfChunks([])).toThrow();
	});
});

describe('mood groups', () => {
	const entry = zoo.models.find((m) => m.moodGroups)!;
	const tags = readFileSync(`models/tags/${entry.tags}.txt`, 'utf8').trim().split('\n');
	const moodGroups = moodGroupsFor(tags, moodGroupsSource);
	const card: Pick<ModelCard, 'tags' | 'moodGroups'> = { tags, moodGroups };

	it('cover the 16 seed groups and only reference model tags or listed missing ones', () => {
		expect(moodGroups).toHaveLength(16);
		const names = new Set(tags.map((t) => t.split('---')[1]));
		for (const group of moodGroups) {
			for (const m of group.members) expect(tags).toContain(m);
			for (const m of group.missingFromModel) expect(names.has(m)).toBe(false);
		}
		// The groups' members that the model lacks are exactly the ones models/mood-groups.json lists.
		const missing = new Set(moodGroups.flatMap((g) => g.missingFromModel));
		expect([...missing].sort()).toEqual([...moodGroupsSource.missingFromModel].sort());
	});

	it('score a group as its strongest member', () => {
		const ref = references().find(([, name]) => name === 'mtg-vggish-moodtheme')![2];
		const probs = ref.chunk_outputs[0];
		const scores = moodGroupScores(card, probs)!;
		expect(Object.keys(scores)).toHaveLength(16);
		const p = (t: string) => probs[tags.indexOf(`mood/theme---${t}`)];
		expect(scores['film']).toBe(Math.max(p('film'), p('movie'), p('trailer'), p('documentary')));
		// 'mellow' is missing from the 56-tag model and must simply be ignored.
		expect(scores['relaxing/soothing']).toBe(
			Math.max(p('relaxing'), p('calm'), p('meditative'), p('slow'), p('soft'), p('dream'))
		);
		expect(topTags(tags, probs, 1)[0][1]).toBe(Math.max(...probs));
	});
});
