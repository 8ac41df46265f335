/**
 * `npm run bench`: stage timings of the real pipeline in headless Chromium (Playwright), side by side with
 * onnxruntime native CPU in Node and with a peer (Essentia.js + TensorFlow.js MusiCNN), on a 3-minute track.
 * Writes bench/results.json and bench/realtime.svg (both gitignored) and prints a table.
 *
 *   npm run bench                          full run: 1 warm-up + 5 timed runs per configuration, most
 *                                          important steps first, none started after 15 min (--budget-min)
 *   npm run bench -- --quick               smoke mode: no warm-up, 1 run
 *   npm run bench -- --models mtg-moodtheme-vggish,mtat-musicnn --no-webgpu --runs 7
 *   npm run bench -- --folder [--tracks 20] [--quick] [--no-peer]
 *                                          folder mode (bench/folder.ts): the built app tags a generated folder
 *   npm run bench -- --write-folder [--tracks 200] [--tag-only-too] [--jobs n]
 *                                          the CLI tags a generated folder and writes the tags into its files
 *                                          (bench/write-folder.ts)
 *
 * WebGPU: headless Chromium here only has SwiftShader's software adapter (~100 s per run of the mood model),
 * so by default WebGPU runs the mood/theme model's int8 variant once, with no warm-up; --webgpu-all runs it
 * like WASM for every model and variant (on a real GPU), --no-webgpu skips it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright';
import { build } from 'vite';
import type { ModelCard, Variant } from '../src/lib/card/types';
import { decodeFileNode } from '../src/lib/audio/decode-node';
import type { DecodedAudio } from '../src/lib/audio/types';
import { findCard } from '../src/lib/card/lookup';
import { readIndexNode } from '../src/lib/model-files/read-node';
import { softwareReason } from '../src/lib/model/webgpu-adapter';
import { nativeVersion, runNative } from './native';
import type {
	BenchPage,
	DecodeBreakdown,
	BrowserBackend,
	OursResult,
	PageInfo,
	PeerResult,
	StageTimes
} from './protocol';
import { printReport, realtimeSvg, type BenchResults, type RunRow } from './report';
import { serve } from './server';
import { medianStages, operatorTimes, type OperatorTime, type OrtProfileEvent } from './stats';
import { buildTrack } from './track';
import { chromiumArgs as baseChromiumArgs, chromiumPath, webgpuArgs } from '../tools/chromium';
import { fixturesDir } from '../tools/fixtures';

const { values: args } = parseArgs({
	options: {
		quick: { type: 'boolean', default: false },
		models: { type: 'string' },
		variants: { type: 'string', default: 'fp32,int8' },
		runs: { type: 'string' },
		warmup: { type: 'string' },
		'no-webgpu': { type: 'boolean', default: false },
		'webgpu-all': { type: 'boolean', default: false },
		'no-native': { type: 'boolean', default: false },
		'no-peer': { type: 'boolean', default: false },
		'no-profile': { type: 'boolean', default: false },
		'budget-min': { type: 'string' },
		'batch-size': { type: 'string' },
		folder: { type: 'boolean', default: false },
		'write-folder': { type: 'boolean', default: false },
		jobs: { type: 'string' },
		'tag-only-too': { type: 'boolean', default: false },
		tracks: { type: 'string' }
	}
});

const runs = Number(args.runs ?? (args.quick ? 1 : 5));
const warmup = Number(args.warmup ?? (args.quick ? 0 : 1));
const variants = args.variants!.split(',') as Variant[];
/** Chunks per ONNX run, browser and native (default: tagTrack's own). */
const batchSize = args['batch-size'] ? Number(args['batch-size']) : undefined;
/** Wall-clock budget: steps that would start after it are skipped (and listed). 0 = no limit. */
const budgetMinutes = Number(args['budget-min'] ?? (args.quick ? 0 : 15));
const peerDir = join(process.env.PEERS_DIR ?? '../shared/peers', 'essentia-msd-musicnn-1');
const benchDir = 'bench';
const distDir = join(benchDir, 'dist');
/** The mood/theme model of the targets and of the operator profile. */
const moodModel = 'mtg-moodtheme-vggish';
const musicnnModels = ['mtat-musicnn', 'jamendo-musicnn'];

