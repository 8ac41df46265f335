/**
 * Installable and offline, on a plain static host: the site is served WITHOUT COOP/COEP headers (like GitHub
 * Pages), so cross-origin isolation must come from the service worker. After one visit (app shell precached,
 * model weights in IndexedDB) the server is shut down and the browser set offline: a reload still loads the app
 * and tags a clip. A changed service worker (a new deployment) waits until the user accepts the update prompt.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addFiles, openApp, queueItems, waitForQueue } from './helpers/app';
import { buildDir, clips, clipUpload } from './helpers/fixtures';
import { serveStatic } from './helpers/static-server';

const isolated = (page: Page) => page.evaluate(() => crossOriginIsolated).catch(() => false);

test('after one visit the app loads and tags with the network cut', async ({ page, context }) => {
	const server = await serveStatic(buildDir);
	try {
		await openApp(page, 'wasm', server.url);
		// The service worker takes control and reloads the page once to apply its COOP/COEP headers.
		await expect.poll(() => isolated(page), { timeout: 60_000 }).toBe(true);
		await expect(page.locator('body[data-ready=true]')).toBeAttached();
		// Files are taken only once the isolation reload is behind us (it would drop them otherwise).
		await expect(page.getByTestId('drop-waiting')).toHaveCount(0);
		await expect(page.getByRole('button', { name: 'Choose files…' })).toBeEnabled();
		await expect(page.getByTestId('backend')).toContainText('2 threads');
		await addFiles(page, [clipUpload(clips[0])]);
		await waitForQueue(page, 1);
		await expect(queueItems(page).first()).toHaveAttribute('data-stage', 'done');
	} finally {
		await server.close();
	}
	await context.setOffline(true);

	await page.reload();
	await expect(page.locator('body[data-ready=true]')).toBeAttached();
	expect(await isolated(page)).toBe(true);
	await expect(page.getByTestId('library-track')).toHaveCount(1);
	await addFiles(page, [clipUpload(clips[1])]);
	await waitForQueue(page, 1);
	await expect(queueItems(page).first()).toHaveAttribute('data-stage', 'done');
	await expect(page.getByTestId('library-track')).toHaveCount(2);
	await expect(page.getByTestId('result').first()).toBeVisible();
});

test('a new deployment is offered as an update and taken on request', async ({ page }) => {
	const server = await serveStatic(buildDir);
	try {
		await openApp(page, 'wasm', server.url);
		await expect.poll(() => isolated(page), { timeout: 60_000 }).toBe(true);
		const worker = readFileSync(join(buildDir, 'service-worker.js'), 'utf8');
		server.override('/service-worker.js', `${worker}\n// next deployment\n`);
		await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
		const prompt = page.getByRole('button', { name: 'Reload to update' });
		await expect(prompt).toBeVisible();
		await Promise.all([page.waitForEvent('load'), prompt.click()]);
		await expect(page.locator('body[data-ready=true]')).toBeAttached();
		await expect(prompt).toHaveCount(0);
		const script = await page.evaluate(async () => {
			const url = navigator.serviceWorker.controller?.scriptURL;
			return url ? (await fetch(url)).text() : '';
		});
		expect(script).toContain('// next deployment');
	} finally {
		await server.close();
	}
});
