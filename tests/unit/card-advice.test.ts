/**
 * The advice line under each model (src/lib/card/advice.ts) over the real cards of static/models/index.json,
 * and over user models converted from real checkpoints: every fact in the line is recounted from the card
 * (tags per category, the decision rule, the published metrics), nothing is said that the card does not carry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelAdvice, modelFacts, tagCategories, tagSummary } from '../../src/lib/card/advice';
import { defaultCard } from '../../src/lib/card/lookup';
import { tagLabel } from '../../src/lib/card/labels';
import { parseTagList } from '../../src/lib/card/tag-list';
import type { ModelCard } from '../../src/lib/card/types';
import { convertUserCheckpoint } from '../../src/lib/convert/user-model';
import { byoDir } from './helpers/byo';
import { checkpointsDir } from './helpers/fixtures';
import { ensureModelsBuilt } from './helpers/models';

let zoo: ModelCard[] = [];
beforeAll(async () => {
	zoo = (await ensureModelsBuilt()).models;
});

describe('the zoo cards', () => {
	it('every card gets its own facts: tag counts per category, its decision rule, its metrics', () => {
		expect(zoo.length).toBeGreaterThan(1);
		for (const card of zoo) {
			const line = modelAdvice(card, zoo);
			console.log(`${card.id}: ${line}`);
			// Tags per category, recounted here and summing to the model's tag count.
			const counts = tagCategories(card.tags);
			expect(
				counts.reduce((sum, [, n]) => sum + n, 0),
				card.id
			).toBe(card.tags.length);
			for (const [category, n] of counts)
				expect(card.tags.filter((t) => (tagLabel(t).category ?? 'other') === category).length).toBe(n);
			expect(line).toContain(tagSummary(card.tags));
			if (card.decision.rule === 'thresholds') {
				expect(line).toContain('per-tag thresholds published by');
				expect(line).not.toContain('our rule');
			} else {
				expect(line).toContain(`our rule marks the top ${card.decision.k} tags at ${card.decision.floor}`);
				expect(line).not.toContain('thresholds published');
			}
			if (card.metrics.length === 0) {
				expect(line).toContain('no published figure in the card');
				expect(line).not.toMatch(/\d\.\d\d(?!\d)/); // no figure of any kind
			}
			for (const metric of card.metrics)
				expect(line).toContain(`${metric.name.split(' (')[0]} ${metric.value.toFixed(2)}`);
			expect(line.startsWith('Default:')).toBe(card.default === true);
		}
	});

	it('the default says it is, and why: the only mood/theme-specific card with published thresholds', () => {
		const card = defaultCard({ version: '', models: zoo });
		const line = modelAdvice(card, zoo);
		expect(line).toMatch(
			/^Default: the only mood\/theme-specific model here, with published thresholds and published figures\. /
		);
		// What the reason claims, checked against the other cards.
		const moodOnly = (c: ModelCard) => tagCategories(c.tags).length === 1 && c.tags.length > 0;
		expect(moodOnly(card) && card.decision.rule === 'thresholds').toBe(true);
		expect(zoo.filter((c) => c.id !== card.id && moodOnly(c) && c.decision.rule === 'thresholds')).toEqual(
			[]
		);
		expect(line).toContain(`${card.tags.length} moods and themes`);
		expect(line).toContain('per-tag thresholds published by MTG');
		const roc = card.metrics.find((m) => m.name.startsWith('ROC-AUC'))!;
		expect(line).toContain(`ROC-AUC ${roc.value.toFixed(2)}`);
		expect(line).toContain(roc.split!);
	});

	it('a default that nothing sets apart says only that its card marks it', () => {
		// The FCN on MTG-Jamendo marked default: the MusiCNN and CRNN cards have every fact it has.
		const fcn = { ...zoo.find((c) => c.id === 'jamendo-fcn')!, default: true };
		const others = zoo.map((c) => (c.id === fcn.id ? fcn : { ...c, default: false }));
		expect(modelAdvice(fcn, others)).toBe(`Default: marked as the default in its card. ${modelFacts(fcn)}`);
	});

	it('mixed tag lists are broken down per category, most first', () => {
		const card = zoo.find((c) => c.tagList === 'jamendo-top50')!;
		const counts = tagCategories(card.tags);
		expect(counts.length).toBeGreaterThan(1);
		for (let i = 1; i < counts.length; i++) expect(counts[i - 1][1]).toBeGreaterThanOrEqual(counts[i][1]);
		expect(tagSummary(card.tags)).toMatch(/^50 tags: \d+ genres, \d+ instruments, \d+ moods and themes$/);
	});
});

describe('user-converted models', () => {
	const convert = async (checkpoint: string, tagList: string) => {
		const tags = parseTagList(readFileSync(join('models', 'tags', `${tagList}.txt`), 'utf8'));
		const request = { fileName: 'best_model.pth', tags, tagList, zoo, now: 1 };
		return (await convertUserCheckpoint({ ...request, checkpoint: new Uint8Array(readFileSync(checkpoint)) }))
			.card;
	};

	it('a copy of the default checkpoint keeps its thresholds, borrows no figures and is not the default', async () => {
		const user = await convert(join(checkpointsDir, 'mtg-vggish-moodtheme.pth'), 'mtg-jamendo-moodtheme');
		expect(user.provenance.user).toBeDefined();
		const index = [...zoo, user];
		const line = modelAdvice(user, index);
		console.log(`${user.id}: ${line}`);
		expect(line).toBe(
			'56 moods and themes · per-tag thresholds published by MTG · no published figure in the card (your own checkpoint)'
		);
		// The default still stands apart with the user's copy in the index: it has published figures.
		expect(modelAdvice(defaultCard({ version: '', models: index }), index)).toMatch(/^Default: the only/);
	});

	it('a ShortChunkCNN on the MagnaTagATune tags gets our top-k rule', async () => {
		const user = await convert(join(byoDir, 'short-seed1', 'model.pth'), 'mtat-top50');
		const line = modelAdvice(user, [...zoo, user]);
		console.log(`${user.id}: ${line}`);
		expect(line).toMatch(/^50 tags: \d+ voice tags, \d+ genres, /);
		expect(line).toContain('no published thresholds: our rule marks the top 3 tags at 0.2 or more');
		expect(line).toContain('no published figure in the card (your own checkpoint)');
	});
});
