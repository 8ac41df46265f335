/** Absolute same-origin URLs of the site's own folders, resolved against the SvelteKit base path. */
import { base } from '$app/paths';
import { parseTrackScheme, type TrackScheme } from '$lib/predictions/chunks';

const resolve = (folder: string) => new URL(`${base}/${folder}/`, location.href).href;

export const modelsUrl = () => resolve('models');
/** Where the build puts onnxruntime-web's .wasm/.mjs files (vite plugin in vite.config.ts). */
export const ortUrl = () => resolve('ort');
export const serviceWorkerUrl = () => new URL(`${base}/service-worker.js`, location.href).href;

/** The track scheme the page's URL asks for (`?scheme=upstream`; default 'whole'); an unknown name throws. */
export const trackSchemeOfPage = (): TrackScheme =>
	parseTrackScheme(new URL(location.href).searchParams.get('scheme'));
