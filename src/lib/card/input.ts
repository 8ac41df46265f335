/** The shape of a model's input, from its card (the ONNX I/O contract in card.io). */
import type { ModelCard } from './types';

/** The model input of one chunk, without the batch axis: [nMels, frames] or [chunkSamples]. */
export function inputDims(card: Pick<ModelCard, 'io' | 'frontend' | 'chunking'>): number[] {
	if (card.io.input === 'audio') return [card.chunking.chunkSamples];
	if (card.frontend.kind === 'waveform') throw new Error(`a mel input needs a spectral front end`);
	return [card.frontend.nMels, card.chunking.frames];
}
