/** A streamed fetch that reports bytes received, for the weights progress bar. */

export interface DownloadProgress {
	received: number;
	/** From Content-Length, or the size the model card announces. */
	total: number;
}

export async function fetchWithProgress(
	url: string,
	expectedBytes: number,
	onProgress?: (progress: DownloadProgress) => void,
	signal?: AbortSignal
): Promise<Uint8Array> {
	const response = await fetch(url, { signal, cache: 'no-store' });
	if (!response.ok) throw new Error(`Could not download ${url}: HTTP ${response.status}`);
	const total = Number(response.headers.get('Content-Length')) || expectedBytes;
	if (!response.body) return new Uint8Array(await response.arrayBuffer());
	const parts: Uint8Array[] = [];
	let received = 0;
	const reader = response.body.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		parts.push(value);
		received += value.length;
		onProgress?.({ received, total });
	}
	return new Uint8Array(await new Blob(parts as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}
