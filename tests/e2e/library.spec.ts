/**
 * The app's behaviour around tagging (WASM project): a folder with broken files, the library across reloads,
 * the storage panel, a tampered model, CSV export and privacy.
 */
import { expect, test } from '@playwright/test';
import { addFiles, downloadText, openApp, queueItems, storedAudioCopies, waitForQueue } from './helpers/app';
import { clips, clipUpload, defaultCard } from './helpers/fixtures';
import { modelFile } from '../../src/lib/model-files/model-file';
import { makeMusicFolder } from './helpers/folder';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';

test('a folder of 20 files: every good file is tagged, every broken one gets a clear message', async ({
	page
}) => {
	const folder = makeMusicFolder();
	await openApp(page, 'wasm');
	await page.getByTestId('folder-input').setInputFiles(folder.root);
	await expect(queueItems(page)).toHaveCount(20);
	// The clutter is left out quietly, with one line that counts it.
	await expect(
		page.getByTestId('notice').filter({ hasText: 'file(s) in the folder are not audio' })
	).toContainText(`${folder.clutter} file(s) in the folder are not audio`);
	// Overall progress while it runs: N of 20, elapsed, and once a file is done an estimate of the time left.
	await expect(page.getByTestId('queue-progress')).toContainText(
		/of 20 finished · \d+:\d\d elapsed · about \d+:\d\d left/
	);
	await waitForQueue(page, 20, 220_000);
	await expect(page.getByTestId('queue-progress')).toContainText('20 of 20 finished');
	for (const path of folder.good) {
		const item = page.locator(`[data-testid=queue-item][data-file$="${path}"]`);
		await expect(item, path).toHaveAttribute('data-stage', 'done');
	}
	for (const { path, message } of folder.broken) {
		const item = page.locator(`[data-testid=queue-item][data-file$="${path}"]`);
		await expect(item, path).toHaveAttribute('data-stage', 'error');
		const text = await item.getByTestId('queue-message').innerText();
		console.log(`${path}: ${text}`);
		expect(text).toMatch(message);
	}
	await expect(page.getByTestId('library-track')).toHaveCount(folder.good.length);

	// Playlists by mood, saved in the dropped folder, open there: every entry is one of its good files.
	const folderName = basename(folder.root);
	await expect(page.getByTestId('playlist-folder')).toContainText(`“${folderName}”`);
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		page.getByRole('button', { name: 'Playlists by mood (zip)' }).click()
	]);
	const playlists = unzipSync(readFileSync((await download.path())!));
	expect(Object.keys(playlists).length).toBeGreaterThan(0);
	const good = new Set(folder.good.map((p) => join(folder.root, p)));
	for (const [name, bytes] of Object.entries(playlists)) {
		const lines = strFromU8(bytes).split('\n');
		expect(lines[0], name).toBe('#EXTM3U');
		const entries = lines.filter((l) => l && !l.startsWith('#')).map((l) => resolve(folder.root, l));
		expect(entries.length, name).toBeGreaterThan(0);
		for (const entry of entries) expect(good.has(entry), `${name}: ${entry}`).toBe(true);
	}
});

test('the library survives a reload, exports CSV, and deleting the stored model frees its bytes', async ({
	page
}) => {
	const card = defaultCard();
	await openApp(page, 'wasm');
	const upload = clipUpload(clips[0]);
	await addFiles(page, [upload]);
	await waitForQueue(page, 1);
	const row = page.locator(`[data-testid=storage-row][data-model="${card.id}"]`);
	await expect(row).toHaveAttribute('data-bytes', String(modelFile(card, 'int8', 'wasm').bytes));

	await page.reload();
	await expect(page.locator('body[data-ready=true]')).toBeAttached();
	await expect(page.getByTestId('library-track')).toHaveCount(1);
	await page.getByTestId('library-track').getByRole('button').first().click();
	await expect(page.getByTestId('result')).toHaveCount(1);
	await expect(page.getByTestId('top-tags').locator('li')).toHaveCount(10);

	await expect(page.getByTestId('scheme')).toHaveAttribute('data-scheme', 'whole');
	await expect(page.getByTestId('scheme')).toContainText('whole track');
	await expect(page.getByTestId('time-axis')).toBeVisible();
	await expect(page.getByTestId('legend')).toContainText('probability');
	const csv = (await downloadText(page, 'Export CSV')).trimEnd().split('\r\n');
	expect(csv[0]).toBe('file,duration,model,variant,scheme,tag,probability,applies');
	expect(csv).toHaveLength(1 + card.tags.length);
	expect(csv[1].startsWith(`${upload.name},`)).toBe(true);
	// The decided tags on the page are the rows marked 1.
	const applied = csv
		.slice(1)
		.filter((row) => row.endsWith(',1'))
		.map((row) => row.split(',')[5]);
	const marked = await page
		.locator('[data-testid=top-tags] li[data-applies=true]')
		.evaluateAll((els) => els.map((el) => el.getAttribute('data-tag')));
	for (const tag of marked) expect(applied).toContain(tag);
	const wide = (await downloadText(page, 'Export wide CSV')).trimEnd().split('\r\n');
	expect(wide).toHaveLength(2);
	expect(wide[0].startsWith('file,title,artist,album,duration,scheme,moods,tags,')).toBe(true);
	expect(wide[1].startsWith(`${upload.name},`)).toBe(true);

	const storedBytes = () =>
		page.evaluate(
			() =>
				new Promise<number>((resolve, reject) => {
					const open = indexedDB.open('music-tagger-weights');
					open.onerror = () => reject(open.error);
					open.onsuccess = () => {
						const all = open.result.transaction('files').objectStore('files').getAll();
						all.onsuccess = () =>
							resolve(
								all.result.reduce((sum: number, e: { bytes: Uint8Array }) => sum + e.bytes.byteLength, 0)
							);
					};
				})
		);
	expect(await storedBytes()).toBe(modelFile(card, 'int8', 'wasm').bytes);
	await row.getByRole('button', { name: `Delete ${card.id}` }).click();
	await expect(row).toHaveCount(0);
	expect(await storedBytes()).toBe(0);
});

