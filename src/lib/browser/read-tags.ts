/** Title, artist and album from the file's own tags (music-metadata's browser build); failures mean "no tags". */
import { parseBlob } from 'music-metadata';
import type { TrackMeta } from '$lib/pipeline/types';

export async function readTags(blob: Blob): Promise<Partial<TrackMeta>> {
	const { common } = await parseBlob(blob, { duration: false, skipCovers: true });
	return { title: common.title, artist: common.artist, album: common.album };
}
