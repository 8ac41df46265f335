/**
 * The folder of the folder bench (`npm run bench -- --folder`): N real tracks of 1–7 min made from the public
 * fixture clips (their decoded audio_src.f32, looped from a different offset per track), encoded by ffmpeg in
 * the formats people's folders hold. Written once into a cache folder outside the repository
 * (os.tmpdir()/music-tagger-bench-folder-<N>) and reused while its manifest matches.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasFfmpeg, loop, readClips } from './track';

export interface FolderTrack {
	/** File name inside the folder. */
	name: string;
	format: string;
	seconds: number;
	bytes: number;
}

export interface BenchFolder {
	dir: string;
	tracks: FolderTrack[];
	clips: string[];
	/** False when the cached folder was reused. */
	generated: boolean;
}

/** Format, file extension and ffmpeg output options (stereo; Opus and the FLAC files at 48 kHz). */
const formats = [
	{ format: 'MP3 VBR V2 44.1 kHz', ext: 'mp3', options: ['-c:a', 'libmp3lame', '-q:a', '2'] },
	{ format: 'Ogg Vorbis q5 44.1 kHz', ext: 'ogg', options: ['-c:a', 'libvorbis', '-q:a', '5'] },
	{
		format: 'FLAC 16-bit 48 kHz',
		ext: 'flac',
		options: ['-ar', '48000', '-sample_fmt', 's16', '-c:a', 'flac']
	},
	{ format: 'Opus 128 kb/s 48 kHz', ext: 'opus', options: ['-c:a', 'libopus', '-b:a', '128k'] },
	{ format: 'M4A AAC 192 kb/s 44.1 kHz', ext: 'm4a', options: ['-c:a', 'aac', '-b:a', '192k'] },
	{ format: 'WAV 16-bit 44.1 kHz', ext: 'wav', options: ['-c:a', 'pcm_s16le'] }
];

/** Lengths spread evenly over 1–7 min, dealt out so that every format gets short and long tracks. */
function lengths(count: number): number[] {
	const even = Array.from({ length: count }, (_, i) =>
		Math.round(60 + (count > 1 ? (360 * i) / (count - 1) : 180))
	);
	const step = [7, 11, 13, 3].find((s) => gcd(s, count) === 1) ?? 1;
	return even.map((_, i) => even[(i * step) % count]);
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

export function benchFolder(fixturesDir: string, count: number): BenchFolder {
	if (!hasFfmpeg()) throw new Error('The folder bench needs ffmpeg (apt-get install ffmpeg)');
	const dir = join(tmpdir(), `music-tagger-bench-folder-${count}`);
	const manifestPath = join(dir, '..', `music-tagger-bench-folder-${count}.json`);
	if (existsSync(manifestPath)) {
		const cached = JSON.parse(readFileSync(manifestPath, 'utf8')) as BenchFolder;
		const intact = cached.tracks.every(
			(t) => existsSync(join(dir, t.name)) && statSync(join(dir, t.name)).size === t.bytes
		);
		if (intact) return { ...cached, dir, generated: false };
	}
	const clips = readClips(fixturesDir);
	const rate = clips[0].sampleRate;
	// One long mix; each track starts at its own offset into it, so no two files hold the same audio.
	const mix = loop(clips, (7 * 60 + 60) * rate);
	mkdirSync(dir, { recursive: true });
	const tracks = lengths(count).map((seconds, i): FolderTrack => {
		const { format, ext, options } = formats[i % formats.length];
		const name = `${String(i + 1).padStart(2, '0')}-${seconds}s.${ext}`;
		const offset = ((i * 7) % 60) * rate;
		const mono = mix.subarray(offset, offset + seconds * rate);
		const pcm = Buffer.from(mono.buffer, mono.byteOffset, mono.byteLength);
		const input = ['-f', 'f32le', '-ar', String(rate), '-ac', '1', '-i', 'pipe:0'];
		const out = join(dir, name);
		const encoded = spawnSync(
			'ffmpeg',
			['-hide_banner', '-loglevel', 'error', '-y', ...input, '-ac', '2', ...options, out],
			{ input: pcm, maxBuffer: 1 << 30 }
		);
		if (encoded.status !== 0)
			throw new Error(`ffmpeg could not write ${name}: ${encoded.stderr.toString().trim()}`);
		return { name, format, seconds, bytes: statSync(out).size };
	});
	const folder: BenchFolder = { dir, tracks, clips: clips.map((c) => c.id), generated: true };
	writeFileSync(`${manifestPath}.tmp`, JSON.stringify(folder, null, '\t'));
	renameSync(`${manifestPath}.tmp`, manifestPath);
	return folder;
}
