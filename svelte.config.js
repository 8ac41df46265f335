import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// Fully static: every page is prerendered; the app runs client-side only.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: undefined, strict: true }),
		// src/service-worker.ts adds COOP/COEP headers; src/lib/app/service-worker.svelte.ts registers it (update prompt).
		serviceWorker: { register: false }
	}
};

export default config;
