/**
 * The page on a phone (390 × 844): before there are results the drop zone and the model choice come first; once
 * a real clip is tagged the library (and the selected track) come right after the drop zone, within the first
 * screen, ahead of the queue, the models and the storage. On a desktop the two columns stay as they were.
 * Also the advice line under each model, from its card.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { addFiles, openApp, waitForQueue } from './helpers/app';
import { clips, clipUpload, readIndex } from './helpers/fixtures';
import { modelAdvice } from '../../src/lib/card/advice';

const phone = { width: 390, height: 844 };

async function box(locator: Locator) {
	const b = await locator.boundingBox();
	expect(b, 'laid out').not.toBeNull();
	return b!;
}

const top = async (locator: Locator) => (await box(locator)).y;
const heading = (page: Page, id: string) => page.locator(`#${id}`);

test('phone: the library comes first once there are results; desktop keeps its two columns', async ({
	page
}) => {
	await page.setViewportSize(phone);
	await openApp(page, 'wasm');
	const library = heading(page, 'library-heading');
	const models = heading(page, 'models-heading');
	const addButton = page.getByTestId('drop-zone').getByRole('button', { name: 'Choose files…' });
	const folderButton = page.getByTestId('drop-zone').getByRole('button', { name: 'Choose a folder…' });

	// The advice line under each model is the card's own (src/lib/card/advice.ts).
	const index = readIndex();
	for (const card of index.models)
		await expect(page.getByTestId(`model-advice-${card.id}`)).toHaveText(modelAdvice(card, index.models));

	// No results yet: drop zone, then the model choice, then the (empty) library far below.
	const before = {
		drop: await top(page.getByTestId('drop-zone')),
		models: await top(models),
		library: await top(library)
	};
	console.log(
		`phone, no results: drop zone ${before.drop}, models ${before.models}, library ${before.library}`
	);
	expect(before.drop).toBeLessThan(before.models);
	expect(before.models).toBeLessThan(before.library);
	expect(before.library).toBeGreaterThan(phone.height);

	await addFiles(page, [clipUpload(clips[0])]);
	await waitForQueue(page, 1);
	await expect(page.getByTestId('library-track')).toHaveCount(1);
	await page.evaluate(() => window.scrollTo(0, 0));

	// Results: drop zone first (its buttons on the first screen), then the library, then the rest.
	const after = {
		drop: await top(page.getByTestId('drop-zone')),
		library: await top(library),
		models: await top(models)
	};
	const queue = await top(heading(page, 'queue-heading'));
	const storage = await top(heading(page, 'storage-heading'));
	console.log(
		`phone, 1 result: drop zone ${after.drop}, library ${after.library}, queue ${queue}, models ${after.models}`
	);
	expect(after.library).toBeLessThan(900);
	expect(after.library).toBeLessThan(before.library);
	expect(after.drop).toBeLessThan(after.library);
	expect(after.library).toBeLessThan(queue);
	expect(queue).toBeLessThan(after.models);
	expect(after.models).toBeLessThan(storage);
	for (const button of [addButton, folderButton]) {
		await expect(button).toBeInViewport();
		await expect(button).toBeEnabled();
		const b = await box(button);
		expect(b.y + b.height).toBeLessThan(phone.height);
	}
	// Nothing is wider than the phone.
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(phone.width);

	// The selected track comes right after the library, still ahead of the model picker.
	await page.getByTestId('library-track').getByRole('button').first().click();
	const trackView = page.getByTestId('track-view');
	await expect(trackView).toBeVisible();
	expect(await top(trackView)).toBeGreaterThan(await top(library));
	expect(await top(trackView)).toBeLessThan(await top(heading(page, 'queue-heading')));
	expect(await top(trackView)).toBeLessThan(await top(models));

	// Desktop: drop zone, queue, models and storage on the left, library and track view on the right, both from
	// the top, whether there are results or not.
	await page.setViewportSize({ width: 1280, height: 900 });
	await page.evaluate(() => window.scrollTo(0, 0));
	const drop = await box(page.getByTestId('drop-zone'));
	const right = await box(library);
	for (const side of [models, heading(page, 'queue-heading'), heading(page, 'storage-heading')]) {
		const b = await box(side);
		expect(b.x).toBeCloseTo(drop.x, 0);
		expect(b.y).toBeGreaterThan(drop.y);
		expect(b.x + b.width).toBeLessThanOrEqual(right.x);
	}
	expect(right.x).toBeGreaterThan(drop.x + drop.width);
	expect(Math.abs(right.y - drop.y)).toBeLessThan(50);
	const track = await box(trackView);
	expect(track.x).toBeGreaterThan(drop.x + drop.width);
	expect(track.y).toBeGreaterThan(right.y);
});
