/**
 * The files of the queue that are not tagged yet, kept across a reload (localStorage: names and sizes only;
 * the files themselves cannot be kept without asking), so that after a reload the app can say exactly which
 * files to drop again instead of silently forgetting them.
 */
export interface PendingFile {
	path: string;
	bytes: number;
}

const key = 'music-tagger-pending';

export function savePending(files: PendingFile[]): void {
	try {
		if (files.length === 0) localStorage.removeItem(key);
		else localStorage.setItem(key, JSON.stringify(files));
	} catch {
		// Storage refused (quota, privacy mode): the queue is simply not remembered.
	}
}

/** What a previous page left unfinished; forgotten once read. */
export function takePending(): PendingFile[] {
	try {
		const files = JSON.parse(localStorage.getItem(key) ?? '[]') as PendingFile[];
		localStorage.removeItem(key);
		return Array.isArray(files) ? files : [];
	} catch {
		return [];
	}
}

/** "a.mp3, b.ogg and 3 more" */
export function listNames(files: PendingFile[], shown = 5): string {
	const names = files.slice(0, shown).map((f) => f.path);
	return files.length > shown ? `${names.join(', ')} and ${files.length - shown} more` : names.join(', ');
}

/** The candidates whose path and size are not among `known` (the library and the queue). */
export function unknownFiles<T extends PendingFile>(candidates: T[], known: PendingFile[]): T[] {
	const seen = new Set(known.map((f) => `${f.path}|${f.bytes}`));
	return candidates.filter((f) => !seen.has(`${f.path}|${f.bytes}`));
}
