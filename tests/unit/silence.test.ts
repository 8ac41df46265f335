/** Silent, nearly silent and DC-only tracks are flagged in the result: their tags describe nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acLevelDb, isNearSilent, silenceThresholdDb } from '../../src/lib/audio/types';
import { defaultCard } from '../../src/lib/card/lookup';
import { readIndexNode } from '../../src/lib/model-files/read-node';
import type { Tagger } from '../../src/lib/pipeline/open-tagger';
import { openNodeTagger } from '../../src/cli/taggers';
import { clip16k } from './helpers/byo';
import { fixtureClips } from '../../tools/fixtures';

const seconds = (n: number, value: (i: number) => number) =>
	Float32Array.from({ length: n * 16000 }, (_, i) => value(i));

describe('signal level', () => {
	it('digital silence, a bare DC offset and −80 dB noise are near-silent; music is not', () => {
		expect(acLevelDb(new Float32Array(16000))).toBe(-Infinity);
		expect(isNearSilent(seconds(1, () => 0))).toBe(true);
		expect(isNearSilent(seconds(1, () => 0.5))).toBe(true);
		expect(isNearSilent(seconds(1, (i) => 1e-4 * Math.sin(i)))).toBe(true);
		// A −40 dBFS sine (a quiet passage) is sound.
		expect(acLevelDb(seconds(1, (i) => 0.01 * Math.sqrt(2) * Math.sin(i / 3)))).toBeCloseTo(-40, 0);
		expect(isNearSilent(seconds(1, (i) => 0.01 * Math.sin(i / 3)))).toBe(false);
		for (const clip of fixtureClips())
			expect(acLevelDb(clip16k(clip))).toBeGreaterThan(silenceThresholdDb + 20);
	});
});

describe('the result says so', () => {
	let tagger: Tagger;
	beforeAll(async () => {
		tagger = await openNodeTagger(defaultCard(await readIndexNode()), 'int8');
	});
	afterAll(() => tagger.release());

	it('silent: true for a DC offset, absent for music', async () => {
		const dc = await tagger.tag({ mono: seconds(35, () => 0.25), sampleRate: 16000, channels: 1 });
		expect(dc.silent).toBe(true);
		const music = await tagger.tag({ mono: clip16k(fixtureClips()[0]), sampleRate: 16000, channels: 1 });
		expect(music.silent).toBeUndefined();
	});
});
