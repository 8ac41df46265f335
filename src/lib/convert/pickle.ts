/**
 * A minimal pickle virtual machine: enough of protocols 0–5 to read what `torch.save` writes for a
 * state_dict (legacy and zip formats). It never executes Python: every GLOBAL is looked up in a
 * caller-supplied table and anything unknown is an error, so a hostile file cannot do more than fail.
 */

/** A Python tuple (kept apart from lists so callers can tell `(a, b)` from `[a, b]`). */
export class PyTuple {
	constructor(readonly items: readonly PyValue[]) {}
}

/** A `module.name` reference read by GLOBAL / STACK_GLOBAL before it is resolved. */
export class PyGlobal {
	constructor(
		readonly module: string,
		readonly name: string
	) {}
	get qualifiedName(): string {
		return `${this.module}.${this.name}`;
	}
}

/** An opaque value a resolver may return (e.g. a lazily loaded tensor). */
export type PyValue =
	| null
	| boolean
	| number
	| bigint
	| string
	| Uint8Array
	| PyTuple
	| PyValue[]
	| Map<PyValue, PyValue>
	| PyGlobal
	| object;

export interface PickleHooks {
	/** Called for GLOBAL; return the callable (any value the REDUCE hook understands). Throw to refuse. */
	findClass(module: string, name: string): PyValue;
	/** Called for REDUCE / NEWOBJ: `callable(*args)`. */
	call(callable: PyValue, args: PyValue[]): PyValue;
	/** Called for BINPERSID / PERSID. */
	persistentLoad?(pid: PyValue): PyValue;
	/** Called for BUILD (`obj.__setstate__(state)`); default: ignore the state. */
	build?(obj: PyValue, state: PyValue): PyValue;
}

export class PickleError extends Error {
	constructor(
		message: string,
		readonly offset: number
	) {
		super(`${message} (pickle byte ${offset})`);
		this.name = 'PickleError';
	}
}

const MARK = Symbol('mark');
type StackItem = PyValue | typeof MARK;

const textDecoder = new TextDecoder('utf-8', { fatal: true });
const latin1Decoder = new TextDecoder('latin1');

/**
 * Runs one pickle starting at `start` and returns its value and the offset just after STOP.
 * Several pickles may follow one another in a buffer (the legacy torch format has five).
 */
