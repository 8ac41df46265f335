/// <reference types="vitest/config" />
import { sveltekit } from '@sveltejs/kit/vite';
import { defaultClientConditions, defineConfig, type Connect, type Plugin } from 'vite';
import { ortRuntimeFiles, siteFiles } from './tools/vite/site-files';

// COOP/COEP make the page cross-origin isolated so onnxruntime-web can use WASM threads.
// On static hosts the service worker adds the same headers (src/service-worker.ts).
const isolation = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp'
};

// SvelteKit's dev and preview middlewares answer before Vite applies `server/preview.headers`; this sets them first.
const setIsolation: Connect.NextHandleFunction = (_req, res, next) => {
	for (const [name, value] of Object.entries(isolation)) res.setHeader(name, value);
	next();
};
const isolateServers = (): Plugin => ({
	name: 'music-tagger:isolate-servers',
	configureServer: (server) => void server.middlewares.use(setIsolation),
	configurePreviewServer: (server) => void server.middlewares.use(setIsolation)
});

export default defineConfig({
	plugins: [
		isolateServers(),
		sveltekit(),
		// bench/results.json (written by `npm run bench`, gitignored) feeds the About page's speed table.
		siteFiles([...ortRuntimeFiles(), { url: 'bench/results.json', source: 'bench/results.json' }])
	],
	server: { headers: isolation },
	preview: { headers: isolation },
	// onnxruntime-web's build without the embedded WASM glue: its runtime files come from <base>/ort/
	// (tools/vite/site-files.ts) instead of a second, hashed 28 MB copy the service worker would not know.
	resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
	worker: { format: 'es' },
	optimizeDeps: { exclude: ['onnxruntime-web'] },
	test: {
		include: ['tests/unit/**/*.test.ts'],
		environment: 'node',
		testTimeout: 120_000,
		hookTimeout: 300_000,
		pool: 'forks'
	}
});
