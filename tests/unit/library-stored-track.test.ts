/**
 * The library's IndexedDB layout (stored-track.ts) on real results: the default model on the fixture clips
 * looped to 3 minutes (and one to 10), and the MagnaTagATune MusiCNN (3 s chunks: 60 rows for 3 minutes) on
 * one. Results read back exactly; the display mel within half a quantisation step of its pooled values; a
 * 3-minute record stays under 50 KB (a 10-minute MusiCNN record is about 59 KB: its chunks dominate).
 * Size is measured with v8.serialize, the structured clone IndexedDB stores.
 */
import { serialize } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelIndex } from '$lib/card/types';
import { decodeFileNode } from '$lib/audio/decode-node';
import { downsampleMel, type DisplayMel } from '$lib/features/display-mel';
import { defaultCard } from '$lib/card/lookup';
import { inputDims } from '$lib/card/input';
import type { DecodedAudio } from '$lib/audio/types';
import { readIndexNode } from '../../src/lib/model-files/read-node';
import { openNodeTagger } from '../../src/cli/taggers';
import type { Tagger } from '../../src/lib/pipeline/open-tagger';
import { packTrack, storedMelColumns, unpackTrack } from '../../src/lib/library/stored-track';
import type { LibraryTrack } from '../../src/lib/library/types';
import { compressedClipFile, fixtureClips } from './helpers/fixtures';

const loop = (audio: DecodedAudio, seconds: number): DecodedAudio => {
	const mono = new Float32Array(Math.round(seconds * audio.sampleRate));
	for (let at = 0; at < mono.length; at += audio.mono.length)
		mono.set(audio.mono.subarray(0, Math.min(audio.mono.length, mono.length - at)), at);
	return { ...audio, mono };
};

let index: ModelIndex;
const taggers: Tagger[] = [];
let clips: DecodedAudio[];

beforeAll(async () => {
	index = await readIndexNode();
	clips = await Promise.all(fixtureClips().map((c) => decodeFileNode(compressedClipFile(c))));
});
afterAll(async () => {
	for (const t of taggers) await t.release();
});

async function trackOf(modelId: string, audio: DecodedAudio): Promise<LibraryTrack> {
	const card = index.models.find((m) => m.id === modelId)!;
	const tagger = await openNodeTagger(card, 'int8');
	taggers.push(tagger);
	let mel: DisplayMel | undefined;
	const [nMels] = inputDims(card);
	const result = await tagger.tag(audio, {
		onFirstMel: (first, start, length) =>
			(mel = downsampleMel(first, nMels, {
				start: start / card.frontend.sampleRate,
				seconds: length / card.frontend.sampleRate
			}))
	});
	return {
		id: 'x',
		file: 'Music/Artist/Album/track.ogg',
		bytes: 1,
		addedAt: 0,
		meta: {
			title: 'T',
			artist: 'A',
			duration: audio.mono.length / audio.sampleRate,
			sampleRate: audio.sampleRate,
			channels: audio.channels
		},
		results: [result],
		mels: { [modelId]: mel! }
	};
}

describe('library records in IndexedDB', () => {
	it.each([
		['default model', () => defaultCard(index).id, [180, 180, 180, 600]],
		['MTAT MusiCNN', () => 'mtat-musicnn', [180]]
	])('%s: exact results, a faithful mel, under 50 KB per track', async (_, id, lengths) => {
		for (const [i, seconds] of lengths.entries()) {
			const clip = clips[i % clips.length];
			const track = await trackOf(id(), loop(clip, seconds));
			const stored = packTrack(track);
			const back = unpackTrack(structuredClone(stored));
			expect(back.results).toEqual(track.results);
			const mel = track.mels[id()];
			const shown = back.mels[id()];
			expect(shown.frames).toBe(Math.min(mel.frames, storedMelColumns));
			const pooled = downsampleMel(mel.data, mel.nMels, mel, storedMelColumns);
			let min = Infinity;
			let max = -Infinity;
			for (const v of mel.data) [min, max] = [Math.min(min, v), Math.max(max, v)];
			const halfStep = (max - min) / 255 / 2;
			const worst = Math.max(...pooled.data.map((v, i) => Math.abs(v - shown.data[i])));
			expect(worst).toBeLessThanOrEqual(halfStep * 1.001);
			const bytes = serialize(stored).length;
			console.log(
				`${id()} ${seconds} s: ${(bytes / 1024).toFixed(1)} KB stored (${(serialize(track).length / 1024).toFixed(1)} KB before)`
			);
			expect(bytes).toBeLessThan(50 * 1024);
		}
	});

	it('reads back records stored before the compact layout', () => {
		const old: LibraryTrack = {
			id: 'o',
			file: 'a.mp3',
			bytes: 1,
			addedAt: 0,
			meta: { duration: 3, sampleRate: 44100, channels: 2 },
			results: [],
			mels: { m: { nMels: 2, frames: 1, start: 0, seconds: 3, data: new Float32Array([-10, -20]) } }
		};
		expect(unpackTrack(old as never)).toEqual(old);
	});
});
