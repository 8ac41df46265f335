/**
 * onnxruntime-web's runtime files that the default `onnxruntime-web` import (WebGPU/JSEP + WASM build) loads at
 * run time. The site serves them itself from <base>/ort/ (vite plugin tools/vite/site-files.ts) so it works
 * offline and never touches a CDN; the service worker precaches them.
 */
export const ortFolder = 'ort';
export const ortFiles = ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'] as const;
