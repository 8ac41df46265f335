/**
 * `npm run models`: turns every entry of models/zoo.json into static/models/<id>/
 * {model.onnx, model.int8.onnx, model.int8-static.onnx (models with a models/calibration/<id>.json),
 * frontend.f32 (torchaudio front ends), card.json} and writes static/models/index.json.
 *
 * - Checkpoints come from $MODELS_MIRROR/<file> when MODELS_MIRROR is set, else from the upstream URL
 *   (cached in .cache/checkpoints/); the sha256 and size are always verified.
 * - Incremental: a model is skipped when its card's stamp (checkpoint sha256 + converter sources + zoo
 *   entry) matches and its files are intact. `--force` rebuilds; `--only id,id` limits the run.
 * - Atomic: a model's files are converted fully in memory, written to temporary names in the same
 *   folder and renamed, card.json last; a failure leaves no partial file behind.
 *
 * Usage: tsx tools/models/build.ts [--force] [--only id,id]
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModelCard, ModelIndex } from '../../src/lib/card/types';
import { parseTagList } from '../../src/lib/card/tag-list';
import type { Architecture } from '../../src/lib/convert/architectures';
import { convertCheckpoint, type ConversionSpec } from '../../src/lib/convert/convert';
import { modelIndex, packageModel, type CardDraft } from '../../src/lib/convert/package';
import type { Calibration } from '../../src/lib/convert/static-int8';
import { ConversionError } from '../../src/lib/convert/weights';
import { TEMPORARY_NAME, writeAtomic, writeAtomicAll } from '../../src/lib/node/write-atomic';
import { recordParity } from './parity';
import { moodGroupsFor, type MoodGroupsSource } from './mood-groups';
import type { ModelDecisions } from './decisions';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');
/** The zoo's source data (zoo.json, frontends.json, tags/, mood-groups.json, decisions/). */
const zooData = join(repoRoot, 'models');
const converterDir = join(repoRoot, 'src', 'lib', 'convert');

export interface ZooEntry {
	id: string;
	title: string;
	dataset: string;
	task: string;
	architecture: Architecture;
	tags: string;
	frontend: string;
	moodGroups: boolean;
	default?: boolean;
	chunking: ModelCard['chunking'];
	checkpoint: ModelCard['provenance']['checkpoint'] & { repository: string; path: string; commit: string };
	license: string;
	citation: string;
	metrics: ModelCard['metrics'];
}

export interface BuildOptions {
	/** Output folder (default static/models). */
	outDir?: string;
	/** Folder with the *.pth files (default $MODELS_MIRROR; unset or '': download). */
	mirror?: string;
	/** Download cache (default .cache/checkpoints). */
	cacheDir?: string;
	/** Zoo entries to build (default models/zoo.json). */
	zoo?: ZooEntry[];
	only?: string[];
	force?: boolean;
	log?: (line: string) => void;
}

export interface ModelReport {
	id: string;
	skipped: boolean;
	fp32Bytes: number;
	int8Bytes: number;
	convertMs: number;
}

