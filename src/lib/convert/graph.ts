/**
 * Builds an ONNX graph from float weights, once, and emits it in two precisions:
 * - fp32: weights as float32 initializers;
 * - int8 (weight-only): every weight registered with a quantization axis and at least MIN_INT8_VALUES
 *   values is stored as int8 with rank-1 symmetric scales, W[o, i, …] ≈ q[o, i, …] · s[o] · t[i]
 *   (t: per input channel max, s: per output channel max / 127, zero point 0, range ±127), restored at
 *   run time by DequantizeLinear(axis = output channel) and a Mul by t. Biases, small weights and all
 *   activations stay float32, so the graph runs on any execution provider with DequantizeLinear
 *   (opset ≥ 13 for per-axis scales): onnxruntime-web's WASM and WebGPU EPs included.
 */
import {
	TensorDataType,
	type AttributeValue,
	type GraphDef,
	type Initializer,
	type NodeDef,
	type ValueInfo
} from './onnx';

interface FloatWeight {
	name: string;
	dims: number[];
	data: Float32Array;
	/** Axis of the output channels for int8 weights; undefined: always float32. */
	quantAxis?: number;
}

export type Precision = 'fp32' | 'int8';

export interface QuantizedTensor {
	values: Int8Array;
	/** One scale per slice along the axis. */
	scales: Float32Array;
}

/** Symmetric per-axis int8 quantization: q = round(w / s), s = max|w| / 127 over each slice along `axis`. */
export function quantizePerAxis(data: Float32Array, dims: number[], axis: number): QuantizedTensor {
	const scales = sliceMaxAbs(data, dims, axis).map((max) => max / 127);
	const channels = dims[axis];
	const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
	const values = new Int8Array(data.length);
	for (let i = 0; i < data.length; i++) {
		const q = Math.round(data[i] / scales[Math.floor(i / inner) % channels]);
		values[i] = Math.max(-127, Math.min(127, q));
	}
	return { values, scales };
}

/**
 * Weights with fewer values stay float32 in the int8 model: in these architectures they are the first
 * conv (it sees the raw dB range and is the most sensitive to rounding) and the classifier / recurrent
 * matrices; together they cost under 50 kB per model.
 */
export const MIN_INT8_VALUES = 4096;

/** Max |w| of each slice along `axis` (1 for an all-zero slice, so it can divide). */
function sliceMaxAbs(data: Float32Array, dims: number[], axis: number): Float32Array {
	const count = dims[axis];
	const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
	const out = new Float32Array(count);
	for (let i = 0; i < data.length; i++) {
		const c = Math.floor(i / inner) % count;
		out[c] = Math.max(out[c], Math.abs(data[i]));
	}
	for (let c = 0; c < count; c++) out[c] = out[c] > 0 ? out[c] : 1;
	return out;
}

function divideAlong(data: Float32Array, dims: number[], axis: number, by: Float32Array): Float32Array {
	const count = dims[axis];
	const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
	return data.map((v, i) => v / by[Math.floor(i / inner) % count]);
}

