/**
 * ShortChunkCNN (short) and ShortChunkCNN_Res (short_res) from random-weight upstream checkpoints
 * (n_channels = 16): the converted fp32 graph on the reference's chunk-0 dB mel gives the upstream output
 * within 1e-4 on every public clip; the int8 graph stays within 0.02 and keeps the reference top 5 (up to
 * near-ties, tests/shared/top-k.ts). The same layouts at the upstream default width (n_channels = 128,
 * synthetic weights, zip serialization) convert and run too.
 */
import { describe, expect, it } from 'vitest';
import { convertCheckpoint } from '../../src/lib/convert/convert';
import { readTorchCheckpoint, type StateDict } from '../../src/lib/convert/torch-checkpoint';
import { ConversionError } from '../../src/lib/convert/weights';
import { byoCheckpoint, byoChunk0Input, byoModel, byoReference, maxAbsDiff, runGraph } from './helpers/byo';
import { writeTorchCheckpoint } from './helpers/torch-writer';
import { int8TieFor, topKAgrees } from '../shared/top-k';

/**
 * The seed-1 layout at 8× the width (n_channels 16 → 128, the upstream default) with deterministic
 * torch-default-like weights: every channel axis ×8 except the network input and the 50 tags.
 */
function widened(stateDict: StateDict): StateDict {
	let seed = 1;
	const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
	const out: StateDict = new Map();
	for (const [key, tensor] of stateDict) {
		if (tensor.dtype !== 'float32' || /^(spec\.|spec_bn\.|hstft)/.test(key)) {
			out.set(key, tensor);
			continue;
		}
		const keep = (axis: number) =>
			axis > 1 ||
			(axis === 0 && key.startsWith('dense2.')) ||
			(axis === 1 && /^layer1\.conv(_1|_3)?\.weight$/.test(key));
		const shape = tensor.shape.map((d, axis) => (keep(axis) ? d : 8 * d));
		const fanIn = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 64;
		const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
			key.endsWith('running_var') ? 0.5 + random() : (2 * random() - 1) / Math.sqrt(fanIn)
		);
		out.set(key, { dtype: 'float32', shape, data });
	}
	return out;
}

describe.each(['short', 'short_res'] as const)('%s from a random-weight upstream checkpoint', (arch) => {
	const model = byoModel(arch);
	const [nMels, frames] = model.model_input_shape;
	const spec = { id: `byo-${arch}`, architecture: arch, input: 'mel', nMels, frames, nTags: 50 } as const;
	const converted = convertCheckpoint(byoCheckpoint(model), spec);

	it('exports the checkpoint window and mel filterbank', () => {
		expect(converted.tables?.rows).toBe(257);
		expect(converted.tables?.cols).toBe(128);
		expect(converted.tables?.window.length).toBe(512);
	});

	it.each(model.clips)('%s: fp32 chunk 0 within 1e-4, int8 within 0.02 with the top 5', async (clip) => {
		const { tags, chunk_outputs } = byoReference(model, clip);
		const ref = chunk_outputs[0];
		const input = byoChunk0Input(model, clip);
		const fp32 = await runGraph(converted.fp32, 'mel', input, [nMels, frames]);
		expect(maxAbsDiff(fp32, ref)).toBeLessThan(1e-4);
		const int8 = await runGraph(converted.int8, 'mel', input, [nMels, frames]);
		const int8Diff = maxAbsDiff(int8, ref);
		expect(int8Diff).toBeLessThanOrEqual(0.02);
		expect(topKAgrees(tags, int8, ref, 5, int8TieFor(int8Diff))).toBe(true);
	});

	it('converts and runs the layout at the upstream default width (zip)', async () => {
		const bytes = writeTorchCheckpoint(widened(readTorchCheckpoint(byoCheckpoint(model))), 'zip');
		const wide = convertCheckpoint(bytes, spec);
		expect(wide.fp32.length).toBeGreaterThan(0.95 * bytes.length);
		expect(wide.int8.length).toBeLessThan(0.4 * wide.fp32.length);
		const input = byoChunk0Input(model, model.clips[0]);
		const out = await runGraph(wide.fp32, 'mel', input, [nMels, frames]);
		expect(out.length).toBe(50);
		for (const p of out) expect(p >= 0 && p <= 1).toBe(true);
	});
});

describe('short: sizes that do not work out', () => {
	const model = byoModel('short');
	const [nMels, frames] = model.model_input_shape;
	const spec = { id: 'byo-short', architecture: 'short', input: 'mel', nMels, frames, nTags: 50 } as const;

	it('names the key when the frames do not pool down to 1×1', () => {
		const convert = () => convertCheckpoint(byoCheckpoint(model), { ...spec, frames: 40 });
		expect(convert).toThrow(ConversionError);
		expect(convert).toThrow(/layer6\.conv\.weight/);
	});

	it('names the key when a width does not match the previous layer', () => {
		const stateDict = readTorchCheckpoint(byoCheckpoint(model));
		const dense = stateDict.get('dense1.weight')!;
		stateDict.set('dense1.weight', { ...dense, shape: [64, 32], data: dense.data.slice(0, 64 * 32) });
		const convert = () => convertCheckpoint(writeTorchCheckpoint(stateDict, 'legacy'), spec);
		expect(convert).toThrow(ConversionError);
		expect(convert).toThrow(/dense1\.weight: shape \[64,32\]/);
	});
});
