/**
 * The app's reactive state and the intents the views send. Logic lives in the plain modules it calls
 * (run-track, weights, library, worker client); this file only keeps state and sequences them.
 */
import type { ModelCard, ModelIndex, Variant } from '$lib/card/types';
import type { LibraryTrack } from '$lib/library/types';
import { modelKey, type BackendInfo } from '$lib/worker/protocol';
import { startTaggerWorker, type TaggerClient } from '$lib/worker/client';
import { oneAtATime, poolPlan, WorkerPool } from './worker-pool';
import { fetchModelIndex } from '$lib/model-files/model-index';
import { defaultCard } from '$lib/card/lookup';
import { obtainModelFiles, type ModelFiles } from '$lib/model-files/obtain';
import {
	deleteUserModel,
	isUserModel,
	listUserModels,
	resolveTagList,
	saveUserModel,
	zooTagLists,
	type TagListSource
} from '$lib/model-files/user-models';
import { convertInWorker } from '$lib/worker/convert-client';
import {
	cachedFiles,
	deleteModelFiles,
	requestPersistence,
	storageEstimate,
	usageByModel
} from '$lib/model-files/cache';
import type { DownloadProgress } from '$lib/model-files/fetch-progress';
import { deleteTrack, listTracks, rememberAudio, saveAudio, saveTrack } from '$lib/library/store';
import { trackAudio } from './track-audio';
import { keptFolderOf, readFromKeptFolder } from '$lib/browser/folder-access';
import { readKeepAudio, saveKeepAudio } from './keep-audio';
import { buildCsvExport, buildJsonExport, buildWideCsvExport, type ExportTrack } from '$lib/library/export';
import { emptyFilter, filterTracks, labelName, type LibraryFilter } from '$lib/library/filter';
import { sortTracks, type SortKey } from '$lib/library/sort';
import {
	bulkTargets,
	noSelection,
	pruned,
	toggled,
	withAll,
	without,
	type Selection
} from '$lib/library/selection';
import { sameContent, withResults } from '$lib/library/merge';
import { contentHash } from '$lib/library/content-hash';
import { decodeBlobInBrowser } from '$lib/audio/decode-browser';
import { JobResources } from './jobs';
import { listNames, savePending, takePending, unknownFiles, type PendingFile } from './pending';
import {
	isCancellation,
	runTrack,
	type QueueStage,
	type RunDeps,
	type RunEvents,
	type RunOutput
} from './run-track';
import type { InputFile } from '$lib/browser/input-files';
import { readBackendChoice, saveBackendChoice, type BackendChoice } from './backend-choice';
import { modelsUrl, ortUrl, trackSchemeOfPage } from '$lib/browser/site-urls';
import type { TrackScheme } from '$lib/predictions/chunks';
import { readTags } from '$lib/browser/read-tags';
import { saveBlobFile, saveTextFile } from '$lib/browser/download';
import { buildM3u8, commonFolder, moodPlaylists, playlistFileName } from '$lib/library/playlist';
import { version } from '../../../package.json';
import { describeError } from '$lib/shared/errors';

export interface QueueItem {
	id: string;
	path: string;
	bytes: number;
	stage: QueueStage;
	fraction: number;
	/** Model being run, when more than one is selected. */
	model?: string;
	download?: DownloadProgress;
	message?: string;
	/** Set when re-running a library track with more models: results merge into it. */
	trackId?: string;
	/** Models to run; default: the models selected when the item starts. */
	models?: string[];
	/** When its run started (ms since the epoch): the overall progress's clock (progress.ts). */
	startedAt?: number;
}

export interface Notice {
	id: number;
	kind: 'info' | 'warning' | 'error';
	text: string;
	/** A button next to the text (e.g. "Resume"). */
	action?: { label: string; run: () => void };
}

/** "Add your own model": what the last conversion did (shown under the form). */
export type AddModelStatus =
	| { kind: 'idle' }
	| { kind: 'converting'; file: string }
	| {
			kind: 'done';
			id: string;
			title: string;
			architecture: string;
			tags: number;
			fp32Bytes: number;
			int8Bytes: number;
			convertMs: number;
	  }
	| { kind: 'error'; file: string; message: string };

