/** Command-line arguments of `music-tagger tag` and `music-tagger evaluate` (node:util parseArgs, strict). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Variant } from '$lib/card/types';
import { trackSchemes, type TrackScheme } from '$lib/predictions/chunks';
import { defaultJobs } from './lanes';

export class UsageError extends Error {
	override name = 'UsageError';
}

export const usage = `Usage:
  music-tagger tag <files or folders...> [--model id[,id...]] [--format json|csv|csv-wide] [--out file]
                   [--scheme whole|upstream] [--chunks] [--variant fp32|int8] [--models-dir dir]
                   [--write-tags [--genre]] [--dry-run] [--undo] [--jobs n]
  music-tagger evaluate --split <split.tsv> (--audio <dir> | --predictions <export.json>)
                   [--model id[,id...]] [--train <train split.tsv>] [--tags <tag list>]
                   [--json] [--out file] [--save-predictions file] [--variant fp32|int8]
                   [--models-dir dir] [--jobs n]
  music-tagger convert <best_model.pth> --tags <mtat|msd|jamendo-top50|moodtheme|tag list file>
                   [--out dir] [--models-dir dir]
  music-tagger --help

tag        Tags audio files (folders are searched recursively for audio files) and writes the app's JSON
           export (or CSV: long, one row per tag; csv-wide, one row per track) to stdout or --out. Bad files
           are reported on stderr and skipped. --scheme whole (default): the track score is the mean over
           back-to-back windows covering the track; upstream: each model's upstream evaluation scheme.
           --write-tags writes the decided moods into each file (MOOD; --genre also appends GENRE) with a
           MUSIC_TAGGER record of the scores, after printing what changes; --dry-run prints that only.
           --undo puts back what the app changed in the named files (no model runs).
evaluate   Scores a model on an MTG-Jamendo split: ROC-AUC and PR-AUC (macro, micro, per tag) and correct tag
           precision. --predictions scores a saved \`tag\` export instead of running the model; the model id
           "popularity" is the training-frequency baseline (needs --train). --save-predictions keeps a live
           run's outputs as a \`tag\` export for later --predictions runs.
convert    Converts your own checkpoint of a sota-music-tagging-models architecture (or the MTG baseline),
           recognised from its state_dict, to ONNX (fp32 + int8) with a card, into --out/<id>/, and adds it to
           --out/index.json so \`tag --models-dir <out> --model <id>\` and \`evaluate\` use it. --tags names the
           output tags (a zoo list or a file, one tag per line, in output order). Default --out: --models-dir.

Defaults: --model = the card marked default in index.json, --variant int8 (as in the app),
--models-dir static/models of this installation, --format json, --scheme whole, --jobs = files tagged
side by side, each on its own thread with its own copy of the models: one per core, at most 4, one per
2 GB of memory (as the app's workers).`;

export interface CommonOptions {
	/** Model ids; empty = the default (see each command). */
	models: string[];
	variant: Variant;
	modelsDir?: string;
	out?: string;
	/** Files tagged side by side (src/cli/lanes.ts). */
	jobs: number;
}

export interface TagCommand extends CommonOptions {
	command: 'tag';
	inputs: string[];
	format: ExportFormat;
	scheme: TrackScheme;
	chunks: boolean;
	/** Tags written into the files (src/cli/write-tags.ts): 'write', 'dry-run' (preview only) or 'undo'. */
	fileTags?: 'write' | 'dry-run' | 'undo';
	/** With fileTags 'write' / 'dry-run': also append GENRE. */
	genres: boolean;
}

