/** bench/results.json's `folder` key (`npm run bench -- --folder`) and its printed table. */
import type { MemoryPeak } from './proc-memory';

export interface FolderTrackResult {
	file: string;
	format: string;
	seconds: number;
	bytes: number;
	/** The app: seconds from handing over the folder to this file's queue item reaching done/error. */
	app_finished_s: number | null;
	app_stage: string;
	app_message?: string;
	/** The peer: decode + resample + mel + inference of this file, seconds (null: it failed). */
	peer_s: number | null;
	peer_error?: string;
}

export interface FolderSide {
	files_ok: number;
	audio_seconds_ok: number;
	wall_s: number;
	realtime_factor: number;
	seconds_per_audio_minute: number;
	peak_memory: MemoryPeak;
}

export interface FolderResults {
	measured_at: string;
	command: string;
	folder: { dir: string; tracks: number; audio_seconds: number; clips: string[]; formats: string[] };
	loadavg_1min: { start: number; end: number };
	cpus: number;
	app: FolderSide & {
		/** What the page said (model picker's backend line), the default model and variant. */
		backend: string;
		model: string;
		variant: string;
		hardware_concurrency: number;
		first_result_s: number | null;
		indexeddb: {
			/** navigator.storage.estimate().usageDetails.indexedDB before the drop and after the last file. */
			before_bytes: number | null;
			after_bytes: number | null;
			/** Bytes of the model files in the app's weights store (music-tagger-weights). */
			model_files_bytes: number;
			per_track_bytes: number | null;
		};
	};
	peer: null | (FolderSide & { name: string; backend: string; note: string });
	ratios: {
		/** Peer's seconds per audio minute over ours (target ≥ 10). */
		peer_over_ours: number | null;
		/** Our × realtime over the 180× target (≥ 1 meets it). */
		realtime_over_target: number;
	};
	targets: { realtime_factor: number; peer_over_ours: number };
	tracks: FolderTrackResult[];
}

const fmt = (n: number | null | undefined, digits = 1) =>
	n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits);

export function printFolderReport(r: FolderResults): void {
	const minutes = r.folder.audio_seconds / 60;
	console.log(
		`\nMusic Tagger folder bench — ${r.folder.tracks} tracks, ${fmt(minutes)} audio min (${r.folder.formats.join(', ')})`
	);
	console.log(
		`app: ${r.app.model} ${r.app.variant}, ${r.app.backend}; hardwareConcurrency ${r.app.hardware_concurrency}`
	);
	console.log(
		`1-min load average: ${r.loadavg_1min.start.toFixed(1)} at start, ${r.loadavg_1min.end.toFixed(1)} at end (${r.cpus} cores)\n`
	);
	const peer = r.peer;
	const rows: [string, string, string][] = [
		[
			'files tagged',
			`${r.app.files_ok}/${r.folder.tracks}`,
			peer ? `${peer.files_ok}/${r.folder.tracks}` : '–'
		],
		['wall s', fmt(r.app.wall_s), fmt(peer?.wall_s)],
		['× realtime (audio h per wall h)', fmt(r.app.realtime_factor), fmt(peer?.realtime_factor)],
		['s per audio minute', fmt(r.app.seconds_per_audio_minute, 2), fmt(peer?.seconds_per_audio_minute, 2)],
		['time to first result s', fmt(r.app.first_result_s), '–'],
		[
			'peak memory MB (Σ Pss)',
			fmt(r.app.peak_memory.pss_sum_peak_mb, 0),
			fmt(peer?.peak_memory.pss_sum_peak_mb, 0)
		],
		['Σ VmHWM MB (upper bound)', fmt(r.app.peak_memory.hwm_sum_mb, 0), fmt(peer?.peak_memory.hwm_sum_mb, 0)],
		['IndexedDB per track KB', fmt((r.app.indexeddb.per_track_bytes ?? NaN) / 1024, 0), '–']
	];
	const head: [string, string, string] = ['', 'ours (the app)', peer ? 'peer (essentia.js+TF.js)' : 'peer'];
	const widths = [0, 1, 2].map((i) => Math.max(head[i].length, ...rows.map((row) => row[i].length)));
	const line = (c: string[]) =>
		`${c[0].padEnd(widths[0])}  ${c[1].padStart(widths[1])}  ${c[2].padStart(widths[2])}`;
	console.log([line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n'));
	const peerRatio = r.ratios.peer_over_ours;
	console.log(
		`\nours vs peer (peer s per audio minute / ours): ${fmt(peerRatio, 2)}× (target ≥ ${r.targets.peer_over_ours}×: ${peerRatio === null ? 'not measured' : peerRatio >= r.targets.peer_over_ours ? 'met' : 'missed'})`
	);
	console.log(
		`× realtime vs target: ${fmt(r.app.realtime_factor)}× / ${r.targets.realtime_factor}× = ${fmt(r.ratios.realtime_over_target, 2)} (${r.ratios.realtime_over_target >= 1 ? 'met' : 'missed'})`
	);
	if (peer) console.log(`peer: ${peer.name}, ${peer.backend}; ${peer.note}`);
	const failed = r.tracks.filter((t) => t.app_stage !== 'done' || t.peer_error);
	for (const t of failed)
		console.log(
			`  ${t.file}: app ${t.app_stage}${t.app_message ? ` (${t.app_message})` : ''}${t.peer_error ? `; peer: ${t.peer_error}` : ''}`
		);
	console.log(`\nmemory: ${r.app.peak_memory.method}`);
}
