/**
 * `music-tagger evaluate`: a model (run live on the split's audio, or read from a saved `tag` export) and/or the
 * popularity baseline, scored on an MTG-Jamendo split with src/lib/eval.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
	evaluateModel,
	popularityScores,
	selectTags,
	type ModelEvaluation,
	type TrackScores
} from '$lib/eval/evaluate';
import { matchPredictions, parseSavedPredictions } from '$lib/eval/predictions';
import { parseSplitTsv, tagFrequencies, type SplitTrack } from '$lib/eval/split';
import { parseTagList } from '$lib/card/tag-list';
import type { EvaluateCommand } from './args';
import { writeAtomic } from '$lib/node/write-atomic';
import { checkOutputPath, defaultModelsDir, emit, packageVersion, type CliIO } from './io';
import { modelCards, tagFiles } from './taggers';
import { readIndexNode } from '$lib/model-files/read-node';
import { exportText } from './tag';
import type { ExportTrack } from '$lib/library/export';

export const popularityId = 'popularity';

/** One model's predictions for the split, before scoring. */
interface Predictions {
	model: string;
	/** The model's tags in output order. */
	tags: string[];
	scores: Map<string, TrackScores>;
	reasons: Map<string, string>;
}

export interface EvaluationDocument {
	app: 'music-tagger';
	version: string;
	split: string;
	splitTracks: number;
	/** Where the model scores came from. */
	source: { kind: 'model'; variant: string } | { kind: 'predictions'; file: string } | { kind: 'baseline' };
	models: ModelEvaluation[];
}

/** Runs the models on every split track (decoding each file once). */
async function runModels(
	ids: string[],
	command: EvaluateCommand,
	split: SplitTrack[],
	io: CliIO
): Promise<Predictions[]> {
	const cards = modelCards(await readIndexNode(command.modelsDir ?? defaultModelsDir), ids);
	const predictions: Predictions[] = cards.map((card) => ({
		model: card.id,
		tags: card.tags,
		scores: new Map(),
		reasons: new Map()
	}));
	const tagged: ExportTrack[] = []; // by file index (with several lanes, files finish out of order)
	const files = split.map((track) => join(command.audio!, track.path));
	// Scored as the upstream evaluation reads a track, so the numbers compare with the published metrics.
	const setup = { ids: cards.map((card) => card.id), variant: command.variant, modelsDir: command.modelsDir };
	await tagFiles(
		files,
		{ ...setup, scheme: 'upstream' },
		command.jobs,
		io.stderr,
		(i, { tagged: result, error }) => {
			const { trackId } = split[i];
			if (!result) {
				for (const p of predictions) p.reasons.set(trackId, error);
				return;
			}
			tagged[i] = { file: files[i], ...result };
			result.results.forEach((modelResult, m) => {
				const tags = cards[m].tags;
				predictions[m].scores.set(
					trackId,
					Object.fromEntries(tags.map((tag, t) => [tag, modelResult.probabilities[t]]))
				);
			});
		}
	);
	const saved = tagged.filter(Boolean);
	if (command.savePredictions && saved.length > 0) {
		// The same export `tag` writes, so the run can be re-scored later with --predictions.
		const text = exportText(saved, cards, { format: 'json', chunks: false });
		await writeAtomic(command.savePredictions, text);
		io.stderr.write(`Wrote ${command.savePredictions}\n`);
	}
	return predictions;
}

/** Reads the models' results for the split from a saved export. */
async function readPredictions(
	ids: string[],
	file: string,
	split: SplitTrack[],
	io: CliIO
): Promise<Predictions[]> {
	const saved = parseSavedPredictions(JSON.parse(await readFile(file, 'utf8')), file);
	const inFile = [...new Set(saved.tracks.flatMap((t) => t.results.map((r) => r.model)))];
	const wanted = ids.length > 0 ? ids : inFile;
	return wanted.map((model) => {
		if (!inFile.includes(model))
			throw new Error(`${file} has no results for "${model}" (it has: ${inFile.join(', ') || 'none'})`);
		const { scores, reasons, ambiguous } = matchPredictions(split, saved, model);
		if (ambiguous.length > 0) {
			io.stderr.write(
				`${model}: ${ambiguous.length} split track(s) match several files in ${file}; the first was used (e.g. ${ambiguous[0]}).\n`
			);
		}
		const first = saved.tracks.flatMap((t) => t.results).find((r) => r.model === model)!;
		return { model, tags: Object.keys(first.tags), scores, reasons };
	});
}

const number = (value: number, digits = 4) => (Number.isNaN(value) ? '–' : value.toFixed(digits));

