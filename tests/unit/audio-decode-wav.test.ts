/**
 * WAV variants as real tools write them, decoded by the Node path: float WAVs from ffmpeg carry a LIST chunk
 * that puts the samples at an odd offset (a Node Buffer view once broke @audio/decode-wav there), and the
 * integer depths. Each is compared with ffmpeg's own float decode of the same file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBytesNode, decodeFileNode } from '$lib/audio/decode-node';
import { compressedClipFile, fixtureClips } from './helpers/fixtures';
import { ffmpeg } from './helpers/transcode';

const dir = mkdtempSync(join(tmpdir(), 'wav-'));
const clip = compressedClipFile(fixtureClips()[0]);

/** ffmpeg's decode of `file` to mono float32 by (L+R)/2 of its float samples. */
function ffmpegMono(file: string): Float32Array {
	const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'f32le', '-c:a', 'pcm_f32le', '-'], {
		maxBuffer: 1 << 28
	});
	const stereo = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
	const mono = new Float32Array(stereo.length / 2);
	for (let i = 0; i < mono.length; i++) mono[i] = (stereo[2 * i] + stereo[2 * i + 1]) / 2;
	return mono;
}

describe('WAV files as ffmpeg writes them', () => {
	it.each([
		['pcm_f32le', 0],
		['pcm_f64le', 0],
		['pcm_s24le', 2 ** -23],
		['pcm_s32le', 2 ** -31],
		['pcm_s16le', 2 ** -15]
	])('%s (with ffmpeg’s LIST chunk) decodes to ffmpeg’s samples', async (codec, step) => {
		const file = join(dir, `${codec}.wav`);
		ffmpeg('-i', clip, '-t', '5', '-ac', '2', '-c:a', codec, file);
		const expected = ffmpegMono(file);
		for (const decoded of [await decodeFileNode(file), await decodeBytesNode(readFileSync(file))]) {
			expect(decoded.mono.length).toBe(expected.length);
			let worst = 0;
			for (let i = 0; i < expected.length; i++)
				worst = Math.max(worst, Math.abs(decoded.mono[i] - expected[i]));
			// Integer PCM: the decoder scales positives by 1/(2^(b−1) − 1), ffmpeg by 2^−(b−1): one step at most.
			expect(worst).toBeLessThanOrEqual(step + 1e-7);
		}
	});
});
