/**
 * Files from outside static/ that the site serves itself at fixed paths: emitted into the client build and
 * served from their source in dev. Used for onnxruntime-web's .wasm/.mjs runtime (the worker points
 * ort.env.wasm.wasmPaths at <base>/ort/; no CDN) and for the bench's results, shown on the About page when the
 * bench has written them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { ortFiles, ortFolder } from '../../src/lib/model/ort-files';

export interface SiteFile {
	/** Path under the site's base, e.g. "ort/ort-wasm-simd-threaded.jsep.wasm". */
	url: string;
	source: string;
}

const types: Record<string, string> = {
	wasm: 'application/wasm',
	mjs: 'text/javascript',
	json: 'application/json'
};

export function siteFiles(files: SiteFile[]): Plugin {
	let ssr = false;
	const present = () => files.filter((f) => existsSync(f.source));
	return {
		name: 'music-tagger:site-files',
		configResolved(config) {
			ssr = !!config.build.ssr;
		},
		configureServer(server) {
			server.middlewares.use((req, res, next) => {
				const path = req.url?.split('?')[0] ?? '';
				const file = present().find((f) => path.endsWith(`/${f.url}`));
				if (!file) return next();
				res.setHeader('Content-Type', types[file.url.split('.').pop()!] ?? 'application/octet-stream');
				res.end(readFileSync(file.source));
			});
		},
		generateBundle() {
			if (ssr) return;
			for (const file of present()) {
				this.emitFile({ type: 'asset', fileName: file.url, source: readFileSync(file.source) });
			}
		}
	};
}

const require = createRequire(import.meta.url);

/** onnxruntime-web's runtime files, from its dist folder. */
export function ortRuntimeFiles(): SiteFile[] {
	const dist = dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm'));
	return ortFiles.map((file) => ({ url: `${ortFolder}/${file}`, source: join(dist, file) }));
}
