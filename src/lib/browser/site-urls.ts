/** Absolute same-origin URLs of the site's own folders, resolved against the SvelteKit base path. */
import { base } from '$app/paths';

const resolve = (folder: string) => new URL(`${base}/${folder}/`, location.href).href;

export const modelsUrl = () => resolve('models');
/** Where the build puts onnxruntime-web's .wasm/.mjs files (vite plugin in vite.config.ts). */
export const ortUrl = () => resolve('ort');
export const serviceWorkerUrl = () => new URL(`${base}/service-worker.js`, location.href).href;
