/**
 * The PyTorch checkpoint reader: the pickle VM on hand-made streams, the 9 real legacy checkpoints,
 * and the zip format (re-packed from the real tensors, since no zip checkpoint is shipped).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertCheckpoint } from '../../src/lib/convert/convert';
import { PickleError, PyGlobal, PyTuple, unpickle, type PickleHooks } from '../../src/lib/convert/pickle';
import { readTorchCheckpoint, type StateDict } from '../../src/lib/convert/torch-checkpoint';
import { checkpointsDir, readFrontendTable } from './helpers/fixtures';
import { writeTorchCheckpoint } from './helpers/torch-writer';

const zoo = (
	JSON.parse(readFileSync('models/zoo.json', 'utf8')) as {
		models: { id: string; architecture: string; checkpoint: { file: string } }[];
	}
).models;
/** Byte equality of typed arrays (toEqual walks large arrays element by element, slowly). */
const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const sameBytes = (a: ArrayBufferView, b: ArrayBufferView) => bytesOf(a).equals(bytesOf(b));
const readCheckpoint = (file: string) => new Uint8Array(readFileSync(join(checkpointsDir, file)));

const plainHooks: PickleHooks = {
	findClass: (module, name) => {
		if (module === 'collections' && name === 'OrderedDict') return new PyGlobal(module, name);
		throw new Error(`refused ${module}.${name}`);
	},
	call: (callable, args) => ({ callable, args })
};
const bytes = (...parts: (number | string)[]) =>
	Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...new TextEncoder().encode(p)])));

describe('pickle VM', () => {
	it('reads protocol-2 containers, memo and integers', () => {
		// {'a': (1, -2, 300, 70000), 'b': [True, None, 'a' (memo)], 'c': 2**70 (LONG1), 'd': 1.5 (BINFLOAT)}
		const stream = bytes(
			0x80,
			2,
			0x7d,
			0x28,
			0x58,
			1,
			0,
			0,
			0,
			'a',
			0x71,
			1,
			0x28,
			0x4b,
			1,
			0x4a,
			0xfe,
			0xff,
			0xff,
			0xff,
			0x4d,
			0x2c,
			0x01,
			0x4a,
			0x70,
			0x11,
			0x01,
			0x00,
			0x74,
			0x58,
			1,
			0,
			0,
			0,
			'b',
			0x5d,
			0x28,
			0x88,
			0x4e,
			0x68,
			1,
			0x65,
			0x58,
			1,
			0,
			0,
			0,
			'c',
			0x8a,
			9,
			0,
			0,
			0,
			0,
			0,
			0,
			0,
			0,
			0x40,
			0x58,
			1,
			0,
			0,
			0,
			'd',
			0x47,
			0x3f,
			0xf8,
			0,
			0,
			0,
			0,
			0,
			0,
			0x75,
			0x2e
		);
		const { value, end } = unpickle(stream, 0, plainHooks);
		expect(end).toBe(stream.length);
		const dict = value as Map<string, unknown>;
		expect((dict.get('a') as PyTuple).items).toEqual([1, -2, 300, 70000]);
		expect(dict.get('b')).toEqual([true, null, 'a']);
		expect(dict.get('c')).toBe(2n ** 70n);
		expect(dict.get('d')).toBe(1.5);
	});

	it('reads protocol-0 text opcodes and protocol-4 framing', () => {
		const text = unpickle(bytes('(I42\nI01\nL-7L\nF0.25\np0\ng0\nt.'), 0, plainHooks);
		expect((text.value as PyTuple).items).toEqual([42, true, -7, 0.25, 0.25]);
		const proto4 = unpickle(
			bytes(
				0x80,
				4,
				0x95,
				20,
				0,
				0,
				0,
				0,
				0,
				0,
				0,
				0x8c,
				11,
				'collections',
				0x94,
				0x8c,
				11,
				'OrderedDict',
				0x94,
				0x93,
				0x94,
				0x29,
				0x81,
				0x2e
			),
			0,
			plainHooks
		);
		expect((proto4.value as { callable: PyGlobal }).callable.qualifiedName).toBe('collections.OrderedDict');
	});

	it('refuses globals outside the allow-list and reports truncation with the offset', () => {
		expect(() => unpickle(bytes(0x80, 2, 0x63, 'os\nsystem\n', 0x2e), 0, plainHooks)).toThrow(
			/refused os\.system/
		);
		expect(() => unpickle(bytes(0x80, 2, 0x58, 10, 0, 0, 0, 'abc'), 0, plainHooks)).toThrow(PickleError);
		expect(() => unpickle(bytes(0x80, 2, 0x58, 10, 0, 0, 0, 'abc'), 0, plainHooks)).toThrow(
			/truncated.*pickle byte 2/
		);
		expect(() => unpickle(bytes(0x80, 2, 0xff), 0, plainHooks)).toThrow(/unsupported pickle opcode 0xff/);
	});
});

