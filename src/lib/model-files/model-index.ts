/** The model zoo index (static/models/index.json), fetched relative to the site's base. */
import type { ModelCard, ModelIndex } from '$lib/card/types';

export async function fetchModelIndex(modelsUrl: string): Promise<ModelIndex> {
	const response = await fetch(new URL('index.json', modelsUrl));
	if (!response.ok) throw new Error(`Could not load the model index (HTTP ${response.status}).`);
	return (await response.json()) as ModelIndex;
}

export function defaultModel(index: ModelIndex): ModelCard {
	return index.models.find((m) => m.default) ?? index.models[0];
}
