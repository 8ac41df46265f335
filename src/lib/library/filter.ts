/**
 * Library search and filters. Pure: the view passes the tracks, the filter state and the cards.
 * A label (a model's tag or a mood group) matches a track when it *applies* there (the card's decision rule,
 * predictions/decide.ts), or optionally when its score reaches a probability the user picks.
 */
import { tagLabel, type TagCategory } from '$lib/card/labels';
import { appliedTags, appliesMask, decideGroups, type DecisionCard } from '$lib/predictions/decide';
import type { ModelResult } from '$lib/pipeline/types';
import type { LibraryTrack } from './types';

/** What the cards of the filter and the sort need: the decision rule, and a title for the option groups. */
export type LabelCard = DecisionCard & { id: string; title?: string };
export type Cards = Record<string, LabelCard>;

/** A mood group (by name, over every result that has it) or one model's tag. */
export type LabelRef = { kind: 'group'; name: string } | { kind: 'tag'; model: string; tag: string };

/** The option value of a label (JSON: model ids and tag keys may hold any character). */
export const labelKey = (ref: LabelRef): string =>
	JSON.stringify(ref.kind === 'group' ? ['group', ref.name] : ['tag', ref.model, ref.tag]);

export function parseLabelKey(key: string): LabelRef | undefined {
	if (!key.startsWith('[')) return undefined;
	const parts = JSON.parse(key) as string[];
	if (parts[0] === 'group' && parts.length === 2) return { kind: 'group', name: parts[1] };
	if (parts[0] === 'tag' && parts.length === 3) return { kind: 'tag', model: parts[1], tag: parts[2] };
	return undefined;
}

/** "uplifting/euphoric" → "Uplifting/euphoric". */
export const groupLabel = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** How a label reads in a list or a playlist name: "Film", "Electric guitar". */
export function labelName(key: string): string {
	const ref = parseLabelKey(key);
	if (!ref) return '';
	return ref.kind === 'group' ? groupLabel(ref.name) : tagLabel(ref.tag).label;
}

export interface LibraryFilter {
	/** Free text over file name, title, artist, album and the labels that apply. */
	text: string;
	/** labelKey of a tag or mood group; empty = any. */
	label: string;
	/** Also count the label where its score reaches this probability; undefined = only where it applies. */
	atLeast?: number;
}

export const emptyFilter: LibraryFilter = { text: '', label: '' };

const resultOf = (track: LibraryTrack, model: string) => track.results.find((r) => r.model === model);

/** A label's score on a track: the tag's probability, or a group's best score over the results. */
export function labelScore(track: LibraryTrack, ref: LabelRef, cards: Cards): number | undefined {
	if (ref.kind === 'tag') {
		const at = cards[ref.model]?.tags.indexOf(ref.tag) ?? -1;
		const result = resultOf(track, ref.model);
		return at >= 0 && result ? result.probabilities[at] : undefined;
	}
	const scores = track.results.map((r) => r.groups?.[ref.name]).filter((s) => s !== undefined);
	return scores.length > 0 ? Math.max(...scores) : undefined;
}

/** Whether the label applies to the track by its model's decision rule. */
export function labelApplies(track: LibraryTrack, ref: LabelRef, cards: Cards): boolean {
	if (ref.kind === 'tag') {
		const card = cards[ref.model];
		const result = resultOf(track, ref.model);
		const at = card?.tags.indexOf(ref.tag) ?? -1;
		return !!result && at >= 0 && appliesMask(card, result.probabilities)[at];
	}
	return track.results.some((r) => {
		const card = cards[r.model];
		return !!card && !!decideGroups(card, r.probabilities)?.some((g) => g.name === ref.name && g.applies);
	});
}

/** The readable labels (tags and mood groups) that apply in one result. */
export function appliedLabels(result: ModelResult, card: DecisionCard): string[] {
	const groups = decideGroups(card, result.probabilities) ?? [];
	return [
		...appliedTags(card, result.probabilities).map((d) => d.label),
		...groups.filter((g) => g.applies).map((g) => groupLabel(g.name))
	];
}

export function filterTracks(tracks: LibraryTrack[], filter: LibraryFilter, cards: Cards): LibraryTrack[] {
	const text = filter.text.trim().toLowerCase();
	const ref = parseLabelKey(filter.label);
	const { atLeast } = filter;
	return tracks.filter((track) => {
		if (ref && !labelApplies(track, ref, cards)) {
			const score = atLeast === undefined ? undefined : labelScore(track, ref, cards);
			if (score === undefined || atLeast === undefined || score < atLeast) return false;
		}
		if (!text) return true;
		const labels = track.results.flatMap((r) => (cards[r.model] ? appliedLabels(r, cards[r.model]) : []));
		const { title, artist, album } = track.meta;
		const haystack = [track.file, title ?? '', artist ?? '', album ?? '', ...labels].join('\n');
		return haystack.toLowerCase().includes(text);
	});
}

export interface LabelOption {
	key: string;
	label: string;
}
export interface LabelGroup {
	/** "Mood groups", or "<model title>: <category>". */
	label: string;
	options: LabelOption[];
}

const categoryOrder: (TagCategory | undefined)[] = [
	'genre',
	'instrument',
	'mood/theme',
	'voice',
	'era',
	'other'
];
const byLabel = (a: LabelOption, b: LabelOption) => a.label.localeCompare(b.label);

/**
 * The labels on offer for the library's models, for <optgroup>s: the mood groups first, then each model's
 * tags by category (a tag without a category goes under "other").
 */
export function labelOptions(tracks: LibraryTrack[], cards: Cards): LabelGroup[] {
	const models = new Set(tracks.flatMap((t) => t.results.map((r) => r.model)));
	const used = [...models].map((id) => cards[id]).filter((c) => c !== undefined);
	const groupNames = new Set(used.flatMap((c) => c.moodGroups?.map((g) => g.name) ?? []));
	const groups: LabelGroup[] = [];
	if (groupNames.size > 0)
		groups.push({
			label: 'Mood groups',
			options: [...groupNames]
				.map((name) => ({ key: labelKey({ kind: 'group', name }), label: groupLabel(name) }))
				.sort(byLabel)
		});
	for (const card of used) {
		const labels = card.tags.map(tagLabel);
		for (const category of categoryOrder) {
			const options = labels
				.filter((l) => (l.category ?? 'other') === category)
				.map((l) => ({ key: labelKey({ kind: 'tag', model: card.id, tag: l.tag }), label: l.label }))
				.sort(byLabel);
			if (options.length > 0) groups.push({ label: `${card.title ?? card.id}: ${category}`, options });
		}
	}
	return groups;
}
