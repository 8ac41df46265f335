/**
 * The converted ONNX models against the upstream PyTorch outputs: each fixture clip's reference log-mel
 * (chunk 0) through onnxruntime-web (WASM, 1 thread) must give the stored sigmoid vector of chunk 0
 * (fp32: max abs diff ≤ 1e-4), and the int8 models (weight-only, and static where the zoo has a calibration)
 * must keep the reference top-5 within max abs diff ≤ 0.02.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelCard, ModelFile, ModelIndex } from '../../src/lib/card/types';
import { inputDims } from '../../src/lib/card/input';
import { fixtureClips, maxAbsDiff, readModelReference, readReferenceMel, topK } from './helpers/fixtures';
import { ensureModelsBuilt, modelsDir } from './helpers/models';
import { int8Tie, topKAgrees } from '../shared/top-k';

ort.env.wasm.numThreads = 1;

const FP32_TOLERANCE = 1e-4;
/** Sanity bound on int8 weight rounding (measured: ≤ 8e-3 on the public clips). */
const INT8_TOLERANCE = 2e-2;
const clips = fixtureClips();
const zooIds = (
	JSON.parse(readFileSync('models/zoo.json', 'utf8')) as { models: { id: string }[] }
).models.map((m) => m.id);

let index: ModelIndex;
/** What is compared: fp32, int8 (weight-only) or int8 static (integer convolutions, static-int8.ts). */
type Compared = 'fp32' | 'int8' | 'int8 static';
const results: { id: string; variant: Compared; clip: string; maxAbs: number; top5: string }[] = [];

beforeAll(async () => {
	index = await ensureModelsBuilt();
});

afterAll(() => {
	// Per model and variant: the max over the clips (printed for the converter's report).
	const rows = new Map<string, { maxAbs: number; top5: string[] }>();
	for (const r of results) {
		const row = rows.get(`${r.id} ${r.variant}`) ?? { maxAbs: 0, top5: [] };
		row.maxAbs = Math.max(row.maxAbs, r.maxAbs);
		row.top5.push(r.top5);
		rows.set(`${r.id} ${r.variant}`, row);
	}
	console.log(
		[
			'model variant: max |onnx - torch| over clips (chunk 0); top-5 vs reference per clip',
			...[...rows].map(([k, v]) => `${k.padEnd(28)} ${v.maxAbs.toExponential(2)}  ${v.top5.join(' ')}`)
		].join('\n')
	);
});

function describeTop5(have: number[], want: number[], gap56: number): string {
	if (have.join(',') === want.join(',')) return 'same';
	const sameSet = have.every((t) => want.includes(t));
	return `${sameSet ? 'order' : 'set'}(${have.join(',')} vs ${want.join(',')}; ref 5th-6th gap ${gap56.toExponential(1)})`;
}

/** Reference: chunk 0 of the consecutive windows (sota) or the single centred segment (MTG). */
function referenceChunk(clip: string, card: ModelCard) {
	const reference = readModelReference(clip, card.provenance.checkpoint.file.replace(/\.pth$/, ''));
	const expected = (reference.alt_chunking ?? reference).chunk_outputs[0];
	return { reference, expected, mel: readReferenceMel(clip, reference) };
}

async function run(
	session: ort.InferenceSession,
	mel: Float32Array,
	shape: [number, number],
	batch = 1
): Promise<Float32Array> {
	const input = new Float32Array(mel.length * batch);
	for (let b = 0; b < batch; b++) input.set(mel, b * mel.length);
	const output = await session.run({ mel: new ort.Tensor('float32', input, [batch, ...shape]) });
	return output.tags.data as Float32Array;
}

describe.each(zooIds)('%s', (id) => {
	const sessions = new Map<string, ort.InferenceSession>();
	const session = async (card: ModelCard, file: ModelFile) => {
		if (!sessions.has(file.file))
			sessions.set(
				file.file,
				await ort.InferenceSession.create(readFileSync(join(modelsDir, card.id, file.file)))
			);
		return sessions.get(file.file)!;
	};
	// A zoo model with a calibration gets a static int8 file, and it is held to the int8 bounds below.
	const int8Files: [Compared, (card: ModelCard) => ModelFile][] = [['int8', (c) => c.files.int8]];
	if (existsSync(`models/calibration/${id}.json`))
		int8Files.push([
			'int8 static',
			(c) => {
				expect(c.files.int8Static, 'the calibrated model has a static int8 file').toBeDefined();
				return c.files.int8Static!;
			}
		]);
	const card = () => index.models.find((m) => m.id === id)!;
	afterAll(async () => {
		for (const s of sessions.values()) await s.release();
	});

	it.each(clips)('fp32 matches the PyTorch reference on %s', async (clip) => {
		const { expected, mel, reference } = referenceChunk(clip, card());
		expect(card().tags).toEqual(reference.tags);
		expect(mel.shape).toEqual(inputDims(card()));
		const s = await session(card(), card().files.fp32);
		const got = await run(s, mel.data, mel.shape);
		const maxAbs = maxAbsDiff(got, expected);
		results.push({
			id,
			variant: 'fp32',
			clip,
			maxAbs,
			top5: topK(got, 5).join(',') === topK(expected, 5).join(',') ? 'same' : 'DIFF'
		});
		expect(maxAbs).toBeLessThanOrEqual(FP32_TOLERANCE);
	});

	it.each(int8Files.flatMap(([variant, file]) => clips.map((clip) => [variant, clip, file] as const)))(
		'%s keeps the reference top-5 on %s',
		async (variant, clip, file) => {
			const { expected, mel } = referenceChunk(clip, card());
			const got = await run(await session(card(), file(card())), mel.data, mel.shape);
			const maxAbs = maxAbsDiff(got, expected);
			const want = topK(expected, 5);
			const have = topK(got, 5);
			const ranked = topK(expected, expected.length);
			const fifth = expected[ranked[4]];
			const sixth = expected[ranked[5]];
			results.push({ id, variant, clip, maxAbs, top5: describeTop5(have, want, fifth - sixth) });
			expect(maxAbs).toBeLessThanOrEqual(INT8_TOLERANCE);
			// The top-5 set is kept, except where the reference itself ties at the cut (tests/shared/top-k.ts).
			expect(
				topKAgrees(card().tags, got, expected, 5, int8Tie),
				describeTop5(have, want, fifth - sixth)
			).toBe(true);
		}
	);

	it('runs a batch of 3 with the same result per row (dynamic batch)', async () => {
		const clip = clips[0];
		const { mel } = referenceChunk(clip, card());
		const s = await session(card(), card().files.fp32);
		const single = await run(s, mel.data, mel.shape);
		const batched = await run(s, mel.data, mel.shape, 3);
		expect(batched.length).toBe(3 * single.length);
		for (let b = 0; b < 3; b++)
			expect(maxAbsDiff(batched.subarray(b * single.length, (b + 1) * single.length), single)).toBeLessThan(
				1e-5
			);
	});
});