const chromiumArgs = [
	...baseChromiumArgs,
	// A WebGPU adapter without a GPU: SwiftShader (Vulkan on the CPU). Real GPUs are much faster.
	...webgpuArgs,
	// Exact (unquantised) performance.memory values, and gc() so each timed run starts from a clean heap.
	'--enable-precise-memory-info',
	'--js-flags=--expose-gc'
];

const benchPackages = [
	'essentia.js',
	'@tensorflow/tfjs',
	'@tensorflow/tfjs-backend-wasm',
	'playwright',
	'vite'
];
const packageVersion = (name: string): string => {
	try {
		return (
			JSON.parse(readFileSync(join('node_modules', name, 'package.json'), 'utf8')) as { version: string }
		).version;
	} catch {
		return 'not installed';
	}
};

const log = (message: string) =>
	console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

interface PageRun<T> {
	value: T;
	/** Max of CDP JSHeapUsedSize polls and the page's own performance.memory samples. */
	peakHeapBytes: number;
	console: string[];
}

/** A fresh page per measurement: ORT's WASM thread count is fixed per page, and heaps do not carry over. */
async function onFreshPage<T>(
	context: BrowserContext,
	origin: string,
	work: (page: Page) => Promise<T & { peakHeapBytes: number }>
): Promise<PageRun<T>> {
	const page = await context.newPage();
	const messages: string[] = [];
	page.on('console', (m) => {
		messages.push(m.text());
		if (process.env.BENCH_CONSOLE)
			console.error(`  page: ${m.text().slice(0, Number(process.env.BENCH_CONSOLE) > 1 ? undefined : 400)}`);
	});
	page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
	await page.goto(`${origin}/`);
	await page.waitForFunction(() => document.body.dataset.ready === 'true');
	const cdp = await context.newCDPSession(page);
	await cdp.send('Performance.enable');
	let cdpPeak = 0;
	let polling = true;
	const poll = (async () => {
		while (polling) {
			try {
				const { metrics } = await cdp.send('Performance.getMetrics');
				const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
				cdpPeak = Math.max(cdpPeak, used);
			} catch {
				return;
			}
			await new Promise((r) => setTimeout(r, 50));
		}
	})();
	try {
		const value = await work(page);
		return { value, peakHeapBytes: Math.max(cdpPeak, value.peakHeapBytes), console: messages };
	} catch (error) {
		const tail = messages.slice(-10).join('\n  ');
		throw new Error(`${(error as Error).message}${tail ? `\n  page console:\n  ${tail}` : ''}`);
	} finally {
		polling = false;
		await poll;
		await cdp.detach().catch(() => {});
		await page.close();
	}
}

type BenchWindow = Window & { bench: BenchPage };

/**
 * Targets first, so that a run cut short still answers them: the mood/theme model (browser, native, operator
 * profile), the peer, our MusiCNN models, then the rest of the zoo. Results are rewritten after every step.
 */
function priority(id: string): number {
	if (id === moodModel) return 0;
	return musicnnModels.includes(id) ? 1 : 2;
}

