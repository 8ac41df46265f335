/**
 * M3U8 playlists (UTF-8 extended M3U, the format foobar2000, MusicBee, VLC, Navidrome and Kodi read) with
 * paths relative to the folder the playlist is saved in, so that it opens in a player next to the music.
 * Pure: the app and the CLI give the tracks and the folder.
 */
import { trackMoods, type ExportCards, type ExportTrack } from './export';

export interface PlaylistEntry {
	/** The track's path: relative to the dropped folder's parent (app) or as the CLI found it. */
	file: string;
	duration: number;
	title?: string;
	artist?: string;
}

const segments = (path: string) =>
	path
		.replace(/\\/g, '/')
		.split('/')
		.filter((s) => s && s !== '.');

/**
 * `file` as seen from `folder` (both relative to the same root, or both absolute): shared leading folders are
 * dropped and each remaining folder of `folder` becomes "..". Forward slashes, which every player accepts.
 */
export function relativePath(file: string, folder: string): string {
	const to = segments(file);
	const from = segments(folder);
	let shared = 0;
	while (shared < from.length && shared < to.length - 1 && from[shared] === to[shared]) shared++;
	const up: string[] = Array(from.length - shared).fill('..');
	const prefix = file.startsWith('/') && from.length === 0 ? '/' : '';
	return prefix + [...up, ...to.slice(shared)].join('/');
}

/**
 * The folder that holds every track (their longest common folder): where the app suggests saving a playlist
 * (the dropped music folder itself), so that the entries are plain relative paths below it.
 */
export function commonFolder(files: string[]): string {
	if (files.length === 0) return '';
	const split = files.map((f) => segments(f).slice(0, -1));
	const first = split[0];
	let n = first.length;
	for (const parts of split) {
		let i = 0;
		while (i < n && i < parts.length && parts[i] === first[i]) i++;
		n = i;
	}
	const absolute = files.every((f) => f.startsWith('/'));
	return (absolute ? '/' : '') + first.slice(0, n).join('/');
}

/** Line breaks would end the entry early; the format has no escaping, so they become spaces. */
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim();

/** The playlist text: `#EXTM3U`, a `#PLAYLIST` name, then `#EXTINF:<seconds>,<artist> - <title>` and the path. */
export function buildM3u8(name: string, entries: PlaylistEntry[], folder: string): string {
	const lines = ['#EXTM3U', `#PLAYLIST:${oneLine(name)}`];
	for (const entry of entries) {
		const base = segments(entry.file).at(-1) ?? entry.file;
		const title = entry.title ? oneLine(entry.title) : base.replace(/\.[^.]+$/, '');
		const label = entry.artist ? `${oneLine(entry.artist)} - ${title}` : title;
		lines.push(`#EXTINF:${Math.round(entry.duration)},${label}`, relativePath(entry.file, folder));
	}
	return lines.join('\n') + '\n';
}

/** A file name for a playlist named `name` (a tag or group label): no path separators or reserved characters. */
export function playlistFileName(name: string): string {
	const safe = oneLine(name)
		.replace(/[/\\:*?"<>|]+/g, '-')
		.replace(/^\.+/, '');
	return `${safe || 'playlist'}.m3u8`;
}

/** One playlist per decided mood (mood group, or mood/theme tag for models without groups), by name. */
export function moodPlaylists<T extends ExportTrack>(
	tracks: T[],
	cards: ExportCards
): { name: string; tracks: T[] }[] {
	const byMood = new Map<string, T[]>();
	for (const track of tracks)
		for (const mood of trackMoods(track, cards)) {
			const members = byMood.get(mood);
			if (members) members.push(track);
			else byMood.set(mood, [track]);
		}
	return [...byMood]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([name, members]) => ({ name, tracks: members }));
}