function bytesOf(array: Float32Array | Int8Array | BigInt64Array): Uint8Array {
	return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

export class GraphBuilder {
	private readonly nodes: NodeDef[] = [];
	private readonly weights: FloatWeight[] = [];
	private readonly constants: Initializer[] = [];
	private readonly names = new Set<string>();
	/** Inside float32(): weights are not quantized in the int8 variant. */
	private keepFloat = 0;

	constructor(readonly name: string) {}

	/**
	 * Builds with every weight `build` adds kept float32 in the int8 variant too: for the few layers whose int8
	 * rounding moves a model's outputs most (each builder says which and what it measured).
	 */
	float32<T>(build: () => T): T {
		this.keepFloat++;
		try {
			return build();
		} finally {
			this.keepFloat--;
		}
	}

	private unique(name: string): string {
		if (this.names.has(name)) throw new Error(`graph ${this.name}: duplicate name ${name}`);
		this.names.add(name);
		return name;
	}

	/** A float weight; with `quantAxis` it is stored as int8 in the int8 variant. */
	weight(name: string, dims: number[], data: Float32Array, quantAxis?: number): string {
		const count = dims.reduce((a, b) => a * b, 1);
		if (count !== data.length)
			throw new Error(`graph ${this.name}: ${name} has ${data.length} values for [${dims}]`);
		this.weights.push({
			name: this.unique(name),
			dims,
			data,
			quantAxis: this.keepFloat ? undefined : quantAxis
		});
		return name;
	}

	/** A float scalar constant (stored as a 1-element tensor of rank 0). */
	scalar(name: string, value: number): string {
		this.constants.push({
			name: this.unique(name),
			dims: [],
			dataType: TensorDataType.FLOAT,
			raw: bytesOf(Float32Array.of(value))
		});
		return name;
	}

	/** An int64 vector constant (axes, shapes). */
	int64s(name: string, values: number[]): string {
		const data = BigInt64Array.from(values.map((v) => BigInt(v)));
		this.constants.push({
			name: this.unique(name),
			dims: [values.length],
			dataType: TensorDataType.INT64,
			raw: bytesOf(data)
		});
		return name;
	}

	/** Adds a node and returns its (first) output name; `output` names the value. */
	node(
		opType: string,
		inputs: string[],
		output: string,
		attributes?: Record<string, AttributeValue>,
		extraOutputs: string[] = []
	): string {
		const outputs = [output, ...extraOutputs].map((o) => (o === '' ? o : this.unique(o)));
		this.nodes.push({
			opType,
			name: `${opType}:${output || extraOutputs.find(Boolean)}`,
			inputs,
			outputs,
			attributes
		});
		return output;
	}

	build(precision: Precision, inputs: ValueInfo[], outputs: ValueInfo[]): GraphDef {
		const initializers: Initializer[] = [...this.constants];
		const dequantize: NodeDef[] = [];
		for (const w of this.weights) {
			if (precision === 'int8' && w.quantAxis !== undefined && w.data.length >= MIN_INT8_VALUES) {
				// Rank-1 scales: divide out each input channel's max first (their ranges differ a lot after BN
				// folding), quantize per output channel, and multiply the input-channel factors back in a Mul.
				const inputAxis = w.quantAxis + 1;
				const columns =
					inputAxis < w.dims.length && w.dims[inputAxis] > 1
						? sliceMaxAbs(w.data, w.dims, inputAxis)
						: undefined;
				const source = columns ? divideAlong(w.data, w.dims, inputAxis, columns) : w.data;
				const { values, scales } = quantizePerAxis(source, w.dims, w.quantAxis);
				const channels = w.dims[w.quantAxis];
				const dequantized = columns ? `${w.name}:rows` : w.name;
				initializers.push(
					{ name: `${w.name}:int8`, dims: w.dims, dataType: TensorDataType.INT8, raw: bytesOf(values) },
					{ name: `${w.name}:scale`, dims: [channels], dataType: TensorDataType.FLOAT, raw: bytesOf(scales) },
					{
						name: `${w.name}:zero`,
						dims: [channels],
						dataType: TensorDataType.INT8,
						raw: new Uint8Array(channels)
					}
				);
				dequantize.push({
					opType: 'DequantizeLinear',
					name: `DequantizeLinear:${w.name}`,
					inputs: [`${w.name}:int8`, `${w.name}:scale`, `${w.name}:zero`],
					outputs: [dequantized],
					attributes: { axis: { i: w.quantAxis } }
				});
				if (columns) {
					const shape = w.dims.map((d, i) => (i === inputAxis ? d : 1));
					initializers.push({
						name: `${w.name}:columns`,
						dims: shape,
						dataType: TensorDataType.FLOAT,
						raw: bytesOf(columns)
					});
					dequantize.push({
						opType: 'Mul',
						name: `Mul:${w.name}`,
						inputs: [dequantized, `${w.name}:columns`],
						outputs: [w.name]
					});
				}
			} else {
				initializers.push({
					name: w.name,
					dims: w.dims,
					dataType: TensorDataType.FLOAT,
					raw: bytesOf(w.data)
				});
			}
		}
		return { name: this.name, nodes: [...dequantize, ...this.nodes], initializers, inputs, outputs };
	}
}
