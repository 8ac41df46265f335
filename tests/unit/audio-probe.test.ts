/**
 * probeBlob (src/lib/audio/probe-browser.ts): an Ogg file's length from its first and last pages, equal to
 * music-metadata's page-by-page walk (which takes seconds for hour-long files), for Vorbis and Opus files
 * generated with ffmpeg, and for a truncated Ogg; an MP3 goes through music-metadata.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBlob } from 'music-metadata';
import { afterAll, describe, expect, it } from 'vitest';
import { probeBlob } from '../../src/lib/audio/probe-browser';
import { clipAudioFile } from '../../tools/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'music-tagger-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function encode(name: string, ...args: string[]): File {
	const path = join(dir, name);
	execFileSync('ffmpeg', ['-v', 'error', '-y', ...args, path]);
	return new File([readFileSync(path)], name);
}

const slowDuration = async (blob: Blob) =>
	(await parseBlob(blob, { duration: true, skipCovers: true })).format.duration;

describe('probeBlob', () => {
	const clip = clipAudioFile('wesnoth-battle-epic');
	it.each([
		['vorbis.ogg', ['-c:a', 'libvorbis']],
		['stereo.ogg', ['-ac', '2', '-c:a', 'libvorbis']],
		['opus.opus', ['-c:a', 'libopus', '-b:a', '48k']]
	])('%s: the length music-metadata reads from every page', async (name, codec) => {
		const file = encode(name, '-stream_loop', '-1', '-i', clip, '-t', '95', '-ac', '1', ...codec);
		const ours = await probeBlob(file);
		expect(ours.name).toBe(`"${name}"`);
		const theirs = await slowDuration(file);
		expect(Math.abs(ours.duration! - theirs!)).toBeLessThan(name.endsWith('.opus') ? 0.02 : 1e-9);
		expect(ours.expectedFrames! / ours.sampleRate!).toBeGreaterThanOrEqual(ours.duration!);
	});
	it('a truncated Ogg: its last whole page, as music-metadata reads it; an MP3: music-metadata', async () => {
		const whole = encode('cut.ogg', '-i', clip, '-c:a', 'libvorbis');
		const cut = new File([whole.slice(0, whole.size - 1000)], 'cut.ogg');
		expect((await probeBlob(cut)).duration).toBe(await slowDuration(cut));
		const mp3 = encode('clip.mp3', '-i', clip, '-c:a', 'libmp3lame');
		expect((await probeBlob(mp3)).duration).toBe(await slowDuration(mp3));
	});
	it('refuses an empty file and text by name', async () => {
		await expect(probeBlob(new File([], 'a.ogg'))).rejects.toThrow('"a.ogg" is empty (0 bytes).');
		await expect(probeBlob(new File(['hello'], 'b.mp3'))).rejects.toThrow(/"b.mp3" is not audio/);
	});
});
