/**
 * M4A and AAC in the browser: an AAC .m4a, an ALAC .m4a and an ADTS .aac, transcoded from the fixture clips
 * with ffmpeg at test time, are dropped into the built app and tagged with the default model, and their track
 * probabilities equal the command-line tagger's on the same files within 1e-3. Chromium decodes the AAC .m4a
 * with Web Audio; ALAC (which it lacks) and ADTS (whose priming it keeps) with the CLI's WASM decoder
 * (src/lib/audio/README.md). Both run fp32, the exact instrument for decoders: static int8 rounds activations
 * to uint8 steps, where a 1e-7 difference in the decoded audio can already move a probability by 1e-3.
 * The AAC is encoded without PNS: its noise bands are each decoder's own random numbers.
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { JsonExport } from '../../src/lib/library/export';
import { exportJson, openApp, queueItems, waitForQueue } from './helpers/app';
import { dropFiles } from './helpers/drop';
import { clipAudio } from './helpers/fixtures';
import { runBin } from '../unit/cli-helpers';
import { aacWithoutPns, ffmpeg } from '../unit/helpers/transcode';

const work = mkdtempSync(join(tmpdir(), 'music-tagger-formats-'));
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

test('an AAC .m4a, an ALAC .m4a and an ADTS .aac dropped into the app get the CLI’s probabilities', async ({
	page
}) => {
	test.setTimeout(300_000);
	const aac = join(work, 'wesnoth-aac.m4a');
	const alac = join(work, 'lincity-alac.m4a');
	ffmpeg('-i', clipAudio('wesnoth-battle-epic'), ...aacWithoutPns, aac);
	const adts = join(work, 'lincity.aac');
	ffmpeg('-i', clipAudio('lincity-pronobozo-lincity'), '-c:a', 'alac', alac);
	ffmpeg('-i', clipAudio('lincity-pronobozo-lincity'), ...aacWithoutPns, '-f', 'adts', adts);
	const files = [aac, alac, adts];

	await openApp(page, 'wasm');
	await page.getByTestId('variant').selectOption('fp32');
	await dropFiles(
		page,
		files.map((path) => ({
			name: basename(path),
			mimeType: path.endsWith('.aac') ? 'audio/aac' : 'audio/mp4',
			buffer: readFileSync(path)
		}))
	);
	await waitForQueue(page, files.length);
	await expect(queueItems(page).and(page.locator('[data-stage=done]'))).toHaveCount(files.length);
	const browser = await exportJson(page);

	const cli = await runBin(['tag', ...files, '--variant', 'fp32']);
	expect(cli.code, cli.stderr).toBe(0);
	const node = JSON.parse(cli.stdout) as JsonExport;
	for (const path of files) {
		const a = browser.tracks.find((t) => t.file === basename(path));
		const b = node.tracks.find((t) => t.file === path);
		expect(a, `${basename(path)} in the browser export`).toBeDefined();
		expect(b, `${basename(path)} in the CLI output`).toBeDefined();
		expect(a!.duration).toBeCloseTo(b!.duration, 2);
		const model = b!.results[0].model;
		const ours = a!.results.find((r) => r.model === model)!.tags;
		const theirs = b!.results[0].tags;
		const diff = Math.max(...Object.keys(theirs).map((tag) => Math.abs(ours[tag] - theirs[tag])));
		console.log(`${basename(path)} (${model}): browser vs CLI max |Δp| = ${diff.toExponential(2)}`);
		expect(diff, basename(path)).toBeLessThanOrEqual(1e-3);
	}
});
