/**
 * The library's multi-select, as an immutable set of track ids (a new set per change, for reactive state).
 * Bulk actions act on the selection, or on the tracks shown when nothing is selected.
 */
import type { LibraryTrack } from './types';

export type Selection = ReadonlySet<string>;

export const noSelection: Selection = new Set();

export function toggled(selection: Selection, id: string): Selection {
	const next = new Set(selection);
	if (!next.delete(id)) next.add(id);
	return next;
}

export function withAll(selection: Selection, tracks: LibraryTrack[]): Selection {
	return new Set([...selection, ...tracks.map((t) => t.id)]);
}

/** The tracks but those with one of `ids`. */
export function without(tracks: LibraryTrack[], ids: string[]): LibraryTrack[] {
	const gone = new Set(ids);
	return tracks.filter((t) => !gone.has(t.id));
}

/** Without the ids no longer in the library. */
export function pruned(selection: Selection, tracks: LibraryTrack[]): Selection {
	const ids = new Set(tracks.map((t) => t.id));
	return new Set([...selection].filter((id) => ids.has(id)));
}

/**
 * What a bulk action acts on: the selected tracks (those shown first, in the order shown, then those the filter
 * hides, in library order), or every track shown when nothing is selected.
 */
export function bulkTargets(
	shown: LibraryTrack[],
	all: LibraryTrack[],
	selection: Selection
): LibraryTrack[] {
	if (selection.size === 0) return shown;
	const inView = shown.filter((t) => selection.has(t.id));
	const seen = new Set(inView.map((t) => t.id));
	return [...inView, ...all.filter((t) => selection.has(t.id) && !seen.has(t.id))];
}
