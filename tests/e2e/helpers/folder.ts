/**
 * A music folder of 20 files for the batch test, written to a temporary directory (nothing is copied into the
 * repository): the three fixture clips five times over in nested folders, five broken files, and clutter
 * (cover art, an AppleDouble companion, a playlist, Thumbs.db, .DS_Store) that must be skipped quietly.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { wavHeader } from '../../../tools/wav';
import { clipAudio, clips } from './fixtures';

export interface BrokenFile {
	path: string;
	/** What the per-file message must say. */
	message: RegExp;
}

export function makeMusicFolder(): { root: string; good: string[]; broken: BrokenFile[]; clutter: number } {
	const root = mkdtempSync(join(tmpdir(), 'music-tagger-folder-'));
	const write = (path: string, bytes: Buffer | string) => {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), bytes);
	};
	const good: string[] = [];
	const folders = ['album-a', 'album-b', 'album-b/disc-2', 'singles', 'singles/old'];
	for (const folder of folders) {
		for (const clip of clips) {
			const path = `${folder}/${clip}${extname(clipAudio(clip))}`;
			write(path, readFileSync(clipAudio(clip)));
			good.push(path);
		}
	}
	const ogg = readFileSync(clipAudio('wesnoth-battle-epic'));
	const broken: BrokenFile[] = [
		{ path: 'broken/empty.mp3', message: /empty/i },
		{ path: 'broken/notes.mp3', message: /not audio|unsupported|not .*recogni/i },
		{ path: 'broken/truncated.ogg', message: /damaged|corrupt|no audio|too short/i },
		{ path: 'broken/noise.wav', message: /not audio|damaged|corrupt|unsupported/i },
		{ path: 'broken/header-only.wav', message: /no audio|too short|empty|damaged/i }
	];
	write(broken[0].path, Buffer.alloc(0));
	write(broken[1].path, 'These are my notes about the album, not music.\n'.repeat(40));
	write(broken[2].path, ogg.subarray(0, 3000));
	write(broken[3].path, Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919 + 13) % 251)));
	write(broken[4].path, wavHeader({ sampleRate: 44100, channels: 2, frames: 0 }));
	// Clutter a real music folder holds: skipped without a per-file message (the queue holds only the 20 files
	// above), counted in one notice.
	const clutter = [
		'album-a/cover.jpg',
		'album-a/._wesnoth-battle-epic.ogg',
		'album-b/album.m3u',
		'Thumbs.db',
		'.DS_Store'
	];
	write(clutter[0], 'jpeg');
	write(clutter[1], Buffer.alloc(4096, 7));
	write(clutter[2], '#EXTM3U\nwesnoth-battle-epic.ogg\n');
	write(clutter[3], Buffer.alloc(512));
	write(clutter[4], Buffer.alloc(512));
	return { root, good, broken, clutter: clutter.length };
}
