/** Driving the app in a page: open it, hand it files, wait for the queue, export. */
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { JsonExport } from '../../../src/lib/library/export';

/** The Playwright project name is the backend under test ('wasm' or 'webgpu'). */
export const backendOf = (info: TestInfo) => (info.project.name === 'webgpu' ? 'webgpu' : 'wasm');

/** Opens the app with `?backend=` and any further query parameters (e.g. `{ scheme: 'upstream' }`). */
export async function openApp(
	page: Page,
	backend: string,
	url = '/',
	query: Record<string, string> = {}
): Promise<void> {
	await page.goto(`${url}?${new URLSearchParams({ backend, ...query })}`);
	await expect(page.locator('body[data-ready=true]')).toBeAttached();
}

type Upload = string | { name: string; mimeType: string; buffer: Buffer };

export async function addFiles(page: Page, paths: Upload[]): Promise<void> {
	await page.locator('[data-testid=file-input]').setInputFiles(paths as Parameters<Page['setInputFiles']>[1]);
}

export const queueItems = (page: Page) => page.locator('[data-testid=queue-item]');
export const finishedItems = (page: Page) =>
	page.locator('[data-testid=queue-item][data-stage=done], [data-testid=queue-item][data-stage=error]');

/** Waits until `count` queue items have finished (done or failed). */
export async function waitForQueue(page: Page, count: number, timeout = 180_000): Promise<void> {
	await expect(finishedItems(page)).toHaveCount(count, { timeout });
}

export async function downloadText(page: Page, button: string): Promise<string> {
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: button, exact: true }).click()
	]);
	return readFileSync((await download.path())!, 'utf8');
}

export async function exportJson(page: Page): Promise<JsonExport> {
	return JSON.parse(await downloadText(page, 'Export JSON')) as JsonExport;
}

/** Checks the documented export schema (src/lib/library/export.ts) field by field. */
export function expectExportSchema(json: JsonExport, tagLists: Record<string, readonly string[]>): void {
	expect(json.app).toBe('music-tagger');
	expect(typeof json.version).toBe('string');
	expect(Array.isArray(json.tracks)).toBe(true);
	for (const track of json.tracks) {
		const optional = ['album', 'artist', 'title'];
		expect(
			Object.keys(track)
				.filter((k) => !optional.includes(k))
				.sort()
		).toEqual(['duration', 'file', 'results']);
		expect(typeof track.file).toBe('string');
		expect(track.duration).toBeGreaterThan(0);
		for (const result of track.results) {
			const groups = result.groups ? ['decidedGroups', 'groups'] : [];
			expect(Object.keys(result).sort()).toEqual(
				['chunks', 'decided', ...groups, 'model', 'scheme', 'tags'].sort()
			);
			expect(['whole', 'upstream']).toContain(result.scheme);
			const tags = tagLists[result.model];
			for (const tag of result.decided) expect(tags).toContain(tag);
			expect(Object.keys(result.tags)).toEqual(tags);
			for (const p of Object.values(result.tags)) expect(p).toBeGreaterThanOrEqual(0);
			expect(result.chunks.length).toBeGreaterThan(0);
			for (const chunk of result.chunks) expect(chunk).toHaveLength(tags.length);
		}
	}
}

/**
 * "Add your own model" (src/lib/ui/AddModel.svelte): converts `checkpoint` with a zoo tag list (its card.tagList)
 * or a tag list file, and waits until the status says done or failed. Returns the status element
 * (`data-model` holds the new model's id when it was added).
 */
export async function addUserModel(
	page: Page,
	checkpoint: Upload,
	tags: string | { file: Upload },
	timeout = 120_000
): Promise<Locator> {
	const form = page.getByTestId('add-model');
	if (!(await form.evaluate((details) => (details as HTMLDetailsElement).open)))
		await form.locator('summary').click();
	await page.getByTestId('add-model-file').setInputFiles(checkpoint as Parameters<Page['setInputFiles']>[1]);
	if (typeof tags === 'string') await page.getByTestId('add-model-tags').selectOption(tags);
	else {
		await page.getByTestId('add-model-tags').selectOption('file');
		await page
			.getByTestId('add-model-tags-file')
			.setInputFiles(tags.file as Parameters<Page['setInputFiles']>[1]);
	}
	await page.getByTestId('add-model-convert').click();
	const status = page.getByTestId('add-model-status');
	await expect(status).toHaveAttribute('data-state', /^(done|error)$/, { timeout });
	return status;
}

/** Entries of the library's audio-copy store (IndexedDB "music-tagger-audio"). */
export const storedAudioCopies = (page: Page) =>
	page.evaluate(async () => {
		// Opening a database that does not exist would create it empty (and break the app's own open).
		if (!(await indexedDB.databases()).some((d) => d.name === 'music-tagger-audio')) return 0;
		return new Promise<number>((resolve, reject) => {
			const open = indexedDB.open('music-tagger-audio');
			open.onerror = () => reject(open.error);
			open.onsuccess = () => {
				const db = open.result;
				if (!db.objectStoreNames.contains('blobs')) return resolve(0);
				const count = db.transaction('blobs').objectStore('blobs').count();
				count.onsuccess = () => resolve(count.result);
				count.onerror = () => reject(count.error);
			};
		});
	});
