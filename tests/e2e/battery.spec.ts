/**
 * The bad-input battery (tools/bad-inputs.ts, the same folder the CLI test runs) picked as a folder in the app
 * (WASM, default model int8): every bad file shows a clear message in its queue item, every good one is done,
 * clutter is not queued, no page error, no markup from a file name is run, and the app still tags a file after.
 * Per input the time until its queue item finished and the page's peak JS heap are printed (BATTERY_TABLE=<file> writes the table).
 */
import { expect, test } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	batteryTable,
	mismatch,
	writeBattery,
	type BatteryOutcome,
	type BatteryRow
} from '../../tools/bad-inputs';
import { addFiles, exportJson, openApp, queueItems } from './helpers/app';

interface ItemState {
	file: string;
	stage: string;
	message: string;
}

test('the bad-input battery: a result or a clear message for each, every good file tagged', async ({
	page
}) => {
	test.setTimeout(480_000);
	const battery = writeBattery();
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	page.on('dialog', (dialog) => {
		errors.push(`dialog: ${dialog.message()}`);
		void dialog.dismiss();
	});
	try {
		await openApp(page, 'wasm');
		await page.getByTestId('folder-input').setInputFiles(battery.root);
		await expect(queueItems(page)).toHaveCount(battery.queued.length);
		// The queue, and the page's JS heap (Chromium's performance.memory: the main thread decodes; the worker's
		// inference is not in it).
		const poll = () =>
			queueItems(page).evaluateAll((els) => ({
				heap: (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
				states: els.map((el) => ({
					file: el.getAttribute('data-file') ?? '',
					stage: el.getAttribute('data-stage') ?? '',
					message: el.querySelector('[data-testid=queue-message]')?.textContent?.trim() ?? ''
				}))
			}));
		// Poll the queue for when each item finishes (the queue runs one file at a time).
		const started = Date.now();
		const finishedAt = new Map<string, number>();
		const peakHeap = new Map<string, number>();
		let heap = 0;
		let states: ItemState[] = [];
		while (Date.now() - started < 420_000) {
			const polled = await poll();
			states = polled.states;
			heap = Math.max(heap, polled.heap);
			for (const s of states)
				if (['done', 'error'].includes(s.stage) && !finishedAt.has(s.file)) {
					finishedAt.set(s.file, Date.now());
					peakHeap.set(s.file, heap);
					heap = polled.heap;
				}
			if (finishedAt.size === battery.queued.length) break;
			await page.waitForTimeout(200);
		}
		expect(finishedAt.size, 'every queued file finished').toBe(battery.queued.length);

		// The folder picker names files `<folder>/<path>`.
		const folder = battery.root.slice(battery.root.lastIndexOf('/') + 1);
		const inFolder = (file: string) => `${folder}/${file}`;
		const exported = await exportJson(page);
		const order = [...finishedAt.entries()].sort((a, b) => a[1] - b[1]);
		const rows: BatteryRow[] = battery.entries.map((entry) => {
			const state = states.find((s) => s.file === inFolder(entry.file));
			const track = exported.tracks.find((t) => t.file === inFolder(entry.file));
			let outcome: BatteryOutcome = { kind: 'absent' };
			if (state?.stage === 'done' && track)
				outcome = { kind: 'result', seconds: track.duration, silent: track.results[0].silent === true };
			else if (state?.stage === 'error') outcome = { kind: 'message', text: state.message };
			const at = order.findIndex(([file]) => file === state?.file);
			if (at < 0) return { entry, outcome };
			const ms = order[at][1] - (at ? order[at - 1][1] : started);
			return { entry, outcome, ms, peakMiB: peakHeap.get(order[at][0])! / 2 ** 20 };
		});
		const table = batteryTable(rows);
		console.log(
			`Browser (WASM, mtg-moodtheme-vggish int8; time until the queue item finished, polled every 200 ms; peak JS heap of the page):\n${table}`
		);
		if (process.env.BATTERY_TABLE) writeFileSync(process.env.BATTERY_TABLE, table);
		const wrong = rows.flatMap(({ entry, outcome }) => {
			const problem = mismatch(entry, outcome);
			return problem ? [`${entry.file}: ${problem}`] : [];
		});
		expect(wrong).toEqual([]);
		expect(errors).toEqual([]);
		// A file name is text, never markup.
		await expect(page.locator('img[src=x]')).toHaveCount(0);

		// Still usable: a new file is tagged after the battery.
		await page.getByRole('button', { name: 'Clear finished' }).click();
		await expect(queueItems(page)).toHaveCount(0);
		await addFiles(page, [
			{
				name: 'after-the-battery.mp3',
				mimeType: 'audio/mpeg',
				buffer: readFileSync(join(battery.root, 'shapes', 'LOUD.MP3'))
			}
		]);
		await expect(queueItems(page).first()).toHaveAttribute('data-stage', 'done', { timeout: 60_000 });
		expect(errors).toEqual([]);
	} finally {
		battery.remove();
	}
});
