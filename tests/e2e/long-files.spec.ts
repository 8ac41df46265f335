/**
 * Long files in the browser (src/lib/app/run-track.ts `workerDecodeSeconds`, src/lib/worker/tag-file.ts):
 * a file over the 2-hour limit is refused by its header at once, with its length in the message; a file over
 * 10 minutes is decoded and resampled in the worker (the page never holds its audio), without long
 * main-thread blocks, and its results are the command line's on the same file. The audio is generated at
 * test time from a fixture clip with ffmpeg (nothing large is committed).
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addFiles, exportJson, openApp, waitForQueue } from './helpers/app';
import { clipAudioFile } from '../../tools/fixtures';
import { runBin } from '../unit/cli-helpers';
import type { JsonExport } from '../../src/lib/library/export';

const dir = mkdtempSync(join(tmpdir(), 'music-tagger-long-'));
const ffmpeg = (...args: string[]) => execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Main-thread long tasks (ms) from now on, collected in the page. */
async function watchLongTasks(page: import('@playwright/test').Page) {
	await page.evaluate(() => {
		const tasks: number[] = ((window as unknown as { longTasks: number[] }).longTasks = []);
		new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration))).observe({
			type: 'longtask'
		});
	});
	return () => page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
}

test('a 2 h 10 min Ogg is refused at once by its header, with its length', async ({ page }) => {
	const file = join(dir, 'two-hours.ogg');
	// Silence at 8 kHz encodes in seconds; the header (the last page's granule) says 2:10:00.
	ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '7800', '-c:a', 'libvorbis', file);
	await openApp(page, 'wasm');
	const started = Date.now();
	await addFiles(page, [file]);
	const failed = page.locator('[data-testid=queue-item][data-stage=error]');
	await expect(failed).toHaveCount(1, { timeout: 10_000 });
	const elapsed = Date.now() - started;
	console.log(`2 h 10 min Ogg refused after ${elapsed} ms`);
	await expect(failed.getByTestId('queue-message')).toHaveText(
		'"two-hours.ogg" is 2:10:00 long; the limit is 2 hours.'
	);
	expect(elapsed).toBeLessThan(1500);
});

test('a 20-minute file is tagged in the worker, with the command line’s results', async ({ page }) => {
	test.setTimeout(420_000);
	const file = join(dir, 'twenty-minutes.ogg');
	// The fixture clip looped; mono 22.05 kHz keeps the encode short and still resamples (22.05 → 12 kHz).
	const clip = clipAudioFile('wesnoth-battle-epic');
	ffmpeg(
		'-stream_loop',
		'-1',
		'-i',
		clip,
		'-t',
		'1200',
		'-ac',
		'1',
		'-ar',
		'22050',
		'-c:a',
		'libvorbis',
		file
	);
	await openApp(page, 'wasm');
	const longTasks = await watchLongTasks(page);
	await addFiles(page, [file]);
	await waitForQueue(page, 1, 360_000);
	await expect(page.locator('[data-testid=queue-item][data-stage=done]')).toHaveCount(1);
	const route = await page.evaluate(() =>
		performance.getEntriesByName('music-tagger:decode-in-worker').map((m) => (m as PerformanceMark).detail)
	);
	expect(route).toEqual(['"twenty-minutes.ogg"']);
	const tasks = await longTasks();
	console.log(`main-thread long tasks: ${tasks.length}, longest ${Math.max(0, ...tasks).toFixed(0)} ms`);
	expect(Math.max(0, ...tasks)).toBeLessThan(1000);

	const browser = (await exportJson(page)).tracks[0];
	expect(Math.abs(browser.duration - 1200)).toBeLessThan(2); // the encoder's length, near enough
	const cli = await runBin(['tag', file]);
	expect(cli.code, cli.stderr).toBe(0);
	const node = (JSON.parse(cli.stdout) as JsonExport).tracks[0];
	expect(node.duration).toBe(browser.duration);
	expect(browser.results.map((r) => r.model)).toEqual(node.results.map((r) => r.model));
	let worst = 0;
	for (const [i, result] of browser.results.entries())
		for (const [tag, p] of Object.entries(result.tags))
			worst = Math.max(worst, Math.abs(p - node.results[i].tags[tag]));
	console.log(`20 min, worker path vs CLI: max |Δp| = ${worst.toExponential(2)}`);
	expect(worst).toBeLessThanOrEqual(1e-3);
});
