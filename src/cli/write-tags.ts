/**
 * `music-tagger tag --write-tags` / `--dry-run` / `--undo`: the decided tags written into the files
 * (src/lib/file-tags), one file at a time, each write atomic (temporary + rename). A file that is read-only,
 * gone, or changed since it was analysed (size or mtime differ) is skipped with a message. Undo needs no
 * sidecar: the MUSIC_TAGGER record in each file keeps the values from before the first write.
 * SIGINT: the write in progress finishes (or never started), then the run stops, so every file is either
 * untouched or fully tagged, and no temporary is left behind.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { ModelCard } from '$lib/card/types';
import type { ModelResult } from '$lib/pipeline/types';
import { writeAtomic } from '$lib/node/write-atomic';
import { planTags } from '$lib/file-tags/plan';
import { describeChanges, undoTags, writeTagPlan, type TagWrite } from '$lib/file-tags/write';
import { loadTagLibNode } from '$lib/file-tags/taglib-node';
import { describeError } from '$lib/shared/errors';
import { packageVersion, type OutputStream } from './io';

export interface WriteTagsOptions {
	/** Show the preview only. */
	dryRun: boolean;
	/** Also append GENRE from the genre tags that apply. */
	genres: boolean;
}

/** Size and mtime, what "changed since it was analysed" compares. */
export type Snapshot = Pick<Stats, 'size' | 'mtimeMs'>;

export async function snapshot(path: string): Promise<Snapshot | undefined> {
	return stat(path).then(
		(s) => ({ size: s.size, mtimeMs: s.mtimeMs }),
		() => undefined
	);
}

/** Why a file cannot be written now, or undefined when it can. */
async function refusal(path: string, analysed: Snapshot | undefined): Promise<string | undefined> {
	const now = await stat(path).catch((error: NodeJS.ErrnoException) => error);
	if (now instanceof Error) return now.code === 'ENOENT' ? 'the file is gone' : describeError(now);
	// Mode bits, not access(): root may write anywhere, but a file its owner made read-only stays so.
	if ((now.mode & 0o222) === 0) return 'the file is read-only: not written';
	if (analysed && (now.size !== analysed.size || now.mtimeMs !== analysed.mtimeMs))
		return 'the file changed since it was analysed: not written (tag it again)';
	return undefined;
}

/** One write in flight at a time; SIGINT waits for it, then ends the process (exit code 130). */
let inFlight: Promise<unknown> | undefined;
let interrupted = false;
function onInterrupt(stream: OutputStream) {
	return () => {
		if (interrupted) return;
		interrupted = true;
		stream.write('\nInterrupted: finishing the file being written, the others stay as they are.\n');
		void (inFlight ?? Promise.resolve()).finally(() => process.exit(130));
	};
}

export interface FileWriter {
	/** Plans, previews and (unless a dry run) writes one analysed file. Never throws: failures are reported. */
	write(path: string, results: ModelResult[], analysed: Snapshot | undefined): Promise<void>;
	/** Undo one file from its own record. */
	undo(path: string): Promise<void>;
	/** Stops listening for SIGINT; the counts of the run. */
	close(): { written: number; skipped: { file: string; message: string }[] };
}

export function createFileWriter(
	cards: readonly ModelCard[],
	options: WriteTagsOptions,
	stream: OutputStream
): FileWriter {
	const byId = Object.fromEntries(cards.map((card) => [card.id, card]));
	const skipped: { file: string; message: string }[] = [];
	let written = 0;
	const interrupt = onInterrupt(stream);
	process.on('SIGINT', interrupt);

	async function apply(
		path: string,
		analysed: Snapshot | undefined,
		edit: (bytes: Uint8Array) => Promise<TagWrite>
	) {
		if (interrupted) return;
		// Undo has no analysis: the file must not change between reading and writing it.
		const before = analysed ?? (await snapshot(path));
		const why = await refusal(path, before);
		if (why) return void skipped.push({ file: path, message: why });
		const result = await edit(new Uint8Array(await readFile(path)));
		const lines = describeChanges(result.changes);
		stream.write(`${options.dryRun ? 'Would change' : 'Changing'} ${path} (${result.format}):\n`);
		for (const line of lines.length > 0 ? lines : ['nothing to change']) stream.write(`  ${line}\n`);
		if (options.dryRun || result.changes.length === 0 || interrupted) return;
		// Checked again right before the rename's source is written: nothing may have changed meanwhile.
		const late = await refusal(path, before);
		if (late) return void skipped.push({ file: path, message: late });
		const write = writeAtomic(path, result.bytes);
		inFlight = write;
		await write;
		inFlight = undefined;
		written++;
	}

	async function guarded(path: string, run: () => Promise<void>) {
		try {
			await run();
		} catch (error) {
			skipped.push({ file: path, message: describeError(error) });
		}
	}

	return {
		write: (path, results, analysed) =>
			guarded(path, async () => {
				const taglib = await loadTagLibNode();
				const plan = planTags(results, byId, { version: packageVersion, genres: options.genres });
				await apply(path, analysed, (bytes) => writeTagPlan(taglib, bytes, plan));
			}),
		undo: (path) =>
			guarded(path, async () => {
				const taglib = await loadTagLibNode();
				await apply(path, undefined, (bytes) => undoTags(taglib, bytes));
			}),
		close() {
			process.off('SIGINT', interrupt);
			return { written, skipped };
		}
	};
}

/** The closing lines of a run that wrote (or previewed) tags. */
/** Returns how many files were skipped. */
export function reportWrites(writer: FileWriter, options: WriteTagsOptions, stream: OutputStream): number {
	const { written, skipped } = writer.close();
	if (!options.dryRun) stream.write(`Wrote tags into ${written} file(s).\n`);
	if (skipped.length > 0) {
		stream.write(`Tags not written into ${skipped.length}:\n`);
		for (const s of skipped) stream.write(`  ${s.file}: ${s.message}\n`);
	}
	return skipped.length;
}

/** `tag --undo`: each file put back from its own MUSIC_TAGGER record; exit 1 when some file was skipped. */
export async function undoFiles(files: readonly string[], stream: OutputStream): Promise<number> {
	const writer = createFileWriter([], { dryRun: false, genres: false }, stream);
	for (const file of files) await writer.undo(file);
	const failed = reportWrites(writer, { dryRun: false, genres: false }, stream);
	return failed > 0 ? 1 : 0;
}
