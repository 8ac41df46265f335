/**
 * One line of advice per model, derived from its card (the single source of truth; nothing here knows a model
 * id): what it tags (its tags counted per category), when a tag applies (published thresholds or our top-k
 * rule), and how good it is (the card's published metrics, or that the card carries none). The default card
 * also says why it is the default: what sets it apart from every other card in the index.
 */
import { tagLabel, type TagCategory } from './labels';
import type { DecisionRule, ModelCard, PublishedMetric } from './types';

/** Singular and plural nouns per category; uncategorised tags count as 'other'. */
const nouns: Record<TagCategory, [string, string]> = {
	genre: ['genre', 'genres'],
	instrument: ['instrument', 'instruments'],
	'mood/theme': ['mood or theme', 'moods and themes'],
	voice: ['voice tag', 'voice tags'],
	era: ['era', 'eras'],
	other: ['other tag', 'other tags']
};
const order = Object.keys(nouns) as TagCategory[];

const count = (n: number, category: TagCategory) => `${n} ${nouns[category][n === 1 ? 0 : 1]}`;

/** The model's tags per category, most first (ties in `nouns` order). */
export function tagCategories(tags: readonly string[]): [TagCategory, number][] {
	const counts = new Map<TagCategory, number>();
	for (const tag of tags) {
		const category = tagLabel(tag).category ?? 'other';
		counts.set(category, (counts.get(category) ?? 0) + 1);
	}
	return [...counts].sort((a, b) => b[1] - a[1] || order.indexOf(a[0]) - order.indexOf(b[0]));
}

/** "56 moods and themes", or "50 tags: 31 genres, 14 instruments, 5 moods and themes". */
export function tagSummary(tags: readonly string[]): string {
	const categories = tagCategories(tags);
	if (categories.length === 1) return count(categories[0][1], categories[0][0]);
	return `${tags.length} tags: ${categories.map(([category, n]) => count(n, category)).join(', ')}`;
}

/** The owner of a cited repository ("MTG/mtg-jamendo-dataset@1b4fa8c results/…" → "MTG"), else the citation. */
function citedBy(source: string): string {
	return /^([\w.-]+)\/[\w.-]+/.exec(source)?.[1] ?? source;
}

/** When a tag applies: the published per-tag thresholds, or our top-k rule, said to be ours. */
export function decisionSummary(decision: DecisionRule): string {
	return decision.rule === 'thresholds'
		? `per-tag thresholds published by ${citedBy(decision.source.file)}`
		: `no published thresholds: our rule marks the top ${decision.k} tags at ${decision.floor} or more`;
}

/** "ROC-AUC 0.73, PR-AUC 0.11 (split-0 test, MTG)": metrics grouped by split and source, in card order. */
export function metricSummary(metrics: readonly PublishedMetric[]): string {
	if (metrics.length === 0) return 'no published figure in the card';
	const groups = new Map<string, string[]>();
	for (const metric of metrics) {
		const where = [metric.split, citedBy(metric.source)].filter(Boolean).join(', ');
		const figure = `${metric.name.split(' (')[0]} ${metric.value.toFixed(2)}`;
		groups.set(where, [...(groups.get(where) ?? []), figure]);
	}
	return `published ${[...groups].map(([where, figures]) => `${figures.join(', ')} (${where})`).join('; ')}`;
}

/** The facts that can set a card apart, as phrases; a card's reason is the conjunction of those it has. */
function distinctions(card: ModelCard): { key: string; phrase: string }[] {
	const categories = tagCategories(card.tags);
	return [
		...(categories.length === 1
			? [{ key: `only ${categories[0][0]}`, phrase: `the only ${categories[0][0]}-specific model here` }]
			: []),
		...(card.decision.rule === 'thresholds' ? [{ key: 'thresholds', phrase: 'published thresholds' }] : []),
		...(card.metrics.length > 0 ? [{ key: 'metrics', phrase: 'published figures' }] : [])
	];
}

/**
 * Why the default card is the default: the facts it has that no other card in `index` has all of, e.g.
 * "the only mood/theme-specific model here, with published thresholds and published figures". Undefined for a
 * card that is not the default; "marked as the default in its card" when nothing sets it apart.
 */
export function defaultReason(card: ModelCard, index: readonly ModelCard[]): string | undefined {
	if (!card.default) return undefined;
	const own = distinctions(card);
	const keys = own.map((d) => d.key);
	const shared = index.some(
		(other) => other.id !== card.id && keys.every((k) => distinctions(other).some((d) => d.key === k))
	);
	if (own.length === 0 || shared) return 'marked as the default in its card';
	const lead = own[0].key.startsWith('only ') ? own[0].phrase : 'the only model here';
	const withs = own.filter((d) => d.phrase !== lead).map((d) => d.phrase);
	return withs.length > 0 ? `${lead}, with ${withs.join(' and ')}` : lead;
}

/** What the model tags · when a tag applies · how good it is; a user-converted model says it is the user's own. */
export function modelFacts(card: ModelCard): string {
	const quality = card.provenance.user
		? `${metricSummary(card.metrics)} (your own checkpoint)`
		: metricSummary(card.metrics);
	return [tagSummary(card.tags), decisionSummary(card.decision), quality].join(' · ');
}

/** The advice line: "Default: <why>. <facts>" for the default card, the facts alone for the others. */
export function modelAdvice(card: ModelCard, index: readonly ModelCard[]): string {
	const why = defaultReason(card, index);
	return why ? `Default: ${why}. ${modelFacts(card)}` : modelFacts(card);
}
