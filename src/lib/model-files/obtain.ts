/**
 * A model's files for one run: from IndexedDB when cached, otherwise downloaded (streamed, with progress).
 * Always sha256-verified against the card before use; a mismatch is never run or cached. When the cache is
 * full the bytes are still used from memory and the caller is told. A user's own model (card.provenance.user)
 * exists only in the cache: when its files are gone it fails with UserModelGoneError, never a download.
 */
import type { ModelCard, ModelFile, Variant } from '$lib/card/types';
import { modelFile } from './model-file';
import type { WebBackend } from '$lib/model/session';
import type { TaggerFiles } from '$lib/pipeline/open-tagger';
import { verifySha256 } from './verify';
import { fetchWithProgress, type DownloadProgress } from './fetch-progress';
import { readCached, writeCached } from './cache';
import { isQuotaError } from '$lib/shared/errors';

export interface ObtainedFile {
	bytes: Uint8Array;
	source: 'cache' | 'network';
	/** Why it could not be cached (quota), when it could not. */
	cacheWarning?: string;
}

export interface ModelFiles extends TaggerFiles {
	cacheWarning?: string;
	downloaded: boolean;
}

/** A user model whose files are no longer in this browser's cache (there is nothing to download). */
export class UserModelGoneError extends Error {
	constructor(
		readonly card: Pick<ModelCard, 'id' | 'title'>,
		readonly file: string
	) {
		super(
			`"${card.title}" is no longer stored in this browser (${file} is missing or damaged); add it again from its checkpoint.`
		);
		this.name = 'UserModelGoneError';
	}
}

async function verified(bytes: Uint8Array, file: ModelFile, label: string): Promise<Uint8Array> {
	await verifySha256(bytes as Uint8Array<ArrayBuffer>, file.sha256, label);
	return bytes;
}

export async function obtainFile(
	card: ModelCard,
	file: ModelFile,
	modelsUrl: string,
	onProgress?: (progress: DownloadProgress) => void
): Promise<ObtainedFile> {
	const label = `${card.id}/${file.file}`;
	const cached = await readCached(card.id, file.file);
	if (cached && cached.sha256 === file.sha256) {
		try {
			return { bytes: await verified(cached.bytes, file, label), source: 'cache' };
		} catch {
			// A damaged cache entry is replaced by a fresh download below.
		}
	}
	if (card.provenance.user) throw new UserModelGoneError(card, file.file);
	const url = new URL(`${card.id}/${file.file}`, modelsUrl).href;
	const bytes = await verified(await fetchWithProgress(url, file.bytes, onProgress), file, label);
	try {
		await writeCached({ model: card.id, file: file.file, sha256: file.sha256, bytes, savedAt: Date.now() });
		return { bytes, source: 'network' };
	} catch (error) {
		const reason = isQuotaError(error) ? 'storage quota exceeded' : (error as Error).message;
		return {
			bytes,
			source: 'network',
			cacheWarning: `${label} runs from memory and is not cached (${reason}).`
		};
	}
}

/** Total bytes a model needs for a variant on a backend (the picker's download size: WASM's unless told). */
export function downloadBytes(card: ModelCard, variant: Variant, backend: WebBackend = 'wasm'): number {
	const tables = card.frontend.kind === 'torchaudio' ? card.frontend.tables.bytes : 0;
	return modelFile(card, variant, backend).bytes + tables;
}

export async function obtainModelFiles(
	card: ModelCard,
	variant: Variant,
	modelsUrl: string,
	backend: WebBackend,
	onProgress?: (progress: DownloadProgress) => void
): Promise<ModelFiles> {
	const total = downloadBytes(card, variant, backend);
	let tablesReceived = 0;
	let tables: ObtainedFile | undefined;
	if (card.frontend.kind === 'torchaudio') {
		tables = await obtainFile(card, card.frontend.tables, modelsUrl, (p) => {
			tablesReceived = p.received;
			onProgress?.({ received: p.received, total });
		});
	}
	const model = await obtainFile(card, modelFile(card, variant, backend), modelsUrl, (p) =>
		onProgress?.({ received: tablesReceived + p.received, total })
	);
	const tableBytes = tables?.bytes;
	return {
		model: model.bytes,
		tables: tableBytes?.buffer.slice(tableBytes.byteOffset, tableBytes.byteOffset + tableBytes.byteLength) as
			ArrayBuffer | undefined,
		cacheWarning: model.cacheWarning ?? tables?.cacheWarning,
		downloaded: model.source === 'network' || tables?.source === 'network'
	};
}
