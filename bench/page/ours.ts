/**
 * Our pipeline in the page, through the app's own modules: the model cache (obtainModelFiles: download or
 * IndexedDB via idb-keyval, sha256-checked), decodeBlobInBrowser (Web Audio) and openTagger (resample → mel →
 * onnxruntime-web).
 */
import * as ort from 'onnxruntime-web';
import { findCard } from '$lib/card/lookup';
import { decodeBlobInBrowser } from '$lib/audio/decode-browser';
import { fetchModelIndex } from '$lib/model-files/model-index';
import { openTagger } from '$lib/pipeline/open-tagger';
import { deleteModelFiles } from '../../src/lib/model-files/cache';
import { obtainModelFiles } from '../../src/lib/model-files/obtain';
import { parseBlob } from 'music-metadata';
import type { DecodeBreakdown, OursRequest, OursResult, StageTimes } from '../protocol';
import { median } from '../stats';
import { collectGarbage, HeapPeak } from './heap';

export const ortVersion = ort.env.versions.web ?? 'unknown';
const modelsUrl = new URL('/models/', location.href).href;

export async function runOurs(request: OursRequest): Promise<OursResult> {
	const card = findCard(await fetchModelIndex(modelsUrl, { cache: 'no-store' }), request.model);

	// First visit: nothing cached, the app downloads, verifies and stores the files.
	await deleteModelFiles(card.id);
	let t = performance.now();
	const first = await obtainModelFiles(card, request.variant, modelsUrl, request.backend);
	const network = performance.now() - t;
	if (!first.downloaded) throw new Error(`${card.id}: expected a download after clearing the cache`);
	// Later visits: the same files from IndexedDB, verified again.
	t = performance.now();
	const files = await obtainModelFiles(card, request.variant, modelsUrl, request.backend);
	const indexeddb = performance.now() - t;
	if (files.downloaded) throw new Error(`${card.id}: expected the files from IndexedDB on the second load`);

	t = performance.now();
	const tagger = await openTagger(card, request.variant, files, {
		backend: request.backend,
		threads: request.threads,
		wasmPaths: '/ort/',
		profile: request.profile
	});
	const sessionMs = performance.now() - t;

	// The file a user drops: fetched once, decoded in every run.
	const blob = await (await fetch(request.trackUrl, { cache: 'no-store' })).blob();
	const heap = new HeapPeak();
	heap.start();
	const runs: StageTimes[] = [];
	let chunks = 0;
	let audioSeconds = 0;
	for (let i = 0; i < request.warmup + request.runs; i++) {
		collectGarbage();
		const t0 = performance.now();
		const decoded = await decodeBlobInBrowser(blob);
		const decode = performance.now() - t0;
		heap.sample();
		const result = await tagger.tag(decoded, {
			taggram: request.taggram,
			batchSize: request.batchSize,
			onProgress: heap.sample
		});
		const total = performance.now() - t0;
		chunks = new Set([...result.chunkStarts, ...result.taggram.starts]).size;
		audioSeconds = decoded.mono.length / decoded.sampleRate;
		if (i >= request.warmup) runs.push({ decode, ...result.timings, total });
	}
	const peakHeapBytes = heap.stop();
	await tagger.release();
	return {
		// The page runs web backends only: the session's backend is the requested one or its WASM fallback.
		backend: tagger.backend as OursResult['backend'],
		runs,
		load_ms: { network, indexeddb, session: sessionMs },
		chunks,
		audioSeconds,
		peakHeapBytes
	};
}

/** The decode stage taken apart: the same calls decodeBlobInBrowser makes, each timed alone. */
export async function decodeBreakdown(request: { trackUrl: string; runs: number }): Promise<DecodeBreakdown> {
	const blob = await (await fetch(request.trackUrl, { cache: 'no-store' })).blob();
	const total: number[] = [];
	const metadata: number[] = [];
	const decodeAudioData: number[] = [];
	for (let i = 0; i < request.runs + 1; i++) {
		collectGarbage();
		let t = performance.now();
		const decoded = await decodeBlobInBrowser(blob);
		const totalMs = performance.now() - t;
		t = performance.now();
		const { format } = await parseBlob(blob, { duration: true, skipCovers: true });
		const metadataMs = performance.now() - t;
		const bytes = await blob.arrayBuffer();
		const context = new OfflineAudioContext({
			numberOfChannels: 1,
			length: 1,
			sampleRate: format.sampleRate ?? decoded.sampleRate
		});
		t = performance.now();
		await context.decodeAudioData(bytes);
		const decodeMs = performance.now() - t;
		if (i === 0) continue; // warm-up
		total.push(totalMs);
		metadata.push(metadataMs);
		decodeAudioData.push(decodeMs);
	}
	return { total: median(total), metadata: median(metadata), decodeAudioData: median(decodeAudioData) };
}
