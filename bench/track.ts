/**
 * The benchmark track: 3 minutes of real music made from the public fixture clips (their decoded
 * audio_src.f32, all at the same source rate), looped back to back, encoded as a user's file would be:
 * Ogg Vorbis stereo with ffmpeg when it is installed, otherwise a 16-bit WAV (said in the output).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clipSourceRate, clipsWithSource, readF32 } from '../tools/fixtures';
import { wavHeader } from '../tools/wav';

export interface BenchTrack {
	path: string;
	mime: string;
	format: string;
	seconds: number;
	sampleRate: number;
	clips: string[];
}

export interface ClipSource {
	id: string;
	sampleRate: number;
	mono: Float32Array;
}

/** Public clips only: the MagnaTagATune clip is not redistributable and has another rate. */
export function readClips(fixturesDir: string): ClipSource[] {
	const clips: ClipSource[] = clipsWithSource(fixturesDir)
		.filter((id) => !id.startsWith('mtat-'))
		.map((id) => ({
			id,
			sampleRate: clipSourceRate(id, fixturesDir),
			mono: readF32(join(fixturesDir, id, 'audio_src.f32'))
		}));
	const rate = clips[0]?.sampleRate;
	const usable = clips.filter((c) => c.sampleRate === rate);
	if (usable.length === 0) throw new Error(`No public fixture clips with audio_src.f32 in ${fixturesDir}`);
	return usable;
}

export function loop(clips: ClipSource[], samples: number): Float32Array {
	const out = new Float32Array(samples);
	let at = 0;
	for (let i = 0; at < samples; i++) {
		const clip = clips[i % clips.length].mono;
		const take = Math.min(clip.length, samples - at);
		out.set(clip.subarray(0, take), at);
		at += take;
	}
	return out;
}

function wav16Stereo(mono: Float32Array, sampleRate: number): Buffer {
	const data = Buffer.alloc(mono.length * 4);
	for (let i = 0; i < mono.length; i++) {
		const s = Math.round(Math.max(-1, Math.min(1, mono[i])) * 32767);
		data.writeInt16LE(s, i * 4);
		data.writeInt16LE(s, i * 4 + 2);
	}
	return Buffer.concat([wavHeader({ sampleRate, channels: 2, frames: mono.length }), data]);
}

export function hasFfmpeg(): boolean {
	return spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
}

export function buildTrack(outDir: string, fixturesDir: string, seconds = 180): BenchTrack {
	const clips = readClips(fixturesDir);
	const sampleRate = clips[0].sampleRate;
	const mono = loop(clips, Math.round(seconds * sampleRate));
	const base = { seconds, sampleRate, clips: clips.map((c) => c.id) };
	if (hasFfmpeg()) {
		const path = join(outDir, 'track.ogg');
		const pcm = Buffer.from(mono.buffer, mono.byteOffset, mono.byteLength);
		const args = [
			'-hide_banner',
			'-loglevel',
			'error',
			'-y',
			'-f',
			'f32le',
			'-ar',
			String(sampleRate),
			'-ac',
			'1',
			'-i',
			'pipe:0'
		];
		const encoded = spawnSync('ffmpeg', [...args, '-ac', '2', '-c:a', 'libvorbis', '-q:a', '5', path], {
			input: pcm
		});
		if (encoded.status === 0)
			return { ...base, path, mime: 'audio/ogg', format: 'Ogg Vorbis q5 stereo (ffmpeg)' };
		console.warn(`ffmpeg failed (${encoded.stderr.toString().trim()}); falling back to WAV`);
	}
	const path = join(outDir, 'track.wav');
	writeFileSync(path, wav16Stereo(mono, sampleRate));
	return {
		...base,
		path,
		mime: 'audio/wav',
		format: 'WAV 16-bit stereo (ffmpeg not installed: no compressed decode cost)'
	};
}
