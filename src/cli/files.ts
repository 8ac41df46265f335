/** Which files `music-tagger tag` reads: named files as given, folders searched recursively for audio. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { hasAudioExtension } from '$lib/audio/formats';

export interface Discovered {
	/** In command-line order; each folder's files sorted by path. No path twice. */
	files: string[];
	/** Inputs that could not be read at all (missing, unreadable folders). */
	problems: { file: string; message: string }[];
	/** Folders given on the command line that hold no audio file. */
	empty: string[];
}

async function walk(dir: string, into: string[], problems: Discovered['problems']): Promise<void> {
	let entries;
	try {
		entries = await readdir(dir, { withFileTypes: true });
	} catch (error) {
		problems.push({ file: dir, message: (error as Error).message });
		return;
	}
	entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	for (const entry of entries) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) await walk(path, into, problems);
		else if ((entry.isFile() || entry.isSymbolicLink()) && hasAudioExtension(entry.name)) into.push(path);
	}
}

export async function discoverAudio(inputs: readonly string[]): Promise<Discovered> {
	const found: string[] = [];
	const problems: Discovered['problems'] = [];
	const empty: string[] = [];
	for (const input of inputs) {
		let info;
		try {
			info = await stat(input);
		} catch (error) {
			problems.push({
				file: input,
				message:
					(error as NodeJS.ErrnoException).code === 'ENOENT'
						? 'no such file or folder'
						: (error as Error).message
			});
			continue;
		}
		if (info.isDirectory()) {
			const before = found.length;
			await walk(input, found, problems);
			if (found.length === before) empty.push(input);
		} else found.push(input);
	}
	return { files: [...new Set(found)], problems, empty };
}
