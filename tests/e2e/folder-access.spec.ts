/**
 * A folder picked with the File System Access API is kept as a handle: after a reload the interrupted queue
 * resumes from it with one click (a 37-file batch), and library tracks play from it, with no audio copied into
 * IndexedDB; writing tags in place needs no second pick. A file with the same bytes as one in the library
 * (another name, another folder) reuses its results.
 * The folder picker is a native dialog Playwright cannot drive: it is replaced by a folder of the origin-private
 * file system, a real FileSystemDirectoryHandle.
 */
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { openApp, storedAudioCopies, waitForQueue } from './helpers/app';
import { makeMusicFolder } from '../unit/helpers/music-folder';

/**
 * The folder "music": 36 files in six formats (the fixture clips transcoded by ffmpeg, in Artist/Album
 * folders), and a byte-identical copy of the first one in music/copies/.
 */
let folder: { path: string; source: string }[] = [];
const work = mkdtempSync(join(tmpdir(), 'music-tagger-e2e-folder-'));
test.beforeAll(() => {
	const files = makeMusicFolder(join(work, 'music'), { copies: 2, seconds: 6 });
	const copy = { path: `copies/copy of ${basename(files[0].name)}`, source: files[0].path };
	folder = [...files.map((f) => ({ path: f.name, source: f.path })), copy];
});
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

async function writeFolder(page: Page): Promise<void> {
	for (const { path, source } of folder)
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
			{ path, bytes: readFileSync(source).toString('base64') }
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
	// Files finish a worker at a time: the first result can come with a second one.
	await expect(page.locator('[data-testid=queue-item][data-stage=done]')).not.toHaveCount(0, {
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

	// Of the two identical files, the one tagged second reused the first one's results, and the queue says so.
	const [original, copy] = [folder[0].path, folder.at(-1)!.path].map((p) => `music/${p}`);
	const message = (file: string) =>
		page.locator(`[data-testid=queue-item][data-file="${file}"] [data-testid=queue-message]`);
	await expect(message(original).or(message(copy))).toHaveCount(1);
	const [text] = await message(original).or(message(copy)).allTextContents();
	expect([original, copy].map((f) => `Same audio as ${f}: its results are reused`)).toContain(
		text.slice(0, text.indexOf(', not computed again'))
	);

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
	expect(byFile[copy].sha256).toMatch(/^[0-9a-f]{64}$/);
	expect(byFile[copy].sha256).toBe(byFile[original].sha256);
	expect(byFile[`music/${folder[1].path}`].sha256).not.toBe(byFile[original].sha256);
	expect(byFile[copy].results[0].probabilities).toEqual(byFile[original].results[0].probabilities);

	// Writing tags in place goes into the kept folder: no second pick, and every file there is rewritten (a
	// FLAC's padding can keep its size: the bytes are compared).
	const hashInFolder = (path: string) =>
		page.evaluate(async (path) => {
			let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('music');
			const parts = path.split('/');
			for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
			const bytes = await (await (await dir.getFileHandle(parts.at(-1)!)).getFile()).arrayBuffer();
			const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
			return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
		}, path);
	await page.getByRole('button', { name: 'Write tags into the files…' }).click();
	const preview = page.getByTestId('write-tags-preview');
	await expect(preview.locator('li')).toHaveCount(folder.length, { timeout: 120_000 });
	await preview.getByRole('button', { name: 'Write into the files' }).click();
	await expect(page.getByRole('status')).toContainText(`Tags written into ${folder.length} file(s).`, {
		timeout: 120_000
	});
	expect(await page.evaluate(() => (window as unknown as { picks: number }).picks)).toBe(0);
	for (const { path, source } of folder)
		expect(await hashInFolder(path), path).not.toBe(
			createHash('sha256').update(readFileSync(source)).digest('hex')
		);
});
