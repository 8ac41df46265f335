/**
 * How a library track is laid out in IndexedDB: compact, so that a library of thousands of tracks stays small
 * (target: under 50 KB per track). Structured clone stores a number[] as float64 per value; here
 * - chunk and taggram outputs become flat Float32Arrays: lossless (the models output float32 sigmoids);
 *   a taggram equal to the chunks (the 'whole' scheme) is stored once;
 * - the display mel becomes bytes: dB quantised to 256 steps between its own min and max (≈ 0.3 dB for a
 *   80 dB range; only drawn, never computed with), at most 256 columns (max-pooled, as the worker pools).
 * Old records (plain arrays) read back unchanged. Display mels are unpacked only when read (`lazyMels`).
 */
import type { DisplayMel } from '$lib/features/display-mel';
import type { ModelResult } from '$lib/pipeline/types';
import type { LibraryTrack } from './types';

interface PackedMel extends Omit<DisplayMel, 'data'> {
	bytes: Uint8Array;
	min: number;
	max: number;
}
interface PackedMatrix {
	rows: number;
	values: Float32Array;
}
type PackedResult = Omit<ModelResult, 'chunks' | 'taggram'> & {
	chunks: number[][] | PackedMatrix;
	taggram: { starts: number[]; outputs: number[][] | PackedMatrix | 'chunks' };
};
export interface StoredTrack extends Omit<LibraryTrack, 'results' | 'mels'> {
	results: PackedResult[];
	mels: Record<string, DisplayMel | PackedMel>;
}

/** Columns of a stored display mel. */
export const storedMelColumns = 256;

function packMatrix(rows: number[][]): PackedMatrix {
	const width = rows[0]?.length ?? 0;
	const values = new Float32Array(rows.length * width);
	rows.forEach((row, r) => values.set(row, r * width));
	return { rows: rows.length, values };
}

function unpackMatrix(m: number[][] | PackedMatrix): number[][] {
	if (Array.isArray(m)) return m;
	const width = m.rows ? m.values.length / m.rows : 0;
	return Array.from({ length: m.rows }, (_, r) => Array.from(m.values.subarray(r * width, (r + 1) * width)));
}

const sameMatrix = (a: number[][], b: number[][]) =>
	a.length === b.length &&
	a.every((row, r) => row.length === b[r].length && row.every((v, i) => v === b[r][i]));

function packMel(mel: DisplayMel): PackedMel {
	const { data, ...span } = mel;
	const columns = Math.min(mel.frames, storedMelColumns);
	const bytes = new Uint8Array(mel.nMels * columns);
	let min = Infinity;
	let max = -Infinity;
	for (const v of data) {
		if (v < min) min = v;
		if (v > max) max = v;
	}
	const step = max > min ? (max - min) / 255 : 1;
	for (let b = 0; b < mel.nMels; b++) {
		for (let c = 0; c < columns; c++) {
			const from = Math.floor((c * mel.frames) / columns);
			const to = Math.max(from + 1, Math.floor(((c + 1) * mel.frames) / columns));
			let peak = -Infinity;
			for (let t = from; t < to; t++) peak = Math.max(peak, data[b * mel.frames + t]);
			bytes[b * columns + c] = Math.round((peak - min) / step);
		}
	}
	return { ...span, frames: columns, bytes, min, max };
}

function unpackMel(mel: DisplayMel | PackedMel): DisplayMel {
	if ('data' in mel) return mel;
	const { bytes, min, max, ...span } = mel;
	const step = max > min ? (max - min) / 255 : 1;
	const data = new Float32Array(bytes.length);
	for (let i = 0; i < bytes.length; i++) data[i] = min + bytes[i] * step;
	return { ...span, data };
}

export function packTrack(track: LibraryTrack): StoredTrack {
	return {
		...track,
		results: track.results.map((r) => ({
			...r,
			chunks: packMatrix(r.chunks),
			taggram: {
				starts: r.taggram.starts,
				outputs: sameMatrix(r.taggram.outputs, r.chunks) ? 'chunks' : packMatrix(r.taggram.outputs)
			}
		})),
		mels: Object.fromEntries(Object.entries(track.mels).map(([id, mel]) => [id, packMel(mel)]))
	};
}

export function unpackTrack(stored: StoredTrack): LibraryTrack {
	return {
		...stored,
		results: stored.results.map((r) => {
			const chunks = unpackMatrix(r.chunks);
			const outputs = r.taggram.outputs === 'chunks' ? chunks : unpackMatrix(r.taggram.outputs);
			return { ...r, chunks, taggram: { starts: r.taggram.starts, outputs } };
		}),
		mels: lazyMels(stored.mels)
	};
}

/**
 * The display mels, each unpacked when first read (a track is opened), not when the library loads: unpacked,
 * a mel is ~100 KB of float32, which for a library of 5,000 tracks would be ~500 MB at start-up.
 */
function lazyMels(stored: StoredTrack['mels']): Record<string, DisplayMel> {
	const mels: Record<string, DisplayMel> = {};
	for (const [id, mel] of Object.entries(stored)) {
		let unpacked: DisplayMel | undefined;
		Object.defineProperty(mels, id, { enumerable: true, get: () => (unpacked ??= unpackMel(mel)) });
	}
	return mels;
}
