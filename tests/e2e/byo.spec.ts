/**
 * "Add your own model" in the browser (WASM project): random-weight upstream checkpoints of fixtures byo/
 * (sample: waveform input; short: 128-band log-mel) are converted in the page's worker with the MTAT top-50
 * list, then tag the public clips like the upstream PyTorch reference (track_mean, the app's default int8);
 * a wrong tag list is refused; an added model survives a reload, a removed one stays gone, and one whose files
 * were evicted says so instead of downloading.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, readJson } from '../../tools/fixtures';
import {
	addFiles,
	addUserModel,
	backendOf,
	exportJson,
	openApp,
	queueItems,
	waitForQueue
} from './helpers/app';
import { clips, clipUpload, defaultCard, readIndex } from './helpers/fixtures';
import { int8TieFor, topKAgrees, topTagNames } from '../shared/top-k';

const byoDir = join(fixturesDir, 'byo');
const tolerance = 0.02;
/** The zoo's MagnaTagATune top-50 list (card.tagList), the output order of every byo/ reference. */
const mtat = 'mtat-top50';

const checkpoint = (dir: string) => ({
	name: `${dir}.pth`,
	mimeType: 'application/octet-stream',
	buffer: readFileSync(join(byoDir, dir, 'model.pth'))
});

const reference = (dir: string, clip: string) =>
	readJson<{ tags: string[]; track_mean: number[] }>(join(byoDir, dir, `${clip}.json`));

const userModelRows = (page: Page) => page.locator('[data-testid^="model-user-"]');

/** Adds a byo/ checkpoint with the MTAT list; returns the new model's id. */
async function addByo(page: Page, dir: string): Promise<string> {
	const status = await addUserModel(page, checkpoint(dir), mtat);
	console.log(`${dir}: ${(await status.innerText()).replace(/\s+/g, ' ')}`);
	await expect(status).toHaveAttribute('data-state', 'done');
	return (await status.getAttribute('data-model'))!;
}

/** Runs the next files through the user model only. */
async function selectOnly(page: Page, id: string): Promise<void> {
	await page.getByTestId(`model-${id}`).check();
	await page.getByTestId(`model-${defaultCard().id}`).uncheck();
}

/** The WASM project covers "Add your own model" (the conversion and the app do not depend on the backend). */
const wasmOnly = (info: TestInfo) => test.skip(backendOf(info) !== 'wasm', 'WASM project only');

for (const [dir, arch] of [
	['sample-seed1', 'sample'],
	['short-seed1', 'short']
] as const) {
	test(`${arch}: converted in the browser, it tags the clips like the upstream reference (int8)`, async ({
		page
	}, info) => {
		wasmOnly(info);
		expect(readIndex().models.find((c) => c.tagList === mtat)?.tags).toEqual(reference(dir, clips[0]).tags);
		await openApp(page, 'wasm', '/', { scheme: 'upstream' });
		const id = await addByo(page, dir);
		expect(id).toMatch(new RegExp(`^user-${arch}-`));
		const entry = page.getByTestId(`model-${id}`).locator('xpath=ancestor::li');
		await expect(entry).toContainText('your model');
		await expect(entry).toContainText(arch);
		await selectOnly(page, id);

		const uploads = clips.map(clipUpload);
		await addFiles(page, uploads);
		await waitForQueue(page, clips.length);
		await expect(page.locator('[data-testid=queue-item][data-stage=done]')).toHaveCount(clips.length);

		const json = await exportJson(page);
		clips.forEach((clip, i) => {
			const result = json.tracks.find((t) => t.file === uploads[i].name)?.results.find((r) => r.model === id);
			expect(result, `${clip} in the export`).toBeDefined();
			const ref = reference(dir, clip);
			const ours = ref.tags.map((tag) => result!.tags[tag]);
			const diff = Math.max(...ours.map((p, t) => Math.abs(p - ref.track_mean[t])));
			const top5 = topTagNames(ref.tags, ours, 5).join(', ');
			console.log(`${arch} int8 ${clip}: max |Δp| = ${diff.toExponential(2)}; top-5 ${top5}`);
			expect(topKAgrees(ref.tags, ours, ref.track_mean, 5, int8TieFor(diff)), `${clip} top-5: ${top5}`).toBe(
				true
			);
			expect(diff).toBeLessThanOrEqual(tolerance);
		});
	});
}

