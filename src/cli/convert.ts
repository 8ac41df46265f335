/**
 * `music-tagger convert`: a user's best_model.pth → <out>/<id>/{model.onnx, model.int8.onnx, frontend.f32,
 * card.json}, added to <out>/index.json (the layout `npm run models` writes), with src/lib/convert's
 * convertUserCheckpoint — the same conversion the browser's "Add your own model" runs.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ModelCard, ModelIndex } from '$lib/card/types';
import { parseTagList } from '$lib/card/tag-list';
import { modelIndex } from '$lib/convert/package';
import { convertUserCheckpoint } from '$lib/convert/user-model';
import { readIndexNode } from '$lib/model-files/read-node';
import { writeAtomic, writeAtomicAll } from '$lib/node/write-atomic';
import type { ConvertCommand } from './args';
import { defaultModelsDir, type CliIO } from './io';

/** The short names of the zoo's tag lists (card.tagList). */
const tagListAliases: Record<string, string> = {
	mtat: 'mtat-top50',
	msd: 'msd-top50',
	'jamendo-top50': 'jamendo-top50',
	moodtheme: 'mtg-jamendo-moodtheme'
};

/** A zoo tag list by (short) name, else a file with one tag per line. */
async function readTags(value: string, zoo: ModelIndex): Promise<{ tags: string[]; tagList: string }> {
	const name = tagListAliases[value] ?? value;
	const card = zoo.models.find((c) => c.tagList === name);
	if (card) return { tags: card.tags, tagList: name };
	if (!existsSync(value)) {
		const known = [...Object.keys(tagListAliases), ...new Set(zoo.models.map((c) => c.tagList))];
		throw new Error(`--tags ${value}: no such tag list or file (lists: ${[...new Set(known)].join(', ')})`);
	}
	return {
		tags: parseTagList(await readFile(value, 'utf8')),
		tagList: basename(value).replace(/\.txt$/i, '')
	};
}

async function readIndexIfAny(dir: string): Promise<ModelCard[]> {
	return existsSync(join(dir, 'index.json')) ? (await readIndexNode(dir)).models : [];
}

export async function runConvert(
	command: ConvertCommand,
	io: CliIO
): Promise<{ exitCode: number; card: ModelCard }> {
	const modelsDir = command.modelsDir ?? defaultModelsDir;
	const out = command.out ?? modelsDir;
	const zoo = await readIndexNode(modelsDir);
	const { tags, tagList } = await readTags(command.tags, zoo);
	const checkpoint = new Uint8Array(await readFile(command.checkpoint));
	const converted = await convertUserCheckpoint({
		checkpoint,
		fileName: basename(command.checkpoint),
		tags,
		tagList,
		zoo: zoo.models.filter((c) => !c.provenance.user),
		now: Date.now()
	});
	const { card } = converted;
	// Everything is converted in memory first: a failure above leaves the folder untouched.
	const dir = join(out, card.id);
	await mkdir(dir, { recursive: true });
	await writeAtomicAll(converted.files.map(([name, bytes]) => [join(dir, name), bytes]));
	const others = (await readIndexIfAny(out)).filter((c) => c.id !== card.id);
	const index = await modelIndex([...others, card]);
	await writeAtomic(join(out, 'index.json'), `${JSON.stringify(index, null, '\t')}\n`);
	io.stderr.write(
		`Converted ${basename(command.checkpoint)} (${card.architecture}, ${tags.length} tags) in ${converted.convertMs} ms: ` +
			`fp32 ${card.files.fp32.bytes} B, int8 ${card.files.int8.bytes} B → ${dir}\n` +
			`Tag files with it: music-tagger tag --models-dir ${out} --model ${card.id} <files>\n`
	);
	io.stdout.write(`${card.id}\n`);
	return { exitCode: 0, card };
}
