/**
 * A library track's audio, copied nowhere: the file dropped this session, else a copy the user asked to keep,
 * else the file itself, read again from the folder it was picked from (browser/folder-access.ts).
 */
import type { LibraryTrack } from '$lib/library/types';
import { loadAudio } from '$lib/library/store';
import { readFromKeptFolder } from '$lib/browser/folder-access';

export type TrackAudio =
	| { kind: 'audio'; blob: Blob }
	/** The folder is kept but this session may not read it yet: ask from a click (`ask`). */
	| { kind: 'needs-permission'; folder: string }
	| { kind: 'none'; reason: string };

/** `ask`: the call comes from a click, so the browser may ask the user for the folder. */
export async function trackAudio(track: LibraryTrack, ask: boolean): Promise<TrackAudio> {
	const blob = await loadAudio(track.id).catch(() => undefined);
	if (blob) return { kind: 'audio', blob };
	const read = await readFromKeptFolder(track.file, ask);
	switch (read.kind) {
		case 'file':
			return read.file.size === track.bytes
				? { kind: 'audio', blob: read.file }
				: { kind: 'none', reason: `${track.file} changed since it was analysed (its size differs)` };
		case 'needs-permission':
			return read;
		case 'missing':
			return { kind: 'none', reason: `${track.file} is no longer in the folder “${read.folder}”` };
		case 'no-folder':
			return {
				kind: 'none',
				reason: `the audio of ${track.file} is not at hand: drop it again, pick its folder with “Choose a folder…”, or turn on “Keep a copy”`
			};
	}
}
