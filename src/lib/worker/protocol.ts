/**
 * The typed protocol between the page and the inference worker (Comlink). The page decodes audio and
 * transfers the mono samples; the worker resamples, computes the mel and runs ONNX via tagTrack.
 */
import type { ModelCard, Variant } from '$lib/card/types';
import type { ModelResult, Progress } from '$lib/pipeline/types';
import type { DisplayMel } from '$lib/features/display-mel';
import type { WebBackend } from '$lib/model/session';

export interface WorkerConfig {
	/** Absolute URL of the folder holding ORT's .wasm/.mjs files (served by the site itself). */
	wasmPaths: string;
	/** 'auto' = WebGPU when an adapter is present, else WASM. */
	backend: WebBackend | 'auto';
}

export interface BackendInfo {
	backend: WebBackend;
	/** WASM threads (2 when the page is cross-origin isolated, else 1). */
	threads: number;
	crossOriginIsolated: boolean;
	webgpuAdapter: boolean;
}

/** Mono samples at the source rate; `samples` is transferred, not copied. */
export interface AudioPayload {
	samples: Float32Array;
	sampleRate: number;
	channels: number;
}

export interface TagRequest {
	jobId: string;
	modelKey: string;
	audio: AudioPayload;
}

export interface TagResponse {
	result: ModelResult;
	mel?: DisplayMel;
}

export const modelKey = (card: Pick<ModelCard, 'id'>, variant: Variant) => `${card.id}:${variant}`;

export interface TaggerWorkerApi {
	init(config: WorkerConfig): Promise<BackendInfo>;
	/** Opens an ORT session for a model; `model` is transferred. Returns the backend actually used. */
	loadModel(card: ModelCard, variant: Variant, model: Uint8Array, tables?: ArrayBuffer): Promise<WebBackend>;
	hasModel(key: string): boolean;
	tag(request: TagRequest, onProgress: (progress: Progress) => void): Promise<TagResponse>;
	/** Aborts a running job at its next batch boundary; it then rejects with an AbortError. */
	cancel(jobId: string): void;
}
