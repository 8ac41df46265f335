/**
 * Static int8: the fp32 graph with its large convolutions computed in integers (QLinearConv, uint8
 * activations × int8 weights), for the CPU execution providers (onnxruntime-web WASM, onnxruntime-node).
 * The activation scales are static, from ranges measured on real music by tools/models/calibrate.ts and
 * committed as models/calibration/<id>.json. WebGPU EPs have no QLinearConv kernel, so the card keeps the
 * weight-only int8 model for them (see model-files/model-file.ts).
 *
 * Per quantized Conv (of those weight-only int8 quantizes, at least MIN_INT8_VALUES weights, the ones that
 * hold MIN_CONV_SHARE of the convolution work):
 *   x → QuantizeLinear(sx, zx) → QLinearConv(W: int8 per output channel, bias: int32) → [MaxPool on uint8]
 *     → DequantizeLinear(sy, zy) → the graph's next float op.
 * Max pooling commutes with the monotonic dequantization, so a Conv whose only consumer is a MaxPool pools
 * the uint8 values (4× less memory traffic) and dequantizes the pooled ones. A ReLU right after the Conv
 * is its output range starting at 0: with zero point 0 the uint8 output clips there, so the node goes.
 */
import { MIN_INT8_VALUES, quantizePerAxis } from './graph';
import { TensorDataType, type GraphDef, type Initializer, type NodeDef } from './onnx';

/** Measured activation ranges of one model (models/calibration/<id>.json). */
export interface Calibration {
	model: string;
	/** How the ranges were measured: tool, music, windows. */
	provenance: string;
	/** Tensor name → [min, max] over every calibration window. */
	ranges: Record<string, [number, number]>;
	/** Tensor name → values per window (with the Conv's weights, what its compute costs). */
	values: Record<string, number>;
}

/**
 * Share of the graph's convolution work below which a Conv stays float32: each quantized Conv adds its
 * rounding and a Quantize/Dequantize pass, and a small one buys no time for it. (VGG-ish: conv_2–4 hold
 * 78 %, 20 % and 2.4 % of the multiply-adds and are quantized; conv_5, 0.1 %, stays float.)
 */
export const MIN_CONV_SHARE = 0.01;

/** The candidate Convs (candidateConvs) with at least MIN_CONV_SHARE of all Convs' multiply-adds per window. */
function costlyConvs(graph: GraphDef, calibration: Calibration): NodeDef[] {
	const sizes = new Map(graph.initializers.map((i) => [i.name, i.dims]));
	const cost = (conv: NodeDef) => {
		const [, ...rest] = sizes.get(conv.inputs[1])!;
		const values = calibration.values[conv.outputs[0]];
		if (values === undefined)
			throw new Error(
				`${calibration.model}: the calibration has no size for ${conv.outputs[0]} (rerun tools/models/calibrate.ts)`
			);
		return rest.reduce((a, b) => a * b, 1) * values;
	};
	const total = graph.nodes.filter((n) => n.opType === 'Conv').reduce((sum, n) => sum + cost(n), 0);
	return candidateConvs(graph).filter((n) => cost(n) >= MIN_CONV_SHARE * total);
}

/** The Convs static int8 may compute in integers: those weight-only int8 quantizes too. */
function candidateConvs(graph: GraphDef): NodeDef[] {
	const sizes = new Map(graph.initializers.map((i) => [i.name, i.dims.reduce((a, b) => a * b, 1)]));
	return graph.nodes.filter((n) => n.opType === 'Conv' && (sizes.get(n.inputs[1]) ?? 0) >= MIN_INT8_VALUES);
}

/** The tensors calibration must measure: each candidate Conv's input and every Conv's output (for its cost). */
export function calibrationTensors(graph: GraphDef): string[] {
	const convs = graph.nodes.filter((n) => n.opType === 'Conv');
	return [...new Set([...candidateConvs(graph).map((n) => n.inputs[0]), ...convs.map((n) => n.outputs[0])])];
}

/**
 * Asymmetric uint8 parameters for a range, widened to include 0 (so zero, the padding value, is exact) and,
 * after the zero point is rounded to an integer, to cover both ends (no value of the range is clipped).
 */
export function uint8Params([min, max]: [number, number]): { scale: number; zero: number } {
	const lo = Math.min(0, min);
	const hi = Math.max(0, max, lo + 1e-6);
	const zero = Math.max(0, Math.min(255, Math.round((-lo * 255) / (hi - lo))));
	const scale = Math.max(zero > 0 ? -lo / zero : 0, zero < 255 ? hi / (255 - zero) : 0);
	return { scale: Math.fround(scale * (1 + 1e-7)), zero };
}

const bytes = (a: Float32Array | Int8Array | Int32Array) =>
	new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const floats = (i: Initializer) => new Float32Array(i.raw.slice().buffer);

/**
 * The part of a Conv's output range its activation can tell apart. A ReLU maps everything below 0 to 0,
 * and an ELU (alpha 1) everything below −L to within e^−L of −1; when the ELU's own output is quantized
 * (it feeds a quantized Conv) with step s, values below L = ln(2 / s) all round to −1 there anyway. So the
 * range ends there, and its uint8 steps are spent on the values that survive (VGG-ish: about 1.7× finer).
 */
