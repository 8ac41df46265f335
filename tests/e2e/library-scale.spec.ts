/**
 * A library of thousands (WASM project): one clip tagged through the app, its stored record cloned 5,000 times
 * in IndexedDB (one tag's score varied per clone), then the virtualised list, the sort by a tag, a bulk delete
 * of a selection and the filter by what applies, on 5,001 tracks. Timings are printed, not asserted.
 */
import { expect, test } from '@playwright/test';
import { addFiles, openApp, waitForQueue } from './helpers/app';
import { clips, clipUpload, defaultCard } from './helpers/fixtures';
import { tagLabel } from '../../src/lib/card/labels';

const clones = 5000;

test('5,001 tracks: few rows in the DOM, scroll to the end, sort by a tag, bulk delete, filter by a decided tag', async ({
	page
}) => {
	const card = defaultCard();
	if (card.decision?.rule !== 'thresholds') throw new Error(`${card.id}: expected published thresholds`);
	const { thresholds } = card.decision;
	const groupNames = new Set(card.moodGroups!.map((g) => g.name));
	// A tag whose label is not also a mood group's, so that it names one option in the lists.
	const tag = card.tags.find((t) => !groupNames.has(tagLabel(t).label.toLowerCase()))!;
	const at = card.tags.indexOf(tag);
	const label = tagLabel(tag).label;

	await openApp(page, 'wasm');
	const upload = clipUpload(clips[0]);
	await addFiles(page, [upload]);
	await waitForQueue(page, 1);
	await expect(page.getByTestId('library-track')).toHaveCount(1);

	// Clone the real record: new id, file name, an older date, and the tag's score spread over (0, 0.98]
	// (a permutation, so the best clone is not the oldest); mood group scores follow (max of members).
	const stored = await page.evaluate(
		async ({ clones, at, tags, groups }) => {
			const open = indexedDB.open('music-tagger-library');
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				open.onsuccess = () => resolve(open.result);
				open.onerror = () => reject(open.error);
			});
			const done = (tx: IDBTransaction) =>
				new Promise<void>((resolve, reject) => {
					tx.oncomplete = () => resolve();
					tx.onerror = () => reject(tx.error);
				});
			type Stored = {
				id: string;
				file: string;
				addedAt: number;
				results: { probabilities: number[]; groups?: Record<string, number> }[];
			};
			const all = db.transaction('tracks').objectStore('tracks').getAll();
			const [original] = await new Promise<Stored[]>(
				(resolve) => (all.onsuccess = () => resolve(all.result))
			);
			const tx = db.transaction('tracks', 'readwrite');
			const scores: number[] = [];
			for (let i = 0; i < clones; i++) {
				const clone = structuredClone(original);
				const result = clone.results[0];
				result.probabilities[at] = (0.98 * (((i * 37) % clones) + 1)) / clones;
				scores.push(result.probabilities[at]);
				for (const g of groups)
					result.groups![g.name] = Math.max(...g.members.map((m) => result.probabilities[tags.indexOf(m)]));
				Object.assign(clone, {
					id: `clone-${i}`,
					file: `clone-${i}.ogg`,
					addedAt: original.addedAt - (i + 1) * 1000
				});
				tx.objectStore('tracks').put(clone, clone.id);
			}
			await done(tx);
			db.close();
			return { original: { id: original.id, score: original.results[0].probabilities[at] }, scores };
		},
		{ clones, at, tags: card.tags, groups: card.moodGroups! }
	);
	const library = [
		{ id: stored.original.id, file: upload.name, score: stored.original.score },
		...stored.scores.map((score, i) => ({ id: `clone-${i}`, file: `clone-${i}.ogg`, score }))
	];

	const started = Date.now();
	await page.reload();
	const heading = page.locator('#library-heading');
	await expect(heading).toHaveText(`Library (${clones + 1})`);
	const rows = page.getByTestId('library-track');
	await expect(rows.first()).toBeVisible();
	console.log(`5,001 tracks: reload to the first row in ${Date.now() - started} ms`);
	const inDom = await rows.count();
	console.log(`rows in the DOM: ${inDom}`);
	expect(inDom).toBeGreaterThan(0);
	expect(inDom).toBeLessThan(100);
	await expect(rows.first()).toHaveAttribute('data-file', upload.name); // newest first

	// Scrolled to the end, the oldest clone is on screen, as row 5,001.
	const list = page.getByTestId('library-list');
	const last = page.locator(`[data-testid=library-track][data-file="clone-${clones - 1}.ogg"]`);
	await list.scrollIntoViewIfNeeded();
	await expect(async () => {
		await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
		await expect(last).toBeInViewport({ timeout: 1000 });
	}).toPass({ timeout: 20_000 });
	await expect(last).toHaveAttribute('aria-posinset', String(clones + 1));
	expect(await rows.count()).toBeLessThan(100);

	// Sorted by the tag, the track with the highest score comes first.
	const byScore = [...library].sort((a, b) => b.score - a.score);
	await page.getByTestId('library-sort').selectOption({ label });
	await list.evaluate((el) => el.scrollTo(0, 0));
	const first = page.locator('[data-testid=library-track][aria-posinset="1"]');
	await expect(first).toHaveAttribute('data-file', byScore[0].file);

	// Tick the three best, delete them with one confirm: exactly those leave the library and the database.
	for (const track of byScore.slice(0, 3))
		await page.getByRole('checkbox', { name: `Select ${track.file}`, exact: true }).check();
	await expect(page.getByTestId('selection-count')).toHaveText('3 selected');
	page.once('dialog', (dialog) => dialog.accept());
	await page.getByRole('button', { name: 'Delete from the library' }).click();
	await expect(heading).toHaveText(`Library (${clones - 2})`);
	await expect(page.getByTestId('selection-count')).toHaveText('0 selected');
	await expect(first).toHaveAttribute('data-file', byScore[3].file);
	const storedIds = await page.evaluate(
		() =>
			new Promise<string[]>((resolve, reject) => {
				const open = indexedDB.open('music-tagger-library');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const keys = open.result.transaction('tracks').objectStore('tracks').getAllKeys();
					keys.onsuccess = () => resolve(keys.result as string[]);
				};
			})
	);
	expect(storedIds.sort()).toEqual(
		byScore
			.slice(3)
			.map((t) => t.id)
			.sort()
	);

	// Filtered by the tag: the tracks where it applies (at or above its published threshold).
	const applies = byScore.slice(3).filter((t) => t.score >= thresholds[at]);
	expect(applies.length).toBeGreaterThan(0);
	expect(applies.length).toBeLessThan(clones - 2);
	await page.getByTestId('label-filter').selectOption({ label });
	await expect(page.getByTestId('bulk-target')).toContainText(`the ${applies.length} track(s) shown`);
	await expect(first).toHaveAttribute('data-file', applies[0].file);
	// "Select all shown" ticks the filtered tracks only; the actions then name the selection.
	await page.getByRole('button', { name: 'Select all shown' }).click();
	await expect(page.getByTestId('selection-count')).toHaveText(`${applies.length} selected`);
	await expect(page.getByTestId('bulk-target')).toContainText(`the ${applies.length} selected track(s)`);
	await page.getByRole('button', { name: 'Clear', exact: true }).click();
	await expect(page.getByTestId('selection-count')).toHaveText('0 selected');
});
