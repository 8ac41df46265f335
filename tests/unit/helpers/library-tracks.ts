/** Library tracks built from the upstream reference outputs of the fixture clips (real model outputs). */
import { meanOfChunks, moodGroupScores } from '../../../src/lib/predictions/aggregate';
import type { ModelCard } from '../../../src/lib/card/types';
import type { ModelResult } from '../../../src/lib/pipeline/types';
import type { LibraryTrack } from '../../../src/lib/library/types';
import { readModelReference } from './fixtures';

/** The reference JSON of a card: its checkpoint's name (e.g. 'mtg-vggish-moodtheme'). */
export const referenceName = (card: ModelCard) => card.provenance.checkpoint.file.replace(/\.pth$/, '');

/** One model's result on a clip, shaped as the pipeline's ModelResult (track score: the mean of chunks). */
export function referenceResult(clip: string, card: ModelCard): ModelResult {
	const ref = readModelReference(clip, referenceName(card));
	const probabilities = meanOfChunks(ref.chunk_outputs);
	return {
		model: card.id,
		variant: 'int8',
		scheme: 'upstream',
		backend: 'wasm',
		probabilities,
		chunks: ref.chunk_outputs,
		chunkStarts: [0],
		taggram: { starts: [0], outputs: ref.chunk_outputs },
		groups: moodGroupScores(card, probabilities),
		timings: { resample: 0, mel: 0, inference: 0 }
	};
}

/** A track of `clip` with one result per card; its duration from the first card's reference input. */
export function referenceTrack(clip: string, cards: ModelCard[], file = `${clip}.ogg`): LibraryTrack {
	const ref = readModelReference(clip, referenceName(cards[0]));
	return {
		id: clip,
		file,
		bytes: 1,
		addedAt: 0,
		meta: { duration: ref.input_samples / ref.sample_rate, sampleRate: ref.sample_rate, channels: 1 },
		mels: {},
		results: cards.map((card) => referenceResult(clip, card))
	};
}
