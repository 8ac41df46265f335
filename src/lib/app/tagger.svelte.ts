/**
 * The app's reactive state and the intents the views send. Logic lives in the plain modules it calls
 * (run-track, weights, library, worker client); this file only keeps state and sequences them.
 */
import type { ModelCard, ModelIndex, Variant } from '$lib/card/types';
import type { LibraryTrack } from '$lib/library/types';
import type { BackendInfo } from '$lib/worker/protocol';
import { startTaggerWorker, type TaggerClient } from '$lib/worker/client';
import { fetchModelIndex } from '$lib/model-files/model-index';
import { defaultCard } from '$lib/card/lookup';
import { obtainModelFiles } from '$lib/model-files/obtain';
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
import { deleteTrack, listTracks, loadAudio, rememberAudio, saveAudio, saveTrack } from '$lib/library/store';
import { readKeepAudio, saveKeepAudio } from './keep-audio';
import { buildCsvExport, buildJsonExport, buildWideCsvExport, type ExportTrack } from '$lib/library/export';
import { emptyFilter, filterTracks, type LibraryFilter } from '$lib/library/filter';
import { withResults } from '$lib/library/merge';
import { decodeBlobInBrowser } from '$lib/audio/decode-browser';
import { JobResources } from './jobs';
import { listNames, savePending, takePending, unknownFiles } from './pending';
import { isCancellation, runTrack, type QueueStage, type RunDeps, type RunEvents } from './run-track';
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

	#client: TaggerClient | undefined;
	#jobs = new JobResources();
	#pumping = false;
	#noticeId = 0;

	/** The zoo's tag lists a user model can take. */
	tagListChoices = $derived(zooTagLists(this.zooIndex?.models ?? []));
	tagLists = $derived(Object.fromEntries((this.index?.models ?? []).map((m) => [m.id, m.tags])));
	/** The cards on offer by id (decisions, labels, exports). */
	cards = $derived(Object.fromEntries((this.index?.models ?? []).map((m) => [m.id, m])));
	visibleTracks = $derived(filterTracks(this.tracks, this.filter, this.tagLists));
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
		const interrupted = takePending();
		if (interrupted.length > 0)
			this.notify(
				'warning',
				`A reload interrupted ${interrupted.length} file(s) before they were tagged: drop them again (${listNames(interrupted)}). Finished results are kept.`
			);
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
		try {
			this.zooIndex = await fetchModelIndex(modelsUrl());
			this.selectedModels = [defaultCard(this.zooIndex).id];
		} catch (error) {
			this.startError = (error as Error).message;
		}
		await Promise.all([this.refreshStorage(), this.#startWorker()]);
	}

	async #startWorker(): Promise<void> {
		this.#client?.terminate();
		this.#client = undefined;
		try {
			this.#client = await startTaggerWorker({
				wasmPaths: ortUrl(),
				backend: this.backendChoice,
				scheme: this.scheme
			});
			this.backend = { ...this.#client.info };
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

	notify(kind: Notice['kind'], text: string): void {
		this.notices = [...this.notices, { id: ++this.#noticeId, kind, text }];
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
		const blob = await loadAudio(trackId);
		if (!track || !blob)
			return this.notify(
				'error',
				'The audio of this track is not kept after a reload (see "Keep a copy" under Stored models); drop the file again.'
			);
		const id = crypto.randomUUID();
		this.#jobs.add(id, blob);
		this.queue.push({
			id,
			path: track.file,
			bytes: blob.size,
			stage: 'queued',
			fraction: 0,
			trackId,
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

	#deps(): RunDeps {
		if (!this.#client) throw new Error('The inference worker is not running.');
		return {
			client: this.#client,
			decode: decodeBlobInBrowser,
			readTags,
			obtainWeights: (card, variant, onProgress) => obtainModelFiles(card, variant, modelsUrl(), onProgress)
		};
	}

	async #pump(): Promise<void> {
		if (this.#pumping) return;
		this.#pumping = true;
		try {
			for (let item = this.#nextQueued(); item; item = this.#nextQueued()) {
				await this.#process(item);
			}
		} finally {
			this.#pumping = false;
		}
	}

	#nextQueued(): QueueItem | undefined {
		return this.queue.find((q) => q.stage === 'queued');
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
		try {
			if (!this.#client || this.#client.crashed) await this.#startWorker();
			const events = this.#eventsFor(item, signal);
			const output = await runTrack(item.id, blob, cards, this.variant, this.#deps(), events, signal);
			if (signal.aborted) return;
			// The backend actually used (WebGPU falls back to WASM when a model cannot run on it).
			if (this.#client) this.backend = { ...this.#client.info };
			await this.#store(item, blob, output);
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
			this.#jobs.release(item.id);
			this.#rememberPending();
		}
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

	async #store(item: QueueItem, blob: Blob, output: Awaited<ReturnType<typeof runTrack>>): Promise<void> {
		const existing = item.trackId ? this.tracks.find((t) => t.id === item.trackId) : undefined;
		const track: LibraryTrack = existing
			? withResults(existing, output.results, output.mels)
			: { id: item.id, file: item.path, bytes: item.bytes, addedAt: Date.now(), ...output };
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
		await deleteTrack(id);
		this.tracks = this.tracks.filter((t) => t.id !== id);
		if (this.selectedTrackId === id) this.selectedTrackId = undefined;
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
	#exportTracks(): ExportTrack[] {
		return this.visibleTracks.map((t) => ({
			file: t.file,
			duration: t.meta.duration,
			title: t.meta.title,
			artist: t.meta.artist,
			album: t.meta.album,
			results: t.results.filter((r) => this.cards[r.model])
		}));
	}

	exportJson(): void {
		const json = buildJsonExport(this.#exportTracks(), this.cards, version);
		saveTextFile('music-tagger.json', JSON.stringify(json, null, '\t'), 'application/json');
	}

	/** Long (one row per tag) or wide (one row per track) CSV. */
	exportCsv(layout: 'long' | 'wide' = 'long'): void {
		const tracks = this.#exportTracks();
		if (layout === 'wide')
			saveTextFile('music-tagger-wide.csv', buildWideCsvExport(tracks, this.cards), 'text/csv');
		else saveTextFile('music-tagger.csv', buildCsvExport(tracks, this.cards), 'text/csv');
	}

	/** The folder playlists are written for (the dropped music folder): their paths are relative to it. */
	get playlistFolder(): string {
		return commonFolder(this.visibleTracks.map((t) => t.file));
	}

	/** The tracks shown (the library filtered) as one M3U8 playlist, named after the filter. */
	exportPlaylist(): void {
		const name = this.filter.label || this.filter.text.trim() || 'Music Tagger library';
		const text = buildM3u8(name, this.#exportTracks(), this.playlistFolder);
		saveTextFile(playlistFileName(name), text, 'audio/x-mpegurl');
	}

	/** One M3U8 per decided mood of the tracks shown, in one zip. */
	async exportMoodPlaylists(): Promise<void> {
		const folder = this.playlistFolder;
		const playlists = moodPlaylists(this.#exportTracks(), this.cards);
		if (playlists.length === 0) return this.notify('info', 'No mood applies to the tracks shown.');
		const { strToU8, zipSync } = await import('fflate');
		const files = Object.fromEntries(
			playlists.map((p) => [playlistFileName(p.name), strToU8(buildM3u8(p.name, p.tracks, folder))])
		);
		saveBlobFile('music-tagger-playlists.zip', new Blob([zipSync(files)], { type: 'application/zip' }));
	}
}

export const tagger = new TaggerState();
