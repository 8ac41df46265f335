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

/**
 * What to call the formats the content sniffer (audio-type) recognises but no decoder here reads, in the
 * message that refuses them. Recorded-audio formats get advice to convert; the rest are not recordings.
 */
const undecodableFormats: Record<string, string> = {
	wma: 'WMA audio (Windows Media)',
	caf: 'CAF audio (Apple Core Audio Format)',
	tta: 'TTA audio (True Audio)',
	wv: 'WavPack audio',
	mpc: 'Musepack audio',
	ape: "Monkey's Audio (APE)",
	dsf: 'DSD audio (DSF)',
	dff: 'DSD audio (DFF)',
	amr: 'AMR speech audio',
	ac3: 'AC-3 (Dolby Digital) audio',
	eac3: 'E-AC-3 (Dolby Digital Plus) audio',
	dts: 'DTS audio',
	qoa: 'QOA audio',
	mkv: 'a Matroska (MKV) file',
	webm: 'a WebM file',
	avi: 'an AVI file'
};
const notRecordings: Record<string, string> = {
	mid: 'a MIDI file (notes, not recorded audio)',
	it: 'a tracker module (Impulse Tracker), not recorded audio',
	s3m: 'a tracker module (Scream Tracker), not recorded audio',
	xm: 'a tracker module (FastTracker), not recorded audio',
	mod: 'a tracker module (MOD), not recorded audio'
};

/** The message for a recognised format we cannot decode (`type`: audio-type's name for it). */
export function undecodableMessage(type: string, name: string): string {
	if (type in notRecordings) return `${name} is ${notRecordings[type]}, so there is nothing to tag.`;
	const what = undecodableFormats[type] ?? `${type.toUpperCase()} audio`;
	return `${name} is ${what}, which we cannot decode; convert it to FLAC, MP3, Ogg or AAC (M4A) first.`;
}
