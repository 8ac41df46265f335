/// <reference lib="webworker" />
/**
 * The inference worker: one ORT session per (model, variant), kept open between tracks.
 * Backend: WebGPU when navigator.gpu gives an adapter, else WASM (2 threads when cross-origin isolated).
 */
import * as Comlink from 'comlink';
import type { ModelCard, Variant } from '$lib/card/types';
import { createMelExtractor, type MelExtractor } from '$lib/features/mel';
import { createTaggerSession, type Backend, type TaggerSession } from '$lib/model/session';
import { tagTrack } from '$lib/pipeline/tag-track';
import type { DisplayMel } from '$lib/library/types';
import { downsampleMel } from '../features/display-mel';
import { modelKey, type BackendInfo, type TaggerWorkerApi, type WorkerConfig } from './protocol';

interface Loaded {
	card: ModelCard;
	variant: Variant;
	session: TaggerSession;
	mel: MelExtractor;
}

const loaded = new Map<string, Loaded>();
const running = new Map<string, AbortController>();
let config: WorkerConfig | undefined;
let info: BackendInfo | undefined;

async function hasWebGpuAdapter(): Promise<boolean> {
	const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
	if (!gpu) return false;
	try {
		return (await gpu.requestAdapter()) !== null;
	} catch {
		return false;
	}
}

interface FirstMel {
	mel: Float32Array;
	/** Samples at the model's rate. */
	start: number;
	length: number;
}

/** Records the first mel the pipeline computes (the first track chunk) for display, at no extra cost. */
function recordingFirstMel(mel: MelExtractor, sink: { first?: FirstMel }): MelExtractor {
	return {
		nMels: mel.nMels,
		frames: (length) => mel.frames(length),
		logMel(audio, start, length) {
			const out = mel.logMel(audio, start, length);
			sink.first ??= { mel: out.slice(), start, length };
			return out;
		}
	};
}

const api: TaggerWorkerApi = {
	async init(next) {
		config = next;
		const webgpuAdapter = await hasWebGpuAdapter();
		const backend: Backend = next.backend === 'auto' ? (webgpuAdapter ? 'webgpu' : 'wasm') : next.backend;
		info = {
			backend,
			threads: self.crossOriginIsolated ? 2 : 1,
			crossOriginIsolated: self.crossOriginIsolated,
			webgpuAdapter
		};
		return info;
	},

	async loadModel(card, variant, model, tables) {
		if (!config || !info) throw new Error('worker used before init()');
		const key = modelKey(card, variant);
		const existing = loaded.get(key);
		if (existing) return existing.session.backend;
		const session = await createTaggerSession(model, card, {
			backend: info.backend,
			threads: info.threads,
			wasmPaths: config.wasmPaths
		});
		loaded.set(key, { card, variant, session, mel: createMelExtractor(card.frontend, tables) });
		return session.backend;
	},

	hasModel: (key) => loaded.has(key),

	async tag(request, onProgress) {
		const entry = loaded.get(request.modelKey);
		if (!entry) throw new Error(`model ${request.modelKey} is not loaded`);
		const controller = new AbortController();
		running.set(request.jobId, controller);
		const sink: { first?: FirstMel } = {};
		try {
			const { samples, sampleRate, channels } = request.audio;
			const decoded = { mono: samples, sampleRate, channels };
			const result = await tagTrack(decoded, entry.card, entry.session, recordingFirstMel(entry.mel, sink), {
				variant: entry.variant,
				signal: controller.signal,
				onProgress
			});
			const { nMels, sampleRate: rate } = entry.card.frontend;
			const first = sink.first;
			const mel: DisplayMel | undefined =
				first && downsampleMel(first.mel, nMels, { start: first.start / rate, seconds: first.length / rate });
			return mel ? Comlink.transfer({ result, mel }, [mel.data.buffer]) : { result };
		} finally {
			running.delete(request.jobId);
		}
	},

	cancel(jobId) {
		running.get(jobId)?.abort();
	}
};

Comlink.expose(api);