describe('legacy torch.save checkpoints (the 9 zoo files)', () => {
	it.each(zoo)(
		'$id: every tensor is float32 (int64 counters) with the upstream layout',
		({ checkpoint, architecture }) => {
			const stateDict = readTorchCheckpoint(readCheckpoint(checkpoint.file));
			for (const [key, tensor] of stateDict) {
				expect(tensor.dtype, key).toBe(key.endsWith('num_batches_tracked') ? 'int64' : 'float32');
				expect(tensor.data.length, key).toBe(tensor.shape.reduce((a, b) => a * b, 1));
			}
			if (architecture === 'vggish') {
				expect(stateDict.get('conv_1.weight')!.shape).toEqual([64, 1, 3, 3]);
				expect(stateDict.get('dense.weight')!.shape).toEqual([56, 64]);
			} else {
				// The sota checkpoints carry torchaudio's tables: identical to the fixtures' copies, bit for bit.
				expect(stateDict.get('spec.spectrogram.window')!.data).toEqual(
					readFrontendTable('sota_hann_window_512.f32')
				);
				expect(stateDict.get('spec.mel_scale.fb')!.data).toEqual(readFrontendTable('sota_mel_fb_257x96.f32'));
				expect(stateDict.get('spec_bn.num_batches_tracked')!.data[0]).toBeGreaterThan(0n);
			}
		}
	);
});

describe('zip torch.save checkpoints', () => {
	const legacy = readCheckpoint('mtat-crnn.pth');
	const original = readTorchCheckpoint(legacy);

	const expectSameTensors = (a: StateDict, b: StateDict) => {
		expect([...a.keys()]).toEqual([...b.keys()]);
		for (const [key, tensor] of a) {
			const other = b.get(key)!;
			expect({ dtype: other.dtype, shape: other.shape }, key).toEqual({
				dtype: tensor.dtype,
				shape: tensor.shape
			});
			expect(sameBytes(other.data, tensor.data), key).toBe(true);
		}
	};

	it('reads a zip re-packing of a real checkpoint to the same tensors, and converts it to the same ONNX bytes', () => {
		const zip = writeTorchCheckpoint(original, 'zip');
		expect(zip.subarray(0, 4)).toEqual(Uint8Array.of(0x50, 0x4b, 0x03, 0x04));
		expectSameTensors(original, readTorchCheckpoint(zip));
		const spec = {
			id: 'mtat-crnn',
			architecture: 'crnn' as const,
			input: 'mel' as const,
			nMels: 96,
			frames: 1813,
			nTags: 50
		};
		const fromZip = convertCheckpoint(zip, spec);
		const fromLegacy = convertCheckpoint(legacy, spec);
		expect(sameBytes(fromZip.fp32, fromLegacy.fp32)).toBe(true);
		expect(sameBytes(fromZip.int8, fromLegacy.int8)).toBe(true);
	});

	it('reads ZIP64 records (what torch writes: sizes and offsets in ZIP64 extra fields)', () => {
		expectSameTensors(original, readTorchCheckpoint(writeTorchCheckpoint(original, 'zip64')));
	});

	it('the test writer reproduces the legacy format (round trip)', () => {
		expectSameTensors(original, readTorchCheckpoint(writeTorchCheckpoint(original, 'legacy')));
	});

	it.each(['legacy', 'zip', 'zip64'] as const)('gathers non-contiguous (strided) tensors (%s)', (format) => {
		// Storage holds dense.weight as [32][50]; strides (1, 50) describe its transpose [50][32].
		const dense = original.get('dense.weight')!;
		const stored = new Float32Array(dense.data.length);
		for (let o = 0; o < 50; o++)
			for (let i = 0; i < 32; i++) stored[i * 50 + o] = (dense.data as Float32Array)[o * 32 + i];
		const file = writeTorchCheckpoint(new Map([['dense.weight', { ...dense, data: stored }]]), format, {
			'dense.weight': [1, 50]
		});
		expect(sameBytes(readTorchCheckpoint(file).get('dense.weight')!.data, dense.data)).toBe(true);
	});
});
