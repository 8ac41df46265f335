/**
 * Reads a PyTorch `torch.save` file holding a state_dict, in either serialization:
 * - legacy (torch < 1.6): five pickles back to back (magic number, protocol, sys_info, the object,
 *   the storage keys), then each storage as an int64 element count followed by its raw bytes;
 * - zip (torch ≥ 1.6): `<archive>/data.pkl` plus one `<archive>/data/<key>` entry per storage.
 * Tensors come back as typed arrays in row-major (contiguous) order.
 */
import { PyGlobal, PyTuple, unpickle, type PickleHooks, type PyValue } from './pickle';
import { ZipArchive, isZip } from './zip';

export type DType =
	'float64' | 'float32' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export interface Tensor {
	dtype: DType;
	shape: number[];
	/** Row-major values: Float32Array for float32/float16/bfloat16, Float64Array, BigInt64Array, or the integer array. */
	data: Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;
}

export type StateDict = Map<string, Tensor>;

export class CheckpointError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'CheckpointError';
	}
}

const STORAGE_DTYPES: Record<string, { dtype: DType; size: number }> = {
	DoubleStorage: { dtype: 'float64', size: 8 },
	FloatStorage: { dtype: 'float32', size: 4 },
	HalfStorage: { dtype: 'float16', size: 2 },
	BFloat16Storage: { dtype: 'bfloat16', size: 2 },
	LongStorage: { dtype: 'int64', size: 8 },
	IntStorage: { dtype: 'int32', size: 4 },
	ShortStorage: { dtype: 'int16', size: 2 },
	CharStorage: { dtype: 'int8', size: 1 },
	ByteStorage: { dtype: 'uint8', size: 1 },
	BoolStorage: { dtype: 'bool', size: 1 }
};

/** The legacy format's first pickle: 0x1950a86a20f9469cfc6c. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

class StorageRef {
	bytes?: Uint8Array;
	constructor(
		readonly key: string,
		readonly dtype: DType,
		readonly elementSize: number,
		readonly numel: number,
		/** Legacy views: (root key, element offset) of a storage that is a slice of another. */
		readonly view?: { root: string; offset: number }
	) {}
}

class LazyTensor {
	constructor(
		readonly storage: StorageRef,
		readonly offset: number,
		readonly shape: number[],
		readonly stride: number[]
	) {}
}

const REBUILD_TENSOR = new PyGlobal('torch._utils', '_rebuild_tensor_v2');
const REBUILD_TENSOR_V1 = new PyGlobal('torch._utils', '_rebuild_tensor');
const REBUILD_PARAMETER = new PyGlobal('torch._utils', '_rebuild_parameter');
const ORDERED_DICT = new PyGlobal('collections', 'OrderedDict');

function intTuple(value: PyValue, what: string): number[] {
	if (!(value instanceof PyTuple) || !value.items.every((v) => typeof v === 'number'))
		throw new CheckpointError(`${what} is not a tuple of ints`);
	return value.items as number[];
}

function torchHooks(persistentLoad: (pid: PyValue) => PyValue): PickleHooks {
	return {
		findClass(module, name) {
			if (module === 'collections' && name === 'OrderedDict') return ORDERED_DICT;
			if (module === 'torch._utils' && name === REBUILD_TENSOR.name) return REBUILD_TENSOR;
			if (module === 'torch._utils' && name === REBUILD_TENSOR_V1.name) return REBUILD_TENSOR_V1;
			if (module === 'torch._utils' && name === REBUILD_PARAMETER.name) return REBUILD_PARAMETER;
			if (module === 'torch' && name in STORAGE_DTYPES) return new PyGlobal(module, name);
			throw new CheckpointError(`unsupported Python global ${module}.${name} (not a plain state_dict?)`);
		},
		call(callable, args) {
			if (callable === ORDERED_DICT) return new Map();
			if (callable === REBUILD_TENSOR || callable === REBUILD_TENSOR_V1) {
				const [storage, offset, size, stride] = args;
				if (!(storage instanceof StorageRef) || typeof offset !== 'number')
					throw new CheckpointError('malformed _rebuild_tensor arguments');
				return new LazyTensor(
					storage,
					offset,
					intTuple(size, 'tensor size'),
					intTuple(stride, 'tensor stride')
				);
			}
			if (callable === REBUILD_PARAMETER) return args[0];
			throw new CheckpointError(
				`cannot call ${callable instanceof PyGlobal ? callable.qualifiedName : String(callable)}`
			);
		},
		persistentLoad,
		build(obj) {
			// OrderedDict state (e.g. state_dict._metadata) carries no tensors.
			return obj;
		}
	};
}

