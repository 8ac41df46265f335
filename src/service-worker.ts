/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Offline app shell + cross-origin isolation on static hosts.
 * - Precaches every built file, the prerendered pages, the static files, models/index.json and ORT's runtime.
 *   Model weights are NOT precached: the app keeps the ones the user chose in IndexedDB (src/lib/model-files).
 * - Adds COOP/COEP/CORP to every response it serves, so the page becomes crossOriginIsolated (WASM threads)
 *   once this worker controls it, like coi-serviceworker.
 * - Immutable assets: cache first. Pages and the model index: network first, cache when offline.
 * - A new version waits until the page asks it to take over (update prompt).
 */
import { build, files, prerendered, version } from '$service-worker';
import { ortFiles, ortFolder } from '$lib/model/ort-files';

const sw = self as unknown as ServiceWorkerGlobalScope;
const cacheName = `music-tagger-${version}`;
const scope = new URL(sw.registration.scope);
const modelsPath = new URL('models/', scope).pathname;
const isModelFile = (path: string) => path.startsWith(modelsPath) && !path.endsWith('/index.json');

const shell = [
	...build,
	...prerendered,
	...files.filter((path) => !isModelFile(new URL(path, scope).pathname)),
	...ortFiles.map((file) => new URL(`${ortFolder}/${file}`, scope).pathname)
];

function isolated(response: Response): Response {
	if (response.type === 'opaque' || response.status === 0) return response;
	const headers = new Headers(response.headers);
	headers.set('Cross-Origin-Opener-Policy', 'same-origin');
	headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
	headers.set('Cross-Origin-Resource-Policy', 'same-origin');
	return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

sw.addEventListener('install', (event) => {
	event.waitUntil(caches.open(cacheName).then((cache) => cache.addAll(shell)));
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) if (key !== cacheName) await caches.delete(key);
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('message', (event) => {
	if (event.data?.type === 'SKIP_WAITING') void sw.skipWaiting();
});

async function cacheFirst(request: Request): Promise<Response> {
	const cached = await caches.match(request, { ignoreSearch: true });
	return cached ?? fetch(request);
}

async function networkFirst(request: Request): Promise<Response> {
	try {
		const response = await fetch(request);
		if (response.ok) {
			const cache = await caches.open(cacheName);
			await cache.put(request.url.split('?')[0], response.clone());
		}
		return response;
	} catch (error) {
		const cached = await caches.match(request, { ignoreSearch: true });
		if (cached) return cached;
		throw error;
	}
}

sw.addEventListener('fetch', (event) => {
	const { request } = event;
	const url = new URL(request.url);
	if (request.method !== 'GET' || url.origin !== scope.origin) return;
	// Weights go straight to the network: the app verifies and stores them itself.
	if (isModelFile(url.pathname)) return;
	const fresh =
		request.mode === 'navigate' || url.pathname.endsWith('/index.json') || !shell.includes(url.pathname);
	event.respondWith((fresh ? networkFirst(request) : cacheFirst(request)).then(isolated));
});
