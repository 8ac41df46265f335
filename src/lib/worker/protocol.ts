/**
 * The typed protocol between the page and the inference worker (Comlink). The page decodes audio and
 * transfers the mono samples; the worker resamples, computes the mel and runs ONNX via tagTrack.
 */
import type { ModelCard, Variant } from '$lib/card/types';
import type { ModelResult, Progress } from '$lib/pipeline/types';
import type { DisplayMel } from '$lib/features/display-mel';
import type { WebBackend } from '$lib/model/session';
import type { TrackScheme } from '$lib/predictions/chunks';
import type { AdapterSummary } from '$lib/model/webgpu-adapter';

export interface WorkerConfig {
	/** Absolute URL of the folder holding ORT's .wasm/.mjs files (served by the site itself). */
	wasmPaths: string;
	/** 'auto' = WebGPU when an adapter is present, else WASM. */
	backend: WebBackend | 'auto';
	/** How every result of this page turns chunks into the track score (the URL's ?scheme=; default 'whole'). */
	scheme?: TrackScheme;
	/** ORT WASM threads of this worker's sessions (the pool chooses, app/worker-pool.ts); 1 unless cross-origin isolated. */
	threads: number;
}

export interface BackendInfo {
	backend: WebBackend;
	/**
	 * WASM threads in all: per worker (WorkerConfig.threads, 1 unless cross-origin isolated) × `workers`. A
	 * worker's own info counts itself only; the pool's (app/worker-pool.ts) counts all of its workers.
	 */
	threads: number;
	/** Inference workers running files side by side (app/worker-pool.ts); 1 for a single worker. */
	workers: number;
	crossOriginIsolated: boolean;
	/** Why this backend runs (shown next to it). */
	reason: string;
	webgpuAdapter: AdapterSummary | null;
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
	/** Decodes a long file in the worker and tags it with every model of the request (tag-file.ts). */
	tagFile(request: FileTagRequest, onProgress: (progress: FileProgress) => void): Promise<FileTagResponse>;
	/** Aborts a running job at its next batch boundary; it then rejects with an AbortError. */
	cancel(jobId: string): void;
}

/**
 * A long file decoded in the worker in bounded memory (src/lib/worker/tag-file.ts): the Blob itself goes
 * over (a structured clone shares the file's data, nothing is read on the page).
 */
export interface FileTagRequest {
	jobId: string;
	/** modelKey of each model to run (all loaded); the results come back in this order. */
	modelKeys: string[];
	file: Blob;
	/** The file's name as messages use it. */
	name: string;
	/** Frames the header announces (the model-rate signals are allocated once at their size). */
	expectedFrames?: number;
}

export interface FileProgress {
	stage: 'decode' | Progress['stage'];
	fraction: number;
	/** The model the stage belongs to (none while decoding). */
	model?: string;
}

export interface FileTagResponse {
	/** The file at its own rate, as the WASM decoder read it. */
	audio: { sampleRate: number; channels: number; frames: number };
	responses: TagResponse[];
}
