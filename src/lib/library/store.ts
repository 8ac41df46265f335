/**
 * The library in IndexedDB (idb-keyval): track records and, separately, audio copies for playback.
 * A record is small (stored-track.ts: well under 50 KB per track), so a library
 * of thousands fits; audio copies are kept only when the user asks (`saveAudio`). Without a copy the dropped
 * File itself serves playback for the rest of the session (`rememberAudio`).
 */
import { createStore, del, entries, get, keys, set, type UseStore } from 'idb-keyval';
import { isQuotaError } from '$lib/shared/errors';
import { packTrack, unpackTrack, type StoredTrack } from './stored-track';
import type { LibraryTrack } from './types';

let stores: { tracks: UseStore; audio: UseStore } | undefined;

// One database per object store: idb-keyval's createStore opens a single store per database.
function db() {
	stores ??= {
		tracks: createStore('music-tagger-library', 'tracks'),
		audio: createStore('music-tagger-audio', 'blobs')
	};
	return stores;
}

export async function listTracks(): Promise<LibraryTrack[]> {
	const all = await entries<string, StoredTrack>(db().tracks);
	return all.map(([, track]) => unpackTrack(track)).sort((a, b) => b.addedAt - a.addedAt);
}

/** The stored audio copy of the oldest track that has one. */
async function oldestAudioCopy(): Promise<string | undefined> {
	const withAudio = new Set(await keys<string>(db().audio));
	const tracks = (await entries<string, StoredTrack>(db().tracks)).filter(([id]) => withAudio.has(id));
	tracks.sort(([, a], [, b]) => a.addedAt - b.addedAt);
	return tracks[0]?.[0] ?? [...withAudio][0];
}

/**
 * Saves a track record (plain data: callers pass $state.snapshot of reactive state). Results are small and are
 * never lost to audio copies: when storage is full, playback copies are dropped, oldest first, until the
 * record fits. Returns how many were dropped; throws only when nothing is left to drop.
 */
export async function saveTrack(track: LibraryTrack): Promise<number> {
	const stored = packTrack(track);
	for (let dropped = 0; ; dropped++) {
		try {
			await set(track.id, stored, db().tracks);
			return dropped;
		} catch (error) {
			const victim = isQuotaError(error) ? await oldestAudioCopy() : undefined;
			if (victim === undefined) throw error;
			await del(victim, db().audio);
		}
	}
}

/** Keeps the audio for the player after a reload; a quota error only loses playback, never the results. */
export async function saveAudio(id: string, blob: Blob): Promise<boolean> {
	try {
		await set(id, blob, db().audio);
		return true;
	} catch {
		return false;
	}
}

/** The files dropped in this session, by track id: playback without a stored copy, until the page closes. */
const sessionAudio = new Map<string, Blob>();

export function rememberAudio(id: string, blob: Blob): void {
	sessionAudio.set(id, blob);
}

/** The track's audio: the file dropped in this session, else the stored copy, else undefined. */
export async function loadAudio(id: string): Promise<Blob | undefined> {
	return sessionAudio.get(id) ?? (await get<Blob>(id, db().audio));
}

export async function deleteTrack(id: string): Promise<void> {
	sessionAudio.delete(id);
	await Promise.all([del(id, db().tracks), del(id, db().audio)]);
}
