/**
 * Node side of the model stage: read the generated cards and verified model files from static/models
 * (the same files the browser fetches), and assemble a ready-to-use tagger.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelCard, ModelIndex, Variant } from '$lib/card/types';
import type { DecodedAudio } from '$lib/audio/types';
import { createMelExtractor } from '$lib/features/mel';
import { createTaggerSession, type SessionOptions } from '../model/session';
import { verifySha256 } from './verify';
import { tagTrack, type TagOptions } from '$lib/pipeline/tag-track';

export const defaultModelsDir = 'static/models';

export async function readIndexNode(dir = defaultModelsDir): Promise<ModelIndex> {
	try {
		return JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as ModelIndex;
	} catch (error) {
		throw new Error(`No model index in ${dir} (run \`npm run models\` first): ${(error as Error).message}`);
	}
}

export function findCard(index: ModelIndex, id: string): ModelCard {
	const card = index.models.find((m) => m.id === id);
	if (!card) throw new Error(`Unknown model "${id}". Known: ${index.models.map((m) => m.id).join(', ')}`);
	return card;
}

/** Reads a model-folder file and checks it against the card's sha256. */
async function readVerified(dir: string, card: ModelCard, file: { file: string; sha256: string }) {
	const bytes = new Uint8Array(await readFile(join(dir, card.id, file.file)));
	await verifySha256(bytes, file.sha256, `${card.id}/${file.file}`);
	return bytes;
}

export function readModelNode(
	card: ModelCard,
	variant: Variant,
	dir = defaultModelsDir
): Promise<Uint8Array> {
	return readVerified(dir, card, card.files[variant]);
}

/** The checkpoint's window and filterbank (torchaudio front ends only). */
export async function readFrontendTablesNode(card: ModelCard, dir = defaultModelsDir) {
	if (card.frontend.kind !== 'torchaudio') return undefined;
	const bytes = await readVerified(dir, card, card.frontend.tables);
	return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export interface NodeTagger {
	card: ModelCard;
	variant: Variant;
	tag(audio: DecodedAudio, options?: Omit<TagOptions, 'variant'>): ReturnType<typeof tagTrack>;
	release(): Promise<void>;
}

export async function createNodeTagger(
	card: ModelCard,
	variant: Variant,
	options: Partial<SessionOptions> & { dir?: string } = {}
): Promise<NodeTagger> {
	const dir = options.dir ?? defaultModelsDir;
	const [model, tables] = await Promise.all([
		readModelNode(card, variant, dir),
		readFrontendTablesNode(card, dir)
	]);
	const session = await createTaggerSession(model, card, { backend: 'wasm', threads: 1, ...options });
	const mel = createMelExtractor(card.frontend, tables);
	return {
		card,
		variant,
		tag: (audio, tagOptions = {}) => tagTrack(audio, card, session, mel, { ...tagOptions, variant }),
		release: () => session.release()
	};
}
