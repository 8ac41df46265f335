/**
 * The oracle fixtures (see their README.md): where they are and which clips they hold, for the unit and
 * browser tests, the benchmark and the model build's parity figures. Build/test-time code, Node only;
 * read-only, nothing is copied into the repository.
 *
 * The folder is FIXTURES_DIR, default ../shared/fixtures, relative to the working directory. Its clips are
 * the sub-folders that hold a clip.json (byo/ and frontend/ are not clips), so held-back clips mounted next
 * to the public ones are tested too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const fixturesDir = resolve(process.env.FIXTURES_DIR ?? '../shared/fixtures');

export function readJson<T = unknown>(path: string): T {
	return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** A raw float32 LE file as a Float32Array (own, aligned buffer). */
export function readF32(path: string): Float32Array {
	const bytes = readFileSync(path);
	if (bytes.length % 4)
		throw new Error(`${path}: ${bytes.length} bytes is not a whole number of float32 values`);
	const out = new Float32Array(bytes.length / 4);
	new Uint8Array(out.buffer).set(bytes);
	return out;
}

/** The clips of a fixtures folder, sorted. */
export function fixtureClips(dir = fixturesDir): string[] {
	return readdirSync(dir, { withFileTypes: true })
		.filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'clip.json')))
		.map((entry) => entry.name)
		.sort();
}

/** Clips that ship audio_src.f32 (public clips; held-back ones do not). */
export function clipsWithSource(dir = fixturesDir): string[] {
	return fixtureClips(dir).filter((clip) => existsSync(join(dir, clip, 'audio_src.f32')));
}

/** Sample rate of a clip's audio_src.f32 (its native rate, from clip.json). */
export function clipSourceRate(clip: string, dir = fixturesDir): number {
	const info = readJson<{ files: Record<string, { sample_rate?: number }> }>(join(dir, clip, 'clip.json'));
	const rate = info.files['audio_src.f32']?.sample_rate;
	if (!rate) throw new Error(`${clip}/clip.json: no audio_src.f32 sample_rate`);
	return rate;
}

/**
 * The compressed excerpt of a clip (audio.ogg or audio.mp3): what a user would drop in. One argument, so that
 * `clips.map(clipAudioFile)` works.
 */
export function clipAudioFile(clip: string): string {
	const found = ['audio.ogg', 'audio.mp3'].map((f) => join(fixturesDir, clip, f)).find((p) => existsSync(p));
	if (!found) throw new Error(`no audio.ogg/audio.mp3 for ${clip} in ${fixturesDir}`);
	return found;
}
