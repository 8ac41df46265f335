/**
 * The fixture clips, handed to the built site, get the upstream reference's top-5 tags and track probabilities
 * within 0.02 (default model), on the backend of the Playwright project (WASM or WebGPU); int8 (the app's
 * default) and fp32. Read through the "Export JSON" button, which also checks the export schema.
 */
import { expect, test } from '@playwright/test';
import type { Variant } from '../../src/lib/card/types';
import { addFiles, backendOf, expectExportSchema, exportJson, openApp, waitForQueue } from './helpers/app';
import { clips, clipUpload, defaultCard, readIndex, referenceOutput } from './helpers/fixtures';
import { int8TieFor, topKAgrees, topTagNames } from '../shared/top-k';

const tolerance = 0.02;
/** int8 may swap reference tags as close as its own error allows (see int8TieFor); fp32 keeps the exact order. */
const tieFor = (variant: Variant, maxAbsDiff: number) => (variant === 'int8' ? int8TieFor(maxAbsDiff) : 0);

for (const variant of ['int8', 'fp32'] as const) {
	test(`fixture clips match the reference tags (default model, ${variant})`, async ({ page }, info) => {
		const backend = backendOf(info);
		// fp32 is the exactness check of the pipeline; WebGPU on SwiftShader (CPU) takes ~40 s a clip, so the
		// WebGPU project checks the app's default (int8) only.
		test.skip(variant === 'fp32' && backend === 'webgpu', 'fp32 parity runs on the WASM project');
		const card = defaultCard();
		// The references are the upstream evaluation's track results: ask for that scheme.
		await openApp(page, backend, '/', { scheme: 'upstream' });
		await expect(page.getByTestId('backend')).toContainText(backend === 'webgpu' ? 'WebGPU' : 'WASM');
		await page.getByTestId('variant').selectOption(variant);

		const uploads = clips.map(clipUpload);
		await addFiles(page, uploads);
		await waitForQueue(page, clips.length);
		await expect(page.locator('[data-testid=queue-item][data-stage=done]')).toHaveCount(clips.length);
		await expect(page.getByTestId('result').first()).toContainText(`${variant}, ${backend}`);

		const json = await exportJson(page);
		expectExportSchema(json, Object.fromEntries(readIndex().models.map((m) => [m.id, m.tags])));
		expect(json.tracks).toHaveLength(clips.length);
		clips.forEach((clip, i) => {
			const result = json.tracks
				.find((t) => t.file === uploads[i].name)
				?.results.find((r) => r.model === card.id);
			expect(result, `${clip} in the export`).toBeDefined();
			expect(result!.scheme).toBe('upstream');
			const ref = referenceOutput(clip, card);
			const ours = ref.tags.map((tag) => result!.tags[tag]);
			const diff = Math.max(...ours.map((p, t) => Math.abs(p - ref.probabilities[t])));
			const top5 = topTagNames(ref.tags, ours, 5).join(', ');
			console.log(
				`${backend} ${card.id} ${variant} ${clip}: max |Δp| = ${diff.toExponential(2)}; top-5 ${top5}`
			);
			expect(
				topKAgrees(ref.tags, ours, ref.probabilities, 5, tieFor(variant, diff)),
				`${clip} top-5: ${top5}`
			).toBe(true);
			expect(diff).toBeLessThanOrEqual(tolerance);
		});
	});
}
