/**
 * The library export builders (src/lib/library/export.ts) on real model outputs: the upstream reference
 * chunk outputs of every fixture clip, shaped as the pipeline's ModelResult.
 */
import { describe, expect, it } from 'vitest';
import {
	buildCsvExport,
	buildJsonExport,
	csvField,
	csvHeader,
	type ExportTrack
} from '../../src/lib/library/export';
import { filterTracks, allLabels } from '../../src/lib/library/filter';
import { meanOfChunks, moodGroupScores, displayTag } from '../../src/lib/predictions/aggregate';
import type { LibraryTrack } from '../../src/lib/library/types';
import type { ModelCard } from '../../src/lib/card/types';
import { fixtureClips, readModelReference } from './helpers/fixtures';
import { readModelIndex } from './helpers/models';

const index = readModelIndex();
const card = index.models.find((m) => m.default)!;
const tagLists = Object.fromEntries(index.models.map((m) => [m.id, m.tags]));
const referenceName = (c: ModelCard) => c.provenance.checkpoint.file.replace(/\.pth$/, '');

function trackOf(clip: string): LibraryTrack {
	const ref = readModelReference(clip, referenceName(card));
	const probabilities = meanOfChunks(ref.chunk_outputs);
	const duration = ref.input_samples / ref.sample_rate;
	return {
		id: clip,
		file: `${clip}/audio, "quoted".ogg`,
		bytes: 1,
		addedAt: 0,
		meta: { duration, sampleRate: ref.sample_rate, channels: 1 },
		mels: {},
		results: [
			{
				model: card.id,
				variant: 'int8',
				backend: 'wasm',
				probabilities,
				chunks: ref.chunk_outputs,
				chunkStarts: [0],
				taggram: { starts: [0], outputs: ref.chunk_outputs },
				groups: moodGroupScores(card, probabilities),
				timings: { resample: 0, mel: 0, inference: 0 }
			}
		]
	};
}

const clips = fixtureClips();
const tracks = clips.map(trackOf);
const exportTracks: ExportTrack[] = tracks.map((t) => ({
	file: t.file,
	duration: t.meta.duration,
	results: t.results
}));

describe('JSON export', () => {
	const json = buildJsonExport(exportTracks, tagLists, '1.2.3');
	it('follows the documented schema, tags keyed by full name in card order', () => {
		expect(json.app).toBe('music-tagger');
		expect(json.version).toBe('1.2.3');
		expect(json.tracks).toHaveLength(clips.length);
		json.tracks.forEach((track, i) => {
			expect(Object.keys(track).sort()).toEqual(['duration', 'file', 'results']);
			expect(track.file).toBe(tracks[i].file);
			const [result] = track.results;
			expect(Object.keys(result).sort()).toEqual(['chunks', 'model', 'tags']);
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
	const csv = buildCsvExport(exportTracks, tagLists);
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
				card.tags[0],
				tracks[0].results[0].probabilities[0].toFixed(6)
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

describe('library filter', () => {
	it('finds tracks by a tag above the threshold and by mood group', () => {
		const track = tracks[0];
		const probabilities = track.results[0].probabilities;
		const best = probabilities.indexOf(Math.max(...probabilities));
		const label = displayTag(card.tags[best]);
		const threshold = probabilities[best];
		const hits = filterTracks(tracks, { text: '', label, threshold }, tagLists);
		expect(hits.map((t) => t.id)).toContain(track.id);
		for (const hit of hits) expect(hit.results[0].probabilities[best]).toBeGreaterThanOrEqual(threshold);
		const above = filterTracks(tracks, { text: '', label, threshold: threshold + 1e-6 }, tagLists);
		expect(above.map((t) => t.id)).not.toContain(track.id);
		const [group, score] = Object.entries(track.results[0].groups!).sort((a, b) => b[1] - a[1])[0];
		expect(
			filterTracks(tracks, { text: group, label: '', threshold: score }, tagLists).map((t) => t.id)
		).toContain(track.id);
		expect(allLabels(tracks, tagLists)).toContain(group);
	});
	it('searches file names', () => {
		expect(
			filterTracks(tracks, { text: clips[1], label: '', threshold: 1 }, tagLists).map((t) => t.id)
		).toEqual([clips[1]]);
	});
});
