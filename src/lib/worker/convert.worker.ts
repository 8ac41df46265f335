/// <reference lib="webworker" />
/**
 * "Add your own model": converts a user's checkpoint off the main thread (a 42 MB CNNSA checkpoint takes
 * seconds) with src/lib/convert's convertUserCheckpoint, the same conversion as `music-tagger convert`.
 * The checkpoint arrives as a File (read here, not on the page); the packaged files are transferred back.
 * One worker per conversion (src/lib/worker/convert-client.ts starts it and terminates it after).
 */
import * as Comlink from 'comlink';
import type { ModelCard } from '$lib/card/types';
import { convertUserCheckpoint } from '$lib/convert/user-model';

export interface ConvertRequest {
	/** The user's best_model.pth. */
	checkpoint: Blob;
	fileName: string;
	/** Tag names in the model's output order, and the name of their list. */
	tags: string[];
	tagList: string;
	/** The zoo's cards (without user models): front ends and schemes are copied from them. */
	zoo: ModelCard[];
	now: number;
}

export interface ConvertedModel {
	card: ModelCard;
	/** model.onnx, model.int8.onnx, frontend.f32 (spectral front ends), card.json last; each its own buffer. */
	files: [name: string, bytes: Uint8Array][];
	/** The conversion itself (reading the state_dict → packaged files), measured in the worker. */
	convertMs: number;
}

export interface ConvertWorkerApi {
	/** Throws the converter's message (unknown architecture, unreadable file, tag count ≠ outputs). */
	convert(request: ConvertRequest): Promise<ConvertedModel>;
}

/** A view that owns its whole buffer, so a transfer (and IndexedDB later) carries exactly its bytes. */
const ownBuffer = (bytes: Uint8Array): Uint8Array =>
	bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();

const api: ConvertWorkerApi = {
	async convert({ checkpoint, ...request }) {
		const converted = await convertUserCheckpoint({
			...request,
			checkpoint: new Uint8Array(await checkpoint.arrayBuffer())
		});
		const files = converted.files.map(([name, bytes]) => [name, ownBuffer(bytes)] as [string, Uint8Array]);
		const buffers = [...new Set(files.map(([, bytes]) => bytes.buffer as ArrayBuffer))];
		return Comlink.transfer({ card: converted.card, files, convertMs: converted.convertMs }, buffers);
	}
};

Comlink.expose(api);