export const exportFormats = ['json', 'csv', 'csv-wide'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export interface EvaluateCommand extends CommonOptions {
	command: 'evaluate';
	split: string;
	audio?: string;
	predictions?: string;
	train?: string;
	tags?: string;
	json: boolean;
	/** Also write the model outputs of a live run as a `tag` export. */
	savePredictions?: string;
}

export interface ConvertCommand {
	command: 'convert';
	checkpoint: string;
	/** A zoo tag list name (or its short name) or a file with one tag per line. */
	tags: string;
	/** Where the model folder and index go (default: the models folder). */
	out?: string;
	/** The zoo's models folder (front-end parameters and tag lists come from its cards). */
	modelsDir?: string;
}

export type Command = TagCommand | EvaluateCommand | ConvertCommand | { command: 'help' };

const common = {
	model: { type: 'string', multiple: true },
	variant: { type: 'string', default: 'int8' },
	'models-dir': { type: 'string' },
	out: { type: 'string', short: 'o' },
	jobs: { type: 'string', short: 'j' },
	help: { type: 'boolean', short: 'h' }
} as const;

/** --jobs n: a whole number from 1 (default: defaultJobs()). */
function jobs(value: string | undefined): number {
	if (value === undefined) return defaultJobs();
	const n = Number(value);
	if (!Number.isInteger(n) || n < 1)
		throw new UsageError(`--jobs must be a whole number from 1 (got "${value}")`);
	return n;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
	if (!(allowed as readonly string[]).includes(value)) {
		throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
	}
	return value as T;
}

/** "--model a,b --model c" → [a, b, c] */
function modelIds(values: string[] | undefined): string[] {
	return (values ?? [])
		.flatMap((v) => v.split(','))
		.map((v) => v.trim())
		.filter((v) => v !== '');
}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
	try {
		return parseArgs({ args, options, allowPositionals: true as const, strict: true as const });
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

/** --write-tags, --dry-run, --undo → one mode (or none); contradictions are usage errors. */
function fileTagsMode(values: {
	'write-tags': boolean;
	'dry-run': boolean;
	undo: boolean;
	genre: boolean;
}): Pick<TagCommand, 'fileTags'> {
	if (values.undo && (values['write-tags'] || values['dry-run'] || values.genre))
		throw new UsageError('tag: --undo takes no --write-tags, --dry-run or --genre');
	if (values.genre && !values['write-tags'] && !values['dry-run'])
		throw new UsageError('tag: --genre goes with --write-tags or --dry-run');
	if (values.undo) return { fileTags: 'undo' };
	if (values['dry-run']) return { fileTags: 'dry-run' };
	return values['write-tags'] ? { fileTags: 'write' } : {};
}

export function parseCommand(argv: string[]): Command {
	const [command, ...rest] = argv;
	if (command === undefined || command === '--help' || command === '-h' || command === 'help')
		return { command: 'help' };
	if (command === 'tag') {
		const { values, positionals } = parse(rest, {
			...common,
			format: { type: 'string', default: 'json' },
			scheme: { type: 'string', default: 'whole' },
			chunks: { type: 'boolean', default: false },
			'write-tags': { type: 'boolean', default: false },
			'dry-run': { type: 'boolean', default: false },
			undo: { type: 'boolean', default: false },
			genre: { type: 'boolean', default: false }
		});
		if (values.help) return { command: 'help' };
		if (positionals.length === 0) throw new UsageError('tag: name at least one file or folder');
		return {
			command: 'tag',
			inputs: positionals,
			models: modelIds(values.model),
			variant: oneOf('variant', values.variant, ['fp32', 'int8'] as const),
			modelsDir: values['models-dir'],
			out: values.out,
			jobs: jobs(values.jobs),
			format: oneOf('format', values.format, exportFormats),
			scheme: oneOf('scheme', values.scheme, trackSchemes),
			chunks: values.chunks,
			...fileTagsMode(values),
			genres: values.genre
		};
	}
	if (command === 'evaluate') {
		const { values, positionals } = parse(rest, {
			...common,
			split: { type: 'string' },
			audio: { type: 'string' },
			predictions: { type: 'string' },
			train: { type: 'string' },
			tags: { type: 'string' },
			json: { type: 'boolean', default: false },
			'save-predictions': { type: 'string' }
		});
		if (values.help) return { command: 'help' };
		if (positionals.length > 0) throw new UsageError(`evaluate: unexpected argument "${positionals[0]}"`);
		if (!values.split) throw new UsageError('evaluate: --split <split.tsv> is required');
		const models = modelIds(values.model);
		const needsAudio = !values.predictions && (models.length === 0 || models.some((m) => m !== 'popularity'));
		if (needsAudio && !values.audio)
			throw new UsageError('evaluate: --audio <dir> is required to run a model (or give --predictions)');
		if (models.includes('popularity') && !values.train) {
			throw new UsageError('evaluate: the popularity baseline needs --train <train split.tsv>');
		}
		if (values['save-predictions'] && !needsAudio) {
			throw new UsageError('evaluate: --save-predictions needs a model run on --audio');
		}
		if (values.predictions && values.audio)
			throw new UsageError('evaluate: give --audio or --predictions, not both');
		return {
			command: 'evaluate',
			split: values.split,
			audio: values.audio,
			predictions: values.predictions,
			train: values.train,
			tags: values.tags,
			json: values.json,
			savePredictions: values['save-predictions'],
			models,
			variant: oneOf('variant', values.variant, ['fp32', 'int8'] as const),
			modelsDir: values['models-dir'],
			out: values.out,
			jobs: jobs(values.jobs)
		};
	}
	if (command === 'convert') {
		const { values, positionals } = parse(rest, {
			tags: { type: 'string' },
			out: { type: 'string', short: 'o' },
			'models-dir': { type: 'string' },
			help: { type: 'boolean', short: 'h' }
		});
		if (values.help) return { command: 'help' };
		if (positionals.length !== 1) throw new UsageError('convert: name one checkpoint file (best_model.pth)');
		if (!values.tags) throw new UsageError('convert: --tags <list name or file> is required');
		return {
			command: 'convert',
			checkpoint: positionals[0],
			tags: values.tags,
			out: values.out,
			modelsDir: values['models-dir']
		};
	}
	throw new UsageError(`unknown command "${command}" (expected tag, evaluate or convert)`);
}