test('a tampered model file is refused and never cached', async ({ page }) => {
	const card = defaultCard();
	await page.route(`**/models/${card.id}/${modelFile(card, 'int8', 'wasm').file}`, async (route) => {
		const response = await route.fetch();
		const body = Buffer.from(await response.body());
		body[body.length >> 1] ^= 0xff;
		await route.fulfill({ response, body });
	});
	await openApp(page, 'wasm');
	await addFiles(page, [clipUpload(clips[0])]);
	await waitForQueue(page, 1);
	const item = queueItems(page).first();
	await expect(item).toHaveAttribute('data-stage', 'error');
	await expect(item.getByTestId('queue-message')).toContainText('integrity');
	await expect(page.getByTestId('storage-row')).toHaveCount(0);
	await expect(page.getByTestId('library-track')).toHaveCount(0);
});

test('after load, no request leaves the origin or carries a body', async ({ page, baseURL }) => {
	await openApp(page, 'wasm');
	const requests: { url: string; method: string; body: boolean }[] = [];
	page
		.context()
		.on('request', (r) =>
			requests.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() !== null })
		);
	await addFiles(page, [clipUpload(clips[1])]);
	await waitForQueue(page, 1);
	await downloadText(page, 'Export JSON');
	await page.getByRole('link', { name: 'About the models' }).click();
	await expect(page.getByTestId('about-model').first()).toBeVisible();
	expect(requests.length).toBeGreaterThan(0);
	const origin = new URL(baseURL!).origin;
	for (const r of requests) {
		const url = new URL(r.url);
		expect(url.protocol === 'blob:' || url.origin === origin, r.url).toBe(true);
		expect(r.method, r.url).toBe('GET');
		expect(r.body, r.url).toBe(false);
	}
});

test('cancel one and cancel all', async ({ page }) => {
	await openApp(page, 'wasm');
	await addFiles(page, clips.map(clipUpload));
	const last = queueItems(page).nth(2);
	await last.getByRole('button', { name: /^Cancel / }).click();
	await expect(last).toHaveAttribute('data-stage', 'cancelled');
	await waitForQueue(page, 2);
	await expect(page.locator('[data-testid=queue-item][data-stage=done]')).toHaveCount(2);

	await page.getByRole('button', { name: 'Clear finished' }).click();
	// The two tagged files are in the library already: only the cancelled one is queued again.
	await addFiles(page, clips.map(clipUpload));
	await expect(
		page.getByTestId('notice').filter({ hasText: '2 of 3 file(s) are already in the library' })
	).toHaveCount(1);
	await expect(queueItems(page)).toHaveCount(1);
	await page.getByRole('button', { name: 'Cancel all' }).click();
	await expect(page.locator('[data-testid=queue-item][data-stage=cancelled]')).toHaveCount(1);
	await expect(page.getByTestId('library-track')).toHaveCount(2);
});

test('files dropped on the page are queued', async ({ page }) => {
	await openApp(page, 'wasm');
	const upload = clipUpload(clips[2]);
	const transfer = await page.evaluateHandle(
		({ name, type, bytes }) => {
			const data = new DataTransfer();
			data.items.add(new File([new Uint8Array(bytes)], name, { type }));
			return data;
		},
		{ name: upload.name, type: upload.mimeType, bytes: [...upload.buffer] }
	);
	await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
	await waitForQueue(page, 1);
	await expect(queueItems(page).first()).toHaveAttribute('data-stage', 'done');
	await expect(page.getByTestId('library-track')).toHaveCount(1);
});

