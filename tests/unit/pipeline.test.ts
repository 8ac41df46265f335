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

/** The stored reference for the upstream track-level scheme the card names. */
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
			const result = await tagger.tag(decoded.get(clip)!, { scheme: 'upstream' });
			expect(result.scheme).toBe('upstream');
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

/** Two clips back to back (both 44.1 kHz): a 60 s track whose centre segment is far from both ends. */
function twoClips(): DecodedAudio {
	const [a, b] = clips.map((c) => decoded.get(c)!).filter((d) => d.sampleRate === 44100);
	const mono = new Float32Array(a.mono.length + b.mono.length);
	mono.set(a.mono);
	mono.set(b.mono, a.mono.length);
	return { sampleRate: 44100, channels: 1, mono };
}

describe('tags without the taggram', () => {
	it('resample only the centred segment and give the same MTG result as the full pass', async () => {
		const card = index.models.find((m) => m.chunking.track.scheme === 'centre')!;
		const tagger = await openNodeTagger(card, 'int8');
		const track = twoClips();
		const { mono } = track;
		const full = await tagger.tag(track, { scheme: 'upstream' });
		const tagsOnly = await tagger.tag(
			{ ...track, mono: mono.slice() },
			{ taggram: false, scheme: 'upstream' }
		);
		await tagger.release();
		expect(full.taggram.outputs.length).toBeGreaterThan(1);
		expect(tagsOnly.taggram.outputs).toEqual(tagsOnly.chunks);
		expect(tagsOnly.chunkStarts).toEqual(full.chunkStarts);
		expect(tagsOnly.probabilities).toEqual(full.probabilities);
	});
});

describe('the whole-track scheme (default)', () => {
	it('sota: the reference mean of the back-to-back windows; MTG: the mean of its own taggram columns', async () => {
		const clip = clips[0];
		const sota = index.models.find((m) => m.id === 'mtat-musicnn')!;
		const tagger = await openNodeTagger(sota, 'fp32');
		const result = await tagger.tag(decoded.get(clip)!);
		await tagger.release();
		const ref = JSON.parse(
			readFileSync(join(fixturesDir, clip, sota.provenance.checkpoint.file.replace('.pth', '.json')), 'utf8')
		) as { alt_chunking: { starts: number[]; mean: number[] } };
		expect(result.scheme).toBe('whole');
		expect(result.chunkStarts.map((s) => Math.round(s * 16000))).toEqual(ref.alt_chunking.starts);
		expect(result.taggram.outputs).toEqual(result.chunks);
		expect(
			Math.max(...result.probabilities.map((p, i) => Math.abs(p - ref.alt_chunking.mean[i])))
		).toBeLessThanOrEqual(0.02);

		const mtg = index.models.find((m) => m.chunking.track.scheme === 'centre')!;
		const mtgTagger = await openNodeTagger(mtg, 'int8');
		const whole = await mtgTagger.tag(twoClips());
		await mtgTagger.release();
		expect(whole.chunkStarts).toHaveLength(2);
		expect(whole.taggram.starts).toEqual(whole.chunkStarts);
		whole.probabilities.forEach((p, t) =>
			expect(p).toBeCloseTo((whole.taggram.outputs[0][t] + whole.taggram.outputs[1][t]) / 2, 6)
		);
	});
});
