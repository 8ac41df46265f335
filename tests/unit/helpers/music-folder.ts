/**
 * A generated music folder for the tag-writing tests (unit, CLI, browser): the fixture clips transcoded by
 * ffmpeg into MP3 (ID3v2.3), FLAC, Ogg Vorbis, Opus, M4A (AAC) and WAV with title/artist/album/genre set, in
 * Artist/Album sub-folders, and the independent readers that check the written files: mutagen (Debian's
 * python3-mutagen) for MOOD and MUSIC_TAGGER, ffprobe for the other tags and the audio stream's hash.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { clipAudioFile, fixtureClips } from '../../../tools/fixtures';
import { ffmpeg } from './transcode';

export const formats = {
	mp3: ['-c:a', 'libmp3lame', '-q:a', '5', '-id3v2_version', '3'],
	flac: ['-c:a', 'flac'],
	ogg: ['-c:a', 'libvorbis', '-q:a', '3'],
	opus: ['-c:a', 'libopus', '-b:a', '64k'],
	m4a: ['-c:a', 'aac', '-b:a', '128k'],
	wav: ['-c:a', 'pcm_s16le']
} as const;
export type Extension = keyof typeof formats;
export const extensions = Object.keys(formats) as Extension[];

export interface MusicFile {
	path: string;
	/** The folder-relative path. */
	name: string;
	ext: Extension;
	tags: { title: string; artist: string; album: string; genre: string };
}

/**
 * `copies` rounds over every clip × format (seconds of audio each, from a different offset per round):
 * 3 clips × 6 formats × copies files.
 */
export function makeMusicFolder(
	dir: string,
	options: { copies?: number; seconds?: number } = {}
): MusicFile[] {
	const { copies = 1, seconds = 8 } = options;
	const files: MusicFile[] = [];
	for (const clip of fixtureClips()) {
		for (let round = 0; round < copies; round++) {
			const artist = clip.split('-')[1] ?? clip;
			const album = `${clip} ${round + 1}`;
			const folder = join(dir, artist, album);
			mkdirSync(folder, { recursive: true });
			for (const ext of extensions) {
				const name = join(artist, album, `${String(round + 1).padStart(2, '0')} ${clip}.${ext}`);
				const tags = { title: `${clip} (${ext}, ${round + 1})`, artist, album, genre: 'Fixture' };
				const metadata = Object.entries(tags).flatMap(([k, v]) => ['-metadata', `${k}=${v}`]);
				const path = join(dir, name);
				ffmpeg(
					'-ss',
					String(round * 3),
					'-t',
					String(seconds),
					'-i',
					clipAudioFile(clip),
					'-map_metadata',
					'-1',
					...metadata,
					...formats[ext],
					path
				);
				files.push({ path, name, ext, tags });
			}
		}
	}
	return files;
}

/** The audio stream's packets, hashed by ffmpeg without decoding (`-c copy -f md5`). */
export function audioStreamMd5(path: string): string {
	return execFileSync('ffmpeg', ['-v', 'error', '-i', path, '-map', '0:a', '-c', 'copy', '-f', 'md5', '-'], {
		encoding: 'utf8'
	}).trim();
}

/** ffprobe's tags of the file (container and stream), keys lower-cased. */
export function ffprobeTags(path: string): Record<string, string> {
	const out = JSON.parse(
		execFileSync(
			'ffprobe',
			['-v', 'error', '-show_entries', 'format_tags:stream_tags', '-of', 'json', path],
			{
				encoding: 'utf8'
			}
		)
	) as { format?: { tags?: Record<string, string> }; streams?: { tags?: Record<string, string> }[] };
	const all = { ...out.streams?.[0]?.tags, ...out.format?.tags };
	return Object.fromEntries(Object.entries(all).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Debian's python3 (the one python3-mutagen installs into), else whatever python3 is on PATH. */
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const readScript = `
import json, sys, mutagen
out = {}
for path in sys.argv[1:]:
    f = mutagen.File(path)
    tags = f.tags or {}
    def text(key):
        if key not in tags: return []
        v = tags[key]
        if hasattr(v, 'text'): return [str(t) for t in v.text]
        return [bytes(x).decode('utf8') if isinstance(x, bytes) else str(x) for x in v]
    if type(f).__name__ in ('MP3', 'WAVE'):
        mood, machine, genre = text('TMOO'), text('TXXX:MUSIC_TAGGER'), text('TCON')
    elif type(f).__name__ == 'MP4':
        mood, machine, genre = text('----:com.apple.iTunes:MOOD'), text('----:com.apple.iTunes:MUSIC_TAGGER'), text('\\xa9gen')
    else:
        mood, machine, genre = text('mood'), text('music_tagger'), text('genre')
    out[path] = {'kind': type(f).__name__, 'mood': mood, 'machine': machine, 'genre': genre}
print(json.dumps(out))
`;

export interface MutagenTags {
	/** mutagen's class: MP3, FLAC, OggVorbis, OggOpus, MP4, WAVE. */
	kind: string;
	mood: string[];
	machine: string[];
	genre: string[];
}

/** MOOD, MUSIC_TAGGER and GENRE of each file as mutagen reads them (one Python run for all files). */
export function mutagenTags(paths: readonly string[]): Record<string, MutagenTags> {
	return JSON.parse(
		execFileSync(python, ['-c', readScript, ...paths], { encoding: 'utf8', maxBuffer: 64 << 20 })
	) as Record<string, MutagenTags>;
}
