/**
 * models/decisions/<id>.json (written by tools/models/decisions.ts) recounted from the MTG-Jamendo metadata in
 * ../shared/data/mtg-jamendo: the published thresholds and the training priors are what the files say, and the
 * built cards carry them unchanged.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTagList } from '../../src/lib/card/tag-list';
import { parseSplitTsv } from '../../src/lib/eval/split';
import type { ZooEntry } from '../../tools/models/build';
import {
	computeDecisions,
	decisionsDir,
	defaultDataDir,
	type ModelDecisions
} from '../../tools/models/decisions';
import { readModelIndex } from './helpers/models';

const zoo = (JSON.parse(readFileSync('models/zoo.json', 'utf8')) as { models: ZooEntry[] }).models;
const dataDir = defaultDataDir();
const committed = (id: string) =>
	JSON.parse(readFileSync(join(decisionsDir, `${id}.json`), 'utf8')) as ModelDecisions;
const index = readModelIndex();

describe('decisions recounted from the MTG-Jamendo metadata', () => {
	it.each(zoo.map((e) => [e.id, e] as const))(
		'%s: the committed file is what the sources give',
		async (id, entry) => {
			const tags = parseTagList(readFileSync(join('models', 'tags', `${entry.tags}.txt`), 'utf8'));
			expect(await computeDecisions(entry.tags, tags, dataDir)).toEqual(committed(id));
			const card = index.models.find((m) => m.id === id)!;
			expect(card.decision).toEqual(committed(id).decision);
			expect(card.priors).toEqual(committed(id).priors);
		}
	);

	it('mood/theme: the published thresholds line by line, priors counted by hand from the train split', () => {
		const { decision, priors } = committed('mtg-moodtheme-vggish');
		if (decision.rule !== 'thresholds' || !priors) throw new Error('expected thresholds and priors');
		const thresholdsFile = readFileSync(join(dataDir, 'baseline_vggish_thresholds.txt'));
		expect(decision.source.sha256).toBe(createHash('sha256').update(thresholdsFile).digest('hex'));
		const lines = thresholdsFile.toString('utf8').trim().split('\n');
		const card = index.models.find((m) => m.id === 'mtg-moodtheme-vggish')!;
		expect(lines).toHaveLength(card.tags.length);
		for (const line of lines) {
			const [tag, value] = line.split('\t');
			expect(decision.thresholds[card.tags.indexOf(tag)]).toBe(Number(value));
		}
		const train = parseSplitTsv(readFileSync(join(dataDir, 'autotagging_moodtheme-train.tsv'), 'utf8'));
		expect(priors.tracks).toBe(train.length);
		const film = train.filter((t) => t.tags.includes('mood/theme---film')).length;
		expect(priors.priors[card.tags.indexOf('mood/theme---film')]).toBe(film / train.length);
		expect(priors.source.file).toContain('data/splits/split-0/autotagging_moodtheme-train.tsv');
	});
});