test('a tag list of the wrong length is refused with a message and adds no model', async ({ page }, info) => {
	wasmOnly(info);
	await openApp(page, 'wasm');
	const tags = { name: 'three-tags.txt', mimeType: 'text/plain', buffer: Buffer.from('rock\npop\njazz\n') };
	const status = await addUserModel(page, checkpoint('short-seed1'), { file: tags });
	await expect(status).toHaveAttribute('data-state', 'error');
	await expect(status).toHaveAttribute('role', 'alert');
	await expect(status).toContainText('50 outputs');
	await expect(status).toContainText('3 tags');
	await expect(userModelRows(page)).toHaveCount(0);
	await expect(page.getByTestId('storage-row')).toHaveCount(0);
	await page.reload();
	await expect(page.locator('body[data-ready=true]')).toBeAttached();
	await expect(userModelRows(page)).toHaveCount(0);
});

test('a full storage quota is reported and leaves nothing stored', async ({ page }, info) => {
	wasmOnly(info);
	// The weights store (idb-keyval "files") refuses every write, as a browser does when the quota is exhausted.
	await page.addInitScript(() => {
		const put = IDBObjectStore.prototype.put;
		IDBObjectStore.prototype.put = function (
			this: IDBObjectStore,
			...args: Parameters<IDBObjectStore['put']>
		) {
			if (this.name === 'files') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
			return put.apply(this, args);
		};
	});
	await openApp(page, 'wasm');
	const status = await addUserModel(page, checkpoint('short-seed1'), mtat);
	await expect(status).toHaveAttribute('data-state', 'error');
	await expect(status).toContainText('Not enough storage');
	await expect(userModelRows(page)).toHaveCount(0);
	await expect(page.getByTestId('storage-row')).toHaveCount(0);
});

test('an added model survives a reload; evicted files are reported; removed, it stays gone', async ({
	page
}, info) => {
	wasmOnly(info);
	await openApp(page, 'wasm');
	const id = await addByo(page, 'short-seed1');
	await expect(page.getByTestId(`model-${id}`)).toBeAttached();
	await expect(page.locator(`[data-testid=storage-row][data-model="${id}"]`)).toBeAttached();

	await page.reload();
	await expect(page.locator('body[data-ready=true]')).toBeAttached();
	await expect(page.getByTestId(`model-${id}`)).toBeAttached();

	// The browser dropped the weights (as storage pressure may): no download is tried, the message says why.
	await page.evaluate(
		(model) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open('music-tagger-weights');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const tx = open.result.transaction('files', 'readwrite');
					const files = tx.objectStore('files');
					files.getAllKeys().onsuccess = (e) => {
						for (const key of (e.target as IDBRequest<IDBValidKey[]>).result)
							if (String(key).startsWith(`${model}/`)) files.delete(key);
					};
					tx.oncomplete = () => resolve();
					tx.onerror = () => reject(tx.error);
				};
			}),
		id
	);
	const requests: string[] = [];
	page.on('request', (r) => requests.push(r.url()));
	await selectOnly(page, id);
	await addFiles(page, [clipUpload(clips[0])]);
	await waitForQueue(page, 1);
	await expect(queueItems(page).first()).toHaveAttribute('data-stage', 'error');
	await expect(queueItems(page).first().getByTestId('queue-message')).toContainText(
		'no longer stored in this browser'
	);
	expect(requests.filter((url) => url.includes(`/models/${id}/`))).toEqual([]);

	await page.getByTestId(`remove-model-${id}`).click();
	await expect(page.getByTestId(`model-${id}`)).toHaveCount(0);
	await expect(userModelRows(page)).toHaveCount(0);
	// The default model is selected again.
	await expect(page.getByTestId(`model-${defaultCard().id}`)).toBeChecked();
	await page.reload();
	await expect(page.locator('body[data-ready=true]')).toBeAttached();
	await expect(userModelRows(page)).toHaveCount(0);
	await expect(page.locator(`[data-testid=storage-row][data-model="${id}"]`)).toHaveCount(0);
});
