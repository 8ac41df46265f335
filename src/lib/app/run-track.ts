/**
 * One queued file through the selected models: decode on the main thread (Web Audio), read tags
 * (music-metadata), then per model: weights (cache or download, verified) → worker (resample → mel → ORT).
 * Files over `workerDecodeSeconds` by their header go to the worker whole instead (decode → resample → mel →
 * ORT there, in bounded memory).
 * Plain TypeScript; the reactive queue (tagger.svelte.ts) passes callbacks and applies the updates.
 */
import type { ModelCard, Variant } from '$lib/card/types';
import { probeBlob, type BlobProbe } from '$lib/audio/probe-browser';
import type { DecodedAudio } from '$lib/audio/types';
import type { ModelResult, PipelineStage, TrackMeta } from '$lib/pipeline/types';
import type { DisplayMel } from '$lib/features/display-mel';
import type { TaggerClient } from '$lib/worker/client';
import type { DownloadProgress } from '$lib/model-files/fetch-progress';
import type { ModelFiles } from '$lib/model-files/obtain';

export interface RunDeps {
	client: TaggerClient;
	decode(blob: Blob): Promise<DecodedAudio>;
	readTags(blob: Blob): Promise<Partial<TrackMeta>>;
	obtainWeights(
		card: ModelCard,
		variant: Variant,
		onProgress: (p: DownloadProgress) => void
	): Promise<ModelFiles>;
}

/** Where a queued file is; shown per file in the queue. */
export type QueueStage = 'queued' | 'decode' | PipelineStage | 'error' | 'cancelled';

export interface RunEvents {
	onStage(progress: { stage: 'decode' | PipelineStage; fraction: number; model?: string }): void;
	onDownload(model: string, progress: DownloadProgress): void;
	onWarning(message: string): void;
}

export interface RunOutput {
	meta: TrackMeta;
	results: ModelResult[];
	mels: Record<string, DisplayMel>;
}

export class CancelledError extends Error {
	constructor() {
		super('Cancelled.');
		this.name = 'AbortError';
	}
}

export function isCancellation(error: unknown, signal: AbortSignal): boolean {
	return signal.aborted || (error as Error)?.name === 'AbortError';
}

export async function decodeWithMeta(
	blob: Blob,
	deps: RunDeps
): Promise<{ audio: DecodedAudio; meta: TrackMeta }> {
	const [audio, tags] = await Promise.all([deps.decode(blob), deps.readTags(blob).catch(() => ({}))]);
	const meta: TrackMeta = {
		...tags,
		duration: audio.mono.length / audio.sampleRate,
		sampleRate: audio.sampleRate,
		channels: audio.channels
	};
	return { audio, meta };
}

/**
 * Files whose header says they are longer than this are decoded in the worker, in bounded memory and off
 * the main thread (worker/tag-file.ts); shorter ones on the page with Web Audio (decode-browser.ts).
 */
export const workerDecodeSeconds = 10 * 60;

export async function runTrack(
	jobId: string,
	blob: Blob,
	cards: ModelCard[],
	variant: Variant,
	deps: RunDeps,
	events: RunEvents,
	signal: AbortSignal
): Promise<RunOutput> {
	events.onStage({ stage: 'decode', fraction: 0 });
	// Refuses an empty, non-audio or over-long file at once, by its header.
	const probe = await probeBlob(blob);
	if (probe.duration !== undefined && probe.duration > workerDecodeSeconds)
		return runInWorker({ jobId, blob, cards, variant, deps, events, signal }, probe);
	const { audio, meta } = await decodeWithMeta(blob, deps);
	if (signal.aborted) throw new CancelledError();
	const results: ModelResult[] = [];
	const mels: Record<string, DisplayMel> = {};
	for (const [i, card] of cards.entries()) {
		await ensureModel(card, variant, deps, events, signal);
		const workerJob = `${jobId}:${card.id}`;
		const response = await whileCancellable(signal, deps, workerJob, () => {
			// The last model may take the decoded buffer itself; earlier ones get a copy (it is transferred).
			const samples = i === cards.length - 1 ? audio.mono : audio.mono.slice();
			const payload = { samples, sampleRate: audio.sampleRate, channels: audio.channels };
			return deps.client.tag(workerJob, card, variant, payload, (p) =>
				events.onStage({ ...p, model: card.id })
			);
		});
		results.push(response.result);
		if (response.mel) mels[card.id] = response.mel;
	}
	return { meta, results, mels };
}

interface RunArgs {
	jobId: string;
	blob: Blob;
	cards: ModelCard[];
	variant: Variant;
	deps: RunDeps;
	events: RunEvents;
	signal: AbortSignal;
}

/** A long file: every model opened, then the worker decodes, resamples and tags it (the Blob goes over). */
async function runInWorker(run: RunArgs, probe: BlobProbe): Promise<RunOutput> {
	const { jobId, blob, cards, variant, deps, events, signal } = run;
	// A user-timing mark: lets tests (and the performance panel) see which path a file took.
	performance.mark('music-tagger:decode-in-worker', { detail: probe.name });
	const tags = deps.readTags(blob).catch(() => ({}));
	for (const card of cards) await ensureModel(card, variant, deps, events, signal);
	const workerJob = `${jobId}:file`;
	const { audio, responses } = await whileCancellable(signal, deps, workerJob, () =>
		deps.client.tagFile(
			workerJob,
			cards,
			variant,
			{ blob, name: probe.name, expectedFrames: probe.expectedFrames },
			(p) => events.onStage(p)
		)
	);
	const meta: TrackMeta = {
		...(await tags),
		duration: audio.frames / audio.sampleRate,
		sampleRate: audio.sampleRate,
		channels: audio.channels
	};
	const mels: Record<string, DisplayMel> = {};
	responses.forEach(({ mel }, i) => {
		if (mel) mels[cards[i].id] = mel;
	});
	return { meta, results: responses.map(({ result }) => result), mels };
}

async function ensureModel(
	card: ModelCard,
	variant: Variant,
	deps: RunDeps,
	events: RunEvents,
	signal: AbortSignal
): Promise<void> {
	await deps.client.ensureModel(card, variant, async () => {
		const files = await deps.obtainWeights(card, variant, (p) => events.onDownload(card.id, p));
		if (files.cacheWarning) events.onWarning(files.cacheWarning);
		return files;
	});
	if (signal.aborted) throw new CancelledError();
}

/** Runs a worker job that the queue's signal cancels. */
async function whileCancellable<T>(
	signal: AbortSignal,
	deps: RunDeps,
	workerJob: string,
	run: () => Promise<T>
): Promise<T> {
	const cancel = () => void deps.client.cancel(workerJob);
	signal.addEventListener('abort', cancel);
	try {
		return await run();
	} finally {
		signal.removeEventListener('abort', cancel);
	}
}
