/**
 * `npm run bench -- --folder [--tracks 20] [--quick] [--no-peer]`: what a user does with a music folder.
 * The folder (bench/folder-tracks.ts) is handed at once to the built app's folder input in headless Chromium,
 * as a user picks a folder: the app's own path (its worker(s), decoding, model download into IndexedDB, the
 * library's IndexedDB writes) with its defaults (default model, int8, automatic backend). Measured: time to
 * the first result (first queue item data-stage=done), wall time to the last, audio hours per wall hour, peak
 * memory of the browser's processes (/proc), IndexedDB growth per track. Then the peer (Essentia.js +
 * TensorFlow.js MusiCNN, bench/page/peer.ts) over the same files in a fresh browser, one after another.
 * Adds `folder` to bench/results.json, keeping its other keys; prints a table with the ratios.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { chromium, type Page } from 'playwright';
import { build } from 'vite';
import { chromiumArgs, chromiumPath } from '../tools/chromium';
import { clipAudioFile, clipsWithSource, fixturesDir } from '../tools/fixtures';
import { benchFolder, type FolderTrack } from './folder-tracks';
import {
	printFolderReport,
	type FolderResults,
	type FolderSide,
	type FolderTrackResult
} from './folder-report';
import { sampleMemory } from './proc-memory';
import type { BenchPage } from './protocol';
import { serve } from './server';

export interface FolderOptions {
	tracks: number;
	peer: boolean;
	peerDir: string;
	log: (message: string) => void;
}

const targets = { realtime_factor: 180, peer_over_ours: 10 };
/** Longest wait for the app to finish the folder. */
const appTimeoutMs = 30 * 60_000;

interface AppRun {
	wall_s: number;
	first_result_s: number | null;
	finished: Record<string, { at_s: number; stage: string; message?: string }>;
	backend: string;
	hardwareConcurrency: number;
	indexeddb: FolderResults['app']['indexeddb'];
	memory: FolderSide['peak_memory'];
}

/** The app's site: a private copy of build/ (others rebuild build/ meanwhile), cross-origin isolated. */
async function runApp(dir: string, count: number, log: (m: string) => void): Promise<AppRun> {
	if (!existsSync('build/index.html'))
		throw new Error('build/ is missing: run `flock /tmp/e2e.lock npm run build` first');
	const site = mkdtempSync(join(tmpdir(), 'music-tagger-bench-site-'));
	const profile = mkdtempSync(join(tmpdir(), 'music-tagger-bench-profile-'));
	cpSync('build', site, { recursive: true });
	const { server, origin } = await serve({ '/': site });
	// A persistent profile: IndexedDB on disk, as in a user's browser. No WebGPU flags: no adapter here.
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: chromiumPath,
		args: chromiumArgs
	});
	try {
		const page = context.pages()[0] ?? (await context.newPage());
		page.on('pageerror', (e) => log(`app pageerror: ${e.message}`));
		await page.goto(`${origin}/`);
		await page.locator('body[data-ready=true]').waitFor({ state: 'attached' });
		await page.getByTestId('backend').waitFor();
		const before = await idbUsage(page);
		// tsx (esbuild keepNames) wraps inner functions in __name(), which the page lacks.
		await page.evaluate('globalThis.__name ??= (f) => f');
		await page.evaluate(watchQueue);
		log(`app: handing ${count} files to the folder input`);
		const memory = sampleMemory();
		const t0 = Date.now();
		await page.getByTestId('folder-input').setInputFiles(dir);
		await page.waitForFunction(
			(n) => Object.keys((window as unknown as Watched).__folderBench).length >= n,
			count,
			{ polling: 500, timeout: appTimeoutMs }
		);
		const wall_s = (Date.now() - t0) / 1000;
		const peak = memory.stop();
		const seen = await page.evaluate(() => (window as unknown as Watched).__folderBench);
		const finished = Object.fromEntries(
			Object.entries(seen).map(([file, v]) => [file, { ...v, at_s: (v.at - t0) / 1000 }])
		);
		const done = Object.values(finished).filter((v) => v.stage === 'done');
		const after = await idbUsage(page);
		const modelBytes = await page.evaluate(weightsBytes);
		const grown = before.idb !== null && after.idb !== null ? after.idb - before.idb - modelBytes : null;
		return {
			wall_s,
			first_result_s: done.length ? Math.min(...done.map((v) => v.at_s)) : null,
			finished,
			backend: ((await page.getByTestId('backend').textContent()) ?? '').replace(/\s+/g, ' ').trim(),
			hardwareConcurrency: await page.evaluate(() => navigator.hardwareConcurrency),
			indexeddb: {
				before_bytes: before.idb,
				after_bytes: after.idb,
				model_files_bytes: modelBytes,
				per_track_bytes: grown !== null && done.length ? grown / done.length : null
			},
			memory: peak
		};
	} finally {
		await context.close();
		server.close();
		rmSync(site, { recursive: true, force: true });
		rmSync(profile, { recursive: true, force: true });
	}
}

