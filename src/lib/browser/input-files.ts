/**
 * Files from the ways a user can hand them over: a drop (files and folders, recursed), a file picker,
 * a folder picker (showDirectoryPicker or <input webkitdirectory>). Each file keeps its relative path.
 */
import { hasAudioExtension, isNotAudio } from '$lib/audio/formats';
import { rememberFolder } from './folder-access';

export interface InputFile {
	file: File;
	/** Path relative to the dropped or picked folder, or just the name. */
	path: string;
}

/** What a hand-over gave: the audio files, and how many other files of its folders were left out (clutter). */
export interface Gathered {
	files: InputFile[];
	skipped: number;
}

/**
 * Inside folders only audio-looking files are taken (a cover.jpg is not an error); files handed over one by one
 * are all taken, so a wrong file gets a clear message instead of silently vanishing.
 */
export function looksLikeAudio(file: File): boolean {
	return !isNotAudio(file.name) && (file.type.startsWith('audio/') || hasAudioExtension(file.name));
}

function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
	return new Promise((resolve, reject) => {
		const all: FileSystemEntry[] = [];
		// readEntries returns at most ~100 entries per call; call until it returns none.
		const next = () =>
			reader.readEntries((batch) => {
				if (batch.length === 0) resolve(all);
				else {
					all.push(...batch);
					next();
				}
			}, reject);
		next();
	});
}

const fileOf = (entry: FileSystemFileEntry) =>
	new Promise<File>((resolve, reject) => entry.file(resolve, reject));

async function walkEntry(
	entry: FileSystemEntry,
	prefix: string,
	inFolder: boolean,
	out: Gathered
): Promise<void> {
	const path = prefix ? `${prefix}/${entry.name}` : entry.name;
	if (entry.isFile) {
		const file = await fileOf(entry as FileSystemFileEntry);
		if (!inFolder || looksLikeAudio(file)) out.files.push({ file, path });
		else out.skipped++;
	} else if (entry.isDirectory) {
		const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
		for (const child of children) await walkEntry(child, path, true, out);
	}
}

/** All files of a drop, folders recursed. Entries must be taken synchronously, before any await. */
export async function filesFromDataTransfer(transfer: DataTransfer): Promise<Gathered> {
	const items = [...transfer.items].filter((item) => item.kind === 'file');
	const entries = items.map((item) => item.webkitGetAsEntry?.() ?? null);
	const loose = items.map((item) => item.getAsFile());
	// Chromium also hands out handles for dropped folders: kept, like a picked folder's (folder-access.ts).
	type WithHandle = DataTransferItem & { getAsFileSystemHandle?(): Promise<FileSystemHandle | null> };
	const handles = items.map((item) => (item as WithHandle).getAsFileSystemHandle?.().catch(() => null));
	const out: Gathered = { files: [], skipped: 0 };
	for (let i = 0; i < items.length; i++) {
		const entry = entries[i];
		if (entry) await walkEntry(entry, '', false, out);
		else if (loose[i]) out.files.push({ file: loose[i]!, path: loose[i]!.name });
	}
	if (items.length === 0) for (const file of transfer.files) out.files.push({ file, path: file.name });
	for (const handle of await Promise.all(handles))
		if (handle?.kind === 'directory') await rememberFolder(handle as FileSystemDirectoryHandle);
	return out;
}

/** Files from an <input type=file> (with or without webkitdirectory). */
export function filesFromInput(files: FileList | null, fromFolder: boolean): Gathered {
	const all = [...(files ?? [])];
	const taken = all.filter((file) => !fromFolder || looksLikeAudio(file));
	return {
		files: taken.map((file) => ({ file, path: file.webkitRelativePath || file.name })),
		skipped: all.length - taken.length
	};
}

interface DirectoryHandle {
	name: string;
	kind: 'directory';
	values(): AsyncIterable<DirectoryHandle | { kind: 'file'; name: string; getFile(): Promise<File> }>;
}

export async function filesFromDirectoryHandle(dir: DirectoryHandle, prefix = dir.name): Promise<Gathered> {
	const out: Gathered = { files: [], skipped: 0 };
	for await (const handle of dir.values()) {
		const path = `${prefix}/${handle.name}`;
		if (handle.kind === 'directory') {
			const inner = await filesFromDirectoryHandle(handle, path);
			out.files.push(...inner.files);
			out.skipped += inner.skipped;
		} else {
			const file = await handle.getFile();
			if (looksLikeAudio(file)) out.files.push({ file, path });
			else out.skipped++;
		}
	}
	out.files.sort((a, b) => a.path.localeCompare(b.path));
	return out;
}

/**
 * showDirectoryPicker where the browser has it; undefined means "use <input webkitdirectory>". The picked
 * folder is kept (folder-access.ts): its files can be read again after a reload without a copy.
 */
export async function pickDirectory(): Promise<Gathered | undefined> {
	const picker = (window as unknown as { showDirectoryPicker?: () => Promise<FileSystemDirectoryHandle> })
		.showDirectoryPicker;
	if (!picker) return undefined;
	try {
		const dir = await picker.call(window);
		await rememberFolder(dir);
		return await filesFromDirectoryHandle(dir as unknown as DirectoryHandle);
	} catch (error) {
		if ((error as DOMException).name === 'AbortError') return { files: [], skipped: 0 };
		throw error;
	}
}
