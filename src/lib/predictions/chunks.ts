/**
 * Where a track is cut into model inputs, as the model card's chunking says.
 * Pure functions of (chunking, number of samples at the model rate).
 */
import type { Chunking } from '$lib/card/types';

/**
 * How chunk outputs become the track score (README, "Track score").
 * - whole (the app's and the CLI's default): the mean of the sigmoid outputs of consecutive non-overlapping
 *   windows of one chunk each, from the first sample: floor(N / L) windows (at least one; a track shorter than
 *   one window is zero-padded to it). A tail shorter than one window is not read. These are the taggram's
 *   windows, so the track score is the mean of the taggram's columns.
 * - upstream: the card's own track scheme (`chunking.track`: the sota eval's 16 chunks, MTG's centred
 *   segment), as the upstream evaluation and the parity tests read a track.
 */
export type TrackScheme = 'whole' | 'upstream';
export const trackSchemes: readonly TrackScheme[] = ['whole', 'upstream'];

/** Starts of the consecutive non-overlapping windows of the 'whole' scheme. */
export function wholeTrackStarts(chunking: Pick<Chunking, 'chunkSamples'>, nSamples: number): number[] {
	const count = Math.max(1, Math.floor(nSamples / chunking.chunkSamples));
	return Array.from({ length: count }, (_, i) => i * chunking.chunkSamples);
}

/**
 * Starts of the chunks of the card's upstream track scheme.
 * - upstream-eval (sota training/eval.py): hop = floor((N − L) / n), chunk i at i·hop, i < n. Chunks overlap
 *   almost entirely for a 30 s clip; for long tracks they spread over the whole track.
 * - centre (MTG melspectrograms.py): one segment at floor((N − L) / 2).
 * A track shorter than one chunk gives a single chunk at 0, zero-padded by the mel stage.
 */
export function trackChunkStarts(chunking: Chunking, nSamples: number): number[] {
	const spare = nSamples - chunking.chunkSamples;
	if (spare <= 0) return [0];
	if (chunking.track.scheme === 'centre') return [Math.floor(spare / 2)];
	const hop = Math.floor(spare / chunking.track.nChunks);
	return Array.from({ length: chunking.track.nChunks }, (_, i) => i * hop);
}

/** Starts of the chunks whose outputs make the track score under `scheme`. */
export function scoreChunkStarts(chunking: Chunking, nSamples: number, scheme: TrackScheme): number[] {
	return scheme === 'whole' ? wholeTrackStarts(chunking, nSamples) : trackChunkStarts(chunking, nSamples);
}

/**
 * Starts of the taggram's columns: under 'whole' the score's own windows; under 'upstream' what the card's
 * taggram names (the track chunks, or the consecutive windows).
 */
export function taggramChunkStarts(
	chunking: Chunking,
	nSamples: number,
	scheme: TrackScheme = 'upstream'
): number[] {
	if (scheme === 'upstream' && chunking.taggram.scheme === 'track')
		return trackChunkStarts(chunking, nSamples);
	return wholeTrackStarts(chunking, nSamples);
}

/** A URL's or a command line's scheme name → the scheme (default 'whole'); anything else is refused. */
export function parseTrackScheme(value: string | null | undefined): TrackScheme {
	if (value === null || value === undefined || value === '') return 'whole';
	if (!(trackSchemes as readonly string[]).includes(value))
		throw new Error(`unknown track scheme "${value}" (expected ${trackSchemes.join(' or ')})`);
	return value as TrackScheme;
}
