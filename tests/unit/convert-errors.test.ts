/**
 * `npm run models` on bad checkpoints (made in a temp dir from the real ones): every failure names the
 * model (and the state_dict key where there is one), and nothing partial is left in the output folder.
 */
import { createHash } from 'node:crypto';
import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModels, type ZooEntry } from '../../tools/models/build';
import { writeAtomic } from '../../src/lib/node/write-atomic';
import { readTorchCheckpoint, type StateDict } from '../../src/lib/convert/torch-checkpoint';
import { checkpointsDir } from './helpers/fixtures';
import { writeTorchCheckpoint } from './helpers/torch-writer';

const zoo = (JSON.parse(readFileSync('models/zoo.json', 'utf8')) as { models: ZooEntry[] }).models;
const fcn = zoo.find((e) => e.id === 'mtat-fcn')!;
const original = new Uint8Array(readFileSync(join(checkpointsDir, fcn.checkpoint.file)));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let root: string;
beforeAll(() => {
	root = mkdtempSync(join(tmpdir(), 'convert-errors-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** All files below `dir` (relative paths), to show nothing was left behind. */
function listFiles(dir: string): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((d) => d.isFile())
		.map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
		.sort();
}

/**
 * Builds mtat-fcn from `bytes` into a fresh output folder. By default the zoo entry's sha256/size are
 * set to the bad file's own, so the checkpoint gets past the sha256 check and into the reader.
 */
async function buildFrom(name: string, bytes: Uint8Array, { keepZooSha = false } = {}) {
	const mirror = join(root, name, 'mirror');
	const outDir = join(root, name, 'out');
	mkdirSync(mirror, { recursive: true });
	writeFileSync(join(mirror, fcn.checkpoint.file), bytes);
	const entry = keepZooSha
		? fcn
		: { ...fcn, checkpoint: { ...fcn.checkpoint, sha256: sha256(bytes), bytes: bytes.length } };
	const error = await buildModels({ mirror, outDir, zoo: [entry], force: true }).then(
		() => undefined,
		(e: Error) => e
	);
	return { error, outDir };
}

function editStateDict(edit: (sd: StateDict) => void): Uint8Array {
	const stateDict = readTorchCheckpoint(original);
	edit(stateDict);
	return writeTorchCheckpoint(stateDict, 'legacy');
}

describe('bad checkpoints fail with the model and key named, leaving nothing behind', () => {
	const cases: [string, () => Uint8Array, RegExp, { keepZooSha?: boolean }?][] = [
		[
			'bad sha256',
			() => Uint8Array.from(original, (b, i) => (i === original.length - 100 ? b ^ 1 : b)),
			new RegExp(
				`^mtat-fcn: checkpoint .*mtat-fcn\\.pth: sha256 [0-9a-f]{64} \\(1902811 bytes\\), expected ${fcn.checkpoint.sha256}`
			),
			{ keepZooSha: true }
		],
		[
			'truncated',
			() => original.subarray(0, Math.floor(original.length * 0.6)),
			/^mtat-fcn: cannot read the checkpoint: truncated: storage \d+ \(layer\d\.conv\.weight\) needs \d+ bytes/
		],
		[
			'cut inside the pickle',
			() => original.subarray(0, 3000),
			/^mtat-fcn: cannot read the checkpoint: .*truncated.*\(pickle byte \d+\)/
		],
		[
			'not a checkpoint',
			() => new TextEncoder().encode('<html>404 Not Found</html>'),
			/^mtat-fcn: cannot read the checkpoint: not a PyTorch checkpoint/
		],
		[
			'corrupt pickle',
			() => Uint8Array.from(original, (b, i) => (i >= 400 && i < 420 ? 0xff : b)),
			/^mtat-fcn: cannot read the checkpoint: .*pickle byte \d+/
		],
		[
			'missing key',
			() => editStateDict((sd) => sd.delete('layer3.bn.running_var')),
			/^mtat-fcn: layer3\.bn\.running_var: missing from the checkpoint$/
		],
		[
			'wrong shape',
			() => editStateDict((sd) => (sd.get('dense.weight')!.shape = [64, 50])),
			/^mtat-fcn: dense\.weight: shape \[64,50\] where \[50,64\] is expected$/
		],
		[
			'unexpected key',
			() => editStateDict((sd) => sd.set('layer6.conv.weight', sd.get('layer5.conv.weight')!)),
			/^mtat-fcn: layer6\.conv\.weight: unexpected key/
		],
		[
			'another architecture (CRNN weights for the FCN entry)',
			() => new Uint8Array(readFileSync(join(checkpointsDir, 'mtat-crnn.pth'))),
			/^mtat-fcn: layer5\.conv\.weight: missing from the checkpoint$/
		]
	];

	it.each(cases)('%s', async (name, make, message, options) => {
		const { error, outDir } = await buildFrom(name.replace(/\W+/g, '-'), make(), options);
		expect(error?.message).toMatch(message);
		expect(listFiles(outDir)).toEqual([]);
	});
});

describe('a failed rebuild keeps the previous outputs intact', () => {
	it('leaves the last good model files and card untouched, and no temporaries', async () => {
		const mirror = join(root, 'rebuild', 'mirror');
		const outDir = join(root, 'rebuild', 'out');
		mkdirSync(mirror, { recursive: true });
		writeFileSync(join(mirror, fcn.checkpoint.file), original);
		await buildModels({ mirror, outDir, zoo: [fcn] });
		const before = listFiles(outDir).map((f) => [f, sha256(readFileSync(join(outDir, f)))]);
		expect(before.map(([f]) => f)).toEqual([
			'index.json',
			'mtat-fcn/card.json',
			'mtat-fcn/frontend.f32',
			'mtat-fcn/model.int8-static.onnx',
			'mtat-fcn/model.int8.onnx',
			'mtat-fcn/model.onnx'
		]);

		const broken = Uint8Array.from(original, (b, i) => (i === 50_000 ? b ^ 0x80 : b));
		writeFileSync(join(mirror, fcn.checkpoint.file), broken);
		await expect(buildModels({ mirror, outDir, zoo: [fcn], force: true })).rejects.toThrow(
			/^mtat-fcn: checkpoint .*sha256/
		);
		expect(listFiles(outDir).map((f) => [f, sha256(readFileSync(join(outDir, f)))])).toEqual(before);
	});

	it('a missing mirror file is named', async () => {
		const mirror = join(root, 'empty-mirror');
		mkdirSync(mirror, { recursive: true });
		await expect(buildModels({ mirror, outDir: join(root, 'empty-out'), zoo: [fcn] })).rejects.toThrow(
			/^mtat-fcn: checkpoint \S+mtat-fcn\.pth not found \(MODELS_MIRROR\)/
		);
		expect(listFiles(join(root, 'empty-out'))).toEqual([]);
	});
});

describe('writeAtomic', () => {
	it('replaces a file whole and removes its temporary when the rename fails', async () => {
		const dir = join(root, 'atomic');
		mkdirSync(join(dir, 'occupied'), { recursive: true });
		await writeAtomic(join(dir, 'file.txt'), 'one');
		await writeAtomic(join(dir, 'file.txt'), 'two');
		expect(readFileSync(join(dir, 'file.txt'), 'utf8')).toBe('two');
		// A folder in the way makes the rename fail: the error surfaces and no temporary stays behind.
		await expect(writeAtomic(join(dir, 'occupied'), 'three')).rejects.toThrow();
		expect(readdirSync(dir).sort()).toEqual(['file.txt', 'occupied']);
	});
});