async function main() {
	if (args['write-folder'])
		return (await import('./write-folder')).runWriteFolderBench({
			tracks: Number(args.tracks ?? 200),
			tagOnlyToo: args['tag-only-too']!,
			jobs: args.jobs,
			log
		});
	if (args.folder)
		return (await import('./folder')).runFolderBench({
			tracks: Number(args.tracks ?? (args.quick ? 6 : 20)),
			peer: !args['no-peer'],
			peerDir,
			log
		});
	const started = performance.now();
	const previousFolder = lastFolderRun();
	const loadBefore = loadavg()[0];
	const index = await readIndexNode();
	const wanted = args.models?.split(',');
	const unknown = (wanted ?? []).filter((id) => !index.models.some((m) => m.id === id));
	if (unknown.length)
		throw new Error(
			`Unknown model(s) ${unknown.join(', ')}; known: ${index.models.map((m) => m.id).join(', ')}`
		);
	const cards = index.models
		.filter((m) => !wanted || wanted.includes(m.id))
		.sort((a, b) => priority(a.id) - priority(b.id));

	log('building the bench page (vite build --config bench/vite.config.ts)');
	await build({ configFile: join(benchDir, 'vite.config.ts') });
	mkdirSync(join(distDir, 'media'), { recursive: true });
	const track = buildTrack(join(distDir, 'media'), fixturesDir);
	log(`track: ${track.seconds} s, ${track.format}, from ${track.clips.join(' + ')}`);
	const trackUrl = `/media/${track.path.split('/').pop()}`;

	const { server, origin } = await serve({
		'/': distDir,
		'/models/': 'static/models',
		'/ort/': 'node_modules/onnxruntime-web/dist',
		'/tfjs-wasm/': 'node_modules/@tensorflow/tfjs-backend-wasm/dist',
		'/peer/': peerDir
	});
	const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
	const browserVersion = browser.version();
	const context = await browser.newContext();
	const rows: RunRow[] = [];
	let info: PageInfo | undefined;
	let peer: PeerResult | undefined;
	let peerHeap = 0;
	let browserProfile: OperatorTime[] | undefined;
	let browserProfileNote = '';
	let nativeProfile: OperatorTime[] | undefined;
	let decodeParts: DecodeBreakdown | undefined;
	const failures: { run: string; error: string }[] = [];
	const skipped: string[] = [];
	let complete = false;

	const results = (): BenchResults => ({
		machine: {
			cpus: cpus().length,
			cpuModel: cpus()[0]?.model ?? 'unknown',
			os: `${platform()} ${release()}`,
			memoryGb: Math.round(totalmem() / 2 ** 30),
			browser: info?.userAgent ?? 'unknown',
			crossOriginIsolated: info?.crossOriginIsolated ?? false,
			webgpuAdapter: info?.webgpuAdapter ?? null,
			loadavg_1min: { start: loadBefore, end: loadavg()[0] },
			note: 'Wall-clock timings; other work on the same cores (see loadavg) inflates them.'
		},
		versions: {
			node: process.versions.node,
			chromium: browserVersion,
			'onnxruntime-web': info?.ort ?? 'unknown',
			'onnxruntime-node': nativeVersion,
			...Object.fromEntries(benchPackages.map((name) => [name, packageVersion(name)])),
			models: index.version
		},
		audio_seconds: track.seconds,
		track: { format: track.format, clips: track.clips, sampleRate: track.sampleRate },
		settings: {
			warmup,
			runs,
			quick: args.quick ?? false,
			batchSize: batchSize ?? 'tagTrack default',
			budgetMinutes,
			statistic: 'median per stage'
		},
		runs: rows,
		peer: peer ? peerSummary(peer, peerHeap, rows) : null,
		profile: {
			model: moodModel,
			variant: 'int8',
			browser_wasm_2_threads: browserProfile ?? null,
			browser_note: browserProfileNote || undefined,
			native_2_threads: nativeProfile ?? null
		},
		decode_breakdown_ms: decodeParts ?? null,
		failures,
		skipped,
		complete,
		wall_seconds: (performance.now() - started) / 1000,
		folder: previousFolder
	});
	const save = () => {
		const current = results();
		writeFileSync(join(benchDir, 'results.json'), `${JSON.stringify(current, null, '\t')}\n`);
		writeFileSync(join(benchDir, 'realtime.svg'), realtimeSvg(current));
		return current;
	};
	const attempt = async (label: string, work: () => Promise<void>) => {
		try {
			await work();
		} catch (error) {
			failures.push({ run: label, error: (error as Error).message });
			log(`${label} FAILED: ${(error as Error).message}`);
		}
		save();
	};

	// Node decodes the same file once for the native runs (its decoder time is reported as their decode).
	let decodedNode: { audio: DecodedAudio; ms: number } | undefined;
	const nativeRuns = async (modelId: string) => {
		if (args['no-native']) return;
		if (!decodedNode) {
			const t = performance.now();
			const audio = await decodeFileNode(track.path);
			decodedNode = { audio, ms: performance.now() - t };
		}
		// Read again: `npm run models` may have rebuilt the files since the start.
		const card = findCard(await readIndexNode(), modelId);
		for (const variant of variants) {
			const label = `${card.id} ${variant} native×2`;
			await attempt(label, async () => {
				const profile = card.id === moodModel && variant === 'int8' && !args['no-profile'];
				const { audio, ms } = decodedNode!;
				const native = await runNative(card, variant, audio, ms, {
					threads: 2,
					warmup,
					runs,
					profile,
					batchSize
				});
				const stages = medianStages(native.runs);
				rows.push({
					model: card.id,
					variant,
					backend: 'native',
					threads: 2,
					taggram: true,
					stages_ms: stages,
					load_ms: { network: null, indexeddb: null, session: null },
					peak_heap_mb: null,
					chunks: rows.find((r) => r.model === card.id)?.chunks ?? null,
					realtime_factor: track.seconds / (stages.total / 1000),
					samples: native.runs.length
				});
				if (native.profile) nativeProfile = native.profile;
				log(`${label}: ${stagesLine(stages)}`);
			});
		}
	};

	try {
		info = (
			await onFreshPage(context, origin, async (page) => ({
				...(await page.evaluate(() => (window as unknown as BenchWindow).bench.info())),
				peakHeapBytes: 0
			}))
		).value;
		log(
			`page: crossOriginIsolated=${info.crossOriginIsolated}, WebGPU adapter: ${info.webgpuAdapter ? `${info.webgpuAdapter.vendor}/${info.webgpuAdapter.architecture}` : 'none'}`
		);
		if (!info.crossOriginIsolated)
			throw new Error('The bench page is not cross-origin isolated: WASM threads would be unavailable');

		const configs: { backend: BrowserBackend; threads: number }[] = [
			{ backend: 'wasm', threads: 1 },
			{ backend: 'wasm', threads: 2 }
		];
		if (info.webgpuAdapter && !args['no-webgpu']) configs.push({ backend: 'webgpu', threads: 2 });
		const softwareWebgpu =
			!!info.webgpuAdapter && !!softwareReason(info.webgpuAdapter) && !args['webgpu-all'];

		interface BrowserJob {
			card: ModelCard;
			variant: Variant;
			backend: BrowserBackend;
			threads: number;
			/** One run, no warm-up (WebGPU on a software adapter). */
			once?: boolean;
			taggram?: boolean;
			profile?: boolean;
		}
		const browserJob = async (job: BrowserJob) => {
			const taggram = job.taggram ?? true;
			const label = `${job.card.id} ${job.variant} ${job.backend}×${job.threads}${taggram ? '' : ' tags only'}${job.profile ? ' (profile)' : ''}`;
			const t = performance.now();
			await attempt(label, async () => {
				const run = await onFreshPage(context, origin, (page) =>
					page.evaluate((request) => (window as unknown as BenchWindow).bench.runOurs(request), {
						model: job.card.id,
						variant: job.variant,
						backend: job.backend,
						threads: job.threads,
						taggram,
						batchSize,
						profile: job.profile,
						warmup: job.once || job.profile ? 0 : warmup,
						runs: job.once || job.profile ? 1 : runs,
						trackUrl
					})
				);
				if (job.profile) {
					const events = profileEvents(run.console);
					if (events.length) browserProfile = operatorTimes(events);
					else
						browserProfileNote =
							'onnxruntime-web wrote no per-operator events the page could read; the native profile has the same graph';
					return;
				}
				rows.push({
					...rowOf(job.card, job.variant, job.backend, job.threads, run.value, run.peakHeapBytes),
					taggram
				});
				const fellBack = run.value.backend !== job.backend ? ` (ran on ${run.value.backend})` : '';
				log(
					`${label}${fellBack}: ${stagesLine(medianStages(run.value.runs))} (session ${run.value.load_ms.session.toFixed(0)} ms; bench ${((performance.now() - t) / 1000).toFixed(1)} s)`
				);
			});
		};
		const peerJob = async () => {
			// TF.js warms up on its first execution; the peer's runs are long, so 3 timed runs at most.
			const peerRuns = Math.min(runs, 3);
			log(`peer: Essentia.js + TensorFlow.js (WASM, 2 threads requested) msd-musicnn-1, ${peerRuns} run(s)`);
			await attempt('peer', async () => {
				const run = await onFreshPage(context, origin, (page) =>
					page.evaluate((request) => (window as unknown as BenchWindow).bench.runPeer(request), {
						threads: 2,
						warmup,
						runs: peerRuns,
						trackUrl,
						modelUrl: '/peer/model.json'
					})
				);
				peer = run.value;
				peerHeap = run.peakHeapBytes;
				log(`peer (${peer.tfjsBackend}): ${stagesLine(medianStages(peer.runs))}`);
			});
		};

		// The plan, most important first (see priority()); with a time budget the tail is skipped and listed.
		const tasks: { label: string; work: () => Promise<void> }[] = [];
		const addBrowser = (job: BrowserJob) =>
			tasks.push({
				label: `${job.card.id} ${job.variant} ${job.backend}×${job.threads}${job.taggram === false ? ' tags only' : ''}`,
				work: () => browserJob(job)
			});
		const addNative = (card: ModelCard) => {
			if (!args['no-native']) tasks.push({ label: `${card.id} native×2`, work: () => nativeRuns(card.id) });
		};
		const webgpu = configs.some((c) => c.backend === 'webgpu');
		const others = cards.filter((c) => priority(c.id) === 2);
		for (const card of cards.filter((c) => priority(c.id) < 2)) {
			for (const variant of variants) {
				for (const threads of [1, 2]) addBrowser({ card, variant, backend: 'wasm', threads });
				if (webgpu && (!softwareWebgpu || (card.id === moodModel && variant === 'int8')))
					addBrowser({ card, variant, backend: 'webgpu', threads: 2, once: softwareWebgpu });
			}
			if (card.id === moodModel && variants.includes('int8')) {
				// The app can ask for tags without the taggram: MTG then resamples only its centred segment.
				addBrowser({ card, variant: 'int8', backend: 'wasm', threads: 2, taggram: false });
				if (!args['no-profile'])
					tasks.push({
						label: 'browser operator profile',
						work: () => browserJob({ card, variant: 'int8', backend: 'wasm', threads: 2, profile: true })
					});
			}
			addNative(card);
			if (card.id === moodModel) {
				tasks.push({
					label: 'decode breakdown',
					work: () =>
						attempt('decode breakdown', async () => {
							const run = await onFreshPage(context, origin, (page) =>
								page.evaluate(
									(request) => (window as unknown as BenchWindow).bench.decodeBreakdown(request),
									{ trackUrl, runs: Math.max(runs, 3) }
								)
							);
							const { total, metadata, decodeAudioData } = run.value;
							decodeParts = { total, metadata, decodeAudioData };
							log(`decode breakdown: ${JSON.stringify(decodeParts)}`);
						})
				});
				if (!args['no-peer']) tasks.push({ label: 'peer', work: peerJob });
			}
		}
		if (!args['no-peer'] && !cards.some((c) => c.id === moodModel))
			tasks.push({ label: 'peer', work: peerJob });
		// The rest of the zoo: WASM×2 and native first (the browser/native ratio), then WASM×1, then WebGPU.
		for (const card of others) {
			for (const variant of variants) addBrowser({ card, variant, backend: 'wasm', threads: 2 });
			addNative(card);
		}
		for (const card of others)
			for (const variant of variants) addBrowser({ card, variant, backend: 'wasm', threads: 1 });
		if (webgpu && !softwareWebgpu)
			for (const card of others)
				for (const variant of variants) addBrowser({ card, variant, backend: 'webgpu', threads: 2 });

		const budgetMs = budgetMinutes > 0 ? budgetMinutes * 60_000 : Infinity;
		for (const task of tasks) {
			if (performance.now() - started > budgetMs) {
				skipped.push(task.label);
				continue;
			}
			await task.work();
		}
		if (skipped.length) log(`time budget (${budgetMinutes} min) spent: skipped ${skipped.length} step(s)`);
		complete = skipped.length === 0;
	} finally {
		await context.close();
		await browser.close();
		server.close();
	}

	const final = save();
	printReport(final);
	console.log(`\nWrote bench/results.json and bench/realtime.svg in ${final.wall_seconds.toFixed(0)} s.`);
}

