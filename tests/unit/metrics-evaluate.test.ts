/** Split files, saved predictions, tag selection and per-model evaluation (src/lib/eval), without a model. */
import { describe, expect, it } from 'vitest';
import { evaluateModel, popularityScores, selectTags } from '../../src/lib/eval/evaluate';
import {
	matchPredictions,
	parseSavedPredictions,
	type SavedPredictions
} from '../../src/lib/eval/predictions';
import { parseSplitTsv, splitTags, tagFrequencies } from '../../src/lib/eval/split';
import { parseTagList } from '../../src/lib/card/tag-list';

const header = 'TRACK_ID\tARTIST_ID\tALBUM_ID\tPATH\tDURATION\tTAGS';
const tsv = (...rows: string[][]) => [header, ...rows.map((r) => r.join('\t'))].join('\n') + '\n';

describe('parseSplitTsv', () => {
	it('reads every field and the tab-separated tags to the end of the line', () => {
		const split = parseSplitTsv(
			tsv(
				[
					'track_0000948',
					'artist_000087',
					'album_000149',
					'48/948.mp3',
					'212.7',
					'genre---rock',
					'mood/theme---happy'
				],
				['track_0000950', 'artist_000087', 'album_000149', '50/950.mp3', '3.5', 'mood/theme---sad']
			)
		);
		expect(split).toEqual([
			{
				trackId: 'track_0000948',
				artistId: 'artist_000087',
				albumId: 'album_000149',
				path: '48/948.mp3',
				duration: 212.7,
				tags: ['genre---rock', 'mood/theme---happy']
			},
			{
				trackId: 'track_0000950',
				artistId: 'artist_000087',
				albumId: 'album_000149',
				path: '50/950.mp3',
				duration: 3.5,
				tags: ['mood/theme---sad']
			}
		]);
		expect(splitTags(split)).toEqual(['genre---rock', 'mood/theme---happy', 'mood/theme---sad']);
	});

	it('accepts CRLF and blank lines, a track without tags', () => {
		const text = `${header}\r\nt1\ta\tb\t1/1.mp3\t10\r\n\r\n`;
		expect(parseSplitTsv(text)).toEqual([
			{ trackId: 't1', artistId: 'a', albumId: 'b', path: '1/1.mp3', duration: 10, tags: [] }
		]);
	});

	it('rejects a wrong header, short rows, bad durations and duplicate ids, naming the line', () => {
		expect(() => parseSplitTsv('id\tpath\n')).toThrow(/header/);
		expect(() => parseSplitTsv(tsv(['t1', 'a', 'b', '1.mp3']), 'x.tsv')).toThrow(
			/x\.tsv:2: expected at least 5/
		);
		expect(() => parseSplitTsv(tsv(['t1', 'a', 'b', '1.mp3', 'long']))).toThrow(/DURATION "long"/);
		expect(() => parseSplitTsv(tsv(['t1', 'a', 'b', '1.mp3', '1'], ['t1', 'a', 'b', '2.mp3', '1']))).toThrow(
			/:3: t1 is listed twice/
		);
	});
});

describe('tag lists, popularity and tag selection', () => {
	const train = parseSplitTsv(
		tsv(
			['t1', 'a', 'b', '1.mp3', '1', 'x', 'y'],
			['t2', 'a', 'b', '2.mp3', '1', 'x'],
			['t3', 'a', 'b', '3.mp3', '1', 'x'],
			['t4', 'a', 'b', '4.mp3', '1', 'z']
		)
	);

	it('tag frequencies are shares of training tracks', () => {
		expect(Object.fromEntries(tagFrequencies(train))).toEqual({ x: 3 / 4, y: 1 / 4, z: 1 / 4 });
	});

	it('popularity gives every track the same scores, 0 for unseen tags', () => {
		const scores = popularityScores(train.slice(0, 2), tagFrequencies(train), ['y', 'w']);
		expect([...scores]).toEqual([
			['t1', { y: 0.25, w: 0 }],
			['t2', { y: 0.25, w: 0 }]
		]);
	});

	it('parseTagList skips blanks and comments', () => {
		expect(parseTagList('# tags\nx\n\n  y  \r\n')).toEqual(['x', 'y']);
	});

	it('model tags ∩ split tags by default; the listed tags the model has with --tags', () => {
		expect(selectTags(['w', 'x', 'y'], train)).toEqual({
			tags: ['x', 'y'],
			notInModel: [],
			notInSplit: ['w']
		});
		expect(selectTags(['w', 'x', 'y'], train, ['y', 'w', 'q'])).toEqual({
			tags: ['w', 'y'],
			notInModel: ['q'],
			notInSplit: []
		});
	});
});

