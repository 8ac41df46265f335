/** Finding cards in the model index: the one lookup used by the app, the CLI, the bench and the tests. */
import type { ModelCard, ModelIndex } from './types';

export function findCard(index: ModelIndex, id: string): ModelCard {
	const card = index.models.find((m) => m.id === id);
	if (!card) throw new Error(`Unknown model "${id}". Known: ${index.models.map((m) => m.id).join(', ')}`);
	return card;
}

/** The card marked `default: true` (the app's default model), else the first. */
export function defaultCard(index: ModelIndex): ModelCard {
	const card = index.models.find((m) => m.default) ?? index.models[0];
	if (!card) throw new Error('the model index lists no models');
	return card;
}