/** Parses a persistent id ('storage', StorageType, key, location, numel[, view_metadata]). */
function storageFromPid(pid: PyValue): StorageRef {
	if (!(pid instanceof PyTuple) || pid.items[0] !== 'storage')
		throw new CheckpointError('unsupported persistent id');
	const [, type, key, , numel, viewMetadata] = pid.items;
	if (!(type instanceof PyGlobal) || !(type.name in STORAGE_DTYPES))
		throw new CheckpointError('unknown storage type');
	if (typeof key !== 'string' || typeof numel !== 'number') throw new CheckpointError('malformed storage id');
	const { dtype, size } = STORAGE_DTYPES[type.name];
	let view: StorageRef['view'];
	if (viewMetadata instanceof PyTuple) {
		const [viewKey, offset, viewSize] = viewMetadata.items;
		if (typeof viewKey !== 'string' || typeof offset !== 'number' || typeof viewSize !== 'number')
			throw new CheckpointError('malformed storage view');
		return new StorageRef(viewKey, dtype, size, viewSize, { root: key, offset });
	}
	return new StorageRef(key, dtype, size, numel, view);
}

function collectStorages(refs: StorageRef[]): Map<string, StorageRef> {
	const byKey = new Map<string, StorageRef>();
	for (const ref of refs) byKey.set(ref.view?.root ?? ref.key, ref);
	return byKey;
}

function readLegacy(bytes: Uint8Array): PyValue {
	const refs: StorageRef[] = [];
	const noObjects: PickleHooks = {
		findClass: (m, n) => {
			throw new CheckpointError(`unexpected global ${m}.${n} in header`);
		},
		call: () => null
	};
	const magic = unpickle(bytes, 0, noObjects);
	if (magic.value !== LEGACY_MAGIC) throw new CheckpointError('not a legacy PyTorch file (bad magic number)');
	const protocol = unpickle(bytes, magic.end, noObjects);
	if (protocol.value !== 1001)
		throw new CheckpointError(`unsupported legacy protocol ${String(protocol.value)}`);
	const sysInfo = unpickle(bytes, protocol.end, noObjects);
	if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false)
		throw new CheckpointError('big-endian checkpoints are not supported');
	const state = unpickle(
		bytes,
		sysInfo.end,
		torchHooks((pid) => {
			const ref = storageFromPid(pid);
			refs.push(ref);
			return ref;
		})
	);
	const keys = unpickle(bytes, state.end, noObjects);
	if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === 'string'))
		throw new CheckpointError('malformed storage key list');
	const byKey = collectStorages(refs);
	// Storage keys are opaque numbers: name the state_dict entry that uses one in errors.
	const tensorOf = new Map<string, string>();
	if (state.value instanceof Map)
		for (const [name, value] of state.value)
			if (value instanceof LazyTensor)
				tensorOf.set(value.storage.view?.root ?? value.storage.key, String(name));
	const describe = (key: string) => `storage ${key}${tensorOf.has(key) ? ` (${tensorOf.get(key)})` : ''}`;
	const roots = new Map<string, Uint8Array>();
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	let pos = keys.end;
	for (const key of keys.value as string[]) {
		const ref = byKey.get(key);
		if (!ref) throw new CheckpointError(`storage ${key} is listed but never used`);
		if (pos + 8 > bytes.length) throw new CheckpointError(`truncated: ${describe(key)} header is missing`);
		const numel = Number(view.getBigInt64(pos, true));
		const length = numel * ref.elementSize;
		pos += 8;
		if (pos + length > bytes.length)
			throw new CheckpointError(
				`truncated: ${describe(key)} needs ${length} bytes, ${bytes.length - pos} left`
			);
		roots.set(key, bytes.slice(pos, pos + length));
		pos += length;
	}
	if (pos !== bytes.length)
		throw new CheckpointError(`${bytes.length - pos} unexpected bytes after the last storage`);
	for (const ref of refs) attachStorage(ref, roots.get(ref.view?.root ?? ref.key));
	return state.value;
}

function readZip(bytes: Uint8Array): PyValue {
	let archive: ZipArchive;
	try {
		archive = new ZipArchive(bytes);
	} catch (error) {
		throw new CheckpointError((error as Error).message);
	}
	const pkl = [...archive.entries.keys()].find((name) => /^[^/]+\/data\.pkl$/.test(name));
	if (!pkl) throw new CheckpointError('zip checkpoint without <archive>/data.pkl');
	const prefix = pkl.slice(0, -'data.pkl'.length);
	const byteorder = archive.entries.has(`${prefix}byteorder`)
		? new TextDecoder().decode(archive.read(`${prefix}byteorder`))
		: 'little';
	if (byteorder !== 'little') throw new CheckpointError('big-endian checkpoints are not supported');
	const loaded = new Map<string, Uint8Array>();
	const state = unpickle(
		archive.read(pkl),
		0,
		torchHooks((pid) => {
			const ref = storageFromPid(pid);
			const key = ref.view?.root ?? ref.key;
			if (!loaded.has(key)) {
				const name = `${prefix}data/${key}`;
				if (!archive.entries.has(name)) throw new CheckpointError(`storage ${key} missing from the archive`);
				loaded.set(key, archive.read(name).slice());
			}
			attachStorage(ref, loaded.get(key));
			return ref;
		})
	);
	return state.value;
}

