/**
 * Shared loaders for the oracle fixtures (../shared/fixtures, see its README.md): clip ids, raw
 * little-endian float32 files, and the per-model reference JSON. Read-only; nothing is cached to disk.
 * The folder, its clip list and the plain readers come from tools/fixtures.ts (shared with e2e and bench).
 */
import { join, resolve } from 'node:path';
import { fixturesDir, readF32, readJson } from '../../../tools/fixtures';

export {
	clipAudioFile as compressedClipFile,
	clipSourceRate,
	clipsWithSource,
	fixtureClips,
	fixturesDir,
	readF32,
	readJson
} from '../../../tools/fixtures';
export const checkpointsDir = resolve(process.env.MODELS_MIRROR ?? '../shared/checkpoints');

/** A file of one clip, e.g. clipFile('wesnoth-battle-epic', 'mel_sota_48000.f32'). */
export function clipFile(clip: string, file: string): string {
	return join(fixturesDir, clip, file);
}

/** `<clip>/<model>.json`: the upstream PyTorch reference for one model on one clip. */
export interface ModelReference {
	model: string;
	dataset: string;
	arch: string;
	checkpoint: string;
	n_class: number;
	tags: string[];
	sample_rate: number;
	input_audio: string;
	input_samples: number;
	chunk_samples: number;
	mel: { file: string; shape: [number, number]; layout: string; chunk_index: number; start_sample: number };
	chunking: { scheme: string; starts: number[] };
	chunk_outputs: number[][];
	track_mean: number[];
	alt_chunking?: { scheme: string; starts: number[]; chunk_outputs: number[][]; mean: number[] };
}

/** Reference for `model` (the checkpoint name without .pth, e.g. 'mtat-fcn', 'mtg-vggish-moodtheme'). */
export function readModelReference(clip: string, model: string): ModelReference {
	return readJson<ModelReference>(clipFile(clip, `${model}.json`));
}

/** The reference log-mel of chunk 0 ([nMels][frames] row-major, dB, before the model's input BatchNorm). */
export function readReferenceMel(
	clip: string,
	reference: ModelReference
): { data: Float32Array; shape: [number, number] } {
	const data = readF32(clipFile(clip, reference.mel.file));
	const [bands, frames] = reference.mel.shape;
	if (data.length !== bands * frames)
		throw new Error(`${clip}/${reference.mel.file}: ${data.length} values for [${bands}, ${frames}]`);
	return { data, shape: [bands, frames] };
}

/** Files of fixtures/frontend/, e.g. 'sota_mel_fb_257x96.f32'. */
export function readFrontendTable(file: string): Float32Array {
	return readF32(join(fixturesDir, 'frontend', file));
}

/** Largest |a[i] - b[i]| (lengths must match). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
	if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
	let max = 0;
	for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
	return max;
}

/** Indices of the k largest values, largest first (ties keep the lower index first). */
export function topK(values: ArrayLike<number>, k: number): number[] {
	return Array.from(values, (v, i) => [v, i] as const)
		.sort((x, y) => y[0] - x[0] || x[1] - y[1])
		.slice(0, k)
		.map(([, i]) => i);
}
