/**
 * Atomic file writes for the Node side (model build, CLI output): readers never see half a file, and a
 * failed write leaves the previous files in place.
 */
import { chmod, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temporaries are `.<pid>.<time>.tmp-<name>`, so a later run can tell a dead writer's leftovers. */
export const TEMPORARY_NAME = /^\.(\d+)\.(\d+\.)?tmp-/;

/**
 * Writes every file to a temporary in its own folder first, then renames them into place in the given order
 * (so the last one, e.g. a model's card.json, appears last). On a failure no temporary is left behind.
 */
export async function writeAtomicAll(
	files: readonly [path: string, data: Uint8Array | string][]
): Promise<void> {
	const stamp = `${process.pid}.${Date.now()}`;
	const staged = files.map(([path, data]) => ({
		path,
		data,
		tmp: join(dirname(path), `.${stamp}.tmp-${basename(path)}`)
	}));
	try {
		for (const file of staged) {
			await writeFile(file.tmp, file.data);
			// A file that is replaced keeps its permissions (the temporary was created with the default ones).
			const mode = (await stat(file.path).catch(() => undefined))?.mode;
			if (mode !== undefined) await chmod(file.tmp, mode & 0o7777);
		}
		for (const file of staged) await rename(file.tmp, file.path);
	} catch (error) {
		await Promise.all(staged.map((file) => rm(file.tmp, { force: true })));
		throw error;
	}
}

/** Writes `data` to `path` through a temporary file in the same folder and a rename. */
export function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
	return writeAtomicAll([[path, data]]);
}
