/**
 * `npm run bench -- --write-folder [--tracks 200] [--tag-only-too]`: the time to tag a music folder and write the decided
 * tags into its files with the CLI (`music-tagger tag <folder> --write-tags`, default model, int8, the
 * 'whole' scheme), on a copy of the folder bench's generated tracks (bench/folder-tracks.ts: 1–7 min, six
 * formats). With --tag-only-too it first tags the copy without writing, so the write's own share shows (on 6
 * tracks: 2.1 s of 41.6 s). Prints a table and adds `writeFolder` to bench/results.json, keeping its other
 * keys. Needs `npm run build:cli`.
 */
import { spawn } from 'node:child_process';
import { defaultJobs } from '../src/cli/lanes';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir } from '../tools/fixtures';
import { benchFolder } from './folder-tracks';

export interface WriteFolderOptions {
	tracks: number;
	/** Also time tagging alone (doubles the run). */
	tagOnlyToo: boolean;
	/** The CLI's --jobs (default: its own, defaultJobs()). */
	jobs?: string;
	log: (message: string) => void;
}

interface CliTiming {
	wallSeconds: number;
	exitCode: number | null;
	stderrTail: string;
}

const cli = join('bin', 'music-tagger.js');

function timeCli(args: string[]): Promise<CliTiming> {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
		child.on('error', reject);
		child.on('close', (exitCode) =>
			resolve({ wallSeconds: (performance.now() - started) / 1000, exitCode, stderrTail: stderr })
		);
	});
}

function checked(run: CliTiming): CliTiming {
	if (run.exitCode !== 0) throw new Error(`the CLI exited with ${run.exitCode}: ${run.stderrTail}`);
	return run;
}

export async function runWriteFolderBench(options: WriteFolderOptions): Promise<void> {
	if (!existsSync(join('dist', 'cli', 'main.js'))) throw new Error('Run `npm run build:cli` first.');
	const { log } = options;
	const folder = benchFolder(fixturesDir, options.tracks);
	const audioMinutes = folder.tracks.reduce((s, t) => s + t.seconds, 0) / 60;
	log(`folder: ${folder.tracks.length} tracks, ${audioMinutes.toFixed(1)} audio min (${folder.dir})`);
	const work = mkdtempSync(join(tmpdir(), 'music-tagger-write-bench-'));
	const loadBefore = loadavg()[0];
	try {
		const copy = join(work, 'music');
		cpSync(folder.dir, copy, { recursive: true });
		const jobs = options.jobs ?? String(defaultJobs());
		let tagOnly: CliTiming | undefined;
		if (options.tagOnlyToo) {
			log('tagging only …');
			tagOnly = checked(await timeCli(['tag', copy, '--jobs', jobs, '--out', join(work, 'tag-only.json')]));
		}
		log(`tagging and writing (${copy}) …`);
		const tagWrite = checked(
			await timeCli(['tag', copy, '--jobs', jobs, '--write-tags', '--out', join(work, 'written.json')])
		);
		const written = (readFileSync(join(work, 'written.json'), 'utf8').match(/"file":/g) ?? []).length;
		const result = {
			date: new Date().toISOString(),
			tracks: folder.tracks.length,
			tracksInExport: written,
			audioMinutes,
			tagSeconds: tagOnly?.wallSeconds,
			tagAndWriteSeconds: tagWrite.wallSeconds,
			cpus: cpus().length,
			jobs: Number(jobs),
			loadAverage: { start: loadBefore, end: loadavg()[0] }
		};
		const path = join('bench', 'results.json');
		const all = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as object) : {};
		writeFileSync(`${path}.tmp`, JSON.stringify({ ...all, writeFolder: result }, null, '\t') + '\n');
		renameSync(`${path}.tmp`, path);
		const row = (k: string, v: string) => `${k.padEnd(34)}${v.padStart(12)}`;
		console.log(
			[
				`CLI tag --write-tags --jobs ${jobs} on ${result.tracks} tracks, ${audioMinutes.toFixed(1)} audio min (${cpus().length} cores)`,
				...(tagOnly ? [row('tag only, wall s', tagOnly.wallSeconds.toFixed(1))] : []),
				row('tag + write tags, wall s', tagWrite.wallSeconds.toFixed(1)),
				row('s per track (tag + write)', (tagWrite.wallSeconds / result.tracks).toFixed(2)),
				row('× realtime (tag + write)', ((audioMinutes * 60) / tagWrite.wallSeconds).toFixed(1)),
				row('tracks in the export', String(written)),
				`1-min load average: ${loadBefore.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end`
			].join('\n')
		);
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}
