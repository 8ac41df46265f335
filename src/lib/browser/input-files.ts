/**
 * Files from the ways a user can hand them over: a drop (files and folders, recursed), a file picker,
 * a folder picker (showDirectoryPicker or <input webkitdirectory>). Each file keeps its relative path.
 */
import { hasAudioExtension, isNotAudio } from '$lib/audio/formats';

export interface InputFile {
	file: File;
	/** Path relative to the dropped or picked folder, or just the name. */
	path: string;
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
	out: InputFile[]
): Promise<void> {
	const path = prefix ? `${prefix}/${entry.name}` : entry.name;
	if (entry.isFile) {
		const file = await fileOf(entry as FileSystemFileEntry);
		if (!inFolder || looksLikeAudio(file)) out.push({ file, path });
	} else if (entry.isDirectory) {
		const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader());
		for (const child of children) await walkEntry(child, path, true, out);
	}
}

/** All files of a drop, folders recursed. Entries must be taken synchronously, before any await. */
export async function filesFromDataTransfer(transfer: DataTransfer): Promise<InputFile[]> {
	const items = [...transfer.items].filter((item) => item.kind === 'file');
	const entries = items.map((item) => item.webkitGetAsEntry?.() ?? null);
	const loose = items.map((item) => item.getAsFile());
	const out: InputFile[] = [];
	for (let i = 0; i < items.length; i++) {
		const entry = entries[i];
		if (entry) await walkEntry(entry, '', false, out);
		else if (loose[i]) out.push({ file: loose[i]!, path: loose[i]!.name });
	}
	if (items.length === 0) for (const file of transfer.files) out.push({ file, path: file.name });
	return out;
}

/** Files from an <input type=file> (with or without webkitdirectory). */
export function filesFromInput(files: FileList | null, fromFolder: boolean): InputFile[] {
	return [...(files ?? [])]
		.filter((file) => !fromFolder || looksLikeAudio(file))
		.map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

interface DirectoryHandle {
	name: string;
	kind: 'directory';
	values(): AsyncIterable<DirectoryHandle | { kind: 'file'; name: string; getFile(): Promise<File> }>;
}

export async function filesFromDirectoryHandle(
	dir: DirectoryHandle,
	prefix = dir.name
): Promise<InputFile[]> {
	const out: InputFile[] = [];
	for await (const handle of dir.values()) {
		const path = `${prefix}/${handle.name}`;
		if (handle.kind === 'directory') out.push(...(await filesFromDirectoryHandle(handle, path)));
		else {
			const file = await handle.getFile();
			if (looksLikeAudio(file)) out.push({ file, path });
		}
	}
	return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** showDirectoryPicker where the browser has it; undefined means "use <input webkitdirectory>". */
export async function pickDirectory(): Promise<InputFile[] | undefined> {
	const picker = (window as unknown as { showDirectoryPicker?: () => Promise<DirectoryHandle> })
		.showDirectoryPicker;
	if (!picker) return undefined;
	try {
		return await filesFromDirectoryHandle(await picker());
	} catch (error) {
		if ((error as DOMException).name === 'AbortError') return [];
		throw error;
	}
}
