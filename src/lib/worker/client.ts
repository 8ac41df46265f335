/** The page's handle on the inference worker. */
import * as Comlink from 'comlink';
import type { ModelCard, Variant } from '$lib/card/types';
import type { Progress } from '$lib/pipeline/types';
import type { WebBackend } from '$lib/model/session';
import {
	modelKey,
	type AudioPayload,
	type BackendInfo,
	type FileProgress,
	type FileTagResponse,
	type TagResponse,
	type TaggerWorkerApi,
	type WorkerConfig
} from './protocol';

export interface TaggerClient {
	info: BackendInfo;
	/** Set when the worker died (e.g. out of memory); the client is then unusable and must be replaced. */
	readonly crashed: boolean;
	/** Opens the model in the worker unless it is open already; `model` is transferred. */
	ensureModel(
		card: ModelCard,
		variant: Variant,
		load: () => Promise<{ model: Uint8Array; tables?: ArrayBuffer }>
	): Promise<WebBackend>;
	/** `audio.samples` is transferred: pass a copy if the caller still needs it. */
	tag(
		jobId: string,
		card: ModelCard,
		variant: Variant,
		audio: AudioPayload,
		onProgress: (p: Progress) => void
	): Promise<TagResponse>;
	/**
	 * Decodes `file` in the worker and tags it with every card (models already open, ensureModel): for long
	 * files, in bounded memory (worker/tag-file.ts). Cancelled with `cancel(jobId)`.
	 */
	tagFile(
		jobId: string,
		cards: ModelCard[],
		variant: Variant,
		file: { blob: Blob; name: string; expectedFrames?: number },
		onProgress: (p: FileProgress) => void
	): Promise<FileTagResponse>;
	cancel(jobId: string): Promise<void>;
	terminate(): void;
}

export async function startTaggerWorker(config: WorkerConfig): Promise<TaggerClient> {
	const worker = new Worker(new URL('./tagger.worker.ts', import.meta.url), {
		type: 'module',
		name: 'tagger'
	});
	const remote = Comlink.wrap<TaggerWorkerApi>(worker);
	// A dead worker never answers: every pending call fails with this instead of hanging.
	let crashed = false;
	let crash!: (error: Error) => void;
	const death = new Promise<never>((_, reject) => (crash = reject));
	death.catch(() => {});
	worker.addEventListener('error', (event) => {
		crashed = true;
		crash(new Error(`The inference worker stopped (${event.message || 'probably out of memory'}).`));
	});
	const guarded = <T>(call: Promise<T>) => Promise.race([call, death]);
	const info = await guarded(remote.init(config));
	return {
		info,
		get crashed() {
			return crashed;
		},
		async ensureModel(card, variant, load) {
			if (await guarded(remote.hasModel(modelKey(card, variant)))) return info.backend;
			const { model, tables } = await load();
			const transfers: Transferable[] = [model.buffer as ArrayBuffer];
			if (tables) transfers.push(tables);
			const backend = await guarded(
				remote.loadModel(card, variant, Comlink.transfer(model, transfers), tables)
			);
			if (backend !== info.backend) {
				info.backend = backend;
				info.reason = `${card.title} cannot run on WebGPU here`;
			}
			return backend;
		},
		tag(jobId, card, variant, audio, onProgress) {
			const request = { jobId, modelKey: modelKey(card, variant), audio };
			return remote.tag(
				Comlink.transfer(request, [audio.samples.buffer as ArrayBuffer]),
				Comlink.proxy(onProgress)
			);
		},
		tagFile(jobId, cards, variant, { blob, name, expectedFrames }, onProgress) {
			const modelKeys = cards.map((card) => modelKey(card, variant));
			const request = { jobId, modelKeys, file: blob, name, expectedFrames };
			return guarded(remote.tagFile(request, Comlink.proxy(onProgress)));
		},
		cancel: (jobId) => remote.cancel(jobId),
		terminate: () => worker.terminate()
	};
}
