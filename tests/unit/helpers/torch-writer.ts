/**
 * Writes a state_dict the way `torch.save` does, in either serialization, so tests can make checkpoint
 * variants (zip format, a missing key, a wrong shape) from the real legacy files without Python:
 * - legacy: magic / protocol / sys_info / object / storage-key pickles, then `int64 numel` + raw bytes per storage;
 * - zip: `archive/data.pkl`, `archive/data/<key>` (64-byte aligned, stored), `archive/version`, `archive/byteorder`.
 */
import { crc32 } from 'node:zlib';
import type { StateDict, Tensor } from '../../../src/lib/convert/torch-checkpoint';

const STORAGE_TYPES: Record<Tensor['dtype'], string> = {
	float64: 'DoubleStorage',
	float32: 'FloatStorage',
	float16: 'HalfStorage',
	bfloat16: 'BFloat16Storage',
	int64: 'LongStorage',
	int32: 'IntStorage',
	int16: 'ShortStorage',
	int8: 'CharStorage',
	uint8: 'ByteStorage',
	bool: 'BoolStorage'
};

/** Protocol-2 pickle emitter (only the opcodes torch.save uses for a state_dict). */
class PickleWriter {
	private readonly bytes: number[] = [];
	private readonly encoder = new TextEncoder();

	op(...codes: number[]): this {
		this.bytes.push(...codes);
		return this;
	}
	private u32(v: number): this {
		return this.op(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
	}
	proto(): this {
		return this.op(0x80, 2);
	}
	int(v: number): this {
		if (v >= 0 && v < 256) return this.op(0x4b, v);
		if (v >= 0 && v < 65536) return this.op(0x4d, v & 0xff, v >> 8);
		return this.op(0x4a).u32(v);
	}
	long1(v: bigint): this {
		const out: number[] = [];
		while (v > 0n) {
			out.push(Number(v & 0xffn));
			v >>= 8n;
		}
		if (out.length && out[out.length - 1] & 0x80) out.push(0);
		return this.op(0x8a, out.length, ...out);
	}
	str(s: string): this {
		const utf8 = this.encoder.encode(s);
		return this.op(0x58)
			.u32(utf8.length)
			.op(...utf8);
	}
	global(module: string, name: string): this {
		return this.op(0x63, ...this.encoder.encode(`${module}\n${name}\n`));
	}
	tuple(items: number[]): this {
		this.op(0x28);
		for (const v of items) this.int(v);
		return this.op(0x74);
	}
	/** collections.OrderedDict() */
	orderedDict(): this {
		return this.global('collections', 'OrderedDict').op(0x29, 0x52);
	}
	stop(): Uint8Array {
		this.op(0x2e);
		return Uint8Array.from(this.bytes);
	}
}

function contiguousStrides(shape: number[]): number[] {
	return shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
}

function rawBytes(tensor: Tensor): Uint8Array {
	return new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength).slice();
}

/** The object pickle: OrderedDict of _rebuild_tensor_v2(storage pid, 0, size, stride, False, OrderedDict()). */
function statePickle(
	stateDict: StateDict,
	format: 'legacy' | 'zip',
	keyOf: (name: string) => string,
	strides: Record<string, number[]> = {}
): Uint8Array {
	const p = new PickleWriter().proto().orderedDict().op(0x28);
	for (const [name, tensor] of stateDict) {
		const numel = tensor.shape.reduce((a, b) => a * b, 1);
		p.str(name).global('torch._utils', '_rebuild_tensor_v2').op(0x28);
		p.op(0x28)
			.str('storage')
			.global('torch', STORAGE_TYPES[tensor.dtype])
			.str(keyOf(name))
			.str('cpu')
			.int(numel);
		if (format === 'legacy') p.op(0x4e); // view_metadata None
		p.op(0x74, 0x51); // TUPLE, BINPERSID
		p.int(0)
			.tuple(tensor.shape)
			.tuple(strides[name] ?? contiguousStrides(tensor.shape))
			.op(0x89)
			.orderedDict();
		p.op(0x74, 0x52); // TUPLE, REDUCE
	}
	return p.op(0x75).stop(); // SETITEMS
}

function concat(parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const part of parts) {
		out.set(part, at);
		at += part.length;
	}
	return out;
}

function writeLegacy(stateDict: StateDict, strides?: Record<string, number[]>): Uint8Array {
	const names = [...stateDict.keys()];
	const keyOf = (name: string) => String(names.indexOf(name));
	const sysInfo = new PickleWriter().proto().op(0x7d, 0x28);
	sysInfo.str('protocol_version').int(1001).str('little_endian').op(0x88).str('type_sizes').op(0x7d, 0x28);
	sysInfo.str('short').int(2).str('int').int(4).str('long').int(4).op(0x75, 0x75);
	const keys = new PickleWriter().proto().op(0x5d, 0x28);
	for (const name of names) keys.str(keyOf(name));
	const parts = [
		new PickleWriter().proto().long1(0x1950a86a20f9469cfc6cn).stop(),
		new PickleWriter().proto().int(1001).stop(),
		sysInfo.stop(),
		statePickle(stateDict, 'legacy', keyOf, strides),
		keys.op(0x65).stop()
	];
	for (const [, tensor] of stateDict) {
		const count = new Uint8Array(8);
		new DataView(count.buffer).setBigInt64(0, BigInt(tensor.data.length), true);
		parts.push(count, rawBytes(tensor));
	}
	return concat(parts);
}

