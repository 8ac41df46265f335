/**
 * Decisions (src/lib/predictions/decide.ts), the whole-track chunk starts and the tag labels, on the real cards
 * (static/models, built by `npm run models`) and the upstream reference outputs of the fixture clips.
 */
import { describe, expect, it } from 'vitest';
import type { Chunking, ModelCard } from '$lib/card/types';
import { labelWithCategory, tagLabel } from '$lib/card/labels';
import {
	parseTrackScheme,
	scoreChunkStarts,
	taggramChunkStarts,
	wholeTrackStarts
} from '$lib/predictions/chunks';
import { appliesMask, appliedTags, decideGroups, decideTags, topKRule } from '$lib/predictions/decide';
import { meanOfChunks } from '$lib/predictions/aggregate';
import { fixtureClips, readModelReference } from './helpers/fixtures';
import { readModelIndex } from './helpers/models';

const index = readModelIndex();
const byId = (id: string) => index.models.find((m) => m.id === id)!;
const clips = fixtureClips();
/** The upstream track result of a card for a clip (centre segment, or the sota chunk mean). */
function upstream(clip: string, card: ModelCard): number[] {
	const ref = readModelReference(clip, card.provenance.checkpoint.file.replace(/\.pth$/, ''));
	return card.chunking.track.scheme === 'centre' ? ref.chunk_outputs[0] : meanOfChunks(ref.chunk_outputs);
}

describe('the whole-track scheme', () => {
	it('is the back-to-back windows of the sota references (alt_chunking) for every clip and model', () => {
		for (const clip of clips)
			for (const card of index.models.filter((m) => m.chunking.track.scheme === 'upstream-eval')) {
				const ref = readModelReference(clip, card.provenance.checkpoint.file.replace(/\.pth$/, ''));
				expect(scoreChunkStarts(card.chunking, ref.input_samples, 'whole')).toEqual(ref.alt_chunking!.starts);
				expect(taggramChunkStarts(card.chunking, ref.input_samples, 'whole')).toEqual(
					ref.alt_chunking!.starts
				);
			}
	});
	it('reads floor(N / L) windows, at least one, and leaves the upstream scheme to `upstream`', () => {
		const mtg = byId('mtg-moodtheme-vggish').chunking as Chunking;
		expect(wholeTrackStarts(mtg, 10)).toEqual([0]);
		expect(wholeTrackStarts(mtg, 2 * 349200 - 1)).toEqual([0]);
		expect(scoreChunkStarts(mtg, 3 * 349200 + 5, 'whole')).toEqual([0, 349200, 698400]);
		expect(scoreChunkStarts(mtg, 3 * 349200 + 5, 'upstream')).toEqual([Math.floor((2 * 349200 + 5) / 2)]);
	});
	it('parses a URL or command-line name, refusing unknown ones', () => {
		expect(parseTrackScheme(null)).toBe('whole');
		expect(parseTrackScheme('upstream')).toBe('upstream');
		expect(() => parseTrackScheme('centre')).toThrow(/unknown track scheme "centre"/);
	});
});

describe('decisions', () => {
	it('MTG mood/theme: a tag applies exactly at or above its published threshold; lift = p / prior', () => {
		const card = byId('mtg-moodtheme-vggish');
		expect(card.decision.rule).toBe('thresholds');
		for (const clip of clips) {
			const p = upstream(clip, card);
			const decided = decideTags(card, p);
			for (const d of decided) {
				const i = card.tags.indexOf(d.tag);
				if (card.decision.rule !== 'thresholds') throw new Error('unreachable');
				expect(d.applies).toBe(p[i] >= card.decision.thresholds[i]);
				expect(d.lift).toBeCloseTo(p[i] / card.priors!.priors[i], 12);
			}
		}
		// The orchestral battle clip: film and epic apply, the most probable tags of the published model.
		const battle = appliedTags(card, upstream('wesnoth-battle-epic', card)).map((d) => d.label);
		expect(battle.slice(0, 2)).toEqual(['Film', 'Epic']);
	});
	it('a mood group applies exactly when one of its members applies', () => {
		const card = byId('mtg-moodtheme-vggish');
		for (const clip of clips) {
			const p = upstream(clip, card);
			const applies = appliesMask(card, p);
			for (const group of decideGroups(card, p)!) {
				const members = card.moodGroups!.find((g) => g.name === group.name)!.members;
				expect(group.applies).toBe(members.some((m) => applies[card.tags.indexOf(m)]));
				expect(group.score).toBe(Math.max(...members.map((m) => p[card.tags.indexOf(m)])));
			}
		}
	});
	it('MTAT / MSD / MTG-Jamendo top-50: the documented top-k rule over the reference outputs', () => {
		for (const card of index.models.filter((m) => m.decision.rule === 'top-k')) {
			expect(card.decision).toEqual(topKRule);
			for (const clip of clips) {
				const p = upstream(clip, card);
				const applied = appliedTags(card, p);
				const sorted = [...p].sort((a, b) => b - a);
				const expected = sorted.slice(0, topKRule.k).filter((x) => x >= 0.2).length;
				expect(applied).toHaveLength(expected);
				for (const d of applied) expect(d.probability).toBeGreaterThanOrEqual(sorted[expected - 1]);
			}
		}
		expect(index.models.filter((m) => m.priors).map((m) => m.id)).toEqual([
			'mtg-moodtheme-vggish',
			'jamendo-fcn',
			'jamendo-musicnn',
			'jamendo-crnn'
		]);
	});
});

describe('tag labels', () => {
	it('names every zoo tag in words, with its category', () => {
		expect(tagLabel('mood/theme---film')).toEqual({
			tag: 'mood/theme---film',
			label: 'Film',
			category: 'mood/theme'
		});
		expect(labelWithCategory('genre---electronic')).toBe('Electronic (genre)');
		expect(labelWithCategory('instrument---electricguitar')).toBe('Electric guitar (instrument)');
		expect(labelWithCategory('00s')).toBe('2000s (era)');
		expect(labelWithCategory('rnb')).toBe('R&B (genre)');
		expect(labelWithCategory('no vocals')).toBe('No vocals (voice)');
		for (const card of index.models) {
			const labels = card.tags.map(tagLabel);
			expect(labels.filter((l) => !l.category).map((l) => l.tag)).toEqual([]);
			expect(new Set(labels.map((l) => l.label)).size).toBe(card.tags.length);
		}
	});
});
