/**
 * CNNSA (`attention`) from a random-weight upstream checkpoint (fixtures byo/attention-seed1, 42 MB, converted
 * once): the embedded [CLS] row is upstream's get_cls output bit for bit; the fp32 graph on the reference's
 * chunk-0 mel gives the upstream output within 1e-4 on every public clip; the int8 graph keeps the reference
 * top-5 with max |Δ| ≤ 0.02.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cnnsaCls } from '../../src/lib/convert/arch/cnnsa-cls';
import { convertCheckpoint } from '../../src/lib/convert/convert';
import { int8Tie, topKAgrees } from '../shared/top-k';
import {
	byoCheckpoint,
	byoChunk0Input,
	byoDir,
	byoModel,
	byoReference,
	maxAbsDiff,
	runGraph
} from './helpers/byo';

const FP32_TOLERANCE = 1e-4;
const INT8_TOLERANCE = 2e-2;

describe('attention (CNNSA) from a random-weight upstream checkpoint', () => {
	const model = byoModel('attention');
	const [nMels, frames] = model.model_input_shape.slice(-2);
	const converted = convertCheckpoint(byoCheckpoint(model), {
		id: 'byo-attention',
		architecture: 'attention',
		input: 'mel',
		nMels,
		frames,
		nTags: 50
	});

	it('embeds the upstream [CLS] row (numpy.random.seed(0); random((1, 256)) as float32) bit for bit', () => {
		const file = readFileSync(join(byoDir, 'cnnsa_cls_256.f32'));
		const expected = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);
		const cls = cnnsaCls();
		expect(cls.length).toBe(256);
		expect(new Uint8Array(cls.buffer, cls.byteOffset, cls.byteLength)).toEqual(expected);
	});

	it('builds for the 128 × 938 mel input and exports the checkpoint front end', () => {
		expect([nMels, frames]).toEqual([128, 938]);
		expect(converted.tables?.cols).toBe(128);
		expect(converted.tables?.window.length).toBe(512);
	});

	it.each(model.clips)('%s: fp32 chunk 0 within 1e-4 of the reference', async (clip) => {
		const ref = byoReference(model, clip);
		const out = await runGraph(converted.fp32, 'mel', byoChunk0Input(model, clip), [nMels, frames]);
		expect(maxAbsDiff(out, ref.chunk_outputs[0])).toBeLessThan(FP32_TOLERANCE);
	});

	it.each(model.clips)('%s: int8 chunk 0 keeps the reference top-5, max |Δ| ≤ 0.02', async (clip) => {
		const ref = byoReference(model, clip);
		const expected = ref.chunk_outputs[0];
		const out = await runGraph(converted.int8, 'mel', byoChunk0Input(model, clip), [nMels, frames]);
		expect(maxAbsDiff(out, expected)).toBeLessThanOrEqual(INT8_TOLERANCE);
		expect(topKAgrees(ref.tags, out, expected, 5, int8Tie)).toBe(true);
	});

	it('runs a batch of 2 with the same result per row (the [CLS] row broadcast to the batch)', async () => {
		const a = byoChunk0Input(model, model.clips[0]);
		const b = byoChunk0Input(model, model.clips[1]);
		const batch = new Float32Array(a.length + b.length);
		batch.set(a);
		batch.set(b, a.length);
		const out = await runGraph(converted.fp32, 'mel', batch, [nMels, frames], 2);
		const single = await runGraph(converted.fp32, 'mel', b, [nMels, frames]);
		expect(maxAbsDiff(out.subarray(50), single)).toBeLessThan(1e-5);
		const ref = byoReference(model, model.clips[0]);
		expect(maxAbsDiff(out.subarray(0, 50), ref.chunk_outputs[0])).toBeLessThan(FP32_TOLERANCE);
	});
});
