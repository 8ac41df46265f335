/**
 * taglib-wasm in Node (CLI, tests), loaded on first use. The package's Node entry needs Node ≥ 22.6 (its WASI
 * backend); this project runs on Node 20, so Node loads the package's Emscripten build (the one browsers run)
 * with the WebAssembly bytes read from the package folder: one tag writer, the same in both places.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TagLib } from './write';

let loading: Promise<TagLib> | undefined;

async function load(): Promise<TagLib> {
	const dist = dirname(createRequire(import.meta.url).resolve('taglib-wasm'));
	const entry = pathToFileURL(join(dist, 'index.browser.js')).href;
	const { TagLib } = (await import(/* @vite-ignore */ entry)) as typeof import('taglib-wasm');
	return TagLib.initialize({ wasmBinary: await readFile(join(dist, 'taglib-web.wasm')) });
}

export function loadTagLibNode(): Promise<TagLib> {
	loading ??= load();
	loading.catch(() => (loading = undefined));
	return loading;
}
