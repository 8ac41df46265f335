/**
 * The BYO oracles (fixtures byo/, see its README.md): random-weight checkpoints of the sota architectures
 * without public weights, and their upstream reference outputs on the public clips. Loaders for the converter
 * tests, plus a plain onnxruntime-web run of a converted graph on one input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { fixturesDir, readF32, readJson } from '../../../tools/fixtures';

export const byoDir = join(fixturesDir, 'byo');

export interface ByoModel {
	dir: string;
	arch: string;
	chunk_samples: number;
	frontend: string;
	model_input_shape: number[];
	clips: string[];
}

export interface ByoReference {
	tags: string[];
	input_samples: number;
	chunk_samples: number;
	chunking: { starts: number[] };
	chunk_outputs: number[][];
	track_mean: number[];
	alt_chunking: { starts: number[]; chunk_outputs: number[][]; mean: number[] };
}

export const byoModels = (): ByoModel[] =>
	readJson<{ models: ByoModel[] }>(join(byoDir, 'index.json')).models;

export const byoModel = (arch: string): ByoModel => byoModels().find((m) => m.arch === arch)!;

export const byoCheckpoint = (model: ByoModel): Uint8Array =>
	new Uint8Array(readFileSync(join(byoDir, model.dir, 'model.pth')));

export const byoReference = (model: ByoModel, clip: string): ByoReference =>
	readJson<ByoReference>(join(byoDir, model.dir, `${clip}.json`));

/** The clip's 16 kHz mono signal (the input of every BYO reference). */
export const clip16k = (clip: string): Float32Array => readF32(join(fixturesDir, clip, 'audio_16k.f32'));

/**
 * Chunk 0's model input as the reference computed it: the dB bands before the input BatchNorm
 * (`<clip>.input.f32`, [nBands][frames]) for mel models, the first samples of the waveform otherwise.
 * HarmonicCNN has its front end's output for one clip only (wesnoth: `<clip>.frontend.f32`, [6][128][313]).
 */
export function byoChunk0Input(model: ByoModel, clip: string): Float32Array {
	if (model.frontend === 'waveform') return clip16k(clip).slice(0, model.chunk_samples);
	const file = model.arch === 'hcnn' ? `${clip}.frontend.f32` : `${clip}.input.f32`;
	return readF32(join(byoDir, model.dir, file));
}

/** Runs an ONNX model (bytes) on one batch; `input` is 'mel' or 'audio', dims without the batch axis. */
export async function runGraph(
	bytes: Uint8Array,
	input: 'mel' | 'audio',
	data: Float32Array,
	dims: number[],
	batch = 1
): Promise<Float32Array> {
	ort.env.wasm.numThreads = 1;
	const session = await ort.InferenceSession.create(bytes);
	try {
		const outputs = await session.run({ [input]: new ort.Tensor('float32', data, [batch, ...dims]) });
		return outputs.tags.data as Float32Array;
	} finally {
		await session.release();
	}
}

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
	let max = 0;
	for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
	return max;
};
