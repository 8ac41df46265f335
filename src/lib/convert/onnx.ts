/**
 * A small ONNX graph description and its protobuf encoding (the subset of onnx.proto a converter
 * needs: ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto).
 * Hand-written because onnxruntime-web ships no ONNX writer; field numbers follow onnx/onnx.proto.
 */

export const TensorDataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
export type TensorDataType = (typeof TensorDataType)[keyof typeof TensorDataType];

export interface Initializer {
	name: string;
	dims: number[];
	dataType: TensorDataType;
	/** Little-endian raw bytes. */
	raw: Uint8Array;
}

export type AttributeValue =
	{ i: number } | { f: number } | { s: string } | { ints: number[] } | { floats: number[] };

export interface NodeDef {
	opType: string;
	name: string;
	inputs: string[];
	outputs: string[];
	attributes?: Record<string, AttributeValue>;
}

/** A dimension: a fixed size or a symbolic name (dynamic). */
export type Dim = number | string;

export interface ValueInfo {
	name: string;
	elemType: TensorDataType;
	/** Omitted: unknown rank (e.g. debugging outputs). */
	shape?: Dim[];
}

export interface GraphDef {
	name: string;
	nodes: NodeDef[];
	initializers: Initializer[];
	inputs: ValueInfo[];
	outputs: ValueInfo[];
}

export interface ModelDef {
	graph: GraphDef;
	opset: number;
	irVersion: number;
	producerName: string;
	producerVersion: string;
	docString?: string;
	metadata?: Record<string, string>;
}

/** Protobuf wire encoder: varints, length-delimited fields, fixed32 floats. */
class ProtoWriter {
	private chunks: Uint8Array[] = [];
	private scratch = new Uint8Array(1024);
	private used = 0;
	length = 0;

	private reserve(n: number): void {
		if (this.used + n > this.scratch.length) this.flushScratch(Math.max(n, 1024));
	}
	private flushScratch(nextSize = 1024): void {
		if (this.used > 0) this.chunks.push(this.scratch.subarray(0, this.used));
		this.scratch = new Uint8Array(nextSize);
		this.used = 0;
	}
	private byte(b: number): void {
		this.scratch[this.used++] = b;
		this.length++;
	}

	varint(value: number | bigint): this {
		this.reserve(10);
		let v = BigInt.asUintN(64, BigInt(value));
		if (typeof value === 'number' && value >= 0 && value < 2 ** 31) {
			let n = value;
			while (n > 0x7f) {
				this.byte((n & 0x7f) | 0x80);
				n >>>= 7;
			}
			this.byte(n);
			return this;
		}
		while (v > 0x7fn) {
			this.byte(Number(v & 0x7fn) | 0x80);
			v >>= 7n;
		}
		this.byte(Number(v));
		return this;
	}
	tag(field: number, wireType: 0 | 1 | 2 | 5): this {
		return this.varint((field << 3) | wireType);
	}
	bytes(data: Uint8Array): this {
		this.varint(data.length);
		if (data.length > 256) {
			this.flushScratch();
			this.chunks.push(data);
			this.length += data.length;
		} else {
			this.reserve(data.length);
			this.scratch.set(data, this.used);
			this.used += data.length;
			this.length += data.length;
		}
		return this;
	}

	int(field: number, value: number | bigint): this {
		return this.tag(field, 0).varint(value);
	}
	float(field: number, value: number): this {
		this.tag(field, 5);
		this.reserve(4);
		new DataView(this.scratch.buffer, this.scratch.byteOffset).setFloat32(this.used, value, true);
		this.used += 4;
		this.length += 4;
		return this;
	}
	string(field: number, value: string): this {
		return this.tag(field, 2).bytes(new TextEncoder().encode(value));
	}
	raw(field: number, value: Uint8Array): this {
		return this.tag(field, 2).bytes(value);
	}
	message(field: number, build: (w: ProtoWriter) => void): this {
		const inner = new ProtoWriter();
		build(inner);
		return this.tag(field, 2).bytes(inner.finish());
	}

	finish(): Uint8Array {
		this.flushScratch();
		const out = new Uint8Array(this.length);
		let at = 0;
		for (const chunk of this.chunks) {
			out.set(chunk, at);
			at += chunk.length;
		}
		return out;
	}
}

const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

function writeAttribute(w: ProtoWriter, name: string, value: AttributeValue): void {
	w.string(1, name);
	if ('i' in value) w.int(3, value.i).int(20, AttributeType.INT);
	else if ('f' in value) w.float(2, value.f).int(20, AttributeType.FLOAT);
	else if ('s' in value) w.string(4, value.s).int(20, AttributeType.STRING);
	else if ('ints' in value) {
		for (const v of value.ints) w.int(8, v);
		w.int(20, AttributeType.INTS);
	} else {
		for (const v of value.floats) w.float(7, v);
		w.int(20, AttributeType.FLOATS);
	}
}

function writeNode(w: ProtoWriter, node: NodeDef): void {
	for (const input of node.inputs) w.string(1, input);
	for (const output of node.outputs) w.string(2, output);
	w.string(3, node.name);
	w.string(4, node.opType);
	for (const [name, value] of Object.entries(node.attributes ?? {}))
		w.message(5, (a) => writeAttribute(a, name, value));
}

function writeTensor(w: ProtoWriter, tensor: Initializer): void {
	for (const d of tensor.dims) w.int(1, d);
	w.int(2, tensor.dataType);
	w.string(8, tensor.name);
	w.raw(9, tensor.raw);
}

function writeValueInfo(w: ProtoWriter, info: ValueInfo): void {
	w.string(1, info.name);
	w.message(2, (type) =>
		type.message(1, (tensorType) => {
			tensorType.int(1, info.elemType);
			if (info.shape)
				tensorType.message(2, (shape) => {
					for (const dim of info.shape!)
						shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)));
				});
		})
	);
}

/** Serializes a model to ONNX protobuf bytes. */
export function encodeModel(model: ModelDef): Uint8Array {
	const w = new ProtoWriter();
	w.int(1, model.irVersion);
	w.string(2, model.producerName);
	w.string(3, model.producerVersion);
	if (model.docString) w.string(6, model.docString);
	w.message(7, (g) => {
		for (const node of model.graph.nodes) g.message(1, (n) => writeNode(n, node));
		g.string(2, model.graph.name);
		for (const init of model.graph.initializers) g.message(5, (t) => writeTensor(t, init));
		for (const input of model.graph.inputs) g.message(11, (v) => writeValueInfo(v, input));
		for (const output of model.graph.outputs) g.message(12, (v) => writeValueInfo(v, output));
	});
	w.message(8, (o) => o.string(1, '').int(2, model.opset));
	for (const [key, value] of Object.entries(model.metadata ?? {}))
		w.message(14, (e) => e.string(1, key).string(2, value));
	return w.finish();
}
