/**
 * Which tags apply to a track: the card's decision rule (README, "Decisions") over the track probabilities,
 * with each tag's lift over its training prior where the card has priors. Mood groups apply when any of their
 * member tags applies; their score stays the members' maximum (aggregate.ts).
 */
import type { DecisionRule, ModelCard } from '$lib/card/types';
import { tagLabel, type TagLabel } from '$lib/card/labels';
import { moodGroupScores } from './aggregate';

/** The rule of models whose upstream publishes no thresholds (MTAT, MSD, the sota MTG-Jamendo top-50). */
export const topKRule: Extract<DecisionRule, { rule: 'top-k' }> = {
	rule: 'top-k',
	k: 3,
	floor: 0.2,
	note:
		'No decision thresholds are published for this model: this app marks its 3 most probable tags that reach 0.2 ' +
		'(our rule, not an upstream one). Fewer tags apply when fewer reach 0.2.'
};

export type DecisionCard = Pick<ModelCard, 'tags' | 'decision' | 'priors' | 'moodGroups'>;

export interface TagDecision extends TagLabel {
	probability: number;
	applies: boolean;
	/** p / training prior: how much more likely than usual (cards with priors only). */
	lift?: number;
}

export interface GroupDecision {
	name: string;
	/** The maximum of the members' probabilities. */
	score: number;
	/** Some member applies. */
	applies: boolean;
	/** The members that apply. */
	because: string[];
}

/** User cards stored before cards had a rule get the top-k rule. */
function ruleOf(card: DecisionCard): DecisionRule {
	return (card.decision as DecisionRule | undefined) ?? topKRule;
}

/** Whether each tag (card order) applies. */
export function appliesMask(card: DecisionCard, probabilities: ArrayLike<number>): boolean[] {
	const rule = ruleOf(card);
	if (rule.rule === 'thresholds') return card.tags.map((_, i) => probabilities[i] >= rule.thresholds[i]);
	const top = new Set(
		card.tags
			.map((_, i) => i)
			.filter((i) => probabilities[i] >= rule.floor)
			.sort((a, b) => probabilities[b] - probabilities[a] || a - b)
			.slice(0, rule.k)
	);
	return card.tags.map((_, i) => top.has(i));
}

/** Every tag with its label, probability, decision and lift, most probable first. */
export function decideTags(card: DecisionCard, probabilities: ArrayLike<number>): TagDecision[] {
	const applies = appliesMask(card, probabilities);
	return card.tags
		.map((tag, i) => ({
			...tagLabel(tag),
			probability: probabilities[i],
			applies: applies[i],
			...(card.priors ? { lift: probabilities[i] / card.priors.priors[i] } : {})
		}))
		.sort((a, b) => b.probability - a.probability);
}

/** The tags that apply, most probable first. */
export function appliedTags(card: DecisionCard, probabilities: ArrayLike<number>): TagDecision[] {
	return decideTags(card, probabilities).filter((d) => d.applies);
}

/** The card's mood groups, decided (undefined for a model without groups), highest score first. */
export function decideGroups(
	card: DecisionCard,
	probabilities: ArrayLike<number>
): GroupDecision[] | undefined {
	const scores = moodGroupScores(card, probabilities);
	if (!scores || !card.moodGroups) return undefined;
	const applies = appliesMask(card, probabilities);
	const applying = new Set(card.tags.filter((_, i) => applies[i]));
	return card.moodGroups
		.filter((group) => group.name in scores)
		.map((group) => {
			const because = group.members.filter((m) => applying.has(m));
			return { name: group.name, score: scores[group.name], applies: because.length > 0, because };
		})
		.sort((a, b) => b.score - a.score);
}

/** What a result's decision reads as one line, e.g. for an export header or a tooltip. */
export function describeRule(card: DecisionCard): string {
	const rule = ruleOf(card);
	return rule.rule === 'thresholds'
		? `a tag applies at or above its published threshold (${rule.source.file})`
		: `the ${rule.k} most probable tags at or above ${rule.floor} apply (no published thresholds)`;
}
