/**
 * `npm run models` outputs: static/models/index.json and the 9 cards agree with the zoo data, every
 * listed file exists with its size and sha256, the front-end tables are the checkpoint's own, the ONNX
 * I/O contract holds, and the build is deterministic and incremental.
 */
import { createHash } from 'node:crypto';
import {
	appendFileSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelIndex } from '../../src/lib/card/types';
import { inputDims } from '../../src/lib/card/input';
import { buildModels, type ZooEntry } from '../../tools/models/build';
import { checkpointsDir, readFrontendTable } from './helpers/fixtures';
import { ensureModelsBuilt, modelsDir } from './helpers/models';

ort.env.wasm.numThreads = 1;

const zoo = (JSON.parse(readFileSync('models/zoo.json', 'utf8')) as { models: ZooEntry[] }).models;
const frontends = JSON.parse(readFileSync('models/frontends.json', 'utf8')) as Record<
	string,
	Record<string, unknown>
>;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let index: ModelIndex;
beforeAll(async () => {
	index = await ensureModelsBuilt();
});

describe('static/models/index.json and cards', () => {
	it('lists the zoo models in zoo order, identical to their card.json files', () => {
		const onDisk = JSON.parse(readFileSync(join(modelsDir, 'index.json'), 'utf8')) as ModelIndex;
		expect(onDisk).toEqual(index);
		expect(index.version).toMatch(/^[0-9a-f]{16}$/);
		expect(index.models.map((m) => m.id)).toEqual(zoo.map((e) => e.id));
		for (const card of index.models)
			expect(JSON.parse(readFileSync(join(modelsDir, card.id, 'card.json'), 'utf8'))).toEqual(card);
	});

	it.each(zoo)('$id: card carries the zoo data, tags in output order and provenance', (entry) => {
		const card = index.models.find((m) => m.id === entry.id)!;
		const tags = readFileSync(`models/tags/${entry.tags}.txt`, 'utf8').split('\n').filter(Boolean);
		expect(card).toMatchObject({
			schema: 1,
			title: entry.title,
			dataset: entry.dataset,
			task: entry.task,
			architecture: entry.architecture,
			tags,
			tagList: entry.tags,
			chunking: entry.chunking,
			io: { input: 'mel', output: 'tags' },
			metrics: entry.metrics,
			provenance: {
				checkpoint: {
					file: entry.checkpoint.file,
					url: entry.checkpoint.url,
					sha256: entry.checkpoint.sha256,
					bytes: entry.checkpoint.bytes
				},
				repository: entry.checkpoint.repository,
				path: entry.checkpoint.path,
				commit: entry.checkpoint.commit,
				license: entry.license,
				citation: entry.citation
			}
		});
		expect(card.default ?? false).toBe(entry.default ?? false);
		// Mood groups are card data, exactly when the zoo entry asks for them.
		expect(card.moodGroups?.length ?? 0).toBe(entry.moodGroups ? 16 : 0);
		expect(card.build.converter).toMatch(/^src\/lib\/convert@[0-9a-f]{12}$/);
		expect(card.build.convertMs).toBeGreaterThanOrEqual(0);
		// The front end is the zoo's, minus its prose; torchaudio tables point at the exported file.
		const frontend = Object.fromEntries(
			Object.entries(frontends[entry.frontend]).filter(([k]) => k !== 'spec' && k !== 'tables')
		);
		expect(card.frontend).toMatchObject(frontend);
		expect('spec' in card.frontend).toBe(false);
	});

	it.each(zoo)('$id: every listed file exists with its bytes and sha256', (entry) => {
		const card = index.models.find((m) => m.id === entry.id)!;
		const files = [
			card.files.fp32,
			card.files.int8,
			...(card.files.int8Static ? [card.files.int8Static] : []),
			...(card.frontend.kind === 'torchaudio' ? [card.frontend.tables] : [])
		];
		// A static int8 file exactly where the zoo has a calibration for the model.
		expect(card.files.int8Static !== undefined).toBe(existsSync(`models/calibration/${entry.id}.json`));
		for (const file of files) {
			const bytes = readFileSync(join(modelsDir, card.id, file.file));
			expect(bytes.length, file.file).toBe(file.bytes);
			expect(sha256(bytes), file.file).toBe(file.sha256);
		}
		expect(card.files.int8.bytes).toBeLessThan(card.files.fp32.bytes / 3);
	});

	it.each(zoo.filter((e) => frontends[e.frontend].kind === 'torchaudio'))(
		'$id: frontend.f32 holds the checkpoint window then filterbank',
		(entry) => {
			const card = index.models.find((m) => m.id === entry.id)!;
			if (card.frontend.kind !== 'torchaudio') throw new Error('expected a torchaudio front end');
			const { window, filterbank, file } = card.frontend.tables;
			expect(window).toEqual({ offset: 0, length: 512 });
			expect(filterbank).toEqual({ offset: 512, rows: 257, cols: 96 });
			const bytes = readFileSync(join(modelsDir, card.id, file));
			const values = new Float32Array(
				bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
			);
			expect(Buffer.from(values.subarray(0, 512).buffer, 0, 512 * 4)).toEqual(
				Buffer.from(readFrontendTable('sota_hann_window_512.f32').buffer)
			);
			expect(Buffer.from(values.buffer, 512 * 4)).toEqual(
				Buffer.from(readFrontendTable('sota_mel_fb_257x96.f32').buffer)
			);
		}
	);

	it.each(zoo.map((e) => [e.id, e] as const))(
		'%s: ONNX I/O is mel [batch, 96, frames] → tags [batch, nTags]',
		async (_, entry) => {
			const card = index.models.find((m) => m.id === entry.id)!;
			for (const variant of ['fp32', 'int8'] as const) {
				const session = await ort.InferenceSession.create(
					readFileSync(join(modelsDir, card.id, card.files[variant].file))
				);
				expect(session.inputNames).toEqual(['mel']);
				expect(session.outputNames).toEqual(['tags']);
				const input = session.inputMetadata[0];
				const output = session.outputMetadata[0];
				if (!input.isTensor || !output.isTensor) throw new Error('tensor I/O expected');
				expect(input.shape).toEqual(['batch', ...inputDims(card)]);
				expect(output.shape).toEqual(['batch', card.tags.length]);
				await session.release();
			}
		}
	);
});

