/** `music-tagger tag`: files and folders → the app's JSON export (or CSV, long or wide). */
import {
	buildCsvExport,
	buildJsonExport,
	buildWideCsvExport,
	type ExportTrack,
	type JsonExport
} from '$lib/library/export';
import type { ModelCard } from '$lib/card/types';
import type { ExportFormat, TagCommand } from './args';
import { discoverAudio } from './files';
import { checkOutputPath, defaultModelsDir, emit, packageVersion, type CliIO } from './io';
import { modelCards, tagFiles } from './taggers';
import { readIndexNode } from '$lib/model-files/read-node';
import { audioExtensions } from '$lib/audio/formats';
import { createFileWriter, reportWrites, snapshot, undoFiles } from './write-tags';

export interface TagRun {
	exitCode: number;
	tracks: ExportTrack[];
	failures: { file: string; message: string }[];
}

/** The export as written: JSON (without --chunks, the per-chunk outputs are left out) or CSV (long or wide). */
export function exportText(
	tracks: ExportTrack[],
	cards: readonly ModelCard[],
	options: { format: ExportFormat; chunks: boolean }
): string {
	const byId = Object.fromEntries(cards.map((card) => [card.id, card]));
	if (options.format === 'csv') return buildCsvExport(tracks, byId);
	if (options.format === 'csv-wide') return buildWideCsvExport(tracks, byId);
	const data: JsonExport = buildJsonExport(tracks, byId, packageVersion);
	const written = options.chunks
		? data
		: {
				...data,
				tracks: data.tracks.map((track) => ({
					...track,
					results: track.results.map((result) => {
						const { chunks, ...rest } = result;
						void chunks;
						return rest;
					})
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
	if (command.fileTags === 'undo')
		return {
			exitCode: Math.max(await undoFiles(files, io.stderr), problems.length > 0 ? 1 : 0),
			tracks: [],
			failures
		};
	// By file index: with several lanes, files finish out of order.
	const tagged: ExportTrack[] = [];
	const failed: { file: string; message: string }[] = [];
	const writeOptions = { dryRun: command.fileTags === 'dry-run', genres: command.genres };
	const writer = command.fileTags ? createFileWriter(cards, writeOptions, io.stderr) : undefined;
	// What each file was when the run began: one changed before its tags are written is skipped.
	const analysed = writer ? await Promise.all(files.map(snapshot)) : [];
	let writing = Promise.resolve();
	const setup = {
		ids: cards.map((card) => card.id),
		variant: command.variant,
		modelsDir: command.modelsDir,
		scheme: command.scheme
	};
	if (files.length > 0)
		await tagFiles(files, setup, command.jobs, io.stderr, (i, outcome) => {
			if (outcome.tagged) {
				const results = outcome.tagged.results;
				tagged[i] = { file: files[i], ...outcome.tagged };
				if (writer) writing = writing.then(() => writer.write(files[i], results, analysed[i]));
			} else failed[i] = { file: files[i], message: outcome.error };
		});
	await writing;
	const tracks = tagged.filter(Boolean);
	failures.push(...failed.filter(Boolean));
	if (tracks.length > 0) await emit(io, command.out, exportText(tracks, cards, command));
	io.stderr.write(
		`Tagged ${tracks.length} of ${files.length + problems.length} file(s) with ${modelNames} (${command.variant}).\n`
	);
	if (failures.length > 0) {
		io.stderr.write(`Skipped ${failures.length}:\n`);
		for (const f of failures) io.stderr.write(`  ${f.file}: ${f.message}\n`);
	}
	if (tracks.length > 0 && command.out) io.stderr.write(`Wrote ${command.out}\n`);
	if (writer) reportWrites(writer, writeOptions, io.stderr);
	return { exitCode: tracks.length > 0 ? 0 : 1, tracks, failures };
}
