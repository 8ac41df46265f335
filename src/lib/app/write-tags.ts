/**
 * "Write tags" for library tracks: the preview of each file's changes, then either the tagged copies as a
 * download (one file, or a zip for many: fflate) or, where the File System Access API exists (Chromium), a
 * write in place: into the folder the tracks were picked from (browser/folder-access.ts), else a folder the
 * user picks (`showDirectoryPicker({ mode: 'readwrite' })`, its handle kept in IndexedDB with idb-keyval);
 * `createWritable()` swaps the file in whole on close, so a crash leaves the old file. The file's bytes come
 * from the folder (in place) or from track-audio.ts (download); taglib-wasm loads on first use.
 */
import type { ModelCard } from '$lib/card/types';
import type { LibraryTrack } from '$lib/library/types';
import { trackAudio } from './track-audio';
import { fileHandleAt, keptFolderOf, mayUse } from '$lib/browser/folder-access';
import { planTags } from '$lib/file-tags/plan';
import { describeChanges, writeTagPlan, type TagWrite } from '$lib/file-tags/write';
import { loadTagLib } from '$lib/file-tags/taglib-browser';
import { saveBlobFile } from '$lib/browser/download';
import { describeError } from '$lib/shared/errors';
import { version } from '../../../package.json';

export interface PlannedFile {
	track: LibraryTrack;
	/** What changes, one line per field (`MOOD: (none) → Film; Epic`). */
	preview: string[];
	write?: TagWrite;
	/** Why this file cannot be tagged (then nothing is written for it). */
	problem?: string;
}

/** Whether this browser can write into a folder in place. */
export const canWriteInPlace = () => typeof window !== 'undefined' && 'showDirectoryPicker' in window;

async function planOne(
	track: LibraryTrack,
	cards: Record<string, ModelCard>,
	bytes: Uint8Array | undefined
): Promise<PlannedFile> {
	if (!bytes)
		return {
			track,
			preview: [],
			problem: 'no copy of this file is at hand: drop it again, or write into its folder'
		};
	if (bytes.length !== track.bytes)
		return {
			track,
			preview: [],
			problem: 'the file changed since it was analysed (its size differs): tag it again'
		};
	try {
		const results = track.results.filter((r) => cards[r.model]);
		const plan = planTags(results, cards, { version });
		const write = await writeTagPlan(await loadTagLib(), bytes, plan);
		return { track, preview: describeChanges(write.changes), write };
	} catch (error) {
		return { track, preview: [], problem: describeError(error) };
	}
}

/** The previews for tracks whose bytes come from the library (this session's file or a kept copy). */
export async function planFromLibrary(
	tracks: readonly LibraryTrack[],
	cards: Record<string, ModelCard>
): Promise<PlannedFile[]> {
	const planned: PlannedFile[] = [];
	for (const track of tracks) {
		const audio = await trackAudio(track, true);
		if (audio.kind === 'audio')
			planned.push(await planOne(track, cards, new Uint8Array(await audio.blob.arrayBuffer())));
		else
			planned.push({
				track,
				preview: [],
				problem:
					audio.kind === 'none'
						? audio.reason
						: `the browser did not allow reading the folder “${audio.folder}”`
			});
	}
	return planned;
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** The tagged copies as a download: the file itself for one, music-tagger-tagged.zip (folder paths kept) for more. */
export async function downloadTagged(planned: readonly PlannedFile[]): Promise<number> {
	const ready = planned.filter((p) => p.write);
	if (ready.length === 1)
		saveBlobFile(baseName(ready[0].track.file), new Blob([ready[0].write!.bytes as Uint8Array<ArrayBuffer>]));
	else if (ready.length > 1) {
		const { zipSync } = await import('fflate');
		// Audio does not deflate: stored (level 0) keeps the zip fast.
		const zip = zipSync(Object.fromEntries(ready.map((p) => [p.track.file, [p.write!.bytes, { level: 0 }]])));
		saveBlobFile('music-tagger-tagged.zip', new Blob([zip], { type: 'application/zip' }));
	}
	return ready.length;
}

const handleKey = 'music-tagger-write-folder';

/** The folder to write into: the one picked last time (permission asked again) or a new pick. */
async function pickFolder(): Promise<FileSystemDirectoryHandle> {
	const { get, set } = await import('idb-keyval');
	const picker = (
		window as unknown as {
			showDirectoryPicker(o: { mode: 'readwrite'; id?: string }): Promise<FileSystemDirectoryHandle>;
		}
	).showDirectoryPicker;
	const kept = (await get(handleKey).catch(() => undefined)) as FileSystemDirectoryHandle | undefined;
	type Permissioned = FileSystemDirectoryHandle & {
		requestPermission?(o: { mode: 'readwrite' }): Promise<PermissionState>;
	};
	if (kept && (await (kept as Permissioned).requestPermission?.({ mode: 'readwrite' })) === 'granted')
		return kept;
	const dir = await picker.call(window, { mode: 'readwrite', id: 'music-tagger-write' });
	await set(handleKey, dir).catch(() => undefined);
	return dir;
}

/**
 * In place: into the folder the tracks were picked from (kept) or one the user picks; each file is read from
 * it, previewed through `confirm` (false: nothing is written), checked again, written whole (createWritable).
 */
export async function writeInPlace(
	tracks: readonly LibraryTrack[],
	cards: Record<string, ModelCard>,
	confirm: (planned: PlannedFile[]) => Promise<boolean>
): Promise<PlannedFile[]> {
	// The folder the tracks were picked from, when it is kept (no second pick), else the user picks it.
	const kept = tracks[0] && (await keptFolderOf(tracks[0].file));
	const dir = kept && (await mayUse(kept, 'readwrite', true)) ? kept : await pickFolder();
	const planned: PlannedFile[] = [];
	const handles = new Map<LibraryTrack, FileSystemFileHandle>();
	for (const track of tracks) {
		try {
			const handle = await fileHandleAt(dir, track.file);
			handles.set(track, handle);
			planned.push(await planOne(track, cards, new Uint8Array(await (await handle.getFile()).arrayBuffer())));
		} catch (error) {
			planned.push({ track, preview: [], problem: `not found in ${dir.name}: ${describeError(error)}` });
		}
	}
	if (!(await confirm(planned))) return planned;
	for (const p of planned) {
		if (!p.write || p.write.changes.length === 0) continue;
		const handle = handles.get(p.track)!;
		try {
			if ((await handle.getFile()).size !== p.track.bytes)
				throw new Error('the file changed meanwhile: not written');
			const writable = await handle.createWritable();
			await writable.write(p.write.bytes as Uint8Array<ArrayBuffer>);
			await writable.close();
		} catch (error) {
			p.problem = describeError(error);
			p.write = undefined;
		}
	}
	return planned;
}
