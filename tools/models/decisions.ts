/**
 * Writes models/decisions/<id>.json for every zoo model: its decision rule and, for MTG-Jamendo models, each
 * tag's training prior, with provenance (upstream path, sha256 of the file read, how it was read). The numbers
 * are facts from the MTG-Jamendo metadata in $MTG_JAMENDO_DIR (default ../shared/data/mtg-jamendo, copied from
 * MTG/mtg-jamendo-dataset at 1b4fa8c); the TSVs themselves are never committed. `npm run models` copies the
 * files into the cards; tests/unit/models-decisions.test.ts recounts them from the same folder.
 *
 * Usage: tsx tools/models/decisions.ts
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { DecisionRule, FactSource, TagPriors } from '../../src/lib/card/types';
import { topKRule } from '../../src/lib/predictions/decide';
import { parseTagList } from '../../src/lib/card/tag-list';
import { parseSplitTsv } from '../../src/lib/eval/split';
import { writeAtomic } from '../../src/lib/node/write-atomic';
import { repoRoot, type ZooEntry } from './build';

export interface ModelDecisions {
	decision: DecisionRule;
	priors?: TagPriors;
}

export const decisionsDir = join(repoRoot, 'models', 'decisions');
export const defaultDataDir = () =>
	resolve(process.env.MTG_JAMENDO_DIR ?? join(repoRoot, '..', 'shared', 'data', 'mtg-jamendo'));

const upstream = 'MTG/mtg-jamendo-dataset@1b4fa8c';

/** What each tag list reads: the split whose tracks give the priors, and the published thresholds. */
const sources: Record<string, { train?: string; thresholds?: string }> = {
	'mtg-jamendo-moodtheme': {
		train: 'autotagging_moodtheme-train.tsv',
		thresholds: 'baseline_vggish_thresholds.txt'
	},
	'jamendo-top50': { train: 'autotagging_top50tags-train.tsv' }
};
const upstreamPath: Record<string, string> = {
	'autotagging_moodtheme-train.tsv': 'data/splits/split-0/autotagging_moodtheme-train.tsv',
	'autotagging_top50tags-train.tsv': 'data/splits/split-0/autotagging_top50tags-train.tsv',
	'baseline_vggish_thresholds.txt': 'results/mediaeval/baseline_vggish_thresholds.txt'
};

async function readSource(
	dataDir: string,
	name: string
): Promise<{ text: string; source: Omit<FactSource, 'method'> }> {
	const bytes = await readFile(join(dataDir, name));
	return {
		text: bytes.toString('utf8'),
		source: {
			file: `${upstream} ${upstreamPath[name]}`,
			sha256: createHash('sha256').update(bytes).digest('hex')
		}
	};
}

/** "tag<TAB>threshold" lines → thresholds in `tags` order; every tag must have one. */
function thresholdsFor(tags: readonly string[], text: string, name: string): number[] {
	const table = new Map(
		text
			.split(/\r?\n/)
			.filter((line) => line.trim() !== '')
			.map((line) => {
				const [tag, value] = line.split('\t');
				return [tag, Number(value)] as const;
			})
	);
	return tags.map((tag) => {
		const value = table.get(tag);
		if (value === undefined || !Number.isFinite(value)) throw new Error(`${name}: no threshold for ${tag}`);
		return value;
	});
}

/** The decisions of one model with these tags (in output order) from the tag list's sources. */
export async function computeDecisions(
	tagList: string,
	tags: readonly string[],
	dataDir = defaultDataDir()
): Promise<ModelDecisions> {
	const { train, thresholds } = sources[tagList] ?? {};
	let decision: DecisionRule = topKRule;
	if (thresholds) {
		const { text, source } = await readSource(dataDir, thresholds);
		decision = {
			rule: 'thresholds',
			thresholds: thresholdsFor(tags, text, thresholds),
			source: {
				...source,
				method: 'the threshold on each tag\'s line ("tag<TAB>threshold"), taken as published'
			}
		};
	}
	if (!train) return { decision };
	const { text, source } = await readSource(dataDir, train);
	const tracks = parseSplitTsv(text, train);
	const counts = new Map<string, number>();
	for (const track of tracks) for (const tag of track.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
	const missing = tags.filter((tag) => !counts.has(tag));
	if (missing.length) throw new Error(`${train}: no track carries ${missing.join(', ')}`);
	return {
		decision,
		priors: {
			priors: tags.map((tag) => counts.get(tag)! / tracks.length),
			tracks: tracks.length,
			source: {
				...source,
				method:
					'tracks whose TAGS include the tag / all tracks of the file (src/lib/eval/split.ts parseSplitTsv; a tag listed twice on a track counts once)'
			}
		}
	};
}

export async function writeDecisions(
	zoo: readonly ZooEntry[],
	dataDir = defaultDataDir()
): Promise<string[]> {
	const written: string[] = [];
	for (const entry of zoo) {
		const tags = parseTagList(await readFile(join(repoRoot, 'models', 'tags', `${entry.tags}.txt`), 'utf8'));
		const path = join(decisionsDir, `${entry.id}.json`);
		const json = JSON.stringify(await computeDecisions(entry.tags, tags, dataDir));
		// Written as the repository's formatter writes it, so `npm run lint` passes on a fresh run.
		await writeAtomic(path, await format(json, { ...(await resolveConfig(path)), filepath: path }));
		written.push(path);
	}
	return written;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
	const zoo = JSON.parse(await readFile(join(repoRoot, 'models', 'zoo.json'), 'utf8')) as {
		models: ZooEntry[];
	};
	for (const path of await writeDecisions(zoo.models))
		console.log(`wrote ${path.slice(repoRoot.length + 1)}`);
}
