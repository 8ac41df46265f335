/**
 * The page's side of "Add your own model": one conversion in a fresh worker (src/lib/worker/convert.worker.ts),
 * terminated afterwards so the converter's memory (checkpoint, graphs) is given back at once.
 */
import * as Comlink from 'comlink';
import type { ConvertedModel, ConvertRequest, ConvertWorkerApi } from './convert.worker';

export type { ConvertedModel, ConvertRequest } from './convert.worker';

/** Converts in a worker; rejects with the converter's message, or when the worker dies (e.g. out of memory). */
export async function convertInWorker(request: ConvertRequest): Promise<ConvertedModel> {
	const worker = new Worker(new URL('./convert.worker.ts', import.meta.url), {
		type: 'module',
		name: 'convert'
	});
	const death = new Promise<never>((_, reject) =>
		worker.addEventListener('error', (event) =>
			reject(new Error(`The conversion stopped (${event.message || 'probably out of memory'}).`))
		)
	);
	death.catch(() => {});
	const remote = Comlink.wrap<ConvertWorkerApi>(worker);
	try {
		return await Promise.race([remote.convert(request), death]);
	} finally {
		remote[Comlink.releaseProxy]();
		worker.terminate();
	}
}
