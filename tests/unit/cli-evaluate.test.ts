/**
 * `music-tagger evaluate` on a small generated labelled set: the two public Debian fixture clips copied under
 * several MTG-Jamendo-style track ids, plus a zero-byte file, with a split TSV and a training split.
 *
 * The labels are chosen so every expected number can be derived by hand from the fixture references
 * (mtg-vggish-moodtheme.json, chunk_outputs[0]); the margins the derivation relies on are asserted first.
 *   A = wesnoth-battle-epic (tracks 1, 2), B = lincity-pronobozo-lincity (tracks 3, 4), M = empty file (track 5)
 *   1: film, epic, soundscape   2: film, epic   3: energetic, soundscape   4: energetic   5: happy
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { runEvaluate, type EvaluationDocument } from '../../src/cli/evaluate';
import { parseCommand, type EvaluateCommand } from '../../src/cli/args';
import type { ModelEvaluation } from '../../src/lib/eval/evaluate';
import { clipFile, readModelReference } from './helpers/fixtures';
import { captureIO, runBin } from './cli-helpers';

const tag = (name: string) => `mood/theme---${name}`;
const header = 'TRACK_ID\tARTIST_ID\tALBUM_ID\tPATH\tDURATION\tTAGS';
const row = (id: number, path: string, tags: string[]) =>
	[
		`track_${String(id).padStart(7, '0')}`,
		'artist_000001',
		'album_000001',
		path,
		'30.0',
		...tags.map(tag)
	].join('\t');

const work = mkdtempSync(join(tmpdir(), 'music-tagger-evaluate-'));
const audio = join(work, 'audio');
const testSplit = join(work, 'autotagging_moodtheme-test.tsv');
const trainSplit = join(work, 'autotagging_moodtheme-train.tsv');

beforeAll(() => {
	for (const folder of ['00', '01', '02']) mkdirSync(join(audio, folder), { recursive: true });
	// Debian clips (GPL) may be copied; the MagnaTagATune clip is not used here.
	copyFileSync(clipFile('wesnoth-battle-epic', 'audio.ogg'), join(audio, '00', '1.ogg'));
	copyFileSync(clipFile('wesnoth-battle-epic', 'audio.ogg'), join(audio, '00', '2.ogg'));
	copyFileSync(clipFile('lincity-pronobozo-lincity', 'audio.ogg'), join(audio, '01', '3.ogg'));
	copyFileSync(clipFile('lincity-pronobozo-lincity', 'audio.ogg'), join(audio, '01', '4.ogg'));
	writeFileSync(join(audio, '02', '5.mp3'), '');
	writeFileSync(
		testSplit,
		[
			header,
			row(1, '00/1.ogg', ['film', 'epic', 'soundscape']),
			row(2, '00/2.ogg', ['film', 'epic']),
			row(3, '01/3.ogg', ['energetic', 'soundscape']),
			row(4, '01/4.ogg', ['energetic']),
			row(5, '02/5.mp3', ['happy'])
		].join('\n') + '\n'
	);
	// Training frequencies: film 3/4, energetic 2/4, epic 1/4.
	writeFileSync(
		trainSplit,
		[
			header,
			row(11, 'x/11.mp3', ['film', 'energetic']),
			row(12, 'x/12.mp3', ['film', 'epic']),
			row(13, 'x/13.mp3', ['film']),
			row(14, 'x/14.mp3', ['energetic'])
		].join('\n') + '\n'
	);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Rounded to 12 decimals: sums of fractions like 2/5 are not exact in binary. */
const round = (x: number) => Math.round(x * 1e12) / 1e12;
const byTag = (m: ModelEvaluation) =>
	Object.fromEntries(
		m.perTag.map((t) => [t.tag.replace('mood/theme---', ''), [round(t.rocAuc), round(t.prAuc)]])
	);

