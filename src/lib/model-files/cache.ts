/** Verified model files in IndexedDB (idb-keyval), keyed "<model id>/<file>". */
import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';

export interface CachedFile {
	model: string;
	file: string;
	sha256: string;
	bytes: Uint8Array;
	savedAt: number;
}

let store: UseStore | undefined;
const weights = () => (store ??= createStore('music-tagger-weights', 'files'));
const keyOf = (model: string, file: string) => `${model}/${file}`;

export function readCached(model: string, file: string): Promise<CachedFile | undefined> {
	return get<CachedFile>(keyOf(model, file), weights());
}

export function writeCached(entry: CachedFile): Promise<void> {
	return set(keyOf(entry.model, entry.file), entry, weights());
}

/** Bytes stored per model id. */
export async function usageByModel(): Promise<Record<string, number>> {
	const usage: Record<string, number> = {};
	for (const [, entry] of await entries<string, CachedFile>(weights())) {
		usage[entry.model] = (usage[entry.model] ?? 0) + entry.bytes.byteLength;
	}
	return usage;
}

/** Files stored per model id ("model.int8.onnx", "frontend.f32", ...). */
export async function cachedFiles(): Promise<Record<string, string[]>> {
	const files: Record<string, string[]> = {};
	for (const [, entry] of await entries<string, CachedFile>(weights()))
		(files[entry.model] ??= []).push(entry.file);
	return files;
}

export async function deleteModelFiles(model: string): Promise<void> {
	const all = await entries<string, CachedFile>(weights());
	await Promise.all(all.filter(([, e]) => e.model === model).map(([key]) => del(key, weights())));
}

/** Asks the browser not to evict the cache under storage pressure; the answer is informational. */
export async function requestPersistence(): Promise<boolean> {
	try {
		return (await navigator.storage?.persist?.()) ?? false;
	} catch {
		return false;
	}
}

/** The whole site's storage use and quota (models, library, app shell), when the browser says. */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | undefined> {
	const estimate = await navigator.storage?.estimate?.().catch(() => undefined);
	return estimate?.usage !== undefined && estimate.quota
		? { usage: estimate.usage, quota: estimate.quota }
		: undefined;
}