function activatedRange(
	graph: GraphDef,
	last: NodeDef,
	[min, max]: [number, number],
	calibration: Calibration
): [number, number] {
	const next = graph.nodes.filter((n) => n.inputs.includes(last.outputs[0]));
	if (next.length !== 1) return [min, max];
	const [activation] = next;
	if (activation.opType === 'Relu') return [Math.max(min, 0), max];
	const alpha = activation.attributes?.alpha;
	const elu = activation.opType === 'Elu' && (!alpha || ('f' in alpha && alpha.f === 1));
	const after = calibration.ranges[activation.outputs[0]];
	if (!elu || !after) return [min, max];
	return [Math.max(min, -Math.log(2 / uint8Params(after).scale)), max];
}

export function staticInt8(graph: GraphDef, calibration: Calibration): GraphDef {
	const initializers = new Map(graph.initializers.map((i) => [i.name, i]));
	const range = (tensor: string): [number, number] => {
		const r = calibration.ranges[tensor];
		if (!r)
			throw new Error(
				`${calibration.model}: the calibration has no range for ${tensor} (rerun tools/models/calibrate.ts)`
			);
		return r;
	};
	const added: Initializer[] = [];
	const scalar = (name: string, dataType: TensorDataType, raw: Uint8Array) => {
		added.push({ name, dims: [], dataType, raw });
		return name;
	};
	const quantized = new Set(costlyConvs(graph, calibration));
	const soleConsumer = (tensor: string, opType: string) => {
		const consumers = graph.nodes.filter((n) => n.inputs.includes(tensor));
		const isOutput = graph.outputs.some((o) => o.name === tensor);
		return consumers.length === 1 && consumers[0].opType === opType && !isOutput ? consumers[0] : undefined;
	};
	/** What runs on the uint8 output: a ReLU (a zero point of 0 already clips there), then a MaxPool. */
	const tails = new Map<NodeDef, { relu?: NodeDef; pool?: NodeDef }>();
	for (const conv of quantized) {
		const relu = soleConsumer(conv.outputs[0], 'Relu');
		tails.set(conv, { relu, pool: soleConsumer((relu ?? conv).outputs[0], 'MaxPool') });
	}
	const absorbed = new Set([...tails.values()].flatMap((t) => [t.relu, t.pool]).filter(Boolean));
	const nodes: NodeDef[] = [];
	for (const node of graph.nodes) {
		if (absorbed.has(node)) continue;
		if (!quantized.has(node)) {
			nodes.push(node);
			continue;
		}
		const [x, weightName, biasName] = node.inputs;
		const y = node.outputs[0];
		const p = node.name;
		const input = uint8Params(range(x));
		const { relu, pool } = tails.get(node)!;
		const last = pool ?? relu ?? node;
		const [min, max] = activatedRange(graph, last, range(y), calibration);
		const output = uint8Params([relu ? Math.max(0, min) : min, max]);
		const weight = initializers.get(weightName)!;
		const channels = weight.dims[0];
		const { values, scales } = quantizePerAxis(floats(weight), weight.dims, 0);
		const bias = biasName ? floats(initializers.get(biasName)!) : new Float32Array(channels);
		const bias32 = Int32Array.from(bias, (b, o) => Math.round(b / (input.scale * scales[o])));
		added.push(
			{ name: `${p}:w`, dims: weight.dims, dataType: TensorDataType.INT8, raw: bytes(values) },
			{ name: `${p}:w_scale`, dims: [channels], dataType: TensorDataType.FLOAT, raw: bytes(scales) },
			{ name: `${p}:w_zero`, dims: [channels], dataType: TensorDataType.INT8, raw: new Uint8Array(channels) },
			{ name: `${p}:b`, dims: [channels], dataType: TensorDataType.INT32, raw: bytes(bias32) }
		);
		const xs = scalar(`${p}:x_scale`, TensorDataType.FLOAT, bytes(Float32Array.of(input.scale)));
		const xz = scalar(`${p}:x_zero`, TensorDataType.UINT8, Uint8Array.of(input.zero));
		const ys = scalar(`${p}:y_scale`, TensorDataType.FLOAT, bytes(Float32Array.of(output.scale)));
		const yz = scalar(`${p}:y_zero`, TensorDataType.UINT8, Uint8Array.of(output.zero));
		nodes.push(
			{ opType: 'QuantizeLinear', name: `${p}:quantize`, inputs: [x, xs, xz], outputs: [`${p}:x_u8`] },
			{
				...node,
				opType: 'QLinearConv',
				inputs: [`${p}:x_u8`, xs, xz, `${p}:w`, `${p}:w_scale`, `${p}:w_zero`, ys, yz, `${p}:b`],
				outputs: [`${p}:y_u8`]
			}
		);
		if (pool) nodes.push({ ...pool, inputs: [`${p}:y_u8`], outputs: [`${p}:pooled_u8`] });
		nodes.push({
			opType: 'DequantizeLinear',
			name: `${p}:dequantize`,
			inputs: [pool ? `${p}:pooled_u8` : `${p}:y_u8`, ys, yz],
			outputs: [last.outputs[0]]
		});
	}
	const used = new Set(nodes.flatMap((n) => n.inputs));
	return {
		...graph,
		nodes,
		initializers: [...graph.initializers.filter((i) => used.has(i.name)), ...added]
	};
}