test('a track runs through a second model and both results show side by side', async ({ page }) => {
	const second = 'mtat-musicnn';
	await openApp(page, 'wasm');
	await addFiles(page, [clipUpload(clips[0])]);
	await waitForQueue(page, 1);
	await page.getByLabel('Compare with').selectOption(second);
	await page.getByRole('button', { name: 'Run', exact: true }).click();
	await waitForQueue(page, 2);
	await expect(page.getByTestId('result')).toHaveCount(2);
	await expect(
		page.locator(`[data-testid=result][data-model="${second}"] [data-testid=top-tags] li`)
	).toHaveCount(10);
	await expect(page.getByTestId('library-track')).toHaveCount(1);
});

test('a full storage quota is reported and the model still runs from memory', async ({ page }) => {
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
	await addFiles(page, [clipUpload(clips[1])]);
	await waitForQueue(page, 1);
	await expect(queueItems(page).first()).toHaveAttribute('data-stage', 'done');
	await expect(page.getByTestId('notice')).toContainText('quota');
	await expect(page.getByTestId('storage-row')).toHaveCount(0);
	await expect(page.getByTestId('result')).toHaveCount(1);
});

test('when storage is full, playback copies go before results: a reload keeps every result', async ({
	page
}) => {
	// The library's track store refuses one write (as at a full quota) once the flag is set: the app must drop an
	// audio copy to make room and keep the result.
	await page.addInitScript(() => {
		const put = IDBObjectStore.prototype.put;
		IDBObjectStore.prototype.put = function (
			this: IDBObjectStore,
			...args: Parameters<IDBObjectStore['put']>
		) {
			const w = window as unknown as { quotaOnce?: boolean };
			if (this.name === 'tracks' && w.quotaOnce) {
				w.quotaOnce = false;
				throw new DOMException('', 'QuotaExceededError');
			}
			return put.apply(this, args);
		};
	});
	await openApp(page, 'wasm');
	await page.getByTestId('keep-audio').check(); // playback copies are off by default
	await addFiles(page, [clipUpload(clips[0])]);
	await waitForQueue(page, 1);
	await page.evaluate(() => ((window as unknown as { quotaOnce?: boolean }).quotaOnce = true));
	await addFiles(page, [clipUpload(clips[1])]);
	await waitForQueue(page, 2);
	const notices = page.getByTestId('notice');
	await expect(notices.filter({ hasText: '1 playback copy was removed to keep the results' })).toHaveCount(1);
	await expect(notices.filter({ hasText: 'could not be saved' })).toHaveCount(0);
	await page.reload();
	await expect(page.getByTestId('library-track')).toHaveCount(2);
});

test('by default no audio is copied into the browser: the track plays in its session, results survive a reload', async ({
	page
}) => {
	await openApp(page, 'wasm');
	await expect(page.getByTestId('keep-audio')).not.toBeChecked();
	await addFiles(page, [clipUpload(clips[0])]);
	await waitForQueue(page, 1);
	await expect(page.locator('[data-testid=track-view] audio')).toHaveCount(1);
	expect(await storedAudioCopies(page)).toBe(0);
	const pick = (clip: string) =>
		page.locator(`[data-testid=library-track][data-file^="${clip}."] button.pick`).click();
	await page.reload();
	await expect(page.getByTestId('library-track')).toHaveCount(1);
	await pick(clips[0]);
	await expect(page.getByTestId('no-audio')).toBeVisible();
	// Asked for, copies are kept and play after a reload.
	await page.getByTestId('keep-audio').check();
	await addFiles(page, [clipUpload(clips[1])]);
	await waitForQueue(page, 1);
	expect(await storedAudioCopies(page)).toBe(1);
	await page.reload();
	await expect(page.getByTestId('keep-audio')).toBeChecked();
	await pick(clips[1]);
	await expect(page.locator('[data-testid=track-view] audio')).toHaveCount(1);
});

test('a reload in the middle of a batch keeps every finished result and names the files to drop again', async ({
	page
}) => {
	await openApp(page, 'wasm');
	await addFiles(page, clips.map(clipUpload));
	// Files finish a worker at a time: the first result can come with a second one.
	await expect(page.locator('[data-testid=queue-item][data-stage=done]')).not.toHaveCount(0, {
		timeout: 120_000
	});
	await page.reload();
	await expect(page.locator('body[data-ready=true]')).toBeAttached();
	const done = await page.getByTestId('library-track').count();
	expect(done).toBeGreaterThanOrEqual(1);
	const notice = page.getByTestId('notice').filter({ hasText: 'A reload interrupted' });
	if (done < clips.length) {
		await expect(notice).toHaveCount(1);
		await expect(notice).toContainText(`interrupted ${clips.length - done} file(s)`);
		await expect(notice).toContainText(`${clips[clips.length - 1]}.`);
	}
	// Dropping the whole batch again tags only what is missing.
	await addFiles(page, clips.map(clipUpload));
	await waitForQueue(page, clips.length - done);
	await expect(page.getByTestId('library-track')).toHaveCount(clips.length);
});