/** The folder mode's figures in the last results.json (its own run, dated): kept, not measured again. */
function lastFolderRun(): BenchResults['folder'] {
	try {
		return (JSON.parse(readFileSync(join(benchDir, 'results.json'), 'utf8')) as BenchResults).folder;
	} catch {
		return undefined;
	}
}

const stagesLine = (s: StageTimes) =>
	(Object.keys(s) as (keyof StageTimes)[]).map((k) => `${k} ${s[k].toFixed(0)}`).join(' / ') + ' ms';

function rowOf(
	card: ModelCard,
	variant: Variant,
	backend: BrowserBackend,
	threads: number,
	run: OursResult,
	peak: number
): RunRow {
	const stages = medianStages(run.runs);
	return {
		model: card.id,
		variant,
		backend: run.backend,
		requested_backend: backend !== run.backend ? backend : undefined,
		threads,
		taggram: true,
		stages_ms: stages,
		load_ms: run.load_ms,
		peak_heap_mb: peak / 2 ** 20,
		chunks: run.chunks,
		realtime_factor: run.audioSeconds / (stages.total / 1000),
		samples: run.runs.length
	};
}

function peerSummary(
	peer: PeerResult,
	peakHeapBytes: number,
	rows: RunRow[]
): NonNullable<BenchResults['peer']> {
	const stages = medianStages(peer.runs);
	const perMinute = (totalMs: number) => totalMs / 1000 / (peer.audioSeconds / 60);
	const ours = musicnnModels.flatMap((model) =>
		rows
			.filter((r) => r.model === model && r.backend === 'wasm')
			.map((r) => ({
				model,
				variant: r.variant,
				threads: r.threads,
				same_threads_as_peer: r.threads === peer.threads,
				seconds_per_audio_minute: perMinute(r.stages_ms.total),
				peer_over_ours: stages.total / r.stages_ms.total
			}))
	);
	return {
		name: 'Essentia.js 0.1.3 (EssentiaTFInputExtractor musicnn) + TensorFlow.js 4.22 msd-musicnn-1',
		backend: peer.tfjsBackend,
		threads: peer.threads,
		seconds_per_audio_minute: perMinute(stages.total),
		stages_ms: stages,
		load_ms: peer.load_ms,
		peak_heap_mb: peakHeapBytes / 2 ** 20,
		patches: peer.patches,
		samples: peer.runs.length,
		ours
	};
}

/**
 * ORT's profiler events, if onnxruntime-web printed them to the console (one JSON event or an array per
 * message, as its WASM build may do); anything else in the console is ignored.
 */
function profileEvents(messages: string[]): OrtProfileEvent[] {
	const events: OrtProfileEvent[] = [];
	for (const text of messages) {
		const start = text.search(/[[{]/);
		if (start < 0 || !text.includes('kernel_time')) continue;
		try {
			const parsed = JSON.parse(text.slice(start).replace(/,\s*$/, ''));
			events.push(...(Array.isArray(parsed) ? parsed : [parsed]));
		} catch {
			// not an event
		}
	}
	return events;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