/** Little-endian record builder: [bytes, value] pairs. */
function record(fields: [2 | 4 | 8, number][]): Uint8Array {
	const out = new DataView(new ArrayBuffer(fields.reduce((n, [size]) => n + size, 0)));
	let at = 0;
	for (const [size, value] of fields) {
		if (size === 2) out.setUint16(at, value, true);
		else if (size === 4) out.setUint32(at, value, true);
		else out.setBigUint64(at, BigInt(value), true);
		at += size;
	}
	return new Uint8Array(out.buffer);
}

const FULL32 = 0xffffffff;

/**
 * A stored-entries zip like torch's PyTorchStreamWriter (miniz): data 64-byte aligned through padding in
 * the local extra field; with `zip64`, the ZIP64 extra fields and end records miniz writes when asked to.
 */
function writeZip(
	stateDict: StateDict,
	strides: Record<string, number[]> | undefined,
	zip64: boolean
): Uint8Array {
	const names = [...stateDict.keys()];
	const files: [string, Uint8Array][] = [
		['archive/data.pkl', statePickle(stateDict, 'zip', (n) => String(names.indexOf(n)), strides)]
	];
	for (const [name, tensor] of stateDict)
		files.push([`archive/data/${names.indexOf(name)}`, rawBytes(tensor)]);
	files.push(
		['archive/version', new TextEncoder().encode('3\n')],
		['archive/byteorder', new TextEncoder().encode('little')]
	);

	const local: Uint8Array[] = [];
	const central: Uint8Array[] = [];
	let offset = 0;
	for (const [name, data] of files) {
		const nameBytes = new TextEncoder().encode(name);
		const crc = crc32(data);
		const size = zip64 ? FULL32 : data.length;
		const localZip64 = zip64
			? record([
					[2, 1],
					[2, 16],
					[8, data.length],
					[8, data.length]
				])
			: new Uint8Array(0);
		const padding = (64 - ((offset + 30 + nameBytes.length + localZip64.length + 4) % 64)) % 64;
		const extra = concat([
			localZip64,
			record([
				[2, 0x4654],
				[2, padding]
			]),
			new Uint8Array(padding)
		]);
		const header = record([
			[4, 0x04034b50],
			[2, zip64 ? 45 : 20],
			[2, 0],
			[2, 0],
			[4, 0],
			[4, crc],
			[4, size],
			[4, size],
			[2, nameBytes.length],
			[2, extra.length]
		]);
		const centralExtra = zip64
			? record([
					[2, 1],
					[2, 24],
					[8, data.length],
					[8, data.length],
					[8, offset]
				])
			: new Uint8Array(0);
		const entry = record([
			[4, 0x02014b50],
			[2, zip64 ? 45 : 20],
			[2, zip64 ? 45 : 20],
			[2, 0],
			[2, 0],
			[4, 0],
			[4, crc],
			[4, size],
			[4, size],
			[2, nameBytes.length],
			[2, centralExtra.length],
			[2, 0],
			[2, 0],
			[2, 0],
			[4, 0],
			[4, zip64 ? FULL32 : offset]
		]);
		local.push(header, nameBytes, extra, data);
		central.push(entry, nameBytes, centralExtra);
		offset += header.length + nameBytes.length + extra.length + data.length;
	}
	const centralBytes = concat(central);
	const tail: Uint8Array[] = [];
	if (zip64) {
		const endOffset = offset + centralBytes.length;
		tail.push(
			record([
				[4, 0x06064b50],
				[8, 44],
				[2, 45],
				[2, 45],
				[4, 0],
				[4, 0],
				[8, files.length],
				[8, files.length],
				[8, centralBytes.length],
				[8, offset]
			]),
			record([
				[4, 0x07064b50],
				[4, 0],
				[8, endOffset],
				[4, 1]
			])
		);
	}
	const count = zip64 ? 0xffff : files.length;
	tail.push(
		record([
			[4, 0x06054b50],
			[2, 0],
			[2, 0],
			[2, count],
			[2, count],
			[4, zip64 ? FULL32 : centralBytes.length],
			[4, zip64 ? FULL32 : offset],
			[2, 0]
		])
	);
	return concat([...local, centralBytes, ...tail]);
}

/**
 * Serializes `stateDict`. `strides` (by key) writes a tensor's storage as given but describes it with
 * other strides, i.e. as a non-contiguous view (e.g. a transpose) of that storage.
 */
export function writeTorchCheckpoint(
	stateDict: StateDict,
	format: 'legacy' | 'zip' | 'zip64',
	strides?: Record<string, number[]>
): Uint8Array {
	return format === 'legacy'
		? writeLegacy(stateDict, strides)
		: writeZip(stateDict, strides, format === 'zip64');
}
