/** Display formatting shared by the views. */
import { displayTag } from '$lib/predictions/aggregate';

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

/** "mood/theme---happy" → "happy", "genre---rock" → "rock". */
export const tagLabel = displayTag;
