/**
 * A folder picked with the File System Access API is kept as a handle: after a reload the interrupted queue
 * resumes from it with one click, and library tracks play from it, with no audio copied into IndexedDB. A file
 * with the same bytes as one in the library (another name, another folder) reuses its results.
 * The folder picker is a native dialog Playwright cannot drive: it is replaced by a folder of the origin-private
 * file system, a real FileSystemDirectoryHandle.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { openApp, storedAudioCopies, waitForQueue } from './helpers/app';
import { clipAudio, clips } from './helpers/fixtures';

/** The folder "music": each clip in music/a/, then a byte-identical copy of the first in music/b/. */
const folder = [
	...clips.map((clip) => ({ path: `a/${clip}.${clipAudio(clip).split('.').pop()}`, clip })),
	{ path: `b/copy-of-${clips[0]}.${clipAudio(clips[0]).split('.').pop()}`, clip: clips[0] }
];

async function writeFolder(page: Page): Promise<void> {
	for (const { path, clip } of folder)
		await page.evaluate(
			async ({ path, bytes }) => {
				let dir = await (
					await navigator.storage.getDirectory()
				).getDirectoryHandle('music', { create: true });
				const parts = path.split('/');
				for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
				const writable = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
				await writable.write(Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0)));
				await writable.close();
			},
			{ path, bytes: readFileSync(clipAudio(clip)).toString('base64') }
		);
}

test('a picked folder: the queue resumes after a reload, tracks play from it, identical files are not tagged twice, tags are written into it without a second pick', async ({
	page
}) => {
	// Counts the picks since the page loaded (window.picks), to show that writing in place needs none.
	await page.addInitScript(() => {
		const w = window as unknown as {
			picks: number;
			showDirectoryPicker: () => Promise<FileSystemDirectoryHandle>;
		};
		w.picks = 0;
		w.showDirectoryPicker = async () => {
			w.picks++;
			return (await navigator.storage.getDirectory()).getDirectoryHandle('music');
		};
	});
	await openApp(page, 'wasm');
	await writeFolder(page);
	await page.getByRole('button', { name: 'Choose a folder…' }).click();
	await expect(page.getByTestId('queue-item')).toHaveCount(folder.length);
	await expect(page.locator('[data-testid=queue-item][data-stage=done]')).toHaveCount(1, {
		timeout: 120_000
	});
	await page.reload();
	await expect(page.locator('body[data-ready=true]')).toBeAttached();
	const done = await page.getByTestId('library-track').count();
	// A file takes seconds: the reload right after the first result leaves the others unfinished.
	expect(done).toBeLessThan(folder.length);
	const notice = page.getByTestId('notice').filter({ hasText: 'A reload interrupted' });
	await expect(notice).toContainText(`interrupted ${folder.length - done} file(s) of “music”`);
	await notice.getByRole('button', { name: 'Resume' }).click();
	await waitForQueue(page, folder.length - done);
	await expect(page.getByTestId('library-track')).toHaveCount(folder.length);

	// The copy reused the original's results: the same probabilities, and the queue says so.
	const copy = folder.at(-1)!.path;
	await expect(
		page.locator(`[data-testid=queue-item][data-file="music/${copy}"] [data-testid=queue-message]`)
	).toContainText(`Same audio as music/${folder[0].path}`);

	// After another reload, every track plays from the folder; no audio was copied into IndexedDB.
	await page.reload();
	await expect(page.locator('body[data-ready=true]')).toBeAttached();
	for (const { path } of folder) {
		await page.locator(`[data-testid=library-track][data-file="music/${path}"] button.pick`).click();
		await expect(page.locator('[data-testid=track-view] audio'), path).toHaveCount(1);
	}
	expect(await storedAudioCopies(page)).toBe(0);
	const json = await page.evaluate(
		() =>
			new Promise<{ file: string; sha256?: string; results: { probabilities: number[] }[] }[]>((resolve) => {
				const open = indexedDB.open('music-tagger-library');
				open.onsuccess = () => {
					const all = open.result.transaction('tracks').objectStore('tracks').getAll();
					all.onsuccess = () => resolve(all.result);
				};
			})
	);
	const byFile = Object.fromEntries(json.map((t) => [t.file, t]));
	const original = byFile[`music/${folder[0].path}`];
	const twin = byFile[`music/${copy}`];
	expect(twin.sha256).toMatch(/^[0-9a-f]{64}$/);
	expect(twin.sha256).toBe(original.sha256);
	expect(byFile[`music/${folder[1].path}`].sha256).not.toBe(original.sha256);
	expect(twin.results[0].probabilities).toEqual(original.results[0].probabilities);

	// Writing tags in place goes into the kept folder: no second pick, and every file there is rewritten.
	const sizeInFolder = (path: string) =>
		page.evaluate(async (path) => {
			let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('music');
			const parts = path.split('/');
			for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
			return (await (await dir.getFileHandle(parts.at(-1)!)).getFile()).size;
		}, path);
	await page.getByRole('button', { name: 'Write tags into the files…' }).click();
	const preview = page.getByTestId('write-tags-preview');
	await expect(preview.locator('li')).toHaveCount(folder.length, { timeout: 120_000 });
	await preview.getByRole('button', { name: 'Write into the files' }).click();
	await expect(page.getByRole('status')).toContainText(`Tags written into ${folder.length} file(s).`, {
		timeout: 120_000
	});
	expect(await page.evaluate(() => (window as unknown as { picks: number }).picks)).toBe(0);
	for (const { path, clip } of folder)
		expect(await sizeInFolder(path), path).toBeGreaterThan(readFileSync(clipAudio(clip)).length);
});
