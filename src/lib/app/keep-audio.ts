/**
 * Whether the library keeps a copy of each file's audio for playback after a reload. Off by default: a copy
 * takes as much browser storage as the file (a 2 GB folder would become 2 GB of IndexedDB), while the results
 * alone take under 50 KB a track. Without copies, a track plays during the session it was dropped in.
 */
const key = 'music-tagger-keep-audio';

export function readKeepAudio(): boolean {
	try {
		return localStorage.getItem(key) === 'true';
	} catch {
		return false;
	}
}

export function saveKeepAudio(keep: boolean): void {
	try {
		localStorage.setItem(key, String(keep));
	} catch {
		// Storage refused: the choice lasts for this page only.
	}
}
