/** `music-tagger tag`: files and folders → the app's JSON export (or CSV). */
import { buildCsvExport, buildJsonExport, type ExportTrack, type JsonExport } from '$lib/library/export';
import type { ModelCard } from '$lib/card/types';
import type { TagCommand } from './args';
import { discoverAudio } from './files';
import { checkOutputPath, defaultModelsDir, emit, packageVersion, type CliIO } from './io';
import { modelCards, openModels, tagEach } from './taggers';
import { readIndexNode } from '$lib/model-files/read-node';
import { audioExtensions } from '$lib/audio/formats';

export interface TagRun {
	exitCode: number;
	tracks: ExportTrack[];
	failures: { file: string; message: string }[];
}

/** The export as written: JSON (without --chunks, the per-chunk outputs are left out) or CSV. */
export function exportText(
	tracks: ExportTrack[],
	cards: readonly Pick<ModelCard, 'id' | 'tags'>[],
	options: { format: 'json' | 'csv'; chunks: boolean }
): string {
	const tagLists = Object.fromEntries(cards.map((card) => [card.id, card.tags]));
	if (options.format === 'csv') return buildCsvExport(tracks, tagLists);
	const data: JsonExport = buildJsonExport(tracks, tagLists, packageVersion);
	const written = options.chunks
		? data
		: {
				...data,
				tracks: data.tracks.map((track) => ({
					...track,
					results: track.results.map(({ model, tags, silent }) => ({
						model,
						tags,
						...(silent ? { silent } : {})
					}))
				}))
			};
	return JSON.stringify(written, null, '\t') + '\n';
}

export async function runTag(command: TagCommand, io: CliIO): Promise<TagRun> {
	await checkOutputPath(command.out);
	// The models are named (and an unknown id refused) before any file is looked at.
	const cards = modelCards(await readIndexNode(command.modelsDir ?? defaultModelsDir), command.models);
	const modelNames = cards.map((card) => card.id).join(', ');
	const { files, problems, empty } = await discoverAudio(command.inputs);
	for (const folder of empty)
		io.stderr.write(`No audio files found in ${folder} (looked for .${audioExtensions.join(' .')}).\n`);
	const failures = [...problems];
	const tracks: ExportTrack[] = [];
	if (files.length > 0) {
		const models = await openModels(
			cards.map((card) => card.id),
			command.variant,
			command.modelsDir
		);
		await tagEach(files, models, io.stderr, (i, { tagged, error }) => {
			if (tagged) tracks.push({ file: files[i], ...tagged });
			else failures.push({ file: files[i], message: error });
		});
		if (tracks.length > 0) {
			const text = exportText(tracks, models.cards, command);
			await emit(io, command.out, text);
		}
	}
	io.stderr.write(
		`Tagged ${tracks.length} of ${files.length + problems.length} file(s) with ${modelNames} (${command.variant}).\n`
	);
	if (failures.length > 0) {
		io.stderr.write(`Skipped ${failures.length}:\n`);
		for (const f of failures) io.stderr.write(`  ${f.file}: ${f.message}\n`);
	}
	if (tracks.length > 0 && command.out) io.stderr.write(`Wrote ${command.out}\n`);
	return { exitCode: tracks.length > 0 ? 0 : 1, tracks, failures };
}
