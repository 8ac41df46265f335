/// <reference lib="webworker" />
/**
 * The inference worker: one ORT session per (model, variant), kept open between tracks.
 * Backend: as model/webgpu-adapter.ts decides (WebGPU on a real GPU, else WASM with the threads the page's
 * pool chose, WorkerConfig.threads, when cross-origin isolated, else 1).
 */
import * as Comlink from 'comlink';
import { inputDims } from '$lib/card/input';
import { downsampleMel, type DisplayMel } from '$lib/features/display-mel';
import type { WebBackend } from '$lib/model/session';
import { decideBackend, probeWebGpu } from '$lib/model/webgpu-adapter';
import { openTagger, type Tagger } from '$lib/pipeline/open-tagger';
import { tagFile } from './tag-file';
import { modelKey, type BackendInfo, type TaggerWorkerApi, type WorkerConfig } from './protocol';

const loaded = new Map<string, Tagger>();
const running = new Map<string, AbortController>();
let config: WorkerConfig | undefined;
let info: BackendInfo | undefined;

const api: TaggerWorkerApi = {
	async init(next) {
		config = next;
		const webgpuAdapter = await probeWebGpu();
		const { backend, reason } = decideBackend(next.backend, webgpuAdapter);
		info = {
			backend,
			reason,
			threads: self.crossOriginIsolated ? Math.max(1, next.threads) : 1,
			workers: 1,
			crossOriginIsolated: self.crossOriginIsolated,
			webgpuAdapter
		};
		return info;
	},

	async loadModel(card, variant, model, tables) {
		if (!config || !info) throw new Error('worker used before init()');
		const key = modelKey(card, variant);
		const existing = loaded.get(key);
		// A session opened with a web backend runs on it or on WASM: never 'native'.
		if (existing) return existing.backend as WebBackend;
		const tagger = await openTagger(
			card,
			variant,
			{ model, tables },
			{ backend: info.backend, threads: info.threads, wasmPaths: config.wasmPaths }
		);
		loaded.set(key, tagger);
		return tagger.backend as WebBackend;
	},

	hasModel: (key) => loaded.has(key),

	async tag(request, onProgress) {
		const tagger = loaded.get(request.modelKey);
		if (!tagger) throw new Error(`model ${request.modelKey} is not loaded`);
		const controller = new AbortController();
		running.set(request.jobId, controller);
		try {
			const { samples, sampleRate, channels } = request.audio;
			const { sampleRate: rate } = tagger.card.frontend;
			const [nMels] = inputDims(tagger.card);
			let mel: DisplayMel | undefined;
			const result = await tagger.tag(
				{ mono: samples, sampleRate, channels },
				{
					scheme: config?.scheme,
					signal: controller.signal,
					onProgress,
					// The first chunk's mel, shown under the taggram, at no extra cost.
					onFirstMel: (first, start, length) =>
						(mel = downsampleMel(first, nMels, { start: start / rate, seconds: length / rate }))
				}
			);
			return mel ? Comlink.transfer({ result, mel }, [mel.data.buffer]) : { result };
		} finally {
			running.delete(request.jobId);
		}
	},

	async tagFile(request, onProgress) {
		const taggers = request.modelKeys.map((key) => {
			const tagger = loaded.get(key);
			if (!tagger) throw new Error(`model ${key} is not loaded`);
			return tagger;
		});
		const controller = new AbortController();
		running.set(request.jobId, controller);
		try {
			const response = await tagFile(taggers, request, controller.signal, onProgress, {
				scheme: config?.scheme
			});
			const mels = response.responses.flatMap(({ mel }) => (mel ? [mel.data.buffer] : []));
			return Comlink.transfer(response, mels);
		} finally {
			running.delete(request.jobId);
		}
	},

	cancel(jobId) {
		running.get(jobId)?.abort();
	}
};

Comlink.expose(api);
