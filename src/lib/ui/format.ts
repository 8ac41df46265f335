/** Display formatting shared by the views. */
import type { ModelCard } from '$lib/card/types';
import { labelWithCategory, tagLabel as labelOf } from '$lib/card/labels';
import { schemeOf, type ModelResult } from '$lib/pipeline/types';

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	const units = ['KB', 'MB', 'GB'];
	let value = bytes / 1024;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export { formatDuration } from '$lib/audio/formats';

export const formatProbability = (p: number) => p.toFixed(3);
export const formatPercent = (fraction: number) => `${Math.round(fraction * 100)} %`;

/** "mood/theme---happy" → "Happy", "genre---rock" → "Rock" (card/labels.ts). */
export const tagLabel = (tag: string) => labelOf(tag).label;
export { labelWithCategory };

/** "×3.2 more likely than usual" (p over the training prior). */
export const formatLift = (lift: number) => `×${lift < 10 ? lift.toFixed(1) : Math.round(lift)}`;

/** Which track scheme produced a result, in words (predictions/chunks.ts). */
export function describeScheme(
	card: Pick<ModelCard, 'chunking' | 'frontend'>,
	result: Pick<ModelResult, 'scheme' | 'chunkStarts'>
): string {
	const seconds = (card.chunking.chunkSamples / card.frontend.sampleRate).toFixed(1);
	const n = result.chunkStarts.length;
	if (schemeOf(result) === 'whole')
		return `whole track: mean of ${n} back-to-back ${seconds} s window${n === 1 ? '' : 's'}`;
	const { track } = card.chunking;
	return track.scheme === 'centre'
		? `upstream scheme: the centred ${seconds} s segment`
		: `upstream scheme: mean of ${n} chunk${n === 1 ? '' : 's'} of ${seconds} s spread over the track`;
}
