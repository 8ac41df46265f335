/**
 * The library export builders (src/lib/library/export.ts) on real model outputs: the upstream reference
 * chunk outputs of every fixture clip, shaped as the pipeline's ModelResult.
 */
import { describe, expect, it } from 'vitest';
import {
	buildCsvExport,
	buildJsonExport,
	buildWideCsvExport,
	csvField,
	csvHeader,
	wideCsvHeader,
	type ExportTrack
} from '../../src/lib/library/export';
import { appliedTags, decideGroups } from '../../src/lib/predictions/decide';
import { tagLabel } from '../../src/lib/card/labels';
import { fixtureClips } from './helpers/fixtures';
import { referenceTrack } from './helpers/library-tracks';
import { readModelIndex } from './helpers/models';

const index = readModelIndex();
const card = index.models.find((m) => m.default)!;
const cards = Object.fromEntries(index.models.map((m) => [m.id, m]));

const clips = fixtureClips();
const tracks = clips.map((clip) => referenceTrack(clip, [card], `${clip}/audio, "quoted".ogg`));
const exportTracks: ExportTrack[] = tracks.map((t, i) => ({
	file: t.file,
	duration: t.meta.duration,
	...(i === 0 ? { title: '=cmd|calc', artist: 'Artist, "A"', album: 'Album' } : {}),
	results: t.results
}));

describe('JSON export', () => {
	const json = buildJsonExport(exportTracks, cards, '1.2.3');
	it('follows the documented schema, tags keyed by full name in card order', () => {
		expect(json.app).toBe('music-tagger');
		expect(json.version).toBe('1.2.3');
		expect(json.tracks).toHaveLength(clips.length);
		json.tracks.forEach((track, i) => {
			expect(Object.keys(track).sort()).toEqual(
				i === 0
					? ['album', 'artist', 'duration', 'file', 'results', 'title']
					: ['duration', 'file', 'results']
			);
			expect(track.file).toBe(tracks[i].file);
			const [result] = track.results;
			expect(Object.keys(result).sort()).toEqual([
				'chunks',
				'decided',
				'decidedGroups',
				'groups',
				'model',
				'scheme',
				'tags'
			]);
			expect(result.scheme).toBe('upstream');
			const p = tracks[i].results[0].probabilities;
			expect(result.decided).toEqual(appliedTags(card, p).map((d) => d.tag));
			expect(result.decidedGroups).toEqual(
				decideGroups(card, p)!
					.filter((g) => g.applies)
					.map((g) => g.name)
			);
			expect(result.groups).toEqual(tracks[i].results[0].groups);
			expect(Object.keys(result.tags)).toEqual(card.tags);
			expect(Object.values(result.tags)).toEqual(tracks[i].results[0].probabilities);
			expect(result.chunks).toEqual(tracks[i].results[0].chunks);
		});
	});
	it('refuses a result whose model has no tag list', () => {
		expect(() => buildJsonExport(exportTracks, {}, '0')).toThrow(/no tag list/);
	});
});

describe('CSV export', () => {
	const csv = buildCsvExport(exportTracks, cards);
	const lines = csv.trimEnd().split('\r\n');
	it('has one row per track × model × tag after the header', () => {
		expect(lines[0]).toBe(csvHeader.join(','));
		expect(lines).toHaveLength(1 + clips.length * card.tags.length);
		expect(lines[1]).toBe(
			[
				csvField(tracks[0].file),
				tracks[0].meta.duration,
				card.id,
				'int8',
				'upstream',
				card.tags[0],
				tracks[0].results[0].probabilities[0].toFixed(6),
				appliedTags(card, tracks[0].results[0].probabilities).some((d) => d.tag === card.tags[0]) ? 1 : 0
			].join(',')
		);
	});
	it('quotes fields with commas and quotes (RFC 4180)', () => {
		expect(csvField('a, "b"')).toBe('"a, ""b"""');
		expect(csvField('plain')).toBe('plain');
	});

	it('neutralises formula injection in text cells (OWASP), not in numbers', () => {
		for (const start of ['=', '+', '-', '@', '\t', '\r'])
			expect(csvField(`${start}HYPERLINK("http://x")`)).toMatch(/^"?'/);
		expect(csvField('=1+1')).toBe("'=1+1");
		expect(csvField(-0.5)).toBe('-0.5');
		expect(csvField('a-b.mp3')).toBe('a-b.mp3');
	});
});

describe('wide CSV export', () => {
	const rows = buildWideCsvExport(exportTracks, cards).trimEnd().split('\r\n');
	it('one row per track: metadata, scheme, decided moods and tags, then one column per tag', () => {
		expect(rows).toHaveLength(1 + clips.length);
		expect(rows[0]).toBe([...wideCsvHeader, ...card.tags.map((t) => tagLabel(t).label)].join(','));
		tracks.forEach((track, i) => {
			const p = track.results[0].probabilities;
			const moods = decideGroups(card, p)!
				.filter((g) => g.applies)
				.map((g) => g.name)
				.join('; ');
			const tags = appliedTags(card, p)
				.map((d) => d.label)
				.join('; ');
			// Title, artist, album go through the same neutralisation and quoting as every text cell.
			const meta = i === 0 ? ["'=cmd|calc", '"Artist, ""A"""', 'Album'] : ['', '', ''];
			expect(rows[i + 1]).toBe(
				[
					csvField(track.file),
					...meta,
					track.meta.duration,
					'upstream',
					csvField(moods),
					csvField(tags),
					...p.map((x) => x.toFixed(6))
				].join(',')
			);
		});
	});
	it('heads the columns `<model>: <label>` and leaves cells empty where a track lacks a model', () => {
		const other = index.models.find((m) => m.id === 'mtat-musicnn')!;
		const mixed: ExportTrack[] = [
			exportTracks[0],
			{
				file: 'b.ogg',
				duration: 1,
				results: [
					{ model: other.id, variant: 'int8', probabilities: other.tags.map((_, i) => i / 100), chunks: [] }
				]
			}
		];
		const [header, first, second] = buildWideCsvExport(mixed, cards).trimEnd().split('\r\n');
		expect(header.split(',')).toContain(`${other.id}: No vocals`);
		expect(header.split(',')).toContain(`${card.id}: Film`);
		expect(first.endsWith(','.repeat(other.tags.length))).toBe(true);
		// A result without a scheme was stored before the field existed, i.e. upstream.
		expect(second.split(',')[5]).toBe('upstream');
		// Top-k: the three most probable of MTAT's 50 tags (the last three of the list here).
		expect(second.split(',')[7]).toBe(
			other.tags
				.slice(-3)
				.reverse()
				.map((t) => tagLabel(t).label)
				.join('; ')
		);
	});
});