function attachStorage(ref: StorageRef, root: Uint8Array | undefined): void {
	const key = ref.view?.root ?? ref.key;
	if (!root) throw new CheckpointError(`storage ${key} has no data`);
	const start = (ref.view?.offset ?? 0) * ref.elementSize;
	const length = ref.numel * ref.elementSize;
	if (start + length > root.length)
		throw new CheckpointError(`truncated: storage ${key} has ${root.length} bytes, needs ${start + length}`);
	ref.bytes = root.subarray(start, start + length);
}

function typedView(dtype: DType, bytes: Uint8Array): Tensor['data'] {
	const buffer = bytes.slice().buffer; // aligned copy
	switch (dtype) {
		case 'float32':
			return new Float32Array(buffer);
		case 'float64':
			return new Float64Array(buffer);
		case 'int64':
			return new BigInt64Array(buffer);
		case 'int32':
			return new Int32Array(buffer);
		case 'int16':
			return new Int16Array(buffer);
		case 'int8':
			return new Int8Array(buffer);
		case 'uint8':
		case 'bool':
			return new Uint8Array(buffer);
		case 'float16':
		case 'bfloat16': {
			const halves = new Uint16Array(buffer);
			const out = new Float32Array(halves.length);
			for (let i = 0; i < halves.length; i++)
				out[i] = dtype === 'bfloat16' ? bfloat16ToFloat(halves[i]) : float16ToFloat(halves[i]);
			return out;
		}
	}
}

function bfloat16ToFloat(h: number): number {
	return new Float32Array(new Uint32Array([h << 16]).buffer)[0];
}

function float16ToFloat(h: number): number {
	const sign = h & 0x8000 ? -1 : 1;
	const exponent = (h >> 10) & 0x1f;
	const fraction = h & 0x3ff;
	if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
	if (exponent === 31) return fraction ? NaN : sign * Infinity;
	return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function materialize(name: string, lazy: LazyTensor): Tensor {
	const { storage, offset, shape, stride } = lazy;
	if (!storage.bytes) throw new CheckpointError(`tensor ${name}: storage ${storage.key} was never loaded`);
	const all = typedView(storage.dtype, storage.bytes);
	const count = shape.reduce((a, b) => a * b, 1);
	// Highest element index the view touches must lie inside the storage.
	const last = offset + shape.reduce((acc, dim, i) => acc + (dim > 0 ? (dim - 1) * stride[i] : 0), 0);
	if (count > 0 && last >= all.length)
		throw new CheckpointError(
			`tensor ${name}: view [${shape}] at ${offset} exceeds its storage (${all.length} elements)`
		);
	const contiguous = shape.every(
		(_, i) => shape[i] === 1 || stride[i] === shape.slice(i + 1).reduce((a, b) => a * b, 1)
	);
	if (contiguous)
		return { dtype: storage.dtype, shape, data: all.slice(offset, offset + count) as Tensor['data'] };
	const out = all.slice(0, count) as Tensor['data'];
	const index = new Array<number>(shape.length).fill(0);
	for (let i = 0; i < count; i++) {
		let source = offset;
		for (let d = 0; d < shape.length; d++) source += index[d] * stride[d];
		(out as Float32Array)[i] = (all as Float32Array)[source];
		for (let d = shape.length - 1; d >= 0; d--) {
			if (++index[d] < shape[d]) break;
			index[d] = 0;
		}
	}
	return { dtype: storage.dtype, shape, data: out };
}

/** Reads a state_dict from a torch.save file (legacy or zip). */
export function readTorchCheckpoint(input: Uint8Array): StateDict {
	// A Node Buffer's slice() is a view, not a copy: work on a plain Uint8Array.
	const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
	let root: PyValue;
	if (isZip(bytes)) root = readZip(bytes);
	else if (bytes[0] === 0x80) root = readLegacy(bytes);
	else throw new CheckpointError('not a PyTorch checkpoint (neither a zip archive nor a pickle)');
	if (
		root instanceof Map &&
		![...root.values()].some((v) => v instanceof LazyTensor) &&
		root.get('state_dict') instanceof Map
	)
		root = root.get('state_dict') as PyValue;
	if (!(root instanceof Map)) throw new CheckpointError('checkpoint does not hold a dict');
	const stateDict: StateDict = new Map();
	for (const [key, value] of root) {
		if (typeof key !== 'string') throw new CheckpointError('state_dict key is not a string');
		if (!(value instanceof LazyTensor)) throw new CheckpointError(`state_dict entry ${key} is not a tensor`);
		stateDict.set(key, materialize(key, value));
	}
	return stateDict;
}

/** Float32 copy of a floating tensor (float64 narrowed); integer tensors are refused. */
export function toFloat32(tensor: Tensor): Float32Array {
	if (tensor.data instanceof Float32Array) return tensor.data;
	if (tensor.data instanceof Float64Array) return Float32Array.from(tensor.data);
	throw new CheckpointError(`expected a floating tensor, got ${tensor.dtype}`);
}
