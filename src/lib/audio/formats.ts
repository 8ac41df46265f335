/**
 * Which files look like audio by name, and how durations read in messages and views. Pure: used by the
 * browser's folder walk, the CLI's folder search and the decoders' messages.
 */

/** Extensions taken from folders (a file handed over on its own is always tried, whatever its name). */
export const audioExtensions = [
	'mp3',
	'ogg',
	'oga',
	'opus',
	'flac',
	'wav',
	'wave',
	'm4a',
	'mp4',
	'aac',
	'webm',
	'aif',
	'aiff',
	'caf',
	'wma'
] as const;

const extensionPattern = new RegExp(`\\.(${audioExtensions.join('|')})$`, 'i');

/**
 * Files a music folder holds that are never audio even when their name or type says so: macOS AppleDouble
 * companions (`._song.mp3`, resource forks copied to non-Mac disks) and playlists (`.m3u` is `audio/x-mpegurl`).
 */
const notAudio = /(^|\/)\._|\.(m3u8?|pls|cue|xspf|wpl)$/i;

/** An audio file by its name (folder walks take these; clutter is skipped without a message). */
export function hasAudioExtension(name: string): boolean {
	return extensionPattern.test(name) && !notAudio.test(name);
}

/** Not audio whatever its MIME type says (see `notAudio`). */
export const isNotAudio = (name: string): boolean => notAudio.test(name);

/** "3:07", or "2:10:00" from an hour on. */
export function formatDuration(seconds: number): string {
	const h = Math.floor(seconds / 3600);
	const m = Math.floor((seconds % 3600) / 60);
	const s = String(Math.floor(seconds % 60)).padStart(2, '0');
	return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
