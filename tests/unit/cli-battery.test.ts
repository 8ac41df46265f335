/**
 * The bad-input battery (tools/bad-inputs.ts) through `node bin/music-tagger.js tag`, one run on the whole
 * folder: every entry gets a result or a clear per-file message as it expects, the good fixture clips among them
 * are all tagged, clutter is neither queued nor reported, no stack trace reaches
 * stderr, and the exit code is 0 (at least one file tagged, README "Tag files"). A second run writes the CSV of
 * the tricky names, which must be neutralised for spreadsheets. Per input it prints the wall time and the
 * process's peak RSS while the file ran (no assertions on them); BATTERY_TABLE=<file> writes that table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { ModelCard } from '../../src/lib/card/types';
import {
	batteryTable,
	mismatch,
	writeBattery,
	type Battery,
	type BatteryOutcome,
	type BatteryRow
} from '../../tools/bad-inputs';
import { repoRoot, runBin, type CliRun } from './cli-helpers';

const card = JSON.parse(
	readFileSync(join(repoRoot, 'static/models/mtg-moodtheme-vggish/card.json'), 'utf8')
) as ModelCard;

interface Exported {
	file: string;
	duration: number;
	results: { model: string; tags: Record<string, number>; silent?: true }[];
}

/** Line arrival times and peak RSS (from /proc, where there is one) per progress line of the child. */
function watchProgress(timing: { at: number[]; peakKiB: number[] }) {
	return (child: ChildProcess) => {
		let pending = '';
		let peak = 0;
		const started = Date.now();
		timing.at.push(started);
		const sample = setInterval(() => {
			try {
				const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
				if (rss) peak = Math.max(peak, Number(rss[1]));
			} catch {
				// the process has exited, or there is no /proc: no memory figure
			}
		}, 20);
		child.on('close', () => clearInterval(sample));
		child.stderr!.on('data', (data) => {
			pending += data;
			const lines = pending.split('\n');
			pending = lines.pop()!;
			for (const line of lines)
				if (/^\[\d+\/\d+\] /.test(line)) {
					timing.at.push(Date.now());
					timing.peakKiB.push(peak);
					peak = 0;
				}
		});
	};
}

let battery: Battery;
const work = mkdtempSync(join(tmpdir(), 'music-tagger-battery-out-'));
let run: CliRun;
let exported: Exported[];
const timing = { at: [] as number[], peakKiB: [] as number[] };
/** The per-file lines of stderr: `[i/N] <file>: ok` or `[i/N] <file>: skipped: <message>`. */
const progress = new Map<string, string>();

beforeAll(async () => {
	battery = writeBattery();
	// Run from inside the folder, so the files are named relative to it (as a user typing `tag .` sees them).
	run = await runBin(['tag', '.', '--out', join(work, 'results.json')], battery.root, watchProgress(timing));
	for (const line of run.stderr.split('\n')) {
		const m = /^\[\d+\/\d+\] (.+?): (ok|skipped: .*)$/.exec(line);
		if (m) progress.set(m[1], m[2]);
	}
	exported = (JSON.parse(readFileSync(join(work, 'results.json'), 'utf8')) as { tracks: Exported[] }).tracks;
}, 300_000);

afterAll(() => {
	battery?.remove();
	rmSync(work, { recursive: true, force: true });
});

function outcomeOf(file: string): BatteryOutcome {
	const track = exported.find((t) => t.file === file);
	if (track) return { kind: 'result', seconds: track.duration, silent: track.results[0].silent === true };
	const line = progress.get(file);
	return line?.startsWith('skipped: ')
		? { kind: 'message', text: line.slice('skipped: '.length) }
		: { kind: 'absent' };
}