describe('the popularity baseline alone (no model, no audio)', () => {
	// Evaluated tags: those seen in training that occur in the split: energetic, epic, film. All 5 tracks scored
	// (no audio needed); every track gets film .75 > energetic .5 > epic .25.
	it('in process', async () => {
		const io = captureIO();
		const command = parseCommand([
			'evaluate',
			'--split',
			testSplit,
			'--model',
			'popularity',
			'--train',
			trainSplit
		]) as EvaluateCommand;
		const { document } = await runEvaluate(command, io);
		const [m] = document.models;
		expect(m.model).toBe('popularity');
		expect(m.tracks).toBe(5);
		expect(m.tagList).toEqual([tag('energetic'), tag('epic'), tag('film')]);
		// Constant scores: every tag ties all its pairs (AUC ½); AP = prevalence = 2 of 5 tracks for each tag.
		expect(byTag(m)).toEqual({ energetic: [0.5, 0.4], epic: [0.5, 0.4], film: [0.5, 0.4] });
		expect({ ...m.macro, prAuc: round(m.macro.prAuc) }).toEqual({ rocAuc: 0.5, prAuc: 0.4, tags: 3 });
		// Micro, 15 pairs (6 +, 9 −): film + (2) beat 6 − and tie 3 → 7.5 each; energetic + beat 3, tie 3 → 4.5;
		// epic + tie 3 → 1.5: (15 + 9 + 3) / 54 = ½. AP: each score level adds ⅓ recall at precision 2/5 → 0.4.
		expect(m.micro.rocAuc).toBeCloseTo(0.5, 12);
		expect(m.micro.prAuc).toBeCloseTo(0.4, 12);
		// Top 2 for tracks 1, 2 ({film, epic}) = film, energetic → ½ each; top 1 for 3, 4 ({energetic}) = film → 0;
		// track 5 has no evaluated tag. (½ + ½ + 0 + 0) / 4.
		expect(m.correctTagPrecision).toEqual({ value: 0.25, tracks: 4 });
		expect(io.out()).toMatch(/popularity\s+5\s+3\/3\s+0\.5000\s+0\.4000\s+0\.5000\s+0\.4000\s+0\.2500/);
	});

	it('through node bin/music-tagger.js --json, with --out', async () => {
		const out = join(work, 'popularity.json');
		const run = await runBin([
			'evaluate',
			'--split',
			testSplit,
			'--model',
			'popularity',
			'--train',
			trainSplit,
			'--json',
			'--out',
			out
		]);
		expect(run.code).toBe(0);
		const printed = JSON.parse(run.stdout) as EvaluationDocument;
		expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(printed);
		expect(printed.models[0]).toMatchObject({
			model: 'popularity',
			macro: { rocAuc: 0.5 },
			correctTagPrecision: { value: 0.25 }
		});
		expect(printed.models[0].macro.prAuc).toBeCloseTo(0.4, 12);
	});
});

