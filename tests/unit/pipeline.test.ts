/**
 * End to end in Node, from the compressed file a user would drop: decode → resample → mel → ONNX →
 * aggregation, for every zoo model on every fixture clip, against the upstream PyTorch reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelIndex } from '$lib/card/types';
import type { DecodedAudio } from '$lib/audio/types';
import { decodeFileNode } from '$lib/audio/decode-node';
import { readIndexNode } from '../../src/lib/model-files/read-node';
import type { Tagger } from '../../src/lib/pipeline/open-tagger';
import { openNodeTagger } from '../../src/cli/taggers';
import { int8TieFor, topKAgrees, topTagNames } from '../shared/top-k';
import { compressedClipFile as compressed, fixtureClips, fixturesDir } from './helpers/fixtures';

const clips = fixtureClips();

/** The stored reference for the track-level scheme the card names. */
function reference(clip: string, checkpointFile: string) {
	const ref = JSON.parse(
		readFileSync(join(fixturesDir, clip, checkpointFile.replace('.pth', '.json')), 'utf8')
	);
	return { tags: ref.tags as string[], track: ref.track_mean as number[] };
}

let index: ModelIndex;
const decoded = new Map<string, DecodedAudio>();

beforeAll(async () => {
	index = await readIndexNode();
	for (const clip of clips) decoded.set(clip, await decodeFileNode(compressed(clip)));
});

describe.each(['fp32', 'int8'] as const)('compressed clip → tags (%s)', (variant) => {
	const taggers = new Map<string, Tagger>();
	afterAll(async () => {
		for (const t of taggers.values()) await t.release();
	});

	it.each(readZooIds())('%s', async (id) => {
		const card = index.models.find((m) => m.id === id)!;
		const tagger = await openNodeTagger(card, variant);
		taggers.set(id, tagger);
		for (const clip of clips) {
			const ref = reference(clip, card.provenance.checkpoint.file);
			expect(card.tags).toEqual(ref.tags);
			const result = await tagger.tag(decoded.get(clip)!);
			const diff = Math.max(...result.probabilities.map((p, i) => Math.abs(p - ref.track[i])));
			console.log(`${variant} ${id} ${clip}: max |Δp| = ${diff.toExponential(2)}`);
			const agrees = topKAgrees(
				card.tags,
				result.probabilities,
				ref.track,
				5,
				variant === 'int8' ? int8TieFor(diff) : 0
			);
			expect(agrees, `top-5 ${topTagNames(card.tags, result.probabilities, 5)}`).toBe(true);
			expect(diff).toBeLessThanOrEqual(0.02);
		}
	});
});

function readZooIds(): string[] {
	const zoo = JSON.parse(readFileSync('models/zoo.json', 'utf8')) as { models: { id: string }[] };
	return zoo.models.map((m) => m.id);
}

describe('tags without the taggram', () => {
	it('resample only the centred segment and give the same MTG result as the full pass', async () => {
		const card = index.models.find((m) => m.chunking.track.scheme === 'centre')!;
		const tagger = await openNodeTagger(card, 'int8');
		// Two clips back to back (both 44.1 kHz): a 60 s track whose centre segment is far from both ends.
		const [a, b] = clips.map((c) => decoded.get(c)!).filter((d) => d.sampleRate === 44100);
		const mono = new Float32Array(a.mono.length + b.mono.length);
		mono.set(a.mono);
		mono.set(b.mono, a.mono.length);
		const track = { sampleRate: 44100, channels: 1, mono };
		const full = await tagger.tag(track);
		const tagsOnly = await tagger.tag({ ...track, mono: mono.slice() }, { taggram: false });
		await tagger.release();
		expect(full.taggram.outputs.length).toBeGreaterThan(1);
		expect(tagsOnly.taggram.outputs).toEqual(tagsOnly.chunks);
		expect(tagsOnly.chunkStarts).toEqual(full.chunkStarts);
		expect(tagsOnly.probabilities).toEqual(full.probabilities);
	});
});
