/**
 * The library's filter (what applies, by the cards' decision rules), its order and its multi-select, on real
 * model outputs: the upstream reference outputs of the fixture clips for the default model (published
 * thresholds, mood groups) and the MTG-Jamendo FCN (top-k rule).
 */
import { describe, expect, it } from 'vitest';
import {
	filterTracks,
	labelKey,
	labelName,
	labelOptions,
	parseLabelKey,
	type LibraryFilter
} from '../../src/lib/library/filter';
import { sortTracks } from '../../src/lib/library/sort';
import { bulkTargets, pruned, toggled, withAll, without } from '../../src/lib/library/selection';
import { appliedTags, decideGroups } from '../../src/lib/predictions/decide';
import { tagLabel } from '../../src/lib/card/labels';
import type { LibraryTrack } from '../../src/lib/library/types';
import { fixtureClips } from './helpers/fixtures';
import { referenceTrack } from './helpers/library-tracks';
import { readModelIndex } from './helpers/models';

const index = readModelIndex();
const card = index.models.find((m) => m.default)!;
const fcn = index.models.find((m) => m.id === 'jamendo-fcn')!;
const cards = Object.fromEntries(index.models.map((m) => [m.id, m]));
const clips = fixtureClips();
const tracks = clips.map((clip, i) => ({ ...referenceTrack(clip, [card, fcn]), addedAt: 1000 * i }));
const ids = (list: LibraryTrack[]) => list.map((t) => t.id);
const only = (label: string, atLeast?: number): LibraryFilter => ({ text: '', label, atLeast });
const probabilityOf = (t: LibraryTrack, model: string, tag: string) => {
	const result = t.results.find((r) => r.model === model)!;
	return result.probabilities[cards[model].tags.indexOf(tag)];
};
const applies = (t: LibraryTrack, model: string, tag: string) =>
	appliedTags(cards[model], t.results.find((r) => r.model === model)!.probabilities).some(
		(d) => d.tag === tag
	);

describe('the label filter', () => {
	it('keeps the tracks where a tag applies, and "or at least p" adds those that reach p', () => {
		// A tag that applies to some clips and not to others, so the filter has something to tell apart.
		const split = [card, fcn].flatMap((c) =>
			c.tags
				.map((tag) => ({ model: c.id, tag }))
				.filter(({ model, tag }) => {
					const n = tracks.filter((t) => applies(t, model, tag)).length;
					return n > 0 && n < tracks.length;
				})
		);
		expect(split.length).toBeGreaterThan(0);
		for (const { model, tag } of split) {
			const key = labelKey({ kind: 'tag', model, tag });
			expect(ids(filterTracks(tracks, only(key), cards)), tag).toEqual(
				ids(tracks.filter((t) => applies(t, model, tag)))
			);
			const missing = tracks.find((t) => !applies(t, model, tag))!;
			const p = probabilityOf(missing, model, tag);
			expect(ids(filterTracks(tracks, only(key, p), cards))).toContain(missing.id);
			expect(ids(filterTracks(tracks, only(key, p + 1e-6), cards))).not.toContain(missing.id);
		}
	});
	it('is not a raw threshold: a top-k tag above the floor that is not in the top 3 does not apply', () => {
		const below = tracks.flatMap((t) =>
			fcn.tags
				.filter((tag) => probabilityOf(t, fcn.id, tag) >= 0.2 && !applies(t, fcn.id, tag))
				.map((tag) => ({ t, tag }))
		);
		expect(below.length).toBeGreaterThan(0);
		for (const { t, tag } of below) {
			const key = labelKey({ kind: 'tag', model: fcn.id, tag });
			expect(ids(filterTracks([t], only(key), cards))).toEqual([]);
			expect(ids(filterTracks([t], only(key, 0.2), cards))).toEqual([t.id]);
		}
	});
	it('keeps the tracks where a mood group applies (some member applies)', () => {
		for (const { name } of card.moodGroups!) {
			const expected = tracks.filter(
				(t) => decideGroups(card, t.results[0].probabilities)!.find((g) => g.name === name)!.applies
			);
			expect(ids(filterTracks(tracks, only(labelKey({ kind: 'group', name })), cards)), name).toEqual(
				ids(expected)
			);
		}
	});
	it('searches file names and the readable labels that apply', () => {
		expect(ids(filterTracks(tracks, { text: clips[1], label: '' }, cards))).toEqual([clips[1]]);
		const [t, label] = tracks
			.flatMap((x) =>
				x.results.flatMap((r) =>
					appliedTags(cards[r.model], r.probabilities).map((d) => [x, d.label] as const)
				)
			)
			.find(([, l]) => l.length > 3)!;
		expect(ids(filterTracks(tracks, { text: label.toUpperCase(), label: '' }, cards)), label).toContain(t.id);
		// A tag that is likely (p >= 0.1) somewhere but applies nowhere, in no model: searching for it finds nothing.
		const applied = tracks.flatMap((x) =>
			x.results.flatMap((r) => [
				...appliedTags(cards[r.model], r.probabilities).map((d) => d.label.toLowerCase()),
				...(decideGroups(cards[r.model], r.probabilities) ?? []).filter((g) => g.applies).map((g) => g.name)
			])
		);
		const unseen = card.tags
			.map((tag) => tagLabel(tag).label.toLowerCase())
			.filter((l) => !applied.some((a) => a.includes(l)) && !clips.some((c) => c.includes(l)));
		const likely = unseen.filter((l) =>
			tracks.some(
				(x) =>
					probabilityOf(
						x,
						card.id,
						card.tags.find((tag) => tagLabel(tag).label.toLowerCase() === l)!
					) >= 0.1
			)
		);
		expect(likely.length).toBeGreaterThan(0);
		for (const l of likely) expect(ids(filterTracks(tracks, { text: l, label: '' }, cards)), l).toEqual([]);
	});
});