describe('saved predictions (--predictions), with --tags', () => {
	it('scores an export, lists unmatched tracks, and restricts to the listed tags', async () => {
		const predictions = join(work, 'saved.json');
		const tags = join(work, 'tags.txt');
		// Hand-made scores: film ranks track 1 above 2 above 3, 4 (tie); energetic is reversed for 3 vs 4.
		const track = (file: string, film: number, energetic: number) => ({
			file,
			duration: 30,
			results: [
				{ model: 'm', tags: { [tag('film')]: film, [tag('energetic')]: energetic, [tag('epic')]: 0.5 } }
			]
		});
		writeFileSync(
			predictions,
			JSON.stringify({
				app: 'music-tagger',
				version: '0.1.0',
				tracks: [
					track('audio/00/1.ogg', 0.9, 0.1),
					track('audio/00/2.ogg', 0.8, 0.2),
					track('/x/01/3.ogg', 0.3, 0.4),
					track('01/4.ogg', 0.3, 0.6)
				]
			})
		);
		writeFileSync(tags, `${tag('film')}\n${tag('energetic')}\n${tag('nonexistent')}\n`);
		const io = captureIO();
		const code = await main(
			['evaluate', '--split', testSplit, '--predictions', predictions, '--tags', tags, '--json'],
			io
		);
		expect(code).toBe(0);
		const [m] = (JSON.parse(io.out()) as EvaluationDocument).models;
		expect(m.tracks).toBe(4);
		expect(m.missing).toEqual([
			{ trackId: 'track_0000005', path: '02/5.mp3', reason: 'not in the predictions file' }
		]);
		expect(m.notInModel).toEqual([tag('nonexistent')]);
		// Model order of the export: film, energetic. film: + {0.9, 0.8} above − {0.3, 0.3}: 1, 1.
		// energetic: + {0.4, 0.6} above − {0.1, 0.2}: 1, 1.
		expect(byTag(m)).toEqual({ film: [1, 1], energetic: [1, 1] });
		// Tracks 1, 2: top 1 of {film, energetic} is film ✓; tracks 3, 4: energetic (0.4 > 0.3, 0.6 > 0.3) ✓.
		expect(m.correctTagPrecision).toEqual({ value: 1, tracks: 4 });
		expect(io.err()).toContain('track_0000005 (02/5.mp3) not scored: not in the predictions file');
	});

	it('fails clearly on a model the file does not have, or a file that is not an export', async () => {
		const io = captureIO();
		expect(
			await main(
				['evaluate', '--split', testSplit, '--predictions', join(work, 'saved.json'), '--model', 'other'],
				io
			)
		).toBe(1);
		expect(io.err()).toMatch(/has no results for "other" \(it has: m\)/);
		const notExport = join(work, 'not-export.json');
		writeFileSync(notExport, '{"tracks": []}');
		expect(await main(['evaluate', '--split', testSplit, '--predictions', notExport], io)).toBe(1);
		expect(io.err()).toMatch(/not-export\.json is not a music-tagger export: "app"/);
	});
});

