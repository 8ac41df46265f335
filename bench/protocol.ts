/** What the bench page and the Node driver (bench/run.ts) say to each other. Types only. */
import type { Variant } from '../src/lib/card/types';
import type { WebBackend } from '../src/lib/model/session';
import type { AdapterSummary } from '../src/lib/model/webgpu-adapter';

export type BrowserBackend = WebBackend;
export type StageName = 'decode' | 'resample' | 'mel' | 'inference' | 'total';
export type StageTimes = Record<StageName, number>;

export interface OursRequest {
	model: string;
	variant: Variant;
	backend: BrowserBackend;
	threads: number;
	warmup: number;
	runs: number;
	/** Turn on ORT's per-operator profiling (its events arrive as console messages). */
	profile?: boolean;
	/** tagTrack's `taggram` option: false = tags only (the track chunks; MTG resamples just its segment). */
	taggram?: boolean;
	/** tagTrack's chunks per ONNX run (undefined: the app's default). */
	batchSize?: number;
	trackUrl: string;
}

export interface LoadTimes {
	/** fetch() of the model file over HTTP from the bench server (no HTTP cache) + sha256 check. */
	network: number;
	/** idb-keyval get() of the same bytes, as the app's model cache stores them. */
	indexeddb: number;
	/** InferenceSession creation from the bytes (graph optimisation, EP init). */
	session: number;
}

export interface OursResult {
	/** The backend that actually ran (WebGPU falls back to WASM when it cannot). */
	backend: BrowserBackend;
	runs: StageTimes[];
	load_ms: LoadTimes;
	/** Model inputs per track (distinct chunk starts). */
	chunks: number;
	audioSeconds: number;
	peakHeapBytes: number;
}

export interface PeerRequest {
	threads: number;
	warmup: number;
	runs: number;
	trackUrl: string;
	modelUrl: string;
}

export interface PeerResult {
	tfjsBackend: string;
	/** Threads TF.js actually uses (getThreadsCount), which may differ from the request. */
	threads: number;
	runs: StageTimes[];
	load_ms: { network: number };
	patches: number;
	audioSeconds: number;
	peakHeapBytes: number;
}

/** Where decodeBlobInBrowser's time goes (medians, ms): its two library calls, timed on their own. */
export interface DecodeBreakdown {
	/** decodeBlobInBrowser end to end. */
	total: number;
	/** music-metadata parseBlob (the header's sample rate and duration). */
	metadata: number;
	/** Web Audio decodeAudioData at the file's rate. */
	decodeAudioData: number;
}

export interface PageInfo {
	userAgent: string;
	crossOriginIsolated: boolean;
	hardwareConcurrency: number;
	webgpuAdapter: AdapterSummary | null;
	ort: string;
}

export interface BenchPage {
	info(): Promise<PageInfo>;
	runOurs(request: OursRequest): Promise<OursResult>;
	runPeer(request: PeerRequest): Promise<PeerResult>;
	decodeBreakdown(request: {
		trackUrl: string;
		runs: number;
	}): Promise<DecodeBreakdown & { peakHeapBytes: number }>;
}
