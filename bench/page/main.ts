/** Entry of the bench page: exposes `window.bench` for the Playwright driver (bench/run.ts). */
import { probeWebGpu } from '$lib/model/webgpu-adapter';
import type { BenchPage, PageInfo } from '../protocol';
import { decodeBreakdown, ortVersion, runOurs } from './ours';

async function info(): Promise<PageInfo> {
	return {
		userAgent: navigator.userAgent,
		crossOriginIsolated,
		hardwareConcurrency: navigator.hardwareConcurrency,
		webgpuAdapter: await probeWebGpu(),
		ort: ortVersion
	};
}

const bench: BenchPage = {
	info,
	runOurs,
	decodeBreakdown: async (request) => ({ ...(await decodeBreakdown(request)), peakHeapBytes: 0 }),
	// The peer is loaded only when asked for, so our runs do not carry TensorFlow.js and Essentia in the heap.
	runPeer: async (request) => (await import('./peer')).runPeer(request)
};

(window as unknown as { bench: BenchPage }).bench = bench;
document.body.dataset.ready = 'true';
