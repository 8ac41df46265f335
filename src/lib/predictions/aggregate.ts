/** From chunk outputs to track results. */
import type { ModelCard } from '$lib/card/types';

/** Track score = mean of the chunk sigmoid vectors (upstream eval); a single chunk is its own mean. */
export function meanOfChunks(chunks: ArrayLike<number>[]): number[] {
	if (chunks.length === 0) throw new Error('no chunk outputs to aggregate');
	const mean = new Array<number>(chunks[0].length).fill(0);
	for (const chunk of chunks) for (let t = 0; t < mean.length; t++) mean[t] += chunk[t];
	return mean.map((sum) => sum / chunks.length);
}

/**
 * The card's mood groups for a result, each scored as the maximum of its members' probabilities (README,
 * "Mood groups"); undefined for a model without groups. Members the model lacks are not in the card.
 */
export function moodGroupScores(
	card: Pick<ModelCard, 'tags' | 'moodGroups'>,
	probabilities: ArrayLike<number>
): Record<string, number> | undefined {
	if (!card.moodGroups) return undefined;
	const index = new Map(card.tags.map((tag, i) => [tag, i]));
	const scores: Record<string, number> = {};
	for (const group of card.moodGroups) {
		if (group.members.length === 0) continue;
		scores[group.name] = Math.max(...group.members.map((m) => probabilities[index.get(m)!]));
	}
	return scores;
}

/** A tag without its category prefix ("mood/theme---happy" → "happy"). */
export function displayTag(tag: string): string {
	const at = tag.lastIndexOf('---');
	return at < 0 ? tag : tag.slice(at + 3);
}

/** Tags by probability, highest first. */
export function topTags(tags: string[], probabilities: ArrayLike<number>, k: number): [string, number][] {
	return tags
		.map((tag, i) => [tag, probabilities[i]] as [string, number])
		.sort((a, b) => b[1] - a[1])
		.slice(0, k);
}
