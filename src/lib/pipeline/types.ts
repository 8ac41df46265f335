import type { Variant } from '$lib/card/types';
import type { Backend } from '$lib/model/session';
import type { TrackScheme } from '$lib/predictions/chunks';

/** Where a track is in tagTrack (decoding happens before, in the caller). */
export type PipelineStage = 'features' | 'inference' | 'done';

export interface Progress {
	stage: PipelineStage;
	/** 0..1 within the stage. */
	fraction: number;
}

/** One model's result for one track. The export schema's `results[]` entries are a subset of this. */
export interface ModelResult {
	/** Model id (card.id). */
	model: string;
	variant: Variant;
	/**
	 * How the chunks became `probabilities` (predictions/chunks.ts). Absent in results stored before the field
	 * existed: those used the card's upstream scheme (`schemeOf`).
	 */
	scheme?: TrackScheme;
	backend: Backend;
	/** Track-level probabilities, in card.tags order. */
	probabilities: number[];
	/** Outputs of the chunks of the track scheme, [chunk][tag]. */
	chunks: number[][];
	/** Start of each chunk in seconds (at the model's sample rate). */
	chunkStarts: number[];
	/** Taggram columns: [column][tag], with their start times in seconds; equals chunks under 'whole' (and 'track' taggrams). */
	taggram: { starts: number[]; outputs: number[][] };
	/** Mood group scores, when the card has mood groups. */
	groups?: Record<string, number>;
	/** Set when the track is silent, nearly silent or a bare DC offset: the tags then describe nothing. */
	silent?: true;
	/** Wall-clock milliseconds per stage. */
	timings: { resample: number; mel: number; inference: number };
}

export interface TrackMeta {
	title?: string;
	artist?: string;
	album?: string;
	/** Seconds. */
	duration: number;
	sampleRate: number;
	channels: number;
}

/** The scheme that produced a result (results stored before `scheme` existed used the upstream one). */
export const schemeOf = (result: Pick<ModelResult, 'scheme'>): TrackScheme => result.scheme ?? 'upstream';