describe('the bad-input battery through the CLI', () => {
	it('holds at least 30 bad or tricky inputs besides the good files and the clutter', () => {
		expect(battery.queued.filter((e) => !e.good).length).toBeGreaterThanOrEqual(30);
		expect(battery.entries.filter((e) => e.expect === 'skipped').length).toBeGreaterThanOrEqual(5);
	});

	it('every input gets the result or the clear message it expects; clutter is skipped quietly', () => {
		const rows: BatteryRow[] = battery.entries.map((entry) => {
			const order = [...progress.keys()].indexOf(entry.file);
			return {
				entry,
				outcome: outcomeOf(entry.file),
				...(order >= 0
					? {
							ms: timing.at[order + 1] - timing.at[order],
							...(timing.peakKiB[order] ? { peakMiB: timing.peakKiB[order] / 1024 } : {})
						}
					: {})
			};
		});
		const table = batteryTable(rows);
		console.log(
			`CLI, mtg-moodtheme-vggish int8 (the first file's time includes start-up and model load):\n${table}`
		);
		if (process.env.BATTERY_TABLE) writeFileSync(process.env.BATTERY_TABLE, table);
		const wrong = rows.flatMap(({ entry, outcome }) => {
			const problem = mismatch(entry, outcome);
			return problem ? [`${entry.file}: ${problem}`] : [];
		});
		expect(wrong).toEqual([]);
		// Exactly the queued entries were worked on, each once; clutter is not among the failures either.
		expect([...progress.keys()].sort()).toEqual(battery.queued.map((e) => e.file).sort());
	});

	it('exit code 0 with failures among the files; the summary counts them; no stack trace', () => {
		expect(run.code).toBe(0);
		expect(run.stdout).toBe('');
		const failed = [...progress.values()].filter((v) => v !== 'ok').length;
		expect(run.stderr).toMatch(
			new RegExp(
				`^Tagged ${battery.queued.length - failed} of ${battery.queued.length} file\\(s\\) with mtg-moodtheme-vggish \\(int8\\b`,
				'm'
			)
		);
		expect(run.stderr).toContain(`Skipped ${failed}:`);
		expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
		expect(run.stderr).not.toMatch(/Unhandled|uncaught|RangeError|TypeError|ReferenceError/i);
		const known = /^(\[\d+\/\d+\] |Tagged |Skipped \d+:| {2}\S|Wrote |$)/;
		const other = run.stderr.split('\n').filter((line) => !known.test(line));
		if (other.length) console.log(`other stderr lines (from the decoders):\n${other.join('\n')}`);
	});

	it('the good files are tagged: every tag of the card, probabilities in [0, 1]', () => {
		// (Their agreement with the upstream reference is cli-tag.test.ts's; here: not lost among the bad files.)
		for (const entry of battery.entries.filter((e) => e.good)) {
			const track = exported.find((t) => t.file === entry.file);
			expect(track, entry.file).toBeDefined();
			const probabilities = card.tags.map((tag) => track!.results[0].tags[tag]);
			for (const p of probabilities) expect(p).toBeGreaterThanOrEqual(0);
			for (const p of probabilities) expect(p).toBeLessThanOrEqual(1);
		}
	});

	it('CSV: names a spreadsheet would run as formulas are neutralised, commas and quotes quoted', async () => {
		const out = join(work, 'names.csv');
		const names = await runBin(['tag', '.', '--format', 'csv', '--out', out], join(battery.root, 'names'));
		expect(names.code).toBe(0);
		const files = new Set(
			readFileSync(out, 'utf8')
				.split('\r\n')
				.slice(1, -1)
				.map((row) => /^(.*),[\d.]+,mtg-moodtheme-vggish,int8,/.exec(row)?.[1])
		);
		expect([...files].sort()).toEqual(
			[
				"'+1.mp3",
				"'-2.mp3",
				"'=SUM(A1).mp3",
				"'@me.mp3",
				'"a, ""quoted"" name.mp3"',
				'<img src=x onerror=alert(1)>.mp3',
				'Ærøskøbing — ☃ 🎵.mp3'
			].sort()
		);
	});
});
