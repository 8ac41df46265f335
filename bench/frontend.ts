/**
 * Front-end timings in Node for a 3-minute track made by concatenating the fixture clips:
 * decode (the compressed clips, repeated to 3 minutes), resample (both training resamplers: the fast path
 * resample.ts uses, and the reference port) and log-mel for exactly the chunks the pipeline computes for each
 * model (track chunks + taggram windows). `--pairs` adds the fast-vs-reference table per source → target rate
 * (median of `--runs` CPU times on the track's samples taken as audio at each source rate).
 *
 *   npx tsx bench/frontend.ts [--minutes 3] [--runs 3] [--pairs]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import type { ModelIndex, TorchaudioFrontend } from '../src/lib/card/types';
import { decodeFileNode } from '../src/lib/audio/decode-node';
import { resampleForFrontend } from '../src/lib/audio/resample';
import { libsamplerateMedium } from '../src/lib/audio/libsamplerate';
import { libsamplerateMediumFast } from '../src/lib/audio/libsamplerate-fast';
import { resampyKaiserBest } from '../src/lib/audio/resampy';
import { resampyKaiserBestFast } from '../src/lib/audio/resampy-fast';
import { median } from './stats';
import { createMelExtractor } from '../src/lib/features/mel';
import { taggramChunkStarts, trackChunkStarts } from '../src/lib/predictions/chunks';
import { fixturesDir } from '../tools/fixtures';

const { values } = parseArgs({
	options: {
		minutes: { type: 'string', default: '3' },
		runs: { type: 'string', default: '3' },
		pairs: { type: 'boolean', default: false }
	}
});
const seconds = 60 * Number(values.minutes);
const runs = Number(values.runs);
const clips = ['wesnoth-battle-epic', 'lincity-pronobozo-lincity'].map((c) =>
	join(fixturesDir, c, 'audio.ogg')
);

/**
 * Best of `runs` timings of `fn` (wall clock, and this thread's CPU time, which is what an idle machine's
 * wall clock would be for this single-threaded code; the shared 2-core dev machine is often loaded).
 * `prepare` runs untimed before each run (e.g. a fresh input copy).
 */
function best<T>(label: string, fn: (input: T) => unknown, prepare: () => T): number {
	let wall = Infinity;
	let cpu = Infinity;
	for (let r = 0; r < runs; r++) {
		const input = prepare();
		const c0 = process.cpuUsage();
		const t0 = performance.now();
		fn(input);
		wall = Math.min(wall, performance.now() - t0);
		const used = process.cpuUsage(c0);
		cpu = Math.min(cpu, (used.user + used.system) / 1000);
	}
	report(label, wall, cpu);
	return cpu;
}

/** This thread's CPU time of one call, in ms. */
function cpuMs(fn: () => unknown): number {
	const c0 = process.cpuUsage();
	fn();
	const used = process.cpuUsage(c0);
	return (used.user + used.system) / 1000;
}

function report(label: string, wall: number, cpu: number) {
	console.log(
		`${label.padEnd(64)} ${wall.toFixed(0).padStart(6)} ms wall ${cpu.toFixed(0).padStart(6)} ms CPU`
	);
}

console.log(
	`load average ${loadavg()
		.map((l) => l.toFixed(1))
		.join(' ')} on ${cpus().length} cores; best of ${runs}`
);

// Decode: the 44.1 kHz stereo Ogg clips, repeated until `seconds` of audio are decoded.
const parts: Float32Array[] = [];
let decodedFrames = 0;
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; decodedFrames < seconds * 44100; i++) {
	const decoded = await decodeFileNode(clips[i % clips.length]);
	parts.push(decoded.mono);
	decodedFrames += decoded.mono.length;
}
const decodeCpu = process.cpuUsage(c0);
report(
	`decode ${(decodedFrames / 44100).toFixed(1)} s of Ogg Vorbis (44.1 kHz stereo)`,
	performance.now() - t0,
	(decodeCpu.user + decodeCpu.system) / 1000
);
const track = new Float32Array(seconds * 44100);
let at = 0;
for (const p of parts) {
	const n = Math.min(p.length, track.length - at);
	track.set(p.subarray(0, n), at);
	at += n;
	if (at === track.length) break;
}