describe('build behaviour', () => {
	let outDir: string;
	const some = ['mtg-moodtheme-vggish', 'mtat-musicnn', 'msd-crnn'];
	beforeAll(() => {
		outDir = mkdtempSync(join(tmpdir(), 'models-build-'));
	});
	afterAll(() => rmSync(outDir, { recursive: true, force: true }));

	it('is deterministic, incremental, and rebuilds a model whose files were tampered with', async () => {
		const first = await buildModels({ mirror: checkpointsDir, outDir, only: some });
		expect(first.reports.map((r) => [r.id, r.skipped])).toEqual(some.map((id) => [id, false]));
		// Same bytes as the static/models build (no timestamps or randomness in the converter output).
		for (const card of first.index.models) {
			const shipped = index.models.find((m) => m.id === card.id)!;
			expect(card.files).toEqual(shipped.files);
		}
		const cardPath = join(outDir, 'msd-crnn', 'card.json');
		const stamp = statSync(cardPath).mtimeMs;

		const second = await buildModels({ mirror: checkpointsDir, outDir, only: some });
		expect(second.reports.every((r) => r.skipped)).toBe(true);
		expect(statSync(cardPath).mtimeMs).toBe(stamp);
		expect(second.index).toEqual(first.index);

		appendFileSync(join(outDir, 'msd-crnn', 'model.int8.onnx'), 'x');
		// Temporaries of a run killed mid-write are cleared on the next run.
		writeFileSync(join(outDir, 'msd-crnn', '.4242.tmp-model.onnx'), 'partial');
		writeFileSync(join(outDir, '.4242.1700000000000.tmp-index.json'), 'partial');
		const third = await buildModels({ mirror: checkpointsDir, outDir, only: some });
		expect(third.reports.map((r) => [r.id, r.skipped])).toEqual([
			['mtg-moodtheme-vggish', true],
			['mtat-musicnn', true],
			['msd-crnn', false]
		]);
		expect(sha256(readFileSync(join(outDir, 'msd-crnn', 'model.int8.onnx')))).toBe(
			first.index.models[2].files.int8.sha256
		);
		expect(readdirSync(outDir).filter((f) => f.includes('tmp-'))).toEqual([]);
		expect(readdirSync(join(outDir, 'msd-crnn')).sort()).toEqual([
			'card.json',
			'frontend.f32',
			'model.int8.onnx',
			'model.onnx'
		]);
	});

	it('without a mirror, downloads the checkpoint once into the cache and verifies it', async () => {
		const entry = zoo.find((e) => e.id === 'mtat-crnn')!;
		const checkpoint = readFileSync(join(checkpointsDir, entry.checkpoint.file));
		const requests: string[] = [];
		const server = createServer((request, response) => {
			requests.push(request.url!);
			response.end(request.url === '/good.pth' ? checkpoint : checkpoint.subarray(0, 1000));
		});
		await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
		const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		const cacheDir = join(outDir, 'cache');
		const download = (url: string) =>
			buildModels({
				mirror: '',
				cacheDir,
				outDir: join(outDir, 'downloaded'),
				zoo: [{ ...entry, checkpoint: { ...entry.checkpoint, url } }],
				force: true
			});
		try {
			await download(`${base}/good.pth`);
			await download(`${base}/good.pth`);
			expect(requests).toEqual(['/good.pth']);
			expect(sha256(readFileSync(join(cacheDir, entry.checkpoint.file)))).toBe(entry.checkpoint.sha256);
			rmSync(cacheDir, { recursive: true });
			await expect(download(`${base}/bad.pth`)).rejects.toThrow(
				/^mtat-crnn: checkpoint http:\/\/\S+\/bad\.pth: sha256 [0-9a-f]{64} \(1000 bytes\)/
			);
			expect(existsSync(join(cacheDir, entry.checkpoint.file))).toBe(false);
		} finally {
			server.close();
		}
	});

	it('refuses an unknown --only id', async () => {
		await expect(buildModels({ mirror: checkpointsDir, outDir, only: ['no-such-model'] })).rejects.toThrow(
			/unknown model id in --only: no-such-model/
		);
	});
});
