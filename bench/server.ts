/**
 * A tiny static server for the bench page, cross-origin isolated (COOP/COEP) so onnxruntime-web and
 * TensorFlow.js can use WASM threads. Nothing is cached (Cache-Control: no-store), so "network" model
 * loads really go over HTTP (loopback).
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const types: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.css': 'text/css',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.webmanifest': 'application/manifest+json',
	'.js': 'text/javascript',
	'.mjs': 'text/javascript',
	'.json': 'application/json',
	'.wasm': 'application/wasm',
	'.onnx': 'application/octet-stream',
	'.bin': 'application/octet-stream',
	'.f32': 'application/octet-stream',
	'.ogg': 'audio/ogg',
	'.wav': 'audio/wav'
};

/** URL prefix → folder on disk. '/' serves the built page. */
export type Mounts = Record<string, string>;

export async function serve(mounts: Mounts): Promise<{ server: Server; origin: string }> {
	const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
	const server = createServer((request, response) => {
		const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
		const prefix = prefixes.find((p) => path.startsWith(p));
		const headers = {
			'Cross-Origin-Opener-Policy': 'same-origin',
			'Cross-Origin-Embedder-Policy': 'require-corp',
			'Cross-Origin-Resource-Policy': 'same-origin',
			'Cache-Control': 'no-store'
		};
		if (!prefix) {
			response.writeHead(404, headers).end();
			return;
		}
		const root = resolve(mounts[prefix]);
		let file = normalize(join(root, path.slice(prefix.length)));
		if (!file.startsWith(root)) {
			response.writeHead(403, headers).end();
			return;
		}
		try {
			if (statSync(file).isDirectory()) file = join(file, 'index.html');
			const size = statSync(file).size;
			response.writeHead(200, {
				...headers,
				'Content-Type': types[extname(file)] ?? 'application/octet-stream',
				'Content-Length': size
			});
			createReadStream(file).pipe(response);
		} catch {
			response.writeHead(404, headers).end();
		}
	});
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	const address = server.address();
	if (!address || typeof address === 'string') throw new Error('bench server did not bind');
	return { server, origin: `http://127.0.0.1:${address.port}` };
}
