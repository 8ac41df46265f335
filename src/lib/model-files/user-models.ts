/**
 * Models the user converted from their own checkpoints ("Add your own model"; nothing is uploaded). The cards
 * live in IndexedDB (idb-keyval store "music-tagger-user-models"/"cards"); the files go into the weights cache
 * (cache.ts) under the model id, where zoo downloads go, so obtainModelFiles finds them like any cached model.
 * A user model has no URL to download from: when its files are gone, obtain.ts says so (add it again).
 * Also the tag lists a user model can take: the zoo's lists (card.tagList) or a file, one tag per line.
 */
import { createStore, del, set, values, type UseStore } from 'idb-keyval';
import type { ModelCard } from '$lib/card/types';
import { parseTagList } from '$lib/card/tag-list';
import { deleteModelFiles, writeCached } from './cache';
import { sha256Hex } from './verify';
import { isQuotaError } from '$lib/shared/errors';

/** What the converter hands back (src/lib/convert/package.ts ModelPackage). */
export interface UserModelPackage {
	card: ModelCard;
	/** File name → bytes; `card.json` is not stored as a file (the card is kept in the cards store). */
	files: [name: string, bytes: Uint8Array][];
}

let store: UseStore | undefined;
const cards = () => (store ??= createStore('music-tagger-user-models', 'cards'));

export const isUserModel = (card: Pick<ModelCard, 'provenance'>): boolean => !!card.provenance.user;

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The sha256 the card states for a file (the same check obtainModelFiles runs before every use). */
function statedSha256(card: ModelCard, file: string): string | undefined {
	const listed = [card.files.fp32, card.files.int8];
	if (card.frontend.kind === 'torchaudio') listed.push(card.frontend.tables);
	return listed.find((f) => f.file === file)?.sha256;
}

/**
 * Stores a converted model: its files first, the card last, so a model is listed only when all of it is
 * stored. A failure (quota) removes what was written and throws a message saying what to do. An existing
 * model of the same id (the same checkpoint) is replaced.
 */
export async function saveUserModel(pkg: UserModelPackage): Promise<ModelCard> {
	const { card } = pkg;
	if (!isUserModel(card)) throw new Error(`${card.id} is not a user model (no provenance.user).`);
	const files = pkg.files.filter(([name]) => name !== 'card.json');
	const total = files.reduce((sum, [, bytes]) => sum + bytes.byteLength, 0);
	try {
		for (const [file, bytes] of files) {
			const sha256 = statedSha256(card, file) ?? (await sha256Hex(bytes as Uint8Array<ArrayBuffer>));
			await writeCached({ model: card.id, file, sha256, bytes, savedAt: Date.now() });
		}
		await set(card.id, card, cards());
	} catch (error) {
		await deleteModelFiles(card.id).catch(() => {});
		await del(card.id, cards()).catch(() => {});
		if (isQuotaError(error))
			throw new Error(
				`Not enough storage in this browser to keep "${card.title}" (${megabytes(total)}): ` +
					'delete stored models or library tracks and try again.'
			);
		throw new Error(`"${card.title}" could not be stored in this browser (${(error as Error).message}).`);
	}
	return card;
}

/** The user's models, oldest first. */
export async function listUserModels(): Promise<ModelCard[]> {
	const all = await values<ModelCard>(cards());
	return all.sort((a, b) => (a.provenance.user?.addedAt ?? 0) - (b.provenance.user?.addedAt ?? 0));
}

/** Removes a user model: its card, then its files. */
export async function deleteUserModel(id: string): Promise<void> {
	await del(id, cards());
	await deleteModelFiles(id);
}

/** A tag list a user model can take: one of the zoo's (by card.tagList), offered in zoo order. */
export interface TagListChoice {
	name: string;
	label: string;
	tags: string[];
}

export function zooTagLists(zoo: readonly ModelCard[]): TagListChoice[] {
	const seen = new Map<string, TagListChoice>();
	for (const card of zoo) {
		if (isUserModel(card) || seen.has(card.tagList)) continue;
		seen.set(card.tagList, {
			name: card.tagList,
			label: card.dataset.includes(String(card.tags.length))
				? card.dataset
				: `${card.dataset} (${card.tags.length} tags)`,
			tags: card.tags
		});
	}
	return [...seen.values()];
}

/** What the user picked: a zoo list by name, or a text file with one tag per line. */
export type TagListSource = { name: string } | { file: File };

export async function resolveTagList(
	source: TagListSource,
	zoo: readonly ModelCard[]
): Promise<{ tags: string[]; tagList: string }> {
	if ('file' in source) {
		return {
			tags: parseTagList(await source.file.text()),
			tagList: source.file.name.replace(/\.txt$/i, '')
		};
	}
	const list = zooTagLists(zoo).find((l) => l.name === source.name);
	if (!list) throw new Error(`There is no tag list "${source.name}" in the model index.`);
	return { tags: list.tags, tagList: list.name };
}
