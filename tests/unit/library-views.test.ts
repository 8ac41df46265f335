/**
 * Pure helpers behind the library views: merging a second model's result into a track, finding an identical
 * file by its content hash, and the display mel (max-pooled frames) on a real model input mel from the fixtures.
 */
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sameContent, withResults } from '../../src/lib/library/merge';
import { contentHash } from '../../src/lib/library/content-hash';
import { clipAudioFile } from '../../tools/fixtures';
import { downsampleMel } from '../../src/lib/features/display-mel';
import { timeEdges, timeTicks } from '../../src/lib/ui/heatmap';
import { describeScheme } from '../../src/lib/ui/format';
import { readModelIndex } from './helpers/models';
import type { LibraryTrack } from '../../src/lib/library/types';
import type { ModelResult } from '../../src/lib/pipeline/types';
import { fixtureClips, readModelReference, readReferenceMel } from './helpers/fixtures';

const clip = fixtureClips()[0];
const reference = readModelReference(clip, 'mtg-vggish-moodtheme');
const mel = readReferenceMel(clip, reference);

function resultOf(model: string, probabilities: number[]): ModelResult {
	return {
		model,
		variant: 'int8',
		backend: 'wasm',
		probabilities,
		chunks: [probabilities],
		chunkStarts: [0],
		taggram: { starts: [0], outputs: [probabilities] },
		timings: { resample: 0, mel: 0, inference: 0 }
	};
}

const track: LibraryTrack = {
	id: 't',
	file: `${clip}.ogg`,
	bytes: 1,
	addedAt: 0,
	meta: { duration: 30, sampleRate: 44100, channels: 2 },
	results: [resultOf('a', reference.chunk_outputs[0])],
	mels: {}
};

describe('withResults', () => {
	it('adds a new model next to the existing one and replaces a re-run model', () => {
		const added = withResults(track, [resultOf('b', [0.5])], {});
		expect(added.results.map((r) => r.model)).toEqual(['a', 'b']);
		const rerun = withResults(added, [resultOf('a', [0.25])], {});
		expect(rerun.results.map((r) => r.model)).toEqual(['b', 'a']);
		expect(rerun.results[1].probabilities).toEqual([0.25]);
		expect(track.results).toHaveLength(1); // the input is not mutated
	});
});

describe('identical files', () => {
	it('contentHash is the SHA-256 of the bytes, streamed over slices (a file larger than one slice)', async () => {
		const bytes = readFileSync(clipAudioFile(clip));
		const twice = Buffer.concat([bytes, bytes, bytes, bytes]); // > 1 MiB: several slices
		for (const b of [bytes, twice, Buffer.alloc(0)])
			expect(await contentHash(new Blob([b]))).toBe(createHash('sha256').update(b).digest('hex'));
	});
	it('sameContent finds a track with the same bytes and a result of every model under the scheme', () => {
		const hashed: LibraryTrack = { ...track, sha256: 'abc' };
		const whole = { ...resultOf('a', [0.5]), scheme: 'whole' as const };
		const withWhole = { ...hashed, results: [whole] };
		expect(sameContent([withWhole], 'abc', ['a'], 'whole')).toBe(withWhole);
		expect(sameContent([withWhole], 'abd', ['a'], 'whole')).toBeUndefined();
		expect(sameContent([withWhole], 'abc', ['a', 'b'], 'whole')).toBeUndefined();
		// A result without a scheme was computed with the upstream one: not the same numbers.
		expect(sameContent([hashed], 'abc', ['a'], 'whole')).toBeUndefined();
		expect(sameContent([hashed], 'abc', ['a'], 'upstream')).toBe(hashed);
		expect(sameContent([track], 'abc', ['a'], 'upstream')).toBeUndefined();
	});
});

describe('downsampleMel', () => {
	const [bands, frames] = mel.shape;
	it('max-pools frames to the display width and keeps every band', () => {
		const small = downsampleMel(mel.data, bands, { start: 0.5, seconds: 29.1 }, 512);
		expect(small.nMels).toBe(bands);
		expect(small.frames).toBe(512);
		expect(small.data).toHaveLength(bands * 512);
		expect([small.start, small.seconds]).toEqual([0.5, 29.1]);
		for (const b of [0, bands >> 1, bands - 1]) {
			const row = mel.data.subarray(b * frames, (b + 1) * frames);
			const pooled = small.data.subarray(b * 512, (b + 1) * 512);
			expect(Math.max(...pooled)).toBe(Math.max(...row));
			expect(pooled[0]).toBe(Math.max(row[0], row[1]));
		}
	});
	it('keeps a mel that is already narrow as it is', () => {
		const same = downsampleMel(mel.data, bands, { start: 0.5, seconds: 29.1 }, frames + 10);
		expect(same.frames).toBe(frames);
		expect(same.data).toEqual(mel.data);
	});
});

describe('timeEdges', () => {
	it('places taggram columns on the time axis, the last one ending at start + length', () => {
		expect(timeEdges([0, 3, 6], 3, 12)).toEqual([0, 0.25, 0.5, 0.75]);
		expect(timeEdges([0], 29.1, 30)).toEqual([0, 29.1 / 30]);
	});
});

describe('the taggram time axis and the scheme line', () => {
	it('ticks at round seconds or minutes across the track, at most 6 intervals', () => {
		expect(timeTicks(30)).toEqual([0, 5, 10, 15, 20, 25, 30].map((t) => ({ at: t / 30, label: `${t} s` })));
		expect(timeTicks(29 * 60).map((t) => t.label)).toEqual([
			'0:00',
			'5:00',
			'10:00',
			'15:00',
			'20:00',
			'25:00'
		]);
		expect(timeTicks(95).map((t) => t.label)).toEqual(['0:00', '0:30', '1:00', '1:30']);
		expect(timeTicks(0)).toEqual([]);
	});
	it('names the scheme of a result from its card', () => {
		const mtg = readModelIndex().models.find((m) => m.chunking.track.scheme === 'centre')!;
		expect(describeScheme(mtg, { scheme: 'whole', chunkStarts: [0, 29.1] })).toBe(
			'whole track: mean of 2 back-to-back 29.1 s windows'
		);
		expect(describeScheme(mtg, { chunkStarts: [0.5] })).toBe('upstream scheme: the centred 29.1 s segment');
	});
});
