/** The CLI's contact with the outside: output streams, the progress display, atomic writes, its own version. */
import { readFileSync } from 'node:fs';
import { rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeAtomic } from '$lib/node/write-atomic';

interface PackageJson {
	name?: string;
	version: string;
}

/**
 * The nearest folder at or above `start` holding this package's package.json (name "music-tagger"): the same
 * folder whether this module runs from src/cli (Vitest) or from the bundle in dist/cli (bin/music-tagger.js).
 */
function findPackageRoot(start: string): { root: string; manifest: PackageJson } {
	let folder = start;
	while (true) {
		try {
			const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as PackageJson;
			if (manifest.name === 'music-tagger') return { root: folder, manifest };
		} catch {
			// no (readable) package.json here: look further up
		}
		const parent = dirname(folder);
		if (parent === folder) throw new Error(`no music-tagger package.json at or above ${start}`);
		folder = parent;
	}
}

const found = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** The repository (or installed package) root: static/models and package.json are found from here. */
export const packageRoot = found.root;

export const packageVersion: string = found.manifest.version;

export const defaultModelsDir = join(packageRoot, 'static', 'models');

export interface OutputStream {
	write(text: string): unknown;
	isTTY?: boolean;
	columns?: number;
}

export interface CliIO {
	stdout: OutputStream;
	stderr: OutputStream;
}

/**
 * Fails before a long run, not after it, when --out cannot be written: its folder is missing or refuses a new
 * file (tried with a temporary one, as the atomic write will), or it names a folder.
 */
export async function checkOutputPath(out: string | undefined): Promise<void> {
	if (!out) return;
	const target = await stat(out).catch(() => undefined);
	if (target?.isDirectory()) throw new Error(`cannot write ${out}: it is a folder; name a file`);
	const folder = dirname(resolve(out));
	const info = await stat(folder).catch(() => undefined);
	if (!info?.isDirectory()) throw new Error(`cannot write ${out}: the folder ${folder} does not exist`);
	const probe = join(folder, `.${process.pid}.${Date.now()}.tmp-check`);
	try {
		await writeFile(probe, '');
	} catch (error) {
		throw new Error(`cannot write ${out}: ${(error as Error).message}`);
	} finally {
		await rm(probe, { force: true });
	}
}

/** Writes the result to --out (atomically) or to stdout. */
export async function emit(io: CliIO, out: string | undefined, text: string): Promise<void> {
	if (out) await writeAtomic(out, text);
	else io.stdout.write(text);
}

export interface FileProgress {
	/** Before working on `file`. */
	begin(file: string): void;
	/** After `file`: an error message when it failed. */
	done(file: string, error?: string): void;
	/** Clears the bar. */
	end(): void;
}

function seconds(ms: number): string {
	const s = Math.round(ms / 1000);
	return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * On a terminal: one bar redrawn in place (done/total, elapsed, estimated time left, current file), with failures
 * printed above it. Otherwise (a log, a pipe): one terse line per file.
 */
export function createFileProgress(stream: OutputStream, total: number): FileProgress {
	const started = Date.now();
	let finished = 0;
	let current = '';
	const tty = stream.isTTY === true;
	const draw = () => {
		const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 60));
		const filled = Math.round((finished / total) * width);
		const elapsed = Date.now() - started;
		const left = finished > 0 ? ` ~${seconds((elapsed / finished) * (total - finished))} left` : '';
		const name = current.length > 40 ? `…${current.slice(-39)}` : current;
		stream.write(
			`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${finished}/${total} ${seconds(elapsed)}${left} ${name}`
		);
	};
	return {
		begin(file) {
			current = file;
			if (tty) draw();
		},
		done(file, error) {
			finished++;
			if (tty) {
				if (error) stream.write(`\r\x1b[K${file}: ${error}\n`);
				draw();
			} else {
				stream.write(`[${finished}/${total}] ${file}: ${error ? `skipped: ${error}` : 'ok'}\n`);
			}
		},
		end() {
			if (tty) stream.write('\r\x1b[K');
		}
	};
}
