/**
 * A model ready to tag tracks: its session and its mel extractor, opened once from the model's files and
 * used for many tracks. The one way every caller (the browser worker, the CLI, both benches, the tests)
 * runs a model, so they all take the same path to the same numbers.
 */
import type { ModelCard, Variant } from '$lib/card/types';
import type { DecodedAudio } from '$lib/audio/types';
import { createMelExtractor } from '$lib/features/mel';
import { createTaggerSession, type Backend, type SessionOptions } from '$lib/model/session';
import { tagModelRate, tagTrack, type ModelRateTrack, type TagOptions } from './tag-track';
import type { ModelResult } from './types';

/** A model's files as bytes: the ONNX model and, for torchaudio front ends, the window + filterbank tables. */
export interface TaggerFiles {
	model: Uint8Array;
	tables?: ArrayBuffer;
}

export interface Tagger {
	readonly card: ModelCard;
	readonly variant: Variant;
	/** The backend actually in use (WebGPU falls back to WASM when it cannot run the model). */
	readonly backend: Backend;
	tag(audio: DecodedAudio, options?: Omit<TagOptions, 'variant'>): Promise<ModelResult>;
	/** `tag` for a track already at the card's front-end rate (resampled while decoding). */
	tagModelRate(track: ModelRateTrack, options?: Omit<TagOptions, 'variant'>): Promise<ModelResult>;
	release(): Promise<void>;
}

export async function openTagger(
	card: ModelCard,
	variant: Variant,
	files: TaggerFiles,
	options: SessionOptions
): Promise<Tagger> {
	const session = await createTaggerSession(files.model, card, options);
	const mel = createMelExtractor(card.frontend, files.tables);
	return {
		card,
		variant,
		backend: session.backend,
		tag: (audio, tagOptions = {}) => tagTrack(audio, card, session, mel, { ...tagOptions, variant }),
		tagModelRate: (track, tagOptions = {}) =>
			tagModelRate(track, card, session, mel, { ...tagOptions, variant }),
		release: () => session.release()
	};
}
