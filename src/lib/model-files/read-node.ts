/**
 * Node side of model-files: the model index and a model's verified files from a models folder (what
 * `npm run models` writes to static/models; the same files the browser fetches).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelCard, ModelFile, ModelIndex, Variant } from '$lib/card/types';
import type { TaggerFiles } from '$lib/pipeline/open-tagger';
import { modelFile } from './model-file';
import type { Backend } from '$lib/model/session';
import { verifySha256 } from './verify';

export const defaultModelsDir = 'static/models';

export async function readIndexNode(dir = defaultModelsDir): Promise<ModelIndex> {
	try {
		return JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as ModelIndex;
	} catch (error) {
		throw new Error(`No model index in ${dir} (run \`npm run models\` first): ${(error as Error).message}`);
	}
}

/** Reads a model-folder file and checks it against the card's sha256. */
async function readVerified(dir: string, card: ModelCard, file: ModelFile): Promise<Uint8Array> {
	const bytes = new Uint8Array(await readFile(join(dir, card.id, file.file)));
	await verifySha256(bytes, file.sha256, `${card.id}/${file.file}`);
	return bytes;
}

/** The ONNX model of `variant` on `backend` and the torchaudio front end's tables (when the card has them), verified. */
export async function readModelFilesNode(
	card: ModelCard,
	variant: Variant,
	dir = defaultModelsDir,
	backend: Backend = 'wasm'
): Promise<TaggerFiles> {
	const [model, tables] = await Promise.all([
		readVerified(dir, card, modelFile(card, variant, backend)),
		card.frontend.kind === 'torchaudio' ? readVerified(dir, card, card.frontend.tables) : undefined
	]);
	return {
		model,
		tables:
			tables && (tables.buffer.slice(tables.byteOffset, tables.byteOffset + tables.byteLength) as ArrayBuffer)
	};
}
