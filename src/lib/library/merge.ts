/** Combining results: a model's new result replaces its old one (one result per model); identical files share theirs. */
import { schemeOf, type ModelResult } from '$lib/pipeline/types';
import type { TrackScheme } from '$lib/predictions/chunks';
import type { DisplayMel } from '$lib/features/display-mel';
import type { LibraryTrack } from './types';

export function withResults(
	track: LibraryTrack,
	results: ModelResult[],
	mels: Record<string, DisplayMel>
): LibraryTrack {
	const replaced = results.map((r) => r.model);
	return {
		...track,
		results: [...track.results.filter((r) => !replaced.includes(r.model)), ...results],
		mels: { ...track.mels, ...mels }
	};
}

/**
 * A library track with the same bytes (`sha256`) that already has a result of every model in `models` under
 * `scheme`: its results serve an identical file found under another name, instead of tagging it again.
 */
export function sameContent(
	tracks: readonly LibraryTrack[],
	sha256: string,
	models: readonly string[],
	scheme: TrackScheme
): LibraryTrack | undefined {
	return tracks.find(
		(t) =>
			t.sha256 === sha256 &&
			models.every((m) => t.results.some((r) => r.model === m && schemeOf(r) === scheme))
	);
}