const finished: QueueStage[] = ['done', 'error', 'cancelled'];

export class TaggerState {
	/** static/models/index.json as fetched. */
	zooIndex = $state.raw<ModelIndex | undefined>();
	/** The user's own converted models (IndexedDB), oldest first. */
	userModels = $state.raw<ModelCard[]>([]);
	/** The models on offer: the zoo's, then the user's. */
	index = $derived<ModelIndex | undefined>(
		this.zooIndex && { ...this.zooIndex, models: [...this.zooIndex.models, ...this.userModels] }
	);
	addModelStatus = $state.raw<AddModelStatus>({ kind: 'idle' });
	startError = $state<string | undefined>();
	selectedModels = $state<string[]>([]);
	variant = $state<Variant>('int8');
	/** How results turn chunks into the track score: 'whole', or 'upstream' with `?scheme=upstream` in the URL. */
	scheme = $state<TrackScheme>('whole');
	backendChoice = $state<BackendChoice>('auto');
	backend = $state.raw<BackendInfo | undefined>();
	queue = $state<QueueItem[]>([]);
	tracks = $state.raw<LibraryTrack[]>([]);
	selectedTrackId = $state<string | undefined>();
	usage = $state.raw<Record<string, number>>({});
	cached = $state.raw<Record<string, string[]>>({});
	persisted = $state(false);
	/** Keep audio copies for playback after a reload (keep-audio.ts; off by default). */
	keepAudio = $state(readKeepAudio());
	storage = $state.raw<{ usage: number; quota: number } | undefined>();
	notices = $state<Notice[]>([]);
	filter = $state<LibraryFilter>({ ...emptyFilter });
	/** The library's order (sort.ts). */
	sort = $state<SortKey>('added');
	/** The tracks ticked in the library (selection.ts): what bulk actions act on. */
	selection = $state.raw<Selection>(noSelection);

	/** The inference workers (worker-pool.ts); the queue runs up to `size` files at once. */
	#pool: WorkerPool<TaggerClient> | undefined;
	/** A model's files are obtained for one worker at a time (a first visit downloads them once). */
	#obtain = oneAtATime<ModelFiles>();
	#jobs = new JobResources();
	/** The queue's running loops (#pump), at most the pool's size; ids of the items they hold. */
	#lanes = 0;
	#taken: string[] = [];
	#noticeId = 0;

	/** The zoo's tag lists a user model can take. */
	tagListChoices = $derived(zooTagLists(this.zooIndex?.models ?? []));
	tagLists = $derived(Object.fromEntries((this.index?.models ?? []).map((m) => [m.id, m.tags])));
	/** The cards on offer by id (decisions, labels, exports). */
	cards = $derived(Object.fromEntries((this.index?.models ?? []).map((m) => [m.id, m])));
	/** The library filtered and sorted: the tracks shown. */
	visibleTracks = $derived(
		sortTracks(filterTracks(this.tracks, this.filter, this.cards), this.sort, this.cards)
	);
	/** What bulk actions act on: the selection, or the tracks shown when nothing is selected. */
	targetTracks = $derived(bulkTargets(this.visibleTracks, this.tracks, this.selection));
	selectedTrack = $derived(this.tracks.find((t) => t.id === this.selectedTrackId));
	busy = $derived(this.queue.some((item) => !finished.includes(item.stage)));

	card(id: string): ModelCard | undefined {
		return this.index?.models.find((m) => m.id === id);
	}

	#starting: Promise<void> | undefined;

