/**
 * The models of a CLI run, opened once, and one file through all of them: the project's own decode → resample
 * → mel → ONNX (onnxruntime-web WASM) → aggregation path (openTagger in src/lib/pipeline), the same code the
 * browser worker runs.
 */
import type { ModelCard, ModelIndex, Variant } from '$lib/card/types';
import { defaultCard, findCard } from '$lib/card/lookup';
import type { Tagger } from '$lib/pipeline/open-tagger';
import type { SessionOptions } from '$lib/model/session';
import type { ModelResult, TrackMeta } from '$lib/pipeline/types';
import type { TrackScheme } from '$lib/predictions/chunks';
import { describeError } from '$lib/shared/errors';
import { UsageError } from './args';
import { createFileProgress, defaultModelsDir, type OutputStream } from './io';
import { lanesAvailable, tagInLanes, type LaneSetup } from './lanes';

// The decoders and onnxruntime-web load only when a model actually runs, so `--help`, `evaluate --predictions`
// and the popularity baseline start instantly.
const pipeline = () =>
	Promise.all([
		import('$lib/model-files/read-node'),
		import('$lib/pipeline/open-tagger'),
		import('$lib/audio/decode-node')
	]);

export interface OpenModels {
	index: ModelIndex;
	cards: ModelCard[];
	taggers: Tagger[];
	release(): Promise<void>;
	/** src/lib/audio/decode-node.ts: the file → mono float32 at its own rate, or an AudioInputError. */
	decode(path: string): ReturnType<(typeof import('$lib/audio/decode-node'))['decodeFileNode']>;
}

/**
 * One model opened in Node from a models folder: its files, sha256-checked against the card, through
 * openTagger; onnxruntime-web WASM on one thread unless `session` says otherwise (the bench's native runs).
 */
export async function openNodeTagger(
	card: ModelCard,
	variant: Variant,
	modelsDir = defaultModelsDir,
	session: Partial<SessionOptions> = {}
): Promise<Tagger> {
	const [{ readModelFilesNode }, { openTagger }] = await pipeline();
	const options = { backend: 'wasm' as const, threads: 1, ...session };
	const files = await readModelFilesNode(card, variant, modelsDir, options.backend);
	return openTagger(card, variant, files, options);
}

/** The named models' cards (default: the app's default model); an unknown id is a usage error. */
export function modelCards(index: ModelIndex, ids: readonly string[]): ModelCard[] {
	if (ids.length === 0) return [defaultCard(index)];
	return [...new Set(ids)].map((id) => {
		try {
			return findCard(index, id);
		} catch (error) {
			throw new UsageError((error as Error).message);
		}
	});
}

/** Opens the named models (or the default one); model files are sha256-checked against index.json. */
export async function openModels(
	ids: readonly string[],
	variant: Variant,
	modelsDir = defaultModelsDir
): Promise<OpenModels> {
	const [{ readIndexNode }, , { decodeFileNode }] = await pipeline();
	const index = await readIndexNode(modelsDir);
	const cards = modelCards(index, ids);
	const taggers: Tagger[] = [];
	const release = async () => {
		for (const tagger of taggers) await tagger.release();
	};
	try {
		for (const card of cards) taggers.push(await openNodeTagger(card, variant, modelsDir));
	} catch (error) {
		await release();
		throw error;
	}
	return { index, cards, taggers, release, decode: decodeFileNode };
}

export interface TaggedFile extends Partial<Pick<TrackMeta, 'title' | 'artist' | 'album'>> {
	/** Seconds, from the decoded samples. */
	duration: number;
	results: ModelResult[];
}

/** Title, artist and album from the file's tags (music-metadata); none when it has no readable tags. */
async function readTrackTags(path: string): Promise<Pick<TaggedFile, 'title' | 'artist' | 'album'>> {
	const { parseFile } = await import('music-metadata');
	const { common } = await parseFile(path, { duration: false, skipCovers: true }).catch(() => ({
		common: {} as { title?: string; artist?: string; album?: string }
	}));
	return {
		...(common.title ? { title: common.title } : {}),
		...(common.artist ? { artist: common.artist } : {}),
		...(common.album ? { album: common.album } : {})
	};
}

/**
 * Decodes `path` once and runs every model on it, the track score by `scheme`. Throws the decoder's
 * AudioInputError for bad files.
 */
export async function tagFile(path: string, models: OpenModels, scheme: TrackScheme): Promise<TaggedFile> {
	const audio = await models.decode(path);
	const results: ModelResult[] = [];
	for (const tagger of models.taggers) results.push(await tagger.tag(audio, { scheme }));
	return { duration: audio.mono.length / audio.sampleRate, ...(await readTrackTags(path)), results };
}

export type Outcome = { tagged: TaggedFile; error?: undefined } | { tagged?: undefined; error: string };

/**
 * Tags the files one after another with a progress display on `stream`, then releases the models. A file that
 * fails does not stop the run: its message is shown and handed to `onOutcome` instead of a result.
 */
export async function tagEach(
	files: readonly string[],
	models: OpenModels,
	scheme: TrackScheme,
	stream: OutputStream,
	onOutcome: (index: number, outcome: Outcome) => void
): Promise<void> {
	const progress = createFileProgress(stream, files.length);
	try {
		for (const [index, file] of files.entries()) {
			progress.begin(file);
			let outcome: Outcome;
			try {
				outcome = { tagged: await tagFile(file, models, scheme) };
			} catch (error) {
				outcome = { error: describeError(error) };
			}
			progress.done(file, outcome.error);
			onOutcome(index, outcome);
		}
	} finally {
		progress.end();
		await models.release();
	}
}

/**
 * Tags `files` with the models of `setup`, on up to `jobs` lanes (worker threads, lanes.ts) side by side, or
 * in this thread (one lane, or a source run without the CLI build). Outcomes come as files finish, each with
 * its index; the progress display on `stream` is the same.
 */
export async function tagFiles(
	files: readonly string[],
	setup: LaneSetup,
	jobs: number,
	stream: OutputStream,
	onOutcome: (index: number, outcome: Outcome) => void
): Promise<void> {
	const lanes = Math.min(jobs, files.length);
	if (lanes <= 1 || !lanesAvailable()) {
		const models = await openModels(setup.ids, setup.variant, setup.modelsDir);
		return tagEach(files, models, setup.scheme, stream, onOutcome);
	}
	const progress = createFileProgress(stream, files.length);
	try {
		await tagInLanes(
			files,
			setup,
			lanes,
			(index) => progress.begin(files[index]),
			(index, outcome) => {
				progress.done(files[index], outcome.error);
				onOutcome(index, outcome);
			}
		);
	} finally {
		progress.end();
	}
}
