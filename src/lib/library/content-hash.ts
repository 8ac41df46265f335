/**
 * A file's identity for the library: the SHA-256 of its bytes (hex), so the same music under another name or in
 * another folder is recognised and not tagged twice. Streamed (hash-wasm) in 1 MiB slices: a 400 MB FLAC is
 * hashed without holding it in memory, which `crypto.subtle.digest` (whole buffers only) would need.
 */
import { createSHA256 } from 'hash-wasm';

const sliceBytes = 1 << 20;

export async function contentHash(blob: Blob): Promise<string> {
	const sha = await createSHA256();
	sha.init();
	for (let start = 0; start < blob.size; start += sliceBytes)
		sha.update(new Uint8Array(await blob.slice(start, start + sliceBytes).arrayBuffer()));
	return sha.digest('hex');
}
