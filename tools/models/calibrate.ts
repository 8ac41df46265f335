/**
 * Measures the activation ranges static int8 needs (src/lib/convert/static-int8.ts) and writes them to
 * models/calibration/<id>.json, which `npm run models` then uses to build model.int8-static.onnx.
 *
 * The music runs through the app's own pipeline (decode → resample → mel → every window of the default
 * 'whole' scheme and the taggram) into the fp32 graph, whose quantized Convs' inputs and outputs are read
 * back as extra outputs; each range is the min/max over all windows. Use real music that is not among
 * the fixture clips, so the parity tests stay a held-out check, e.g. Debian's GPL game music:
 *   apt-get download lincity-ng-data wesnoth-1.16-music && dpkg-deb -x <each>.deb music/
 *
 * Usage: tsx tools/models/calibrate.ts --model <id> [--source <where the music is from>] <file or folder>...
 * (needs `npm run models` first)
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as ort from 'onnxruntime-web';
import type { ModelCard } from '../../src/lib/card/types';
import { inputDims } from '../../src/lib/card/input';
import { parseTagList } from '../../src/lib/card/tag-list';
import { decodeFileNode } from '../../src/lib/audio/decode-node';
import { fp32Graph, IR_VERSION, OPSET, readCheckpoint } from '../../src/lib/convert/convert';
import { encodeModel, TensorDataType } from '../../src/lib/convert/onnx';
import { calibrationTensors, type Calibration } from '../../src/lib/convert/static-int8';
import { createMelExtractor } from '../../src/lib/features/mel';
import type { TaggerSession } from '../../src/lib/model/session';
import { tagTrack } from '../../src/lib/pipeline/tag-track';
import { writeAtomic } from '../../src/lib/node/write-atomic';
import { loadCheckpoint, repoRoot, zooSpec, type ZooEntry } from './build';

const AUDIO = /\.(ogg|oga|opus|mp3|flac|wav|m4a|aac)$/i;

async function audioFiles(paths: string[]): Promise<string[]> {
	const found: string[] = [];
	for (const path of paths) {
		if ((await stat(path)).isDirectory()) {
			const entries = await readdir(path, { recursive: true });
			found.push(...entries.filter((e) => AUDIO.test(e)).map((e) => join(path, e)));
		} else found.push(path);
	}
	return found.sort();
}

/** The fp32 graph with the tensors to measure as extra outputs, behind the pipeline's session interface. */
async function measuringSession(card: ModelCard, graph: ReturnType<typeof fp32Graph>, tensors: string[]) {
	const probe = {
		...graph,
		outputs: [...graph.outputs, ...tensors.map((name) => ({ name, elemType: TensorDataType.FLOAT }))]
	};
	const bytes = encodeModel({
		graph: probe,
		opset: OPSET,
		irVersion: IR_VERSION,
		producerName: 'calibrate',
		producerVersion: '1'
	});
	const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
	const ranges = Object.fromEntries(tensors.map((t) => [t, [0, 0] as [number, number]]));
	const values: Record<string, number> = {};
	let windows = 0;
	const measuring: TaggerSession = {
		card,
		backend: 'wasm',
		async predict(mels, batch) {
			const out = await session.run({
				[graph.inputs[0].name]: new ort.Tensor('float32', mels, [batch, ...inputDims(card)])
			});
			for (const t of tensors) {
				const range = ranges[t];
				values[t] = out[t].data.length / batch;
				for (const v of out[t].data as Float32Array) {
					if (v < range[0]) range[0] = v;
					else if (v > range[1]) range[1] = v;
				}
			}
			windows += batch;
			return out[graph.outputs[0].name].data as Float32Array;
		},
		release: () => session.release()
	};
	return { measuring, ranges, values, windows: () => windows };
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const at = args.indexOf('--model');
	const id = at >= 0 ? args.splice(at, 2)[1] : undefined;
	const sourceAt = args.indexOf('--source');
	const source = sourceAt >= 0 ? args.splice(sourceAt, 2)[1] : undefined;
	if (!id || !args.length)
		throw new Error(
			'usage: tsx tools/models/calibrate.ts --model <id> [--source <text>] <file or folder>...'
		);
	const models = join(repoRoot, 'models');
	const zoo = JSON.parse(await readFile(join(models, 'zoo.json'), 'utf8')) as { models: ZooEntry[] };
	const entry = zoo.models.find((e) => e.id === id);
	if (!entry) throw new Error(`${id} is not in models/zoo.json`);
	const card = JSON.parse(
		await readFile(join(repoRoot, 'static', 'models', id, 'card.json'), 'utf8')
	) as ModelCard;
	const tags = parseTagList(await readFile(join(models, 'tags', `${entry.tags}.txt`), 'utf8'));
	const nMels = card.io.input === 'mel' ? inputDims(card)[0] : 0;
	const graph = fp32Graph(
		readCheckpoint(await loadCheckpoint(entry, {}), id),
		zooSpec(entry, nMels, tags.length)
	);
	const tensors = calibrationTensors(graph);
	const tables =
		card.frontend.kind === 'torchaudio'
			? (await readFile(join(repoRoot, 'static', 'models', id, card.frontend.tables.file))).buffer
			: undefined;
	const mel = createMelExtractor(card.frontend, tables as ArrayBuffer | undefined);
	const { measuring, ranges, values, windows } = await measuringSession(card, graph, tensors);
	const files = await audioFiles(args);
	let seconds = 0;
	for (const file of files) {
		const decoded = await decodeFileNode(file);
		seconds += decoded.mono.length / decoded.sampleRate;
		await tagTrack(decoded, card, measuring, mel, { variant: 'fp32' });
		console.log(`${basename(file)}: ${windows()} windows so far`);
	}
	const calibration: Calibration = {
		model: id,
		provenance:
			`tools/models/calibrate.ts: min/max over ${windows()} windows (the 'whole' scheme's and the taggram's) of ` +
			`${files.length} tracks, ${Math.round(seconds / 60)} min${source ? ` from ${source}` : ''}: ` +
			files.map((f) => basename(f)).join(', '),
		ranges,
		values
	};
	const out = join(models, 'calibration', `${id}.json`);
	await writeAtomic(out, `${JSON.stringify(calibration, null, '\t')}\n`);
	console.log(`${tensors.length} ranges → ${out}`);
}

main().catch((error: Error) => {
	console.error(error.message);
	process.exitCode = 1;
});
