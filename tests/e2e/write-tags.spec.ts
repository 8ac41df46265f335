/**
 * "Write tags" in the browser on a generated folder of 36 real-audio files in six formats (the fixture clips
 * transcoded by ffmpeg, with title/artist/album/genre). Both paths: the download (a zip of tagged copies),
 * and in place through the File System Access API, where the folder picker (a native dialog Playwright cannot
 * drive) is replaced by the origin-private file system's root, a real FileSystemDirectoryHandle with the
 * same createWritable(). The written files are read back by mutagen and ffprobe: the app's decided MOOD
 * values (from its own JSON export), the other tags unchanged, the audio packets identical.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { unzipSync } from 'fflate';
import { tagLabel } from '../../src/lib/card/labels';
import type { JsonExport } from '../../src/lib/library/export';
import { exportJson, openApp, waitForQueue } from './helpers/app';
import {
	audioStreamMd5,
	extensions,
	ffprobeTags,
	makeMusicFolder,
	mutagenTags,
	type MusicFile
} from '../unit/helpers/music-folder';

const work = mkdtempSync(join(tmpdir(), 'music-tagger-e2e-write-'));
const root = join(work, 'music');
let files: MusicFile[] = [];
test.beforeAll(() => {
	files = makeMusicFolder(root, { copies: 2, seconds: 6 });
});
test.afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The moods the app decided for a file (its JSON export), over all its results. */
function decidedMoods(data: JsonExport, name: string): string[] {
	const track = data.tracks.find((t) => t.file === `music/${name}`);
	if (!track) throw new Error(`${name} is not in the export`);
	const labels = track.results.flatMap((r) => (r as unknown as { decided: string[] }).decided.map(tagLabel));
	return [...new Set(labels.filter((l) => l.category === 'mood/theme').map((l) => l.label))];
}

async function tagFolder(page: Page): Promise<JsonExport> {
	await openApp(page, 'wasm');
	await page.getByTestId('folder-input').setInputFiles(root);
	await waitForQueue(page, files.length, 600_000);
	await expect(page.getByTestId('library-track')).toHaveCount(files.length);
	return exportJson(page);
}

/** Every written file checked against its original with the independent readers. */
function checkWritten(written: Map<string, string>, data: JsonExport) {
	const read = mutagenTags([...written.values()]);
	expect(new Set(Object.values(read).map((r) => r.kind))).toEqual(
		new Set(['MP3', 'FLAC', 'OggVorbis', 'OggOpus', 'MP4', 'WAVE'])
	);
	let withMood = 0;
	for (const f of files) {
		const path = written.get(f.name)!;
		expect(path, f.name).toBeDefined();
		const moods = decidedMoods(data, f.name);
		withMood += moods.length > 0 ? 1 : 0;
		expect(read[path].mood, f.name).toEqual(moods);
		expect(JSON.parse(read[path].machine[0]).app).toBe('music-tagger');
		const tags = Object.fromEntries(
			Object.entries(ffprobeTags(path)).filter(([k]) => !['mood', 'tmoo', 'music_tagger'].includes(k))
		);
		expect(tags, f.name).toEqual(ffprobeTags(f.path));
		expect(audioStreamMd5(path), f.name).toBe(audioStreamMd5(f.path));
	}
	expect(withMood).toBeGreaterThan(0);
}

test('the download path: a zip of tagged copies, read back by mutagen and ffprobe', async ({ page }) => {
	test.setTimeout(900_000);
	expect(new Set(files.map((f) => f.ext))).toEqual(new Set(extensions));
	expect(files.length).toBeGreaterThanOrEqual(30);
	const data = await tagFolder(page);
	await page.getByRole('button', { name: 'Download tagged copies' }).click();
	const preview = page.getByTestId('write-tags-preview');
	await expect(preview).toBeVisible({ timeout: 120_000 });
	await expect(preview.locator('li')).toHaveCount(files.length);
	await expect(preview.getByText(/^MUSIC_TAGGER: \(none\) →/).first()).toBeVisible();
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		preview.getByRole('button', { name: 'Download tagged copies' }).click()
	]);
	expect(download.suggestedFilename()).toBe('music-tagger-tagged.zip');
	const zip = unzipSync(readFileSync((await download.path())!));
	const out = join(work, 'downloaded');
	const written = new Map<string, string>();
	for (const [name, bytes] of Object.entries(zip)) {
		const path = join(out, name);
		mkdirSync(dirname(path), { recursive: true });
		writeFileSync(path, bytes);
		written.set(name.replace(/^music\//, ''), path);
	}
	checkWritten(written, data);
	await expect(page.getByRole('status')).toContainText(`${files.length} tagged copies downloaded`);
});

test('in place (File System Access, the picker replaced by the origin-private folder)', async ({ page }) => {
	test.setTimeout(900_000);
	const data = await tagFolder(page);
	// The folder as the picker would hand it: the same files under the same relative paths.
	for (const f of files) {
		await page.evaluate(
			async ({ name, bytes }) => {
				let dir = await navigator.storage.getDirectory();
				const parts = name.split('/');
				for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part, { create: true });
				const writable = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
				await writable.write(Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0)));
				await writable.close();
			},
			{ name: `music/${f.name}`, bytes: readFileSync(f.path).toString('base64') }
		);
	}
	await page.evaluate(() => {
		(
			window as unknown as { showDirectoryPicker: () => Promise<FileSystemDirectoryHandle> }
		).showDirectoryPicker = () => navigator.storage.getDirectory();
	});
	await page.getByRole('button', { name: 'Write tags into the files…' }).click();
	const preview = page.getByTestId('write-tags-preview');
	await expect(preview.locator('li')).toHaveCount(files.length, { timeout: 120_000 });
	await preview.getByRole('button', { name: 'Write into the files' }).click();
	await expect(page.getByRole('status')).toContainText(`Tags written into ${files.length} file(s).`, {
		timeout: 120_000
	});
	const out = join(work, 'in-place');
	const written = new Map<string, string>();
	for (const f of files) {
		const base64 = await page.evaluate(async (name) => {
			let dir = await navigator.storage.getDirectory();
			const parts = name.split('/');
			for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
			const bytes = new Uint8Array(
				await (await (await dir.getFileHandle(parts.at(-1)!)).getFile()).arrayBuffer()
			);
			let s = '';
			for (let i = 0; i < bytes.length; i += 0x8000)
				s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
			return btoa(s);
		}, `music/${f.name}`);
		const path = join(out, dirname(f.name), basename(f.name));
		mkdirSync(dirname(path), { recursive: true });
		writeFileSync(path, Buffer.from(base64, 'base64'));
		written.set(f.name, path);
	}
	checkWritten(written, data);
});
