/**
 * Library order. Pure: by date added (newest first, the default), title, artist, album (A to Z, tracks without
 * one last), duration (shortest first) or the score of a tag or mood group (highest first, tracks without the
 * label last). Ties keep the input order (the library's: newest first).
 */
import { labelScore, parseLabelKey, type Cards } from './filter';
import type { LibraryTrack } from './types';

export type SortField = 'added' | 'title' | 'artist' | 'album' | 'duration';
/** A field, or the labelKey (filter.ts) of a tag or mood group. */
export type SortKey = SortField | (string & {});

export const sortFields: { key: SortField; label: string }[] = [
	{ key: 'added', label: 'Date added (newest first)' },
	{ key: 'title', label: 'Title' },
	{ key: 'artist', label: 'Artist' },
	{ key: 'album', label: 'Album' },
	{ key: 'duration', label: 'Duration (shortest first)' }
];

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** The title, else the file name without its folder. */
export const titleOf = (track: LibraryTrack) => track.meta.title ?? track.file.split('/').pop() ?? track.file;

type Value = string | number | undefined;

function valueOf(track: LibraryTrack, key: SortKey, cards: Cards): Value {
	switch (key) {
		case 'added':
			return -track.addedAt;
		case 'title':
			return titleOf(track);
		case 'artist':
			return track.meta.artist || undefined;
		case 'album':
			return track.meta.album || undefined;
		case 'duration':
			return track.meta.duration;
	}
	const ref = parseLabelKey(key);
	const score = ref && labelScore(track, ref, cards);
	return score === undefined ? undefined : -score;
}

function compare(a: Value, b: Value): number {
	if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
	return typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
}

export function sortTracks(tracks: LibraryTrack[], key: SortKey, cards: Cards): LibraryTrack[] {
	const keyed = tracks.map((track) => ({ track, value: valueOf(track, key, cards) }));
	return keyed.sort((a, b) => compare(a.value, b.value)).map((k) => k.track);
}
