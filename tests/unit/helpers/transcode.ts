/**
 * Test-time transcodes of the fixture clips with ffmpeg (into a temporary folder, never committed), for the
 * M4A/AAC/ALAC decoder tests, the CLI test and the browser test (tests/e2e/formats.spec.ts).
 */
import { execFileSync } from 'node:child_process';

/** Runs ffmpeg (overwriting, quiet); throws with its message if it fails. */
export function ffmpeg(...args: string[]): void {
	execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * AAC-LC without perceptual noise substitution: PNS bands are noise each decoder draws from its own random
 * numbers, so only without it do two decoders agree sample by sample.
 */
export const aacWithoutPns = ['-c:a', 'aac', '-aac_pns', '0', '-b:a', '160k'];

/** Float WAV with no metadata: the same bytes from every ffmpeg build (audio-decode-wav.test.ts covers the LIST chunk). */
export const floatWav = ['-c:a', 'pcm_f32le', '-bitexact', '-map_metadata', '-1'];