type Watched = Window & {
	__folderBench: Record<string, { at: number; stage: string; message?: string }>;
};

/** In the page: the wall-clock time each queue item first reaches done or error (by its data-file). */
function watchQueue(): void {
	const seen: Watched['__folderBench'] = {};
	(window as unknown as Watched).__folderBench = seen;
	const scan = () => {
		for (const item of document.querySelectorAll<HTMLElement>('[data-testid=queue-item]')) {
			const { stage, file } = item.dataset;
			if (!file || seen[file] || (stage !== 'done' && stage !== 'error')) continue;
			const message = item.querySelector('[data-testid=queue-message]')?.textContent ?? undefined;
			seen[file] = { at: Date.now(), stage, message };
		}
	};
	new MutationObserver(scan).observe(document.body, {
		subtree: true,
		childList: true,
		attributes: true,
		attributeFilter: ['data-stage']
	});
}

async function idbUsage(page: Page): Promise<{ idb: number | null }> {
	return page.evaluate(async () => {
		const estimate = (await navigator.storage.estimate()) as StorageEstimate & {
			usageDetails?: { indexedDB?: number };
		};
		return { idb: estimate.usageDetails?.indexedDB ?? null };
	});
}

/** In the page, after the run (the app has created the store): bytes of the cached model files. */
function weightsBytes(): Promise<number> {
	return new Promise((resolve) => {
		const open = indexedDB.open('music-tagger-weights');
		open.onerror = () => resolve(0);
		open.onsuccess = () => {
			const db = open.result;
			if (!db.objectStoreNames.contains('files')) return resolve(0);
			const all = db.transaction('files').objectStore('files').getAll();
			all.onerror = () => resolve(0);
			all.onsuccess = () => {
				db.close();
				resolve((all.result as { bytes?: Uint8Array }[]).reduce((s, e) => s + (e.bytes?.byteLength ?? 0), 0));
			};
		};
	});
}

interface PeerRun {
	perFile: Record<string, { s: number } | { error: string }>;
	wall_s: number;
	backend: string;
	memory: FolderSide['peak_memory'];
}

/**
 * The peer over the same files, one after another, each in a fresh page: Essentia.js's WASM heap grows from
 * file to file in one page until it fails ("memory access out of bounds" after ~15 audio minutes). Each page
 * first runs the peer once, untimed, on a 30 s fixture clip (TF.js's first execution), as our app's worker is
 * warm after its first file.
 */
async function runPeerFolder(
	dir: string,
	tracks: FolderTrack[],
	peerDir: string,
	log: (m: string) => void
): Promise<PeerRun> {
	log('building the bench page for the peer (vite build --config bench/vite.config.ts)');
	await build({ configFile: join('bench', 'vite.config.ts') });
	const clip = clipAudioFile(clipsWithSource(fixturesDir).find((c) => !c.startsWith('mtat-'))!);
	const { server, origin } = await serve({
		'/': join('bench', 'dist'),
		'/tfjs-wasm/': 'node_modules/@tensorflow/tfjs-backend-wasm/dist',
		'/peer/': peerDir,
		'/folder/': dir,
		'/clip/': dirname(clip)
	});
	const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
	type BenchWindow = Window & { bench: BenchPage };
	const request = (trackUrl: string, warmup: number, runs: number) => ({
		threads: 2,
		warmup,
		runs,
		trackUrl,
		modelUrl: '/peer/model.json'
	});
	const memory = sampleMemory();
	const perFile: PeerRun['perFile'] = {};
	let backend = '';
	const t0 = Date.now();
	try {
		for (const track of tracks) {
			const page = await browser.newPage();
			try {
				await page.goto(`${origin}/`);
				await page.waitForFunction(() => document.body.dataset.ready === 'true');
				const run = (r: ReturnType<typeof request>) =>
					page.evaluate((q) => (window as unknown as BenchWindow).bench.runPeer(q), r);
				await run(request(`/clip/${basename(clip)}`, 1, 0));
				const result = await run(request(`/folder/${encodeURIComponent(track.name)}`, 0, 1));
				backend = result.tfjsBackend;
				perFile[track.name] = { s: result.runs[0].total / 1000 };
				log(`peer ${track.name}: ${(result.runs[0].total / 1000).toFixed(1)} s`);
			} catch (error) {
				perFile[track.name] = { error: (error as Error).message.split('\n')[0] };
				log(`peer ${track.name} FAILED: ${(error as Error).message.split('\n')[0]}`);
			} finally {
				await page.close();
			}
		}
		return { perFile, wall_s: (Date.now() - t0) / 1000, backend, memory: memory.stop() };
	} finally {
		await browser.close();
		server.close();
	}
}