export function unpickle(
	input: Uint8Array,
	start: number,
	hooks: PickleHooks
): { value: PyValue; end: number } {
	// A Node Buffer's slice() is a view, not a copy: work on a plain Uint8Array.
	const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const stack: StackItem[] = [];
	const memo = new Map<number, PyValue>();
	let pos = start;
	let opOffset = start;

	const fail = (message: string): never => {
		throw new PickleError(message, opOffset);
	};
	const need = (n: number): number => {
		if (n < 0 || pos + n > bytes.length) fail(`truncated: needs ${n} more bytes, ${bytes.length - pos} left`);
		const at = pos;
		pos += n;
		return at;
	};
	const u8 = () => bytes[need(1)];
	const u16 = () => view.getUint16(need(2), true);
	const u32 = () => view.getUint32(need(4), true);
	const i32 = () => view.getInt32(need(4), true);
	const u64 = () => {
		const v = view.getBigUint64(need(8), true);
		if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail('length too large');
		return Number(v);
	};
	const slice = (n: number) => bytes.subarray(need(n), pos);
	const line = (): string => {
		const end = bytes.indexOf(0x0a, pos);
		if (end < 0) fail('truncated: missing newline');
		const text = latin1Decoder.decode(bytes.subarray(pos, end));
		pos = end + 1;
		return text;
	};
	const utf8 = (n: number): string => {
		const raw = slice(n);
		try {
			return textDecoder.decode(raw);
		} catch {
			return fail('invalid UTF-8 string');
		}
	};
	const pop = (): PyValue => {
		if (stack.length === 0) fail('stack underflow');
		const v = stack.pop() as StackItem;
		if (v === MARK) fail('unexpected MARK');
		return v as PyValue;
	};
	const top = (): PyValue => {
		const v = stack[stack.length - 1];
		if (stack.length === 0 || v === MARK) fail('stack underflow');
		return v as PyValue;
	};
	const popMark = (): PyValue[] => {
		const at = stack.lastIndexOf(MARK);
		if (at < 0) fail('MARK not found');
		const items = stack.splice(at) as PyValue[];
		items.shift();
		return items;
	};
	const memoGet = (i: number): PyValue => {
		if (!memo.has(i)) fail(`memo key ${i} missing`);
		return memo.get(i) as PyValue;
	};
	const longFromBytes = (b: Uint8Array): number | bigint => {
		if (b.length === 0) return 0;
		let v = 0n;
		for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
		if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
		return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
	};
	const setItems = (dict: PyValue, items: PyValue[]) => {
		if (!(dict instanceof Map)) fail('SETITEM(S) on a non-dict');
		if (items.length % 2) fail('odd number of items for SETITEMS');
		for (let i = 0; i < items.length; i += 2) (dict as Map<PyValue, PyValue>).set(items[i], items[i + 1]);
	};
	const appendItems = (list: PyValue, items: PyValue[]) => {
		if (!Array.isArray(list)) fail('APPEND(S) on a non-list');
		(list as PyValue[]).push(...items);
	};
	const global = (module: string, name: string) => {
		try {
			return hooks.findClass(module, name);
		} catch (error) {
			return fail((error as Error).message);
		}
	};
	const call = (callable: PyValue, args: PyValue) => {
		if (!(args instanceof PyTuple)) fail('REDUCE arguments are not a tuple');
		try {
			return hooks.call(callable, [...(args as PyTuple).items]);
		} catch (error) {
			return fail((error as Error).message);
		}
	};
	const persistent = (pid: PyValue) => {
		if (!hooks.persistentLoad) fail('persistent id without a persistent_load hook');
		try {
			return hooks.persistentLoad!(pid);
		} catch (error) {
			return fail((error as Error).message);
		}
	};

	for (;;) {
		opOffset = pos;
		const op = u8();
		switch (op) {
			case 0x80: // PROTO
				if (u8() > 5) fail('unsupported pickle protocol');
				break;
			case 0x95: // FRAME
				need(8);
				break;
			case 0x2e: // STOP
				if (stack.length !== 1) fail(`STOP with ${stack.length} items on the stack`);
				return { value: pop(), end: pos };
			case 0x28: // MARK
				stack.push(MARK);
				break;
			case 0x30: // POP
				if (stack.pop() === undefined) fail('stack underflow');
				break;
			case 0x31: // POP_MARK
				popMark();
				break;
			case 0x32: // DUP
				stack.push(top());
				break;
			case 0x4e: // NONE
				stack.push(null);
				break;
			case 0x88: // NEWTRUE
				stack.push(true);
				break;
			case 0x89: // NEWFALSE
				stack.push(false);
				break;
			case 0x4a: // BININT
				stack.push(i32());
				break;
			case 0x4b: // BININT1
				stack.push(u8());
				break;
			case 0x4d: // BININT2
				stack.push(u16());
				break;
			case 0x8a: // LONG1
				stack.push(longFromBytes(slice(u8())));
				break;
			case 0x8b: // LONG4
				stack.push(longFromBytes(slice(i32())));
				break;
			case 0x49: {
				// INT (protocol 0; "01"/"00" are True/False)
				const text = line();
				if (text === '01' || text === '00') stack.push(text === '01');
				else {
					const v = BigInt(text);
					stack.push(
						v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
					);
				}
				break;
			}
			case 0x4c: {
				// LONG (protocol 0)
				const v = BigInt(line().replace(/L$/, ''));
				stack.push(
					v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
				);
				break;
			}
			case 0x47: // BINFLOAT (big-endian double)
				stack.push(view.getFloat64(need(8), false));
				break;
			case 0x46: // FLOAT
				stack.push(Number.parseFloat(line()));
				break;
			case 0x58: // BINUNICODE
				stack.push(utf8(u32()));
				break;
			case 0x8c: // SHORT_BINUNICODE
				stack.push(utf8(u8()));
				break;
			case 0x8d: // BINUNICODE8
				stack.push(utf8(u64()));
				break;
			case 0x56: // UNICODE (raw-unicode-escape; plain ASCII in practice)
				stack.push(line());
				break;
			case 0x54: // BINSTRING
				stack.push(latin1Decoder.decode(slice(i32())));
				break;
			case 0x55: // SHORT_BINSTRING
				stack.push(latin1Decoder.decode(slice(u8())));
				break;
			case 0x42: // BINBYTES
				stack.push(slice(u32()).slice());
				break;
			case 0x43: // SHORT_BINBYTES
				stack.push(slice(u8()).slice());
				break;
			case 0x8e: // BINBYTES8
				stack.push(slice(u64()).slice());
				break;
			case 0x29: // EMPTY_TUPLE
				stack.push(new PyTuple([]));
				break;
			case 0x85: // TUPLE1
				stack.push(new PyTuple([pop()]));
				break;
			case 0x86: {
				// TUPLE2
				const b = pop();
				stack.push(new PyTuple([pop(), b]));
				break;
			}
			case 0x87: {
				// TUPLE3
				const c = pop();
				const b = pop();
				stack.push(new PyTuple([pop(), b, c]));
				break;
			}
			case 0x74: // TUPLE
				stack.push(new PyTuple(popMark()));
				break;
			case 0x5d: // EMPTY_LIST
				stack.push([]);
				break;
			case 0x6c: // LIST
				stack.push(popMark());
				break;
			case 0x61: {
				// APPEND
				const v = pop();
				appendItems(top(), [v]);
				break;
			}
			case 0x65: {
				// APPENDS
				const items = popMark();
				appendItems(top(), items);
				break;
			}
			case 0x7d: // EMPTY_DICT
				stack.push(new Map());
				break;
			case 0x64: {
				// DICT
				const dict = new Map<PyValue, PyValue>();
				setItems(dict, popMark());
				stack.push(dict);
				break;
			}
			case 0x73: {
				// SETITEM
				const v = pop();
				const k = pop();
				setItems(top(), [k, v]);
				break;
			}
			case 0x75: {
				// SETITEMS
				const items = popMark();
				setItems(top(), items);
				break;
			}
			case 0x8f: // EMPTY_SET
				stack.push([]);
				break;
			case 0x90: {
				// ADDITEMS
				const items = popMark();
				appendItems(top(), items);
				break;
			}
			case 0x91: // FROZENSET
				stack.push(popMark());
				break;
			case 0x70: // PUT
				memo.set(Number.parseInt(line(), 10), top());
				break;
			case 0x71: // BINPUT
				memo.set(u8(), top());
				break;
			case 0x72: // LONG_BINPUT
				memo.set(u32(), top());
				break;
			case 0x94: // MEMOIZE
				memo.set(memo.size, top());
				break;
			case 0x67: // GET
				stack.push(memoGet(Number.parseInt(line(), 10)));
				break;
			case 0x68: // BINGET
				stack.push(memoGet(u8()));
				break;
			case 0x6a: // LONG_BINGET
				stack.push(memoGet(u32()));
				break;
			case 0x63: {
				// GLOBAL
				const module = line();
				stack.push(global(module, line()));
				break;
			}
			case 0x93: {
				// STACK_GLOBAL
				const name = pop();
				const module = pop();
				if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL needs two strings');
				stack.push(global(module as string, name as string));
				break;
			}
			case 0x52: {
				// REDUCE
				const args = pop();
				stack.push(call(pop(), args));
				break;
			}
			case 0x81: {
				// NEWOBJ: cls.__new__(cls, *args)
				const args = pop();
				stack.push(call(pop(), args));
				break;
			}
			case 0x62: {
				// BUILD
				const state = pop();
				const obj = pop();
				stack.push(hooks.build ? hooks.build(obj, state) : obj);
				break;
			}
			case 0x51: // BINPERSID
				stack.push(persistent(pop()));
				break;
			case 0x50: // PERSID
				stack.push(persistent(line()));
				break;
			default:
				fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
		}
	}
}