	/** Loads the model index, the library and the worker; later calls return the same promise. */
	start(): Promise<void> {
		return (this.#starting ??= this.#start());
	}

	async #start(): Promise<void> {
		const pending = takePending(); // before a file dropped meanwhile replaces the saved queue
		this.backendChoice = readBackendChoice();
		try {
			this.scheme = trackSchemeOfPage();
		} catch (error) {
			this.notify('warning', `${(error as Error).message}: results use the whole-track scheme.`);
		}
		[this.tracks, this.userModels] = await Promise.all([
			listTracks().catch(() => []),
			listUserModels().catch(() => [])
		]);
		// A file whose result was saved just before the reload is in the library, not interrupted.
		void this.#offerResume(
			unknownFiles(
				pending,
				this.tracks.map((t) => ({ path: t.file, bytes: t.bytes }))
			)
		);
		try {
			this.zooIndex = await fetchModelIndex(modelsUrl());
			this.selectedModels = [defaultCard(this.zooIndex).id];
		} catch (error) {
			this.startError = (error as Error).message;
		}
		await Promise.all([this.refreshStorage(), this.#startWorker()]);
	}

	/** (Re)starts the pool of inference workers, sized from this device; its first worker starts at once. */
	async #startWorker(): Promise<void> {
		this.#pool?.terminate();
		const config = { wasmPaths: ortUrl(), backend: this.backendChoice, scheme: this.scheme };
		const plan = poolPlan({
			cores: navigator.hardwareConcurrency,
			memoryGb: (navigator as Navigator & { deviceMemory?: number }).deviceMemory,
			crossOriginIsolated: self.crossOriginIsolated
		});
		const pool = new WorkerPool((threads) => startTaggerWorker({ ...config, threads }), plan);
		this.#pool = pool;
		try {
			this.backend = await pool.open();
		} catch (error) {
			this.startError = `The inference worker could not start: ${(error as Error).message}`;
		}
	}

	async setBackend(choice: BackendChoice): Promise<void> {
		if (this.busy)
			return this.notify('warning', 'Wait for the queue to finish before switching the backend.');
		this.backendChoice = choice;
		saveBackendChoice(choice);
		await this.#startWorker();
	}

	notify(kind: Notice['kind'], text: string, action?: Notice['action']): void {
		this.notices = [...this.notices, { id: ++this.#noticeId, kind, text, action }];
	}

	/**
	 * After a reload: the files a reload interrupted. Those from a kept folder (folder-access.ts) can be queued
	 * again with one click; the others are named, to be dropped again.
	 */
	async #offerResume(interrupted: PendingFile[]): Promise<void> {
		if (interrupted.length === 0) return;
		const kept = await Promise.all(interrupted.map((f) => keptFolderOf(f.path)));
		const again = interrupted.filter((_, i) => kept[i]);
		const lost = interrupted.filter((_, i) => !kept[i]);
		if (lost.length > 0)
			this.notify(
				'warning',
				`A reload interrupted ${lost.length} file(s) before they were tagged: drop them again (${listNames(lost)}). Finished results are kept.`
			);
		if (again.length === 0) return;
		const names = kept.flatMap((d) => (d ? [`“${d.name}”`] : []));
		const folders = names.filter((n, i) => names.indexOf(n) === i).join(', ');
		const id = this.#noticeId + 1;
		this.notify(
			'warning',
			`A reload interrupted ${again.length} file(s) of ${folders} before they were tagged (${listNames(again)}). Finished results are kept.`,
			{
				label: 'Resume',
				run: () => {
					this.dismiss(id);
					void this.#resume(again);
				}
			}
		);
	}

	/** Queues interrupted files again, read from their kept folders (the browser may ask the user once). */
	async #resume(files: PendingFile[]): Promise<void> {
		const found: InputFile[] = [];
		const lost: PendingFile[] = [];
		for (const f of files) {
			const read = await readFromKeptFolder(f.path, true);
			if (read.kind === 'file') found.push({ file: read.file, path: f.path });
			else lost.push(f);
		}
		if (lost.length > 0)
			this.notify(
				'warning',
				`${lost.length} file(s) could not be read again from their folder: drop them again (${listNames(lost)}).`
			);
		this.addFiles(found);
	}

	dismiss(id: number): void {
		this.notices = this.notices.filter((n) => n.id !== id);
	}

	toggleModel(id: string): void {
		const on = this.selectedModels.includes(id);
		if (on && this.selectedModels.length === 1) return; // at least one model stays selected
		this.selectedModels = on ? this.selectedModels.filter((m) => m !== id) : [...this.selectedModels, id];
	}

