/**
 * Static int8 (src/lib/convert/static-int8.ts) on a small graph with the zoo's layer pattern: a Conv
 * pooled by a MaxPool, a Conv that ends the graph, and a Conv too small to quantize. Ranges are measured
 * the way tools/models/calibrate.ts measures them (the fp32 graph with the tensors as extra outputs).
 * The real models' fidelity is in models-parity.test.ts.
 */
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { encodeModel, TensorDataType, type GraphDef, type Initializer } from '../../src/lib/convert/onnx';
import {
	calibrationTensors,
	staticInt8,
	uint8Params,
	type Calibration
} from '../../src/lib/convert/static-int8';

ort.env.wasm.numThreads = 1;

function pseudoRandom(count: number, seed: number, scale: number): Float32Array {
	let state = seed;
	return Float32Array.from({ length: count }, () => {
		state = (state * 16807) % 2147483647;
		return ((state / 2147483647) * 2 - 1) * scale;
	});
}

const C = 64;
const bytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const weight = (name: string, dims: number[], seed: number): Initializer => {
	const count = dims.reduce((a, b) => a * b, 1);
	return {
		name,
		dims,
		dataType: TensorDataType.FLOAT,
		raw: bytes(pseudoRandom(count, seed, 1 / Math.sqrt(count / C)))
	};
};
const conv3 = { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } };

/** x [1, 64, 16, 16] → a → Relu → MaxPool 2×2 → b (→ output y) and → global max → c (1×1, tiny) → output z. */
const graph: GraphDef = {
	name: 'static-int8-test',
	inputs: [{ name: 'x', elemType: TensorDataType.FLOAT, shape: [1, C, 16, 16] }],
	outputs: [
		{ name: 'y', elemType: TensorDataType.FLOAT, shape: [1, C, 8, 8] },
		{ name: 'z', elemType: TensorDataType.FLOAT, shape: [1, C, 1, 1] }
	],
	initializers: [
		weight('a.w', [C, C, 3, 3], 1),
		weight('a.b', [C], 2),
		weight('b.w', [C, C, 3, 3], 3),
		weight('b.b', [C], 4),
		weight('c.w', [C, C, 1, 1], 5),
		weight('c.b', [C], 6)
	],
	nodes: [
		{ opType: 'Conv', name: 'a', inputs: ['x', 'a.w', 'a.b'], outputs: ['a:out'], attributes: conv3 },
		{ opType: 'Relu', name: 'relu', inputs: ['a:out'], outputs: ['relu:out'] },
		{
			opType: 'MaxPool',
			name: 'pool',
			inputs: ['relu:out'],
			outputs: ['act'],
			attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } }
		},
		{ opType: 'Conv', name: 'b', inputs: ['act', 'b.w', 'b.b'], outputs: ['y'], attributes: conv3 },
		{ opType: 'GlobalMaxPool', name: 'global', inputs: ['act'], outputs: ['g'] },
		{
			opType: 'Conv',
			name: 'c',
			inputs: ['g', 'c.w', 'c.b'],
			outputs: ['z'],
			attributes: { kernel_shape: { ints: [1, 1] } }
		}
	]
};

const encode = (g: GraphDef) =>
	encodeModel({ graph: g, opset: 17, irVersion: 8, producerName: 'test', producerVersion: '1' });
const inputs = [7, 8, 9].map((seed) => pseudoRandom(C * 16 * 16, seed, 2));

async function run(g: GraphDef, x: Float32Array, extra: string[] = []) {
	const probe = {
		...g,
		outputs: [...g.outputs, ...extra.map((name) => ({ name, elemType: TensorDataType.FLOAT }))]
	};
	const session = await ort.InferenceSession.create(encode(probe));
	const out = await session.run({ x: new ort.Tensor('float32', x, [1, C, 16, 16]) });
	await session.release();
	return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

async function calibrate(): Promise<Calibration> {
	const tensors = calibrationTensors(graph);
	const ranges: Calibration['ranges'] = {};
	const values: Calibration['values'] = {};
	for (const x of inputs) {
		const out = await run(
			graph,
			x,
			tensors.filter((t) => !graph.outputs.some((o) => o.name === t))
		);
		for (const t of tensors) {
			const data = out[t];
			const [lo, hi] = ranges[t] ?? [0, 0];
			ranges[t] = [Math.min(lo, ...data), Math.max(hi, ...data)];
			values[t] = data.length;
		}
	}
	return { model: 'static-int8-test', provenance: 'test', ranges, values };
}

describe('static int8', () => {
	it('measures the candidate convs’ inputs and every conv output', () => {
		expect(calibrationTensors(graph).sort()).toEqual(['a:out', 'act', 'g', 'x', 'y', 'z'].sort());
	});

	it('uint8 parameters put zero exactly on a step and cover the range', () => {
		for (const range of [
			[-3, 5],
			[0.5, 2],
			[-4, -1]
		] as [number, number][]) {
			const { scale, zero } = uint8Params(range);
			expect(Number.isInteger(zero) && zero >= 0 && zero <= 255).toBe(true);
			expect((0 - zero) * scale).toBeLessThanOrEqual(Math.min(0, range[0]) + 1e-6);
			expect((255 - zero) * scale).toBeGreaterThanOrEqual(Math.max(0, range[1]) - 1e-6);
		}
	});

	it('computes the costly convs in integers, folds the ReLU, pools uint8, and stays within a few steps of fp32', async () => {
		const calibration = await calibrate();
		const quantized = staticInt8(graph, calibration);
		const ops = quantized.nodes.map((n) => n.opType);
		expect(ops.filter((o) => o === 'QLinearConv')).toHaveLength(2);
		// c (1×1 on one position, 0.1 % of the work) stays float.
		expect(quantized.nodes.filter((n) => n.opType === 'Conv').map((n) => n.name)).toEqual(['c']);
		// The ReLU is the uint8 output's zero point; the pool reads the uint8 values.
		expect(ops).not.toContain('Relu');
		const pool = quantized.nodes.find((n) => n.opType === 'MaxPool')!;
		expect(quantized.nodes.find((n) => n.outputs.includes(pool.inputs[0]))?.opType).toBe('QLinearConv');
		expect(quantized.initializers.some((i) => i.name === 'a.w' || i.name === 'b.w')).toBe(false);
		for (const x of inputs) {
			const want = await run(graph, x);
			const got = await run(quantized, x);
			const step = uint8Params(calibration.ranges.y).scale;
			let worst = 0;
			want.y.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got.y[i]))));
			// Input, weight and output rounding over 576 products: a few output steps, not a wrong scale.
			expect(worst).toBeLessThan(6 * step);
			expect(worst).toBeGreaterThan(0);
		}
	});

	it('refuses a calibration that lacks a tensor, naming it', async () => {
		const calibration = await calibrate();
		delete calibration.ranges.act;
		expect(() => staticInt8(graph, calibration)).toThrow(/no range for act/);
	});
});
