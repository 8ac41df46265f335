/**
 * BYO architecture checks for the sample-level waveform CNNs (SampleCNN `sample`, SampleCNNSE `se`), from
 * random-weight upstream checkpoints (fixtures byo/): on every public clip the converted fp32 graph gives the
 * upstream chunk-0 output and the track mean of the reference chunking (16 chunks as one batch) within 1e-4,
 * and the int8 graph keeps the reference top-5 tags of the track mean, within 0.02 of it.
 */
import { describe, expect, it } from 'vitest';
import { convertCheckpoint } from '../../src/lib/convert/convert';
import {
	byoCheckpoint,
	byoChunk0Input,
	byoModel,
	byoReference,
	clip16k,
	maxAbsDiff,
	runGraph,
	type ByoReference
} from './helpers/byo';

/** The reference chunks of a clip as one batch [starts.length × samples], zero past the end of the clip. */
function referenceChunks(clip: string, ref: ByoReference): Float32Array {
	const audio = clip16k(clip);
	const samples = ref.chunk_samples;
	const batch = new Float32Array(ref.chunking.starts.length * samples);
	ref.chunking.starts.forEach((start, i) =>
		batch.set(audio.subarray(start, Math.min(start + samples, audio.length)), i * samples)
	);
	return batch;
}

/** Mean over the batch of [batch × nTags] outputs. */
function batchMean(out: Float32Array, batch: number): Float64Array {
	const nTags = out.length / batch;
	const mean = new Float64Array(nTags);
	for (let b = 0; b < batch; b++) for (let t = 0; t < nTags; t++) mean[t] += out[b * nTags + t] / batch;
	return mean;
}

const topIndices = (scores: ArrayLike<number>, n: number): number[] =>
	Array.from(scores, (_, i) => i)
		.sort((a, b) => scores[b] - scores[a])
		.slice(0, n);

/**
 * Tags of `actual`'s top 5 that differ from the reference's top 5; a swap is allowed only where the
 * reference's 5th and 6th scores are within 1e-3.
 */
function top5Mismatches(reference: ArrayLike<number>, actual: ArrayLike<number>): string[] {
	const order = topIndices(reference, reference.length);
	const [fifth, sixth] = [reference[order[4]], reference[order[5]]];
	const expected = new Set(order.slice(0, 5));
	const got = new Set(topIndices(actual, 5));
	const tied = fifth - sixth < 1e-3;
	const problems: string[] = [];
	for (const t of expected)
		if (!got.has(t) && !(tied && reference[t] - sixth < 1e-3))
			problems.push(`lost tag ${t} (${reference[t]})`);
	for (const t of got)
		if (!expected.has(t) && !(tied && fifth - reference[t] < 1e-3))
			problems.push(`gained tag ${t} (${reference[t]})`);
	return problems;
}

describe.each([
	{ arch: 'sample' as const, upstream: 'SampleCNN' },
	{ arch: 'se' as const, upstream: 'SampleCNNSE' }
])('$arch ($upstream) from a random-weight upstream checkpoint', ({ arch }) => {
	const model = byoModel(arch);
	const samples = model.chunk_samples;
	const converted = convertCheckpoint(byoCheckpoint(model), {
		id: `byo-${arch}`,
		architecture: arch,
		input: 'audio',
		samples,
		nTags: 50
	});

	it.each(model.clips)('%s: fp32 chunk 0 within 1e-4 of the reference', async (clip) => {
		const ref = byoReference(model, clip);
		const out = await runGraph(converted.fp32, 'audio', byoChunk0Input(model, clip), [samples]);
		expect(maxAbsDiff(out, ref.chunk_outputs[0])).toBeLessThan(1e-4);
	});

	it.each(model.clips)('%s: fp32 track mean of the 16 reference chunks within 1e-4', async (clip) => {
		const ref = byoReference(model, clip);
		const batch = ref.chunking.starts.length;
		expect(batch).toBe(16);
		const out = await runGraph(converted.fp32, 'audio', referenceChunks(clip, ref), [samples], batch);
		expect(maxAbsDiff(batchMean(out, batch), ref.track_mean)).toBeLessThan(1e-4);
	});

	it.each(model.clips)('%s: int8 keeps the top-5 of the track mean, within 0.02', async (clip) => {
		const ref = byoReference(model, clip);
		const batch = ref.chunking.starts.length;
		const out = await runGraph(converted.int8, 'audio', referenceChunks(clip, ref), [samples], batch);
		const mean = batchMean(out, batch);
		expect(top5Mismatches(ref.track_mean, mean)).toEqual([]);
		expect(maxAbsDiff(mean, ref.track_mean)).toBeLessThanOrEqual(0.02);
	});

	it('int8 is smaller than fp32', () => {
		expect(converted.int8.length).toBeLessThan(converted.fp32.length / 2);
	});
});