export class BuildError extends Error {
	constructor(readonly failures: Error[]) {
		super(failures.map((f) => f.message).join('\n'));
		this.name = 'BuildError';
	}
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

async function readJson<T>(path: string): Promise<T> {
	return JSON.parse(await readFile(path, 'utf8')) as T;
}

/** Hash of the converter's own sources: a change in any of them rebuilds every model. */
async function converterHash(): Promise<string> {
	const files = [
		join(here, 'build.ts'),
		...(await readdir(converterDir, { recursive: true })).sort().map((f) => join(converterDir, f))
	];
	const hash = createHash('sha256');
	for (const file of files.filter((f) => f.endsWith('.ts')))
		hash.update(file.slice(repoRoot.length)).update(await readFile(file));
	return hash.digest('hex');
}

/** Temporary files are `.<pid>.…tmp-<name>` next to their target. */

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Removes temporaries a killed earlier run left in `dir` (they would otherwise be served and shipped).
 * Those of a live process are kept: a concurrent build (e.g. another test worker) is still writing them.
 */
async function removeStaleTemporaries(dir: string): Promise<void> {
	if (!existsSync(dir)) return;
	for (const name of await readdir(dir)) {
		const pid = TEMPORARY_NAME.exec(name)?.[1];
		if (pid && !isRunning(Number(pid))) await rm(join(dir, name), { force: true });
	}
}

export async function loadCheckpoint(entry: ZooEntry, options: BuildOptions): Promise<Uint8Array> {
	const { file, url, sha256: expected, bytes: expectedBytes } = entry.checkpoint;
	const verify = (bytes: Uint8Array, where: string) => {
		const actual = sha256(bytes);
		if (actual !== expected)
			throw new ConversionError(
				entry.id,
				undefined,
				`checkpoint ${where}: sha256 ${actual} (${bytes.length} bytes), expected ${expected} (${expectedBytes} bytes)`
			);
		return bytes;
	};
	const mirror = options.mirror ?? process.env.MODELS_MIRROR;
	if (mirror) {
		const path = resolve(mirror, file);
		if (!existsSync(path))
			throw new ConversionError(entry.id, undefined, `checkpoint ${path} not found (MODELS_MIRROR)`);
		return verify(new Uint8Array(await readFile(path)), path);
	}
	const cacheDir = options.cacheDir ?? join(repoRoot, '.cache', 'checkpoints');
	const cached = join(cacheDir, file);
	if (existsSync(cached)) {
		const bytes = new Uint8Array(await readFile(cached));
		if (sha256(bytes) === expected) return bytes;
	}
	options.log?.(`${entry.id}: downloading ${url}`);
	const offline = `(to build offline, set MODELS_MIRROR to a folder holding ${file})`;
	let response: Response;
	try {
		response = await fetch(url);
	} catch (error) {
		const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
		throw new ConversionError(entry.id, undefined, `download ${url} failed: ${cause} ${offline}`);
	}
	if (!response.ok)
		throw new ConversionError(entry.id, undefined, `download ${url}: HTTP ${response.status} ${offline}`);
	const bytes = verify(new Uint8Array(await response.arrayBuffer()), url);
	await mkdir(cacheDir, { recursive: true });
	await writeAtomic(cached, bytes);
	return bytes;
}

/** Frontends.json entry → the card's front end (the prose `spec` stays in the zoo; packaging adds the tables). */
function cardFrontend(source: Record<string, unknown>): Pick<CardDraft, 'frontend'> {
	const frontend = { ...source };
	delete frontend.spec;
	delete frontend.tables;
	return { frontend: frontend as unknown as CardDraft['frontend'] };
}

/** Models `music-tagger convert` added to the folder's index earlier (kept while their folder is intact). */
async function userCards(outDir: string, zoo: ZooEntry[]): Promise<ModelCard[]> {
	const path = join(outDir, 'index.json');
	if (!existsSync(path)) return [];
	const previous = await readJson<ModelIndex>(path).catch(() => undefined);
	return (previous?.models ?? []).filter(
		(card) =>
			card.provenance.user &&
			!zoo.some((e) => e.id === card.id) &&
			existsSync(join(outDir, card.id, 'card.json'))
	);
}

async function isUpToDate(dir: string, stamp: string): Promise<ModelCard | undefined> {
	const cardPath = join(dir, 'card.json');
	if (!existsSync(cardPath)) return undefined;
	try {
		const card = await readJson<ModelCard>(cardPath);
		if (card.build.stamp !== stamp) return undefined;
		const files = [
			card.files.fp32,
			card.files.int8,
			...(card.files.int8Static ? [card.files.int8Static] : []),
			...(card.frontend.kind === 'torchaudio' ? [card.frontend.tables] : [])
		];
		for (const f of files) {
			const path = join(dir, f.file);
			if (!existsSync(path) || sha256(new Uint8Array(await readFile(path))) !== f.sha256) return undefined;
		}
		return card;
	} catch {
		return undefined;
	}
}

/** What the converter builds for a zoo entry. */
export function zooSpec(entry: ZooEntry, nMels: number, nTags: number): ConversionSpec {
	return {
		id: entry.id,
		architecture: entry.architecture,
		input: 'mel',
		nMels,
		frames: entry.chunking.frames,
		nTags
	};
}

async function buildOne(
	entry: ZooEntry,
	options: BuildOptions & { outDir: string },
	converter: string
): Promise<{ card: ModelCard; report: ModelReport }> {
	const tags = parseTagList(await readFile(join(zooData, 'tags', `${entry.tags}.txt`), 'utf8'));
	const frontends = await readJson<Record<string, Record<string, unknown>>>(join(zooData, 'frontends.json'));
	const frontendSource = frontends[entry.frontend];
	if (!frontendSource) throw new ConversionError(entry.id, undefined, `unknown front end ${entry.frontend}`);
	const moodGroups = entry.moodGroups
		? moodGroupsFor(tags, await readJson<MoodGroupsSource>(join(zooData, 'mood-groups.json')))
		: undefined;
	const decisionsPath = join(zooData, 'decisions', `${entry.id}.json`);
	if (!existsSync(decisionsPath))
		throw new ConversionError(
			entry.id,
			undefined,
			`${decisionsPath} is missing (tsx tools/models/decisions.ts writes it)`
		);
	const { decision, priors } = await readJson<ModelDecisions>(decisionsPath);
	const calibrationPath = join(zooData, 'calibration', `${entry.id}.json`);
	const calibration = existsSync(calibrationPath) ? await readJson<Calibration>(calibrationPath) : undefined;
	const stamp = sha256(
		JSON.stringify({ converter, entry, tags, frontendSource, moodGroups, decision, priors, calibration })
	);
	const dir = join(options.outDir, entry.id);
	await removeStaleTemporaries(dir);
	if (!options.force) {
		const card = await isUpToDate(dir, stamp);
		if (card)
			return {
				card,
				report: {
					id: entry.id,
					skipped: true,
					fp32Bytes: card.files.fp32.bytes,
					int8Bytes: card.files.int8.bytes,
					convertMs: card.build.convertMs
				}
			};
	}

	const checkpoint = await loadCheckpoint(entry, options);
	const started = performance.now();
	const result = convertCheckpoint(
		checkpoint,
		zooSpec(entry, frontendSource.nMels as number, tags.length),
		{ checkpointSha256: entry.checkpoint.sha256 },
		calibration
	);
	const convertMs = Math.round(performance.now() - started);

	const { card, files } = await packageModel(result, {
		schema: 1,
		id: entry.id,
		title: entry.title,
		dataset: entry.dataset,
		task: entry.task,
		architecture: entry.architecture,
		tags,
		tagList: entry.tags,
		...(moodGroups ? { moodGroups } : {}),
		...(entry.default ? { default: true } : {}),
		decision,
		...(priors ? { priors } : {}),
		...cardFrontend(frontendSource),
		chunking: entry.chunking,
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
		},
		metrics: entry.metrics,
		build: { converter: `src/lib/convert@${converter.slice(0, 12)}`, convertMs, stamp }
	});

