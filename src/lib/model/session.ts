/**
 * A tagger session: one ONNX model (fp32 or int8) behind the project's I/O contract (card.io: input `mel`
 * [batch, nMels, frames] in dB or `audio` [batch, samples], output `tags` float32 [batch, nTags] sigmoid). The engine is onnxruntime-web
 * (WebGPU or WASM, in a browser worker and in Node); the bench passes onnxruntime-node's module instead
 * (backend 'native'), which has the same API, so every engine runs the same `predict`.
 */
import * as ortWeb from 'onnxruntime-web';
import type { ModelCard } from '$lib/card/types';
import { inputDims } from '$lib/card/input';

export type Backend = 'wasm' | 'webgpu' | 'native';
/** The backends a browser (and onnxruntime-web in Node) offers. */
export type WebBackend = Exclude<Backend, 'native'>;

/** What the session needs of an onnxruntime package (onnxruntime-web or onnxruntime-node). */
export type OrtEngine = Pick<typeof ortWeb, 'InferenceSession' | 'Tensor'>;

export interface SessionOptions {
	backend: Backend;
	/** WASM threads, or native intra-op threads; more than 1 WASM thread needs cross-origin isolation in browsers. */
	threads?: number;
	/** Where ORT's .wasm/.mjs files are served from (browser builds ship them with the site). */
	wasmPaths?: string;
	/** Collect ORT's per-operator profile (bench only); native runs write it to `<profilePrefix>*.json`. */
	profile?: boolean;
	profilePrefix?: string;
	/** backend 'native': the onnxruntime-node module (kept out of the web bundle by being passed in). */
	engine?: OrtEngine;
}

export interface TaggerSession {
	readonly card: ModelCard;
	/** The execution provider actually in use (WebGPU may be unavailable and fall back to WASM). */
	readonly backend: Backend;
	/** Runs `batch` model inputs laid out back to back ([batch][...inputDims(card)]); returns [batch][nTags]. */
	predict(mels: Float32Array, batch: number): Promise<Float32Array>;
	/** Ends profiling (when on) and frees the session. */
	release(): Promise<void>;
}

function configureWasm(options: SessionOptions): void {
	if (options.threads !== undefined) ortWeb.env.wasm.numThreads = options.threads;
	if (options.wasmPaths !== undefined) ortWeb.env.wasm.wasmPaths = options.wasmPaths;
}

function openSession(engine: OrtEngine, model: Uint8Array, backend: Backend, options: SessionOptions) {
	const native = backend === 'native';
	return engine.InferenceSession.create(model, {
		executionProviders: [native ? 'cpu' : backend],
		graphOptimizationLevel: 'all',
		enableProfiling: options.profile ?? false,
		...(native ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
		...(options.profilePrefix ? { profileFilePrefix: options.profilePrefix } : {})
	});
}

export async function createTaggerSession(
	model: Uint8Array,
	card: ModelCard,
	options: SessionOptions
): Promise<TaggerSession> {
	let backend = options.backend;
	if (backend === 'native' && !options.engine)
		throw new Error('backend "native" needs the onnxruntime-node engine');
	const engine = options.engine ?? ortWeb;
	if (backend !== 'native') configureWasm(options);
	let session: ortWeb.InferenceSession;
	try {
		session = await openSession(engine, model, backend, options);
	} catch (error) {
		if (backend !== 'webgpu') throw error;
		// No usable WebGPU adapter (or an operator it cannot run): WASM always works.
		backend = 'wasm';
		session = await openSession(engine, model, backend, options);
	}
	const dims = inputDims(card);
	const cell = dims.reduce((a, b) => a * b, 1);
	const nTags = card.tags.length;
	return {
		card,
		backend,
		async predict(mels, batch) {
			if (mels.length !== batch * cell) {
				throw new Error(`${card.id}: expected ${batch}×${dims.join('×')} input values, got ${mels.length}`);
			}
			const input = new engine.Tensor('float32', mels, [batch, ...dims]);
			const outputs = await session.run({ [card.io.input]: input });
			const tags = outputs.tags;
			const data = (await tags.getData()) as Float32Array;
			input.dispose();
			tags.dispose();
			if (data.length !== batch * nTags) throw new Error(`${card.id}: model returned ${data.length} values`);
			return data;
		},
		async release() {
			if (options.profile) session.endProfiling();
			await session.release();
		}
	};
}