function table(rows: string[][], rightAligned: (column: number) => boolean): string {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
	return rows
		.map((row) =>
			row
				.map((cell, c) => (rightAligned(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
				.join('  ')
				.trimEnd()
		)
		.join('\n');
}

/** The human-readable report: one summary row per model, then each model's per-tag scores and notes. */
export function formatEvaluation(doc: EvaluationDocument): string {
	const summary = [
		[
			'model',
			'tracks',
			'tags',
			'ROC-AUC macro',
			'PR-AUC macro',
			'ROC-AUC micro',
			'PR-AUC micro',
			'correct tag P'
		],
		...doc.models.map((m) => [
			m.model,
			String(m.tracks),
			`${m.macro.tags}/${m.tags}`,
			number(m.macro.rocAuc),
			number(m.macro.prAuc),
			number(m.micro.rocAuc),
			number(m.micro.prAuc),
			number(m.correctTagPrecision.value)
		])
	];
	const parts = [`${doc.split}: ${doc.splitTracks} tracks`, table(summary, (c) => c > 0)];
	for (const m of doc.models) {
		const perTag = [
			['tag', 'positives', 'ROC-AUC', 'PR-AUC'],
			...m.perTag.map((t) => [t.tag, String(t.positives), number(t.rocAuc), number(t.prAuc)])
		];
		parts.push(
			`\n${m.model}, per tag:`,
			table(perTag, (c) => c > 0)
		);
		const notes: string[] = [];
		if (m.skipped.length > 0)
			notes.push(`not in the macro means: ${m.skipped.map((s) => `${s.tag} (${s.reason})`).join(', ')}`);
		if (m.notInSplit.length > 0)
			notes.push(`model tags absent from the split, not evaluated: ${m.notInSplit.length}`);
		if (m.notInModel.length > 0)
			notes.push(`listed tags the model does not output: ${m.notInModel.join(', ')}`);
		if (m.missing.length > 0) notes.push(`tracks without a prediction, not scored: ${m.missing.length}`);
		notes.push(
			`correct tag precision over ${m.correctTagPrecision.tracks} track(s) with at least one evaluated tag`
		);
		parts.push(...notes.map((n) => `  ${n}`));
	}
	return parts.join('\n') + '\n';
}

export async function runEvaluate(
	command: EvaluateCommand,
	io: CliIO
): Promise<{ exitCode: number; document: EvaluationDocument }> {
	await checkOutputPath(command.out);
	await checkOutputPath(command.savePredictions);
	const split = parseSplitTsv(await readFile(command.split, 'utf8'), command.split);
	if (split.length === 0) throw new Error(`${command.split} lists no tracks`);
	const requested = command.tags ? parseTagList(await readFile(command.tags, 'utf8')) : undefined;
	const frequencies = command.train
		? tagFrequencies(parseSplitTsv(await readFile(command.train, 'utf8'), command.train))
		: undefined;

	const modelIds = command.models.filter((id) => id !== popularityId);
	const wantsPopularity = command.models.includes(popularityId);
	let predictions: Predictions[] = [];
	if (command.predictions) predictions = await readPredictions(modelIds, command.predictions, split, io);
	else if (modelIds.length > 0 || !wantsPopularity)
		predictions = await runModels(modelIds, command, split, io);

	if (wantsPopularity) {
		// Next to models, the baseline is scored on their tags and on the tracks they all scored, so the rows
		// compare; alone, on every tag seen in training and every split track.
		const tags =
			predictions.length > 0
				? [...new Set(predictions.flatMap((p) => p.tags))]
				: [...frequencies!.keys()].sort();
		const tracks = split.filter((t) => predictions.every((p) => p.scores.has(t.trackId)));
		const reasons = new Map(
			split.filter((t) => !tracks.includes(t)).map((t) => [t.trackId, 'not scored by every model'])
		);
		predictions.push({
			model: popularityId,
			tags,
			scores: popularityScores(tracks, frequencies!, tags),
			reasons
		});
	}

	const models = predictions.map((p) =>
		evaluateModel(p.model, split, p.scores, selectTags(p.tags, split, requested), p.reasons)
	);
	const document: EvaluationDocument = {
		app: 'music-tagger',
		version: packageVersion,
		split: command.split,
		splitTracks: split.length,
		source: command.predictions
			? { kind: 'predictions', file: command.predictions }
			: modelIds.length > 0 || !wantsPopularity
				? { kind: 'model', variant: command.variant }
				: { kind: 'baseline' },
		models
	};
	for (const m of models) {
		for (const t of m.missing.slice(0, 20))
			io.stderr.write(`${m.model}: ${t.trackId} (${t.path}) not scored: ${t.reason}\n`);
		if (m.missing.length > 20)
			io.stderr.write(`${m.model}: … and ${m.missing.length - 20} more tracks not scored\n`);
	}
	const json = JSON.stringify(document, null, '\t') + '\n';
	if (command.out) await emit(io, command.out, json);
	io.stdout.write(command.json ? json : formatEvaluation(document));
	return { exitCode: 0, document };
}