	// Everything is in memory: now write temporaries, then rename them into place (card.json last).
	await mkdir(dir, { recursive: true });
	await writeAtomicAll(files.map(([name, bytes]) => [join(dir, name), bytes]));
	return {
		card,
		report: {
			id: entry.id,
			skipped: false,
			fp32Bytes: result.fp32.length,
			int8Bytes: result.int8.length,
			convertMs
		}
	};
}

/** Builds the zoo; throws BuildError listing every model that failed (index.json is then left as it was). */
export async function buildModels(
	options: BuildOptions = {}
): Promise<{ index: ModelIndex; reports: ModelReport[] }> {
	const outDir = options.outDir ?? join(repoRoot, 'static', 'models');
	const zoo = options.zoo ?? (await readJson<{ models: ZooEntry[] }>(join(zooData, 'zoo.json'))).models;
	const entries = options.only ? zoo.filter((e) => options.only!.includes(e.id)) : zoo;
	if (options.only && entries.length !== options.only.length)
		throw new Error(
			`unknown model id in --only: ${options.only.filter((id) => !zoo.some((e) => e.id === id)).join(', ')}`
		);
	const converter = await converterHash();
	await mkdir(outDir, { recursive: true });
	await removeStaleTemporaries(outDir);

	const cards: ModelCard[] = [];
	const reports: ModelReport[] = [];
	const failures: Error[] = [];
	for (const entry of entries) {
		try {
			const { card, report } = await buildOne(entry, { ...options, outDir }, converter);
			cards.push(card);
			reports.push(report);
			options.log?.(
				`${entry.id.padEnd(22)} fp32 ${String(report.fp32Bytes).padStart(8)} B  int8 ${String(report.int8Bytes).padStart(8)} B  ` +
					(report.skipped
						? `up to date (converted in ${report.convertMs} ms)`
						: `converted in ${report.convertMs} ms`)
			);
		} catch (error) {
			const failure =
				error instanceof ConversionError ? error : new Error(`${entry.id}: ${(error as Error).message}`);
			failures.push(failure);
			options.log?.(`${entry.id.padEnd(22)} FAILED: ${failure.message}`);
		}
	}
	if (failures.length) throw new BuildError(failures);

	// The index lists every zoo model; with --only, cards of the others are read back from disk.
	const allCards: ModelCard[] = [];
	for (const entry of zoo) {
		const card = cards.find((c) => c.id === entry.id);
		if (card) allCards.push(card);
		else if (existsSync(join(outDir, entry.id, 'card.json')))
			allCards.push(await readJson<ModelCard>(join(outDir, entry.id, 'card.json')));
	}
	const index = await modelIndex([...allCards, ...(await userCards(outDir, zoo))]);
	await writeAtomic(join(outDir, 'index.json'), `${JSON.stringify(index, null, '\t')}\n`);
	return { index, reports };
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	const onlyAt = args.indexOf('--only');
	const started = performance.now();
	try {
		const { reports } = await buildModels({
			force: args.includes('--force'),
			only: onlyAt >= 0 ? args[onlyAt + 1]?.split(',') : undefined,
			log: (line) => console.log(line)
		});
		const converted = reports.filter((r) => !r.skipped).length;
		await recordParity(args.includes('--force'));
		console.log(
			`${reports.length} models (${converted} converted) in ${Math.round(performance.now() - started)} ms → static/models/index.json`
		);
	} catch (error) {
		console.error(`npm run models failed:\n${(error as Error).message}`);
		process.exitCode = 1;
	}
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
