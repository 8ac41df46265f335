/**
 * The browser path for every zoo model: the compressed fixture clips dropped into the built site go through
 * Web Audio decode → worker resample → mel → onnxruntime-web (WASM) for all 9 models at once, and each
 * model's track result must match the upstream PyTorch reference (fp32: the exact top-5, max |Δp| ≤ 0.02).
 * The command-line tagger, on the same files, must give the browser's numbers (max |Δp| ≤ 1e-4): one code path.
 */
import { expect, test } from '@playwright/test';
import { addFiles, exportJson, openApp, waitForQueue } from './helpers/app';
import { clipAudio, clips, clipUpload, readIndex, referenceOutput } from './helpers/fixtures';
import { runBin } from '../unit/cli-helpers';
import type { JsonExport } from '../../src/lib/library/export';
import { topKAgrees, topTagNames } from '../shared/top-k';

test('every zoo model matches the reference on the fixture clips (fp32, WASM)', async ({ page }) => {
	test.setTimeout(900_000);
	const index = readIndex();
	await openApp(page, 'wasm', '/', { scheme: 'upstream' });
	await page.getByTestId('variant').selectOption('fp32');
	for (const card of index.models) {
		const box = page.getByTestId(`model-${card.id}`);
		if (!(await box.isChecked())) await box.check();
	}
	const uploads = clips.map(clipUpload);
	await addFiles(page, uploads);
	await waitForQueue(page, clips.length, 840_000);
	await expect(page.locator('[data-testid=queue-item][data-stage=done]')).toHaveCount(clips.length);

	const json = await exportJson(page);
	for (const [i, clip] of clips.entries()) {
		const track = json.tracks.find((t) => t.file === uploads[i].name);
		for (const card of index.models) {
			const result = track?.results.find((r) => r.model === card.id);
			expect(result, `${clip} ${card.id} in the export`).toBeDefined();
			expect(result!.scheme).toBe('upstream');
			const ref = referenceOutput(clip, card);
			const ours = ref.tags.map((tag) => result!.tags[tag]);
			const diff = Math.max(...ours.map((p, t) => Math.abs(p - ref.probabilities[t])));
			const top5 = topTagNames(ref.tags, ours, 5).join(', ');
			console.log(`wasm ${card.id} fp32 ${clip}: max |Δp| = ${diff.toExponential(2)}`);
			expect(topKAgrees(ref.tags, ours, ref.probabilities, 5, 0), `${clip} ${card.id}: ${top5}`).toBe(true);
			expect(diff, `${clip} ${card.id}`).toBeLessThanOrEqual(0.02);
		}
	}

	// The CLI on the same files (Node: @audio/decode instead of Web Audio, one ORT WASM thread).
	const ids = index.models.map((m) => m.id).join(',');
	const cli = await runBin([
		'tag',
		...clips.map(clipAudio),
		'--model',
		ids,
		'--variant',
		'fp32',
		'--scheme',
		'upstream'
	]);
	expect(cli.code, cli.stderr).toBe(0);
	const fromCli = JSON.parse(cli.stdout) as JsonExport;
	let worst = 0;
	for (const [i, clip] of clips.entries()) {
		const browser = json.tracks.find((t) => t.file === uploads[i].name)!;
		const node = fromCli.tracks.find((t) => t.file.endsWith(clipAudio(clip).split('/').slice(-2).join('/')));
		expect(node, `${clip} in the CLI output`).toBeDefined();
		for (const card of index.models) {
			const a = browser.results.find((r) => r.model === card.id)!.tags;
			const b = node!.results.find((r) => r.model === card.id)!.tags;
			for (const tag of card.tags) worst = Math.max(worst, Math.abs(a[tag] - b[tag]));
		}
	}
	console.log(`CLI vs browser export, all models, fp32: max |Δp| = ${worst.toExponential(2)}`);
	expect(worst).toBeLessThanOrEqual(1e-4);
});
