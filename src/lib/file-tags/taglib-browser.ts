/**
 * taglib-wasm in the browser, loaded on first use (dynamic import: the app's first load does not carry its
 * ~680 KB of WebAssembly). The package's browser build finds its taglib-web.wasm next to itself.
 */
import type { TagLib } from './write';

let loading: Promise<TagLib> | undefined;

/**
 * taglib-wasm 1.5's Emscripten glue views its memory through `toResizableBuffer()` where the browser has it
 * (Chromium), and TextDecoder then refuses those views ("must not be resizable"): hidden on the thread that
 * loads TagLib (the page; the models run in the worker), so the glue falls back to `memory.buffer`, as on Node 20.
 */
function avoidResizableMemory() {
	const proto = WebAssembly.Memory.prototype as { toResizableBuffer?: unknown };
	if ('toResizableBuffer' in proto)
		Object.defineProperty(proto, 'toResizableBuffer', { value: undefined, configurable: true });
}

export function loadTagLib(): Promise<TagLib> {
	avoidResizableMemory();
	loading ??= import('taglib-wasm').then(({ TagLib }) => TagLib.initialize());
	loading.catch(() => (loading = undefined));
	return loading;
}
