import { mkdirSync, mkdtempSync, writeFileSync, existsSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	buildM3u8,
	commonFolder,
	moodPlaylists,
	playlistFileName,
	relativePath,
	type PlaylistEntry
} from '../../src/lib/library/playlist';
import { decideGroups } from '../../src/lib/predictions/decide';
import { meanOfChunks } from '../../src/lib/predictions/aggregate';
import { fixtureClips, readModelReference } from './helpers/fixtures';
import { readModelIndex } from './helpers/models';

/** A music folder as people have them: artist/album folders, names with spaces, accents and emoji. */
const files = [
	'Music/Wesnoth/Battle (epic).ogg',
	'Music/Lincity NG/Pronobozo/lincity – été.mp3',
	'Music/Various/🎵 mix/track #1.flac'
];

/** Resolves a playlist's entries the way a player does: relative to the playlist's own folder. */
function entriesOf(text: string, playlistDir: string): string[] {
	return text
		.split('\n')
		.filter((line) => line && !line.startsWith('#'))
		.map((line) => resolve(playlistDir, line));
}

describe('M3U8 playlists', () => {
	it('entries resolve to the real files from wherever the playlist is saved', () => {
		const root = realpathSync(mkdtempSync(join(tmpdir(), 'playlist-')));
		for (const f of files) {
			mkdirSync(dirname(join(root, f)), { recursive: true });
			writeFileSync(join(root, f), 'x');
		}
		const entries: PlaylistEntry[] = files.map((file, i) => ({ file, duration: 30.4 + i }));
		for (const folder of [commonFolder(files), 'Music/Playlists', '', 'Music/Lincity NG/Pronobozo']) {
			const text = buildM3u8('Film', entries, folder);
			const resolved = entriesOf(text, join(root, folder));
			expect(resolved).toEqual(files.map((f) => join(root, f)));
			expect(resolved.every((p) => existsSync(p))).toBe(true);
		}
	});

	it('suggests the dropped folder, so entries are plain paths below it', () => {
		expect(commonFolder(files)).toBe('Music');
		expect(commonFolder(['a/b/c.mp3', 'a/b/d.mp3'])).toBe('a/b');
		expect(commonFolder(['x.mp3', 'a/y.mp3'])).toBe('');
		expect(commonFolder(['/home/u/M/a.mp3', '/home/u/M/b/c.mp3'])).toBe('/home/u/M');
		expect(relativePath('Music/Wesnoth/a.ogg', 'Music')).toBe('Wesnoth/a.ogg');
		expect(relativePath('Music/Wesnoth/a.ogg', 'Music/Playlists')).toBe('../Wesnoth/a.ogg');
		expect(relativePath('C:\\Music\\a.mp3', 'C:\\Music')).toBe('a.mp3');
		expect(relativePath('/srv/m/a.mp3', '/srv/p')).toBe('../m/a.mp3');
	});

	it('writes extended M3U with durations and artist - title, one line per field', () => {
		const text = buildM3u8(
			'Relaxing\nmoods',
			[
				{ file: 'M/a.mp3', duration: 181.6, title: 'Solipsism', artist: 'Joram' },
				{ file: 'M/b c.ogg', duration: 29.9, title: 'Two\r\nlines' },
				{ file: 'M/lincity.flac', duration: 3 }
			],
			'M'
		);
		expect(text.split('\n')).toEqual([
			'#EXTM3U',
			'#PLAYLIST:Relaxing moods',
			'#EXTINF:182,Joram - Solipsism',
			'a.mp3',
			'#EXTINF:30,Two lines',
			'b c.ogg',
			'#EXTINF:3,lincity',
			'lincity.flac',
			''
		]);
	});

	it('names playlist files safely', () => {
		expect(playlistFileName('Film')).toBe('Film.m3u8');
		expect(playlistFileName('Rock/Pop: "best"')).toBe('Rock-Pop- -best-.m3u8');
		expect(playlistFileName('..')).toBe('playlist.m3u8');
	});
});

describe('playlists by mood', () => {
	const index = readModelIndex();
	const card = index.models.find((m) => m.default)!;
	const cards = Object.fromEntries(index.models.map((m) => [m.id, m]));
	const tracks = fixtureClips().map((clip) => {
		const ref = readModelReference(clip, card.provenance.checkpoint.file.replace(/\.pth$/, ''));
		return {
			file: `Music/${clip}.ogg`,
			duration: ref.input_samples / ref.sample_rate,
			results: [
				{
					model: card.id,
					variant: 'fp32' as const,
					scheme: 'upstream' as const,
					probabilities: meanOfChunks(ref.chunk_outputs),
					chunks: ref.chunk_outputs
				}
			]
		};
	});

	it('one playlist per decided mood group, holding exactly the tracks it applies to', () => {
		const playlists = moodPlaylists(tracks, cards);
		expect(playlists.length).toBeGreaterThan(0);
		expect(playlists.map((p) => p.name)).toEqual(
			[...playlists.map((p) => p.name)].sort((a, b) => a.localeCompare(b))
		);
		for (const track of tracks) {
			const groups = decideGroups(card, track.results[0].probabilities)!;
			const applying = groups.filter((g) => g.applies).map((g) => g.name);
			const listed = playlists.filter((p) => p.tracks.includes(track)).map((p) => p.name);
			expect(listed.sort()).toEqual(applying.sort());
		}
		const text = buildM3u8(playlists[0].name, playlists[0].tracks, 'Music');
		expect(text.split('\n').filter((l) => l.endsWith('.ogg'))).toEqual(
			playlists[0].tracks.map((t) => t.file.slice('Music/'.length))
		);
	});
});