describe('saved predictions', () => {
	const split = parseSplitTsv(
		tsv(
			['t1', 'a', 'b', '48/948.mp3', '1', 'x'],
			['t2', 'a', 'b', '50/950.mp3', '1', 'y'],
			['t3', 'a', 'b', '51/951.mp3', '1', 'x'],
			['t4', 'a', 'b', '52/952.mp3', '1', 'y']
		)
	);
	const saved: SavedPredictions = {
		app: 'music-tagger',
		version: '0.1.0',
		tracks: [
			{ file: '/data/audio/48/948.mp3', duration: 1, results: [{ model: 'm', tags: { x: 0.9, y: 0.1 } }] },
			// Only the file name: matched because 950.mp3 is unique on both sides.
			{ file: '950.mp3', duration: 1, results: [{ model: 'm', tags: { x: 0.2, y: 0.7 } }] },
			// Another model only.
			{ file: 'audio\\51\\951.mp3', duration: 1, results: [{ model: 'other', tags: { x: 0.5 } }] },
			// "952.mp3" ends the path but not at a folder boundary: no match.
			{ file: 'a/52/x952.mp3', duration: 1, results: [{ model: 'm', tags: { x: 0.5, y: 0.5 } }] }
		]
	};

	it('matches by path suffix at a folder boundary, or a unique file name', () => {
		const matched = matchPredictions(split, saved, 'm');
		expect([...matched.scores.keys()]).toEqual(['t1', 't2']);
		expect(Object.fromEntries(matched.reasons)).toEqual({
			t3: 'no m result in the predictions file',
			t4: 'not in the predictions file'
		});
		expect(matched.models).toEqual(['m', 'other']);
	});

	it('scores the matched tracks and lists the others as missing', () => {
		const matched = matchPredictions(split, saved, 'm');
		const evaluation = evaluateModel(
			'm',
			split,
			matched.scores,
			selectTags(['x', 'y'], split),
			matched.reasons
		);
		expect(evaluation.tracks).toBe(2);
		expect(evaluation.missing.map((m) => m.trackId)).toEqual(['t3', 't4']);
		// t1 is x (0.9 vs t2's 0.2), t2 is y (0.7 vs 0.1): both tags perfectly ranked.
		expect(evaluation.macro).toEqual({ rocAuc: 1, prAuc: 1, tags: 2 });
		expect(evaluation.correctTagPrecision).toEqual({ value: 1, tracks: 2 });
	});

	it('parseSavedPredictions accepts an export and names the first problem otherwise', () => {
		expect(parseSavedPredictions(JSON.parse(JSON.stringify(saved)))).toEqual(saved);
		expect(() => parseSavedPredictions({ app: 'other', version: '1', tracks: [] }, 'p.json')).toThrow(
			/p\.json .*"app" is "other"/
		);
		const bad = structuredClone(saved) as unknown as {
			tracks: { results: { tags: Record<string, unknown> }[] }[];
		};
		bad.tracks[1].results[0].tags.y = 'high';
		expect(() => parseSavedPredictions(bad)).toThrow(
			/tracks\[1\]\.results\[0\]\.tags\["y"\] is not a finite number/
		);
	});

	it('a model without any scored track, or without common tags, is an error', () => {
		expect(() => evaluateModel('m', split, new Map(), selectTags(['x'], split))).toThrow(
			/none of the 4 split tracks/
		);
		const matched = matchPredictions(split, saved, 'm');
		expect(() => evaluateModel('m', split, matched.scores, selectTags(['q'], split))).toThrow(
			/no tags to evaluate/
		);
	});
});
