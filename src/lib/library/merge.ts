/** Adding results to a library track: a model's new result replaces its old one (one result per model). */
import type { ModelResult } from '$lib/pipeline/types';
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
