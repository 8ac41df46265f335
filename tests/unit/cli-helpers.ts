/** Shared by the CLI tests: running `node bin/music-tagger.js` and capturing in-process runs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../../src/cli/io';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const binPath = resolve(repoRoot, 'bin/music-tagger.js');
/** What bin/music-tagger.js runs: the CLI that `npm run build:cli` compiles (`npm test` runs it in setup). */
export const compiledCli = resolve(repoRoot, 'dist/cli/main.js');

export interface CliRun {
	code: number | null;
	stdout: string;
	stderr: string;
}

/**
 * Spawns the installed entry point exactly as `npx music-tagger …` would, from `cwd`; `watch` sees the child
 * process as it runs (e.g. to time its output or sample its memory).
 */
export function runBin(
	args: string[],
	cwd = repoRoot,
	watch?: (child: ChildProcess) => void
): Promise<CliRun> {
	if (!existsSync(compiledCli))
		return Promise.reject(
			new Error(
				`${compiledCli} is missing: run \`npm run build:cli\` (after changing src/cli or src/lib, too) before the CLI tests`
			)
		);
	return new Promise((done, fail) => {
		const child = spawn(process.execPath, [binPath, ...args], {
			cwd,
			env: { ...process.env, FORCE_COLOR: '0' }
		});
		watch?.(child);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', fail);
		child.on('close', (code) => done({ code, stdout, stderr }));
	});
}

/** An in-process CliIO whose output is kept (stderr not a terminal: terse progress lines). */
export function captureIO(): CliIO & { out: () => string; err: () => string } {
	let out = '';
	let err = '';
	return {
		stdout: { write: (s: string) => (out += s) },
		stderr: { write: (s: string) => (err += s), isTTY: false },
		out: () => out,
		err: () => err
	};
}