const side = (
	ok: { seconds: number }[],
	wall_s: number,
	peak_memory: FolderSide['peak_memory']
): FolderSide => {
	const audio = ok.reduce((s, t) => s + t.seconds, 0);
	return {
		files_ok: ok.length,
		audio_seconds_ok: audio,
		wall_s,
		realtime_factor: audio / wall_s,
		seconds_per_audio_minute: wall_s / (audio / 60),
		peak_memory
	};
};

export async function runFolderBench(options: FolderOptions): Promise<void> {
	const { log } = options;
	const loadStart = loadavg()[0];
	const t = Date.now();
	const folder = benchFolder(fixturesDir, options.tracks);
	const audioSeconds = folder.tracks.reduce((s, tr) => s + tr.seconds, 0);
	log(
		`folder: ${folder.dir} (${folder.generated ? `generated in ${((Date.now() - t) / 1000).toFixed(0)} s` : 'cached'}), ${folder.tracks.length} tracks, ${(audioSeconds / 60).toFixed(1)} audio min; load average ${loadStart.toFixed(1)}`
	);
	const app = await runApp(folder.dir, folder.tracks.length, log);
	log(`app: ${app.wall_s.toFixed(1)} s wall, first result after ${app.first_result_s?.toFixed(1)} s`);
	const peer = options.peer ? await runPeerFolder(folder.dir, folder.tracks, options.peerDir, log) : null;

	const model = JSON.parse(readFileSync('build/models/index.json', 'utf8')) as {
		models: { id: string; default?: boolean }[];
	};
	const tracks: FolderTrackResult[] = folder.tracks.map((tr) => {
		// The queue names a file by its path inside the picked folder ("<folder>/<name>").
		const mine = Object.entries(app.finished).find(
			([file]) => file === tr.name || file.endsWith(`/${tr.name}`)
		)?.[1];
		const theirs = peer?.perFile[tr.name];
		return {
			file: tr.name,
			format: tr.format,
			seconds: tr.seconds,
			bytes: tr.bytes,
			app_finished_s: mine?.at_s ?? null,
			app_stage: mine?.stage ?? 'unfinished',
			app_message: mine?.message,
			peer_s: theirs && 's' in theirs ? theirs.s : null,
			peer_error: theirs && 'error' in theirs ? theirs.error : undefined
		};
	});
	const ours = side(
		tracks.filter((tr) => tr.app_stage === 'done'),
		app.wall_s,
		app.memory
	);
	const peerOk = tracks.filter((tr) => tr.peer_s !== null);
	const peerSide = peer
		? side(
				peerOk,
				peerOk.reduce((s, tr) => s + tr.peer_s!, 0),
				peer.memory
			)
		: null;
	const results: FolderResults = {
		measured_at: new Date().toISOString(),
		command: `npm run bench -- --folder --tracks ${options.tracks}${options.peer ? '' : ' --no-peer'}`,
		folder: {
			dir: folder.dir,
			tracks: folder.tracks.length,
			audio_seconds: audioSeconds,
			clips: folder.clips,
			formats: [...new Set(folder.tracks.map((tr) => tr.format))]
		},
		loadavg_1min: { start: loadStart, end: loadavg()[0] },
		cpus: cpus().length,
		app: {
			...ours,
			backend: app.backend,
			model: model.models.find((m) => m.default)?.id ?? model.models[0].id,
			variant: 'int8 (the app default)',
			hardware_concurrency: app.hardwareConcurrency,
			first_result_s: app.first_result_s,
			indexeddb: app.indexeddb
		},
		peer:
			peer && peerSide
				? {
						...peerSide,
						name: 'Essentia.js 0.1.3 (EssentiaTFInputExtractor musicnn) + TensorFlow.js 4.22 msd-musicnn-1',
						backend: peer.backend,
						note: `files one after another, each in a fresh page after one untimed pass over a 30 s fixture clip; wall = Σ per-file decode+resample+mel+inference (model loads excluded; the loop took ${peer.wall_s.toFixed(0)} s)`
					}
				: null,
		ratios: {
			peer_over_ours: peerSide ? peerSide.seconds_per_audio_minute / ours.seconds_per_audio_minute : null,
			realtime_over_target: ours.realtime_factor / targets.realtime_factor
		},
		targets,
		tracks
	};
	const path = join('bench', 'results.json');
	const previous = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as object) : {};
	writeFileSync(`${path}.tmp`, `${JSON.stringify({ ...previous, folder: results }, null, '\t')}\n`);
	renameSync(`${path}.tmp`, path);
	printFolderReport(results);
	console.log(`\nAdded "folder" to bench/results.json in ${((Date.now() - t) / 1000).toFixed(0)} s.`);
}
