import type { DisplayMel } from '$lib/features/display-mel';
import type { ModelResult, TrackMeta } from '$lib/pipeline/types';

/** One tagged file in the library (IndexedDB). The audio blob is stored separately (see store.ts). */
export interface LibraryTrack {
	id: string;
	/** File name as dropped (with its folder path when it came from a folder). */
	file: string;
	bytes: number;
	/** SHA-256 of the file's bytes (content-hash.ts); absent on records from before it was kept. */
	sha256?: string;
	addedAt: number;
	meta: TrackMeta;
	/** At most one result per model id; a re-run replaces it. */
	results: ModelResult[];
	/** Display mel per model id (the first chunk the model saw, downsampled). */
	mels: Record<string, DisplayMel>;
}
