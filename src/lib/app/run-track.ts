/**
 * One queued file through the selected models: decode on the main thread (Web Audio), read tags
 * (music-metadata), then per model: weights (cache or download, verified) → worker (resample → mel → ORT).
 * Plain TypeScript; the reactive queue (tagger.svelte.ts) passes callbacks and applies the updates.
 */
import type { ModelCard, Variant } from '$lib/card/types';
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
	const { audio, meta } = await decodeWithMeta(blob, deps);
	if (signal.aborted) throw new CancelledError();
	const results: ModelResult[] = [];
	const mels: Record<string, DisplayMel> = {};
	for (const [i, card] of cards.entries()) {
		await deps.client.ensureModel(card, variant, async () => {
			const files = await deps.obtainWeights(card, variant, (p) => events.onDownload(card.id, p));
			if (files.cacheWarning) events.onWarning(files.cacheWarning);
			return files;
		});
		if (signal.aborted) throw new CancelledError();
		const workerJob = `${jobId}:${card.id}`;
		const cancel = () => void deps.client.cancel(workerJob);
		signal.addEventListener('abort', cancel);
		try {
			// The last model may take the decoded buffer itself; earlier ones get a copy (it is transferred).
			const samples = i === cards.length - 1 ? audio.mono : audio.mono.slice();
			const payload = { samples, sampleRate: audio.sampleRate, channels: audio.channels };
			const response = await deps.client.tag(workerJob, card, variant, payload, (p) =>
				events.onStage({ ...p, model: card.id })
			);
			results.push(response.result);
			if (response.mel) mels[card.id] = response.mel;
		} finally {
			signal.removeEventListener('abort', cancel);
		}
	}
	return { meta, results, mels };
}