describe('the default model on the audio, next to the popularity baseline', () => {
	const a = readModelReference('wesnoth-battle-epic', 'mtg-vggish-moodtheme');
	const b = readModelReference('lincity-pronobozo-lincity', 'mtg-vggish-moodtheme');
	const ref = (r: typeof a, name: string) => r.chunk_outputs[0][r.tags.indexOf(tag(name))];

	it('the fixture margins the hand derivation relies on (≫ the 0.02 pipeline tolerance)', () => {
		expect(ref(a, 'film') - ref(b, 'film')).toBeGreaterThan(0.1); // film: A above B
		expect(ref(a, 'epic') - ref(b, 'epic')).toBeGreaterThan(0.1); // epic: A above B
		expect(ref(b, 'energetic') - ref(a, 'energetic')).toBeGreaterThan(0.05); // energetic: B above A
		expect(ref(a, 'soundscape') - ref(b, 'soundscape')).toBeGreaterThan(0.05); // soundscape: A ≠ B
		// A's ranking of the 5 evaluated tags: film > epic > soundscape > the rest.
		expect(ref(a, 'epic') - ref(a, 'soundscape')).toBeGreaterThan(0.1);
		expect(ref(a, 'soundscape') - Math.max(ref(a, 'energetic'), ref(a, 'happy'))).toBeGreaterThan(0.1);
		// B's: energetic > film > the rest.
		expect(ref(b, 'energetic') - ref(b, 'film')).toBeGreaterThan(0.05);
		expect(ref(b, 'film') - Math.max(ref(b, 'epic'), ref(b, 'soundscape'), ref(b, 'happy'))).toBeGreaterThan(
			0.02
		);
	});

	let live: EvaluationDocument;
	const livePredictions = join(work, 'live-predictions.json');
	it('runs the model on every track, skips the empty file, and reports the hand-derived metrics', async () => {
		const io = captureIO();
		const command = parseCommand([
			'evaluate',
			'--split',
			testSplit,
			'--audio',
			audio,
			'--model',
			'mtg-moodtheme-vggish,popularity',
			'--train',
			trainSplit,
			'--save-predictions',
			livePredictions
		]) as EvaluateCommand;
		live = (await runEvaluate(command, io)).document;
		const [model, popularity] = live.models;

		expect(model.model).toBe('mtg-moodtheme-vggish');
		expect(model.tracks).toBe(4);
		expect(model.missing).toHaveLength(1);
		expect(model.missing[0]).toMatchObject({ trackId: 'track_0000005' });
		expect(io.err()).toMatch(/02\/5\.mp3: skipped: .*empty/);
		expect(model.tagList).toEqual(['energetic', 'epic', 'film', 'happy', 'soundscape'].map(tag));
		// film, epic: + = A copies above − = B copies; energetic: B above A → 1, 1.
		// soundscape: + {A, B}, − {A, B}: each + ties its own copy (½) and beats or loses to the other → 2 of 4;
		// AP: the A level holds 1 + and 1 − (P ½, R ½), then B the same (P 2/4) → ½.
		const perTag = byTag(model);
		expect(perTag.film).toEqual([1, 1]);
		expect(perTag.epic).toEqual([1, 1]);
		expect(perTag.energetic).toEqual([1, 1]);
		expect(perTag.soundscape).toEqual([0.5, 0.5]);
		// happy's only positive (track 5) was not scored.
		expect(model.skipped).toEqual([{ tag: tag('happy'), reason: 'no positives' }]);
		expect(model.macro.rocAuc).toBeCloseTo(3.5 / 4, 12);
		expect(model.macro.prAuc).toBeCloseTo(3.5 / 4, 12);
		// Track 1: top 3 = film, epic, soundscape ✓✓✓; 2: film, epic ✓✓; 3: top 2 = energetic ✓, film ✗;
		// 4: energetic ✓ → (1 + 1 + ½ + 1) / 4.
		expect(model.correctTagPrecision.value).toBeCloseTo(3.5 / 4, 12);

		// The baseline on the same 4 tracks and 5 tags: AUC ½ everywhere, AP = prevalence 2/4.
		expect(popularity.tracks).toBe(4);
		expect(popularity.tagList).toEqual(model.tagList);
		expect(popularity.macro.rocAuc).toBe(0.5);
		expect(popularity.macro.prAuc).toBeCloseTo(0.5, 12);
		// Ranking film .75, energetic .5, epic .25, happy 0, soundscape 0 (tie: tag order). Track 1 top 3 = film,
		// energetic, epic: ⅔; 2: film, energetic: ½; 3: film, energetic: ½; 4: film: 0 → (⅔ + ½ + ½) / 4 = 5/12.
		expect(popularity.correctTagPrecision.value).toBeCloseTo(5 / 12, 12);
	});

	it('scoring the `tag` export of the same folder gives the same numbers', async () => {
		const exported = join(work, 'tagged.json');
		// evaluate runs the upstream scheme; the export must be scored on the same one.
		const tagged = await runBin(['tag', audio, '--scheme', 'upstream', '--out', exported]);
		expect(tagged.code).toBe(0);
		const run = await runBin([
			'evaluate',
			'--split',
			testSplit,
			'--predictions',
			exported,
			'--train',
			trainSplit,
			'--model',
			'mtg-moodtheme-vggish,popularity',
			'--json'
		]);
		expect(run.code).toBe(0);
		const saved = JSON.parse(run.stdout) as EvaluationDocument;
		const metrics = (m: ModelEvaluation) => ({ ...m, missing: m.missing.map((t) => t.trackId) });
		// Through JSON, as printed: NaN (undefined per-tag scores) becomes null.
		const printedLive = JSON.parse(JSON.stringify(live)) as EvaluationDocument;
		expect(saved.models.map(metrics)).toEqual(printedLive.models.map(metrics));

		// The live run's --save-predictions file is such an export too, with the same numbers.
		const io = captureIO();
		const rescored = [
			'evaluate',
			'--split',
			testSplit,
			'--predictions',
			livePredictions,
			'--json',
			'--train',
			trainSplit,
			'--model',
			'mtg-moodtheme-vggish,popularity'
		];
		expect(await main(rescored, io)).toBe(0);
		expect((JSON.parse(io.out()) as EvaluationDocument).models.map(metrics)).toEqual(
			printedLive.models.map(metrics)
		);
	});
});
