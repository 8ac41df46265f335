/** The model zoo index (static/models/index.json), fetched relative to the site's base. */
import type { ModelIndex } from '$lib/card/types';

export async function fetchModelIndex(modelsUrl: string, init?: RequestInit): Promise<ModelIndex> {
	const response = await fetch(new URL('index.json', modelsUrl), init);
	if (!response.ok) throw new Error(`Could not load the model index (HTTP ${response.status}).`);
	return (await response.json()) as ModelIndex;
}
