/**
 * The graph layer on its own: int8 quantization bounds, BatchNorm folding, and the ONNX encoder
 * (a small Gemm graph run by onnxruntime-web in both precisions against a plain JS computation).
 */
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, MIN_INT8_VALUES, quantizePerAxis } from '../../src/lib/convert/graph';
import { encodeModel, TensorDataType } from '../../src/lib/convert/onnx';
import { foldBatchNorm } from '../../src/lib/convert/weights';

ort.env.wasm.numThreads = 1;

/** Deterministic values in [-1, 1) with a per-row magnitude spread, like trained weights. */
function pseudoRandom(count: number, seed: number, rowLength = count): Float32Array {
	let state = seed;
	return Float32Array.from({ length: count }, (_, i) => {
		state = (state * 16807) % 2147483647;
		return ((state / 2147483647) * 2 - 1) * (1 + (Math.floor(i / rowLength) % 7));
	});
}

describe('quantizePerAxis', () => {
	it('keeps every value within half a step of its channel scale, with the channel max exact', () => {
		const dims = [6, 5, 3, 3];
		const data = pseudoRandom(6 * 5 * 9, 3, 45);
		const { values, scales } = quantizePerAxis(data, dims, 0);
		for (let c = 0; c < 6; c++) {
			const slice = data.subarray(c * 45, (c + 1) * 45);
			const max = Math.max(...slice.map(Math.abs));
			expect(scales[c]).toBeCloseTo(max / 127, 7);
			for (let k = 0; k < 45; k++) {
				const i = c * 45 + k;
				expect(Math.abs(values[i] * scales[c] - data[i])).toBeLessThanOrEqual(scales[c] / 2 + 1e-7);
			}
			expect(Math.max(...values.subarray(c * 45, (c + 1) * 45).map(Math.abs))).toBe(127);
		}
	});

	it('quantizes along an inner axis (GRU weights [1, 3H, I], axis 1)', () => {
		const data = pseudoRandom(1 * 4 * 3, 5, 3);
		const { values, scales } = quantizePerAxis(data, [1, 4, 3], 1);
		expect(scales.length).toBe(4);
		for (let i = 0; i < data.length; i++)
			expect(Math.abs(values[i] * scales[Math.floor(i / 3)] - data[i])).toBeLessThanOrEqual(
				scales[Math.floor(i / 3)] / 2 + 1e-7
			);
	});
});

describe('foldBatchNorm', () => {
	it('gives conv(x)·scale + shift for each output channel', () => {
		const weight = Float32Array.of(1, 2, 3, 4, 5, 6); // 2 outputs × 3 inputs
		const bias = Float32Array.of(0.5, -1);
		const bn = { scale: Float64Array.of(2, -0.5), shift: Float64Array.of(0.25, 3) };
		const folded = foldBatchNorm(weight, bias, bn);
		expect(Array.from(folded.weight)).toEqual([2, 4, 6, -2, -2.5, -3]);
		expect(Array.from(folded.bias)).toEqual([1.25, 3.5]);
	});
});

describe('ONNX encoder + int8 weights through onnxruntime-web', () => {
	const inFeatures = 64;
	const outFeatures = 80; // 64 × 80 = 5120 ≥ MIN_INT8_VALUES: stored as int8
	const weight = pseudoRandom(outFeatures * inFeatures, 11, inFeatures);
	const bias = pseudoRandom(outFeatures, 13);
	const x = pseudoRandom(2 * inFeatures, 17);

	function model(precision: 'fp32' | 'int8'): Uint8Array {
		const g = new GraphBuilder('gemm');
		const w = g.weight('dense.weight', [outFeatures, inFeatures], weight, 0);
		const b = g.weight('dense.bias', [outFeatures], bias);
		g.node('Gemm', ['x', w, b], 'y', { transB: { i: 1 } });
		return encodeModel({
			graph: g.build(
				precision,
				[{ name: 'x', elemType: TensorDataType.FLOAT, shape: ['batch', inFeatures] }],
				[{ name: 'y', elemType: TensorDataType.FLOAT, shape: ['batch', outFeatures] }]
			),
			opset: 17,
			irVersion: 8,
			producerName: 'test',
			producerVersion: '1'
		});
	}

	function expected(): Float64Array {
		const y = new Float64Array(2 * outFeatures);
		for (let n = 0; n < 2; n++)
			for (let o = 0; o < outFeatures; o++) {
				let sum = bias[o];
				for (let i = 0; i < inFeatures; i++) sum += x[n * inFeatures + i] * weight[o * inFeatures + i];
				y[n * outFeatures + o] = sum;
			}
		return y;
	}

	it.each(['fp32', 'int8'] as const)('%s Gemm matches a JS matmul', async (precision) => {
		expect(weight.length).toBeGreaterThanOrEqual(MIN_INT8_VALUES);
		const bytes = model(precision);
		const session = await ort.InferenceSession.create(bytes);
		const { y } = await session.run({ x: new ort.Tensor('float32', x, [2, inFeatures]) });
		const want = expected();
		const got = y.data as Float32Array;
		const maxAbs = Math.max(...got.map((v, i) => Math.abs(v - want[i])));
		if (precision === 'fp32') expect(maxAbs).toBeLessThan(1e-4);
		else {
			// Rank-1 scales: |W[o,i] / t[i]| ≤ 1 with t[i] = max_o |W[o,i]|, so each weight is off by at most
			// t[i] / 254 and each output by at most Σ_i |x[i]| t[i] / 254.
			const columnMax = Array.from({ length: inFeatures }, (_, i) =>
				Math.max(...Array.from({ length: outFeatures }, (_, o) => Math.abs(weight[o * inFeatures + i])))
			);
			const bound = Math.max(
				...[0, 1].map((n) =>
					columnMax.reduce((sum, t, i) => sum + (Math.abs(x[n * inFeatures + i]) * t) / 254, 0)
				)
			);
			expect(maxAbs).toBeLessThanOrEqual(bound);
			expect(maxAbs).toBeGreaterThan(1e-6);
		}
		await session.release();
	});

	it('the int8 file stores the weight in a quarter of the bytes', () => {
		const saved = model('fp32').length - model('int8').length;
		expect(saved).toBeGreaterThan(weight.length * 3 - 2 * (inFeatures + outFeatures) * 4 - 600);
	});
});