const index = JSON.parse(readFileSync('static/models/index.json', 'utf8')) as ModelIndex;
const cards = ['mtat-fcn', 'mtat-musicnn', 'mtg-moodtheme-vggish'].map((id) =>
	index.models.find((m) => m.id === id)!
);
for (const card of cards) {
	const frontend = card.frontend;
	let tables: ArrayBuffer | undefined;
	if (frontend.kind === 'torchaudio') {
		const bytes = readFileSync(join('static/models', card.id, (frontend as TorchaudioFrontend).tables.file));
		tables = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
	}
	const mel = createMelExtractor(frontend, tables);
	let audio: Float32Array = new Float32Array(0);
	// A fresh copy per run: resampleForFrontend memoises per signal.
	const resample = best(
		`${card.id}: resample 44.1 → ${frontend.sampleRate / 1000} kHz (${frontend.resampler})`,
		(input) => (audio = resampleForFrontend(input, 44100, frontend)),
		() => track.slice()
	);
	best(
		`${card.id}:   the same with the reference port (exact: true)`,
		(input) => resampleForFrontend(input, 44100, frontend, { exact: true }),
		() => track.slice()
	);
	const starts = [
		...new Set([
			...trackChunkStarts(card.chunking, audio.length),
			...taggramChunkStarts(card.chunking, audio.length)
		])
	];
	// A fresh copy of the signal per run: mels are shared per signal across extractors (see mel.ts).
	const melMs = best(
		`${card.id}: log-mel, ${starts.length} chunks × ${card.chunking.frames} frames`,
		(input) => starts.forEach((s) => mel.logMel(input, s, card.chunking.chunkSamples)),
		() => audio.slice()
	);
	console.log(
		`${`${card.id}: resample + mel (CPU)`.padEnd(64)} ${(resample + melMs).toFixed(0).padStart(24)} ms CPU`
	);
}

if (values.pairs) {
	// The fast paths against the reference ports per rate pair: the track's samples taken as `seconds` of
	// audio at each source rate (the content does not change the work).
	console.log(
		`\nresamplers, ${values.minutes} min of audio, median of ${runs} runs (CPU ms): reference → fast` +
			' with WebAssembly SIMD kernels; in brackets the same fast path in JavaScript'
	);
	const pairs = [
		['resampy', 44100, 16000],
		['resampy', 48000, 16000],
		['resampy', 22050, 16000],
		['resampy', 32000, 16000],
		['libsamplerate', 44100, 12000],
		['libsamplerate', 48000, 12000],
		['libsamplerate', 22050, 12000],
		['libsamplerate', 44100, 16000]
	] as const;
	for (const [name, from, to] of pairs) {
		const x = new Float32Array(seconds * from);
		for (let i = 0; i < x.length; i++) x[i] = track[i % track.length];
		const [exact, fast] =
			name === 'resampy'
				? [resampyKaiserBest, resampyKaiserBestFast]
				: [libsamplerateMedium, libsamplerateMediumFast];
		const exactMs: number[] = [];
		const fastMs: number[] = [];
		const scalarMs: number[] = [];
		for (let r = 0; r < runs; r++) {
			exactMs.push(cpuMs(() => exact(x, from, to)));
			fastMs.push(cpuMs(() => fast(x, from, to)));
			scalarMs.push(cpuMs(() => fast(x, from, to, { simd: false })));
		}
		const e = median(exactMs);
		const f = median(fastMs);
		const scalar = `  [${median(scalarMs).toFixed(0)} ms, ×${(e / median(scalarMs)).toFixed(2)}]`;
		console.log(
			`${`${name} ${from / 1000} → ${to / 1000} kHz`.padEnd(32)} ${e.toFixed(0).padStart(6)} → ${f
				.toFixed(0)
				.padStart(6)} ms  ×${(e / f).toFixed(2)}${scalar}`
		);
	}
}