describe('the label options', () => {
	const groups = labelOptions(tracks, cards);
	it('lists the mood groups first, then each model’s tags by category, every tag once', () => {
		expect(groups[0].label).toBe('Mood groups');
		expect(groups[0].options.map((o) => o.label)).toContain('Uplifting/euphoric');
		expect(groups[0].options).toHaveLength(card.moodGroups!.length);
		for (const c of [card, fcn]) {
			const mine = groups.filter((g) => g.label.startsWith(`${c.title}: `));
			const keys = mine.flatMap((g) => g.options.map((o) => o.key));
			expect(keys.map((k) => parseLabelKey(k))).toEqual(
				expect.arrayContaining(c.tags.map((tag) => ({ kind: 'tag', model: c.id, tag })))
			);
			expect(keys).toHaveLength(c.tags.length);
		}
		expect(groups.map((g) => g.label)).toContain(`${fcn.title}: instrument`);
		expect(groups.some((g) => g.label.startsWith(index.models.find((m) => m.id === 'mtat-fcn')!.title))).toBe(
			false
		);
	});
	it('reads as labels, and keys survive any character', () => {
		expect(labelName(labelKey({ kind: 'tag', model: fcn.id, tag: 'instrument---electricguitar' }))).toBe(
			'Electric guitar'
		);
		expect(labelName(labelKey({ kind: 'group', name: 'dark/heavy' }))).toBe('Dark/heavy');
		const odd = { kind: 'tag', model: 'a:"b', tag: 'x,"y]' } as const;
		expect(parseLabelKey(labelKey(odd))).toEqual(odd);
		expect(parseLabelKey('')).toBeUndefined();
		expect(labelName('')).toBe('');
	});
});

describe('sortTracks', () => {
	const withMeta = tracks.map((t, i) => ({
		...t,
		meta: {
			...t.meta,
			duration: [30, 10, 20][i],
			...(i === 0 ? {} : { title: ['', 'Track 10', 'Track 9'][i], artist: ['', 'b', 'A'][i] })
		}
	}));
	it('orders by date added (newest first), title (natural order), artist (missing last), duration', () => {
		expect(ids(sortTracks(withMeta, 'added', cards))).toEqual([clips[2], clips[1], clips[0]]);
		// Track 0 has no title: its file name counts.
		const titles = sortTracks(withMeta, 'title', cards).map((t) => t.meta.title ?? t.file);
		expect(titles).toEqual([...titles].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
		expect(titles.indexOf('Track 9')).toBeLessThan(titles.indexOf('Track 10'));
		expect(ids(sortTracks(withMeta, 'artist', cards))).toEqual([clips[2], clips[1], clips[0]]);
		expect(ids(sortTracks(withMeta, 'duration', cards))).toEqual([clips[1], clips[2], clips[0]]);
	});
	it('orders by a tag’s or a group’s score, highest first, tracks without the model last', () => {
		const without = { ...tracks[0], id: 'no-fcn', results: [tracks[0].results[0]] };
		for (const tag of fcn.tags.slice(0, 10)) {
			const sorted = sortTracks([without, ...tracks], labelKey({ kind: 'tag', model: fcn.id, tag }), cards);
			expect(sorted.at(-1)!.id).toBe('no-fcn');
			const scores = sorted.slice(0, -1).map((t) => probabilityOf(t, fcn.id, tag));
			expect(scores).toEqual([...scores].sort((a, b) => b - a));
		}
		const name = card.moodGroups![0].name;
		const byGroup = sortTracks(tracks, labelKey({ kind: 'group', name }), cards);
		const scores = byGroup.map((t) => t.results[0].groups![name]);
		expect(scores).toEqual([...scores].sort((a, b) => b - a));
	});
});

describe('the selection', () => {
	it('toggles, adds the tracks shown, drops deleted ids, and targets the selection or the tracks shown', () => {
		let selection = toggled(new Set(), clips[2]);
		expect([...toggled(selection, clips[2])]).toEqual([]);
		const shown = [tracks[1], tracks[0]];
		expect(bulkTargets(shown, tracks, selection)).toEqual([tracks[2]]);
		expect(bulkTargets(shown, tracks, new Set())).toEqual(shown);
		selection = withAll(selection, shown);
		expect(selection.size).toBe(3);
		// Shown ones first, in the order shown, then the selected ones the filter hides.
		expect(ids(bulkTargets(shown, tracks, selection))).toEqual([clips[1], clips[0], clips[2]]);
		expect([...pruned(selection, [tracks[0]])]).toEqual([clips[0]]);
		expect(ids(without(tracks, [clips[0], clips[2]]))).toEqual([clips[1]]);
	});
});
