/**
 * Folders picked with the File System Access API (Chromium) are kept, as handles, in IndexedDB (idb-keyval),
 * so that after a reload the app can read their files again without copying any audio: to play a track, to
 * resume an interrupted queue, to re-run a track or to write tags in place. A library path starts with the
 * picked folder's name ("music/Artist/Album/01.ogg"), which is the key. Reading again needs the user's
 * permission once per session: queried silently, and asked for only from a click (`ask`).
 */
import { createStore, get, set, type UseStore } from 'idb-keyval';

type Mode = 'read' | 'readwrite';
interface PermissionedHandle extends FileSystemDirectoryHandle {
	queryPermission?(o: { mode: Mode }): Promise<PermissionState>;
	requestPermission?(o: { mode: Mode }): Promise<PermissionState>;
}

let folders: UseStore | undefined;
const store = () => (folders ??= createStore('music-tagger-folders', 'handles'));

/** The folder's first path segment: the key its files' library paths start with. */
const topFolder = (path: string) => path.split('/').filter(Boolean)[0] ?? '';

/** Keeps a picked folder's handle (a newer pick of a folder with the same name replaces it). */
export async function rememberFolder(dir: FileSystemDirectoryHandle): Promise<void> {
	await set(dir.name, dir, store()).catch(() => undefined);
}

/** The kept folder a library path lies in, if its files came from a picked folder. */
export async function keptFolderOf(path: string): Promise<FileSystemDirectoryHandle | undefined> {
	if (!path.includes('/')) return undefined;
	return get<FileSystemDirectoryHandle>(topFolder(path), store()).catch(() => undefined);
}

/** Whether the page may use the folder; with `ask` (only from a click) the browser asks the user. */
export async function mayUse(dir: FileSystemDirectoryHandle, mode: Mode, ask: boolean): Promise<boolean> {
	const handle = dir as PermissionedHandle;
	const state = (await handle.queryPermission?.({ mode })) ?? 'granted';
	if (state === 'granted' || !ask) return state === 'granted';
	return (await handle.requestPermission?.({ mode })) === 'granted';
}

/** The file at a library path inside `dir` (the folder's own name may lead the path). */
export async function fileHandleAt(
	dir: FileSystemDirectoryHandle,
	path: string
): Promise<FileSystemFileHandle> {
	const parts = path.split('/').filter(Boolean);
	if (parts.length > 1 && parts[0] === dir.name) parts.shift();
	let folder = dir;
	for (const part of parts.slice(0, -1)) folder = await folder.getDirectoryHandle(part);
	return folder.getFileHandle(parts[parts.length - 1]);
}

/** What reading a library path from its kept folder gave. */
export type FolderRead =
	| { kind: 'file'; file: File }
	| { kind: 'no-folder' }
	| { kind: 'needs-permission'; folder: string }
	| { kind: 'missing'; folder: string; message: string };

/** Reads a library path from the folder it was picked from, without copying anything. */
export async function readFromKeptFolder(path: string, ask: boolean): Promise<FolderRead> {
	const dir = await keptFolderOf(path);
	if (!dir) return { kind: 'no-folder' };
	if (!(await mayUse(dir, 'read', ask))) return { kind: 'needs-permission', folder: dir.name };
	try {
		return { kind: 'file', file: await (await fileHandleAt(dir, path)).getFile() };
	} catch (error) {
		return { kind: 'missing', folder: dir.name, message: (error as Error).message };
	}
}