	/** Files tagged before (same path and size in the library) or already waiting are not queued twice. */
	/** Queues `files`; `skipped`: other files of the same folders left out as not audio (covers, playlists…). */
	addFiles(files: InputFile[], skipped = 0): void {
		if (skipped > 0)
			this.notify(
				'info',
				`${skipped} file(s) in the folder are not audio (covers, playlists, system files) and were skipped.`
			);
		const known = [
			...this.tracks.map((t) => ({ path: t.file, bytes: t.bytes })),
			...this.queue.filter((q) => !finished.includes(q.stage))
		];
		const fresh = unknownFiles(
			files.map(({ file, path }) => ({ file, path, bytes: file.size })),
			known
		);
		if (fresh.length < files.length)
			this.notify(
				'info',
				`${files.length - fresh.length} of ${files.length} file(s) are already in the library or the queue and were not added again.`
			);
		for (const { file, path } of fresh) {
			const id = crypto.randomUUID();
			this.#jobs.add(id, file);
			this.queue.push({ id, path, bytes: file.size, stage: 'queued', fraction: 0 });
		}
		this.#rememberPending();
		void this.#pump();
	}

	/** The unfinished files, for the notice after a reload (see pending.ts). */
	#rememberPending(): void {
		savePending(
			this.queue.filter((q) => !finished.includes(q.stage)).map((q) => ({ path: q.path, bytes: q.bytes }))
		);
	}

	/** Runs a library track through more models (compare side by side). */
	async addModelsToTrack(trackId: string, modelIds: string[]): Promise<void> {
		const track = this.tracks.find((t) => t.id === trackId);
		const problem = track && (await this.#queueRerun(track, modelIds));
		if (problem) this.notify('error', `Cannot run more models: ${problem}.`);
	}

	/** Queues a library track for more models; returns why not when its audio is not at hand. */
	async #queueRerun(track: LibraryTrack, modelIds: string[]): Promise<string | undefined> {
		const audio = await trackAudio(track, true);
		if (audio.kind === 'none') return audio.reason;
		if (audio.kind === 'needs-permission')
			return `the browser did not allow reading the folder “${audio.folder}”`;
		const id = crypto.randomUUID();
		this.#jobs.add(id, audio.blob);
		this.queue.push({
			id,
			path: track.file,
			bytes: audio.blob.size,
			stage: 'queued',
			fraction: 0,
			trackId: track.id,
			models: modelIds
		});
		void this.#pump();
	}

	cancel(id: string): void {
		const item = this.queue.find((q) => q.id === id);
		if (!item || finished.includes(item.stage)) return;
		this.#jobs.abort(id);
		item.stage = 'cancelled';
		item.message = 'Cancelled.';
		this.#jobs.release(id);
		this.#rememberPending();
	}

	cancelAll(): void {
		for (const item of this.queue) this.cancel(item.id);
	}

	clearFinished(): void {
		this.queue = this.queue.filter((item) => !finished.includes(item.stage));
	}

	#deps(client: TaggerClient): RunDeps {
		return {
			client,
			decode: decodeBlobInBrowser,
			readTags,
			obtainWeights: (card, variant, onProgress) => {
				// The pool's backend picks the file (int8: static on WASM, weight-only on WebGPU); it is open by now.
				const backend = this.backend?.backend ?? 'wasm';
				return this.#obtain(`${modelKey(card, variant)}:${backend}`, () =>
					obtainModelFiles(card, variant, modelsUrl(), backend, onProgress)
				);
			}
		};
	}

	/** Runs queued files, up to the pool's size at once (one per worker). */
	async #pump(): Promise<void> {
		await this.start(); // files dropped while the page is still starting wait for the index and the workers
		while (this.#lanes < (this.#pool?.size ?? 1) && this.#nextQueued(false)) {
			this.#lanes++;
			void this.#lane();
		}
	}

	async #lane(): Promise<void> {
		try {
			for (let item = this.#nextQueued(); item; item = this.#nextQueued()) {
				try {
					await this.#process(item);
				} finally {
					this.#taken = this.#taken.filter((id) => id !== item.id);
				}
			}
		} finally {
			// In the same tick as the last look at the queue: a #pump from now on starts a new lane.
			this.#lanes--;
		}
	}

	/** The first queued item no lane holds; `take`: the caller's lane now holds it. */
	#nextQueued(take = true): QueueItem | undefined {
		const item = this.queue.find((q) => q.stage === 'queued' && !this.#taken.includes(q.id));
		if (item && take) this.#taken.push(item.id);
		return item;
	}

	async #process(item: QueueItem): Promise<void> {
		await this.start(); // files dropped while the page is still starting wait for the index and the worker
		const blob = this.#jobs.blob(item.id);
		const cards = (item.models ?? this.selectedModels)
			.map((id) => this.card(id))
			.filter((c): c is ModelCard => !!c);
		if (!blob || cards.length === 0) {
			item.stage = 'error';
			item.message =
				cards.length === 0 ? 'No model is available (the model index did not load).' : 'The file is gone.';
			return;
		}
		const signal = this.#jobs.start(item.id);
		item.startedAt = Date.now();
		let unclaim: (() => void) | undefined;
		try {
			// A re-run (trackId) extends a known track; a new file is first looked up by its bytes.
			const sha256 = item.trackId ? undefined : await contentHash(blob);
			const models = cards.map((c) => c.id);
			if (sha256) unclaim = await this.#claimBytes(sha256);
			const twin = sha256 && sameContent(this.tracks, sha256, models, this.scheme);
			if (signal.aborted) return;
			if (twin) {
				await this.#store(item, blob, twin, sha256);
				item.message = `Same audio as ${twin.file}: its results are reused, not computed again.`;
			} else {
				if (!this.#pool) throw new Error('The inference worker is not running.');
				const pool = this.#pool;
				const client = await pool.acquire(); // a crashed worker is replaced here
				const events = this.#eventsFor(item, signal);
				const output = await runTrack(item.id, blob, cards, this.variant, this.#deps(client), events, signal)
					// The backend actually used (WebGPU falls back to WASM when a model cannot run on it).
					.finally(() => {
						this.backend = pool.info ?? this.backend;
						pool.release(client);
					});
				if (signal.aborted) return;
				await this.#store(item, blob, output, sha256);
			}
			item.stage = 'done';
			item.fraction = 1;
			item.model = undefined;
			item.download = undefined;
			// Before any further await: a reload from here on must not name this file as interrupted.
			this.#rememberPending();
			await this.refreshStorage();
		} catch (error) {
			if (isCancellation(error, signal)) {
				item.stage = 'cancelled';
				item.message = 'Cancelled.';
			} else {
				item.stage = 'error';
				item.message = describeError(error);
				item.download = undefined;
			}
		} finally {
			unclaim?.();
			this.#jobs.release(item.id);
			this.#rememberPending();
		}
	}

	/** Files being tagged, by their bytes (sha256): an identical file waits for the first one's result. */
	#inFlight: Record<string, Promise<void>> = {};

	/** Waits while an identical file is in another lane, then holds its bytes; returns the release. */
	async #claimBytes(sha256: string): Promise<() => void> {
		while (this.#inFlight[sha256]) await this.#inFlight[sha256];
		let release!: () => void;
		this.#inFlight[sha256] = new Promise<void>((resolve) => (release = resolve));
		return () => {
			delete this.#inFlight[sha256];
			release();
		};
	}

	/** Progress of one item's run, applied to its (reactive) queue entry. */
	#eventsFor(item: QueueItem, signal: AbortSignal): RunEvents {
		return {
			onStage: (p) => {
				if (signal.aborted) return;
				item.stage = p.stage === 'done' ? 'inference' : p.stage;
				item.fraction = p.fraction;
				item.model = p.model;
				item.download = undefined;
			},
			onDownload: (model, p) => {
				item.model = model;
				item.download = p;
			},
			onWarning: (text) => this.notify('warning', text)
		};
	}

	/** `output`: the run's results, or an identical file's track whose results (and tags) this file shares. */
	async #store(item: QueueItem, blob: Blob, output: RunOutput, sha256?: string): Promise<void> {
		const existing = item.trackId ? this.tracks.find((t) => t.id === item.trackId) : undefined;
		const { meta, results, mels } = output;
		const track: LibraryTrack = existing
			? withResults(existing, results, mels)
			: { id: item.id, file: item.path, bytes: item.bytes, sha256, addedAt: Date.now(), meta, results, mels };
		if (!existing) rememberAudio(track.id, blob);
		try {
			const dropped = await saveTrack(track);
			if (dropped > 0)
				this.notify(
					'info',
					`Storage was full: ${dropped} playback cop${dropped === 1 ? 'y was' : 'ies were'} removed to keep the results.`
				);
			if (!existing && this.keepAudio && !(await saveAudio(track.id, blob)))
				this.notify('warning', `No room to keep the audio of ${item.path} for playback.`);
		} catch (error) {
			this.notify(
				'warning',
				`${item.path}: the result is shown but could not be saved (${describeError(error)}).`
			);
		}
		this.tracks = [track, ...this.tracks.filter((t) => t.id !== track.id)];
		this.selectedTrackId ??= track.id;
	}

	setKeepAudio(keep: boolean): void {
		this.keepAudio = keep;
		saveKeepAudio(keep);
	}

	async removeTrack(id: string): Promise<void> {
		await this.removeTracks([id]);
	}

	toggleSelected(id: string): void {
		this.selection = toggled(this.selection, id);
	}

	/** Adds every track shown to the selection; `clear`: empties it. */
	selectShown(clear = false): void {
		this.selection = clear ? noSelection : withAll(this.selection, this.visibleTracks);
	}

	/** Deletes tracks (records and audio copies) and drops them from the selection. */
	async removeTracks(ids: string[]): Promise<void> {
		await Promise.all(ids.map(deleteTrack));
		this.tracks = without(this.tracks, ids);
		this.selection = pruned(this.selection, this.tracks);
		if (!this.tracks.some((t) => t.id === this.selectedTrackId)) this.selectedTrackId = undefined;
	}

	/**
	 * Runs tracks through the models selected in the picker (results merge into each track). Tracks whose audio
	 * is not at hand are left out, with one notice for all of them.
	 */
	async addModelsToTracks(tracks: LibraryTrack[], modelIds: string[] = this.selectedModels): Promise<void> {
		const models = [...modelIds];
		const missing: string[] = [];
		for (const track of tracks) {
			const problem = await this.#queueRerun(track, models);
			if (problem) missing.push(problem);
		}
		if (missing.length > 0)
			this.notify(
				'warning',
				`${missing.length} of ${tracks.length} track(s) were not run again: ${missing.slice(0, 3).join('; ')}${missing.length > 3 ? '; …' : ''}.`
			);
	}

	async refreshStorage(): Promise<void> {
		[this.usage, this.cached, this.storage] = await Promise.all([
			usageByModel().catch(() => ({})),
			cachedFiles().catch(() => ({})),
			storageEstimate()
		]);
		// Ask for persistent storage once there is something worth keeping (some browsers prompt).
		if (!this.persisted && Object.keys(this.usage).length > 0) this.persisted = await requestPersistence();
	}

	async deleteModel(id: string): Promise<void> {
		// A user model's stored files are the model itself (there is nothing to download again).
		if (this.userModels.some((c) => c.id === id)) return this.removeUserModel(id);
		await deleteModelFiles(id);
		await this.refreshStorage();
	}

	/** Converts a checkpoint (in a worker) with a tag list and stores it; progress in addModelStatus. */
	async addUserModel(file: File, tagList: TagListSource): Promise<void> {
		if (this.addModelStatus.kind === 'converting') return;
		this.addModelStatus = { kind: 'converting', file: file.name };
		try {
			await this.start();
			const zoo = this.zooIndex?.models.filter((c) => !isUserModel(c));
			if (!zoo) throw new Error('The model index did not load, so there is no front end to copy.');
			const { tags, tagList: listName } = await resolveTagList(tagList, zoo);
			const converted = await convertInWorker({
				checkpoint: file,
				fileName: file.name,
				tags,
				tagList: listName,
				zoo,
				now: Date.now()
			});
			const card = await saveUserModel(converted);
			this.userModels = [...this.userModels.filter((c) => c.id !== card.id), card];
			this.addModelStatus = {
				kind: 'done',
				id: card.id,
				title: card.title,
				architecture: card.architecture,
				tags: card.tags.length,
				fp32Bytes: card.files.fp32.bytes,
				int8Bytes: card.files.int8.bytes,
				convertMs: converted.convertMs
			};
		} catch (error) {
			this.addModelStatus = { kind: 'error', file: file.name, message: describeError(error) };
			// A failed save of an id that was stored already (the same checkpoint again) removed it too.
			this.userModels = await listUserModels().catch(() => this.userModels);
		}
		await this.refreshStorage();
	}

	/** Deletes a user model (card and files) and drops it from the selection. */
	async removeUserModel(id: string): Promise<void> {
		await deleteUserModel(id);
		this.userModels = this.userModels.filter((c) => c.id !== id);
		const selected = this.selectedModels.filter((m) => m !== id);
		this.selectedModels = selected.length > 0 || !this.zooIndex ? selected : [defaultCard(this.zooIndex).id];
		if (this.addModelStatus.kind === 'done' && this.addModelStatus.id === id)
			this.addModelStatus = { kind: 'idle' };
		await this.refreshStorage();
	}

	/** Results of models no longer on offer (a removed user model) have no tag names and are left out. */
	#exportTracks(tracks: LibraryTrack[]): ExportTrack[] {
		return tracks.map((t) => ({
			file: t.file,
			duration: t.meta.duration,
			title: t.meta.title,
			artist: t.meta.artist,
			album: t.meta.album,
			results: t.results.filter((r) => this.cards[r.model])
		}));
	}

	/** Exports and playlists take the bulk target: the selection, or the tracks shown. */
	exportJson(tracks = this.targetTracks): void {
		const json = buildJsonExport(this.#exportTracks(tracks), this.cards, version);
		saveTextFile('music-tagger.json', JSON.stringify(json, null, '\t'), 'application/json');
	}

	/** Long (one row per tag) or wide (one row per track) CSV. */
	exportCsv(layout: 'long' | 'wide' = 'long', target = this.targetTracks): void {
		const tracks = this.#exportTracks(target);
		if (layout === 'wide')
			saveTextFile('music-tagger-wide.csv', buildWideCsvExport(tracks, this.cards), 'text/csv');
		else saveTextFile('music-tagger.csv', buildCsvExport(tracks, this.cards), 'text/csv');
	}

	/** The folder playlists are written for (the dropped music folder): their paths are relative to it. */
	get playlistFolder(): string {
		return commonFolder(this.targetTracks.map((t) => t.file));
	}

	/** The selection or the tracks shown as one M3U8 playlist, named after the filter. */
	exportPlaylist(tracks = this.targetTracks): void {
		const name = labelName(this.filter.label) || this.filter.text.trim() || 'Music Tagger library';
		const folder = commonFolder(tracks.map((t) => t.file));
		const text = buildM3u8(name, this.#exportTracks(tracks), folder);
		saveTextFile(playlistFileName(name), text, 'audio/x-mpegurl');
	}

	/** One M3U8 per decided mood of the selection or the tracks shown, in one zip. */
	async exportMoodPlaylists(tracks = this.targetTracks): Promise<void> {
		const folder = commonFolder(tracks.map((t) => t.file));
		const playlists = moodPlaylists(this.#exportTracks(tracks), this.cards);
		if (playlists.length === 0) return this.notify('info', 'No mood applies to the tracks shown.');
		const { strToU8, zipSync } = await import('fflate');
		const files = Object.fromEntries(
			playlists.map((p) => [playlistFileName(p.name), strToU8(buildM3u8(p.name, p.tracks, folder))])
		);
		saveBlobFile('music-tagger-playlists.zip', new Blob([zipSync(files)], { type: 'application/zip' }));
	}
}

export const tagger = new TaggerState();
