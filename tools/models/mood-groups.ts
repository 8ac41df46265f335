/**
 * The seed's 16 mood groups (models/mood-groups.json) as card data: each group's members that the model
 * outputs, by their full tag names, and the members it lacks. The build writes them into the card, so the
 * pipeline scores groups from the card alone.
 */
import type { MoodGroup } from '../../src/lib/card/types';

/** models/mood-groups.json (the fields the build reads). */
export interface MoodGroupsSource {
	prefix: string;
	groups: { name: string; members: string[] }[];
}

export function moodGroupsFor(tags: readonly string[], source: MoodGroupsSource): MoodGroup[] {
	const inModel = new Set(tags);
	return source.groups.map((group) => {
		const full = group.members.map((m) => `${source.prefix}${m}`);
		return {
			name: group.name,
			members: full.filter((t) => inModel.has(t)),
			missingFromModel: group.members.filter((_, i) => !inModel.has(full[i]))
		};
	});
}
