/**
 * The model card: the single source of truth for everything downstream of `npm run models`
 * (front-end parameters, tag order, chunking, provenance). Generated from models/zoo.json,
 * models/frontends.json and models/tags/*.txt into static/models/<id>/card.json, and
 * collected in static/models/index.json. Nothing else hard-codes these values.
 */

/**
 * sota-music-tagging-models spectral front end (torchaudio MelSpectrogram + AmplitudeToDB): the power STFT
 * through the checkpoint's filterbank. HarmonicCNN's harmonic STFT is the same computation with a filterbank
 * the converter builds from the checkpoint's learnt bandwidth (melScale 'harmonic', 6 × 128 bands).
 */
export interface TorchaudioFrontend {
	kind: 'torchaudio';
	sampleRate: number; // 16000
	/** librosa 0.7.2 default: resampy 0.2.2 kaiser_best. */
	resampler: 'resampy-0.2.2-kaiser-best';
	mono: 'mean';
	nFft: number; // 512
	hop: number; // 256
	center: true;
	padMode: 'reflect';
	power: 2;
	/** Bands of the model input (96 or 128 mel bands; 768 harmonic bands). */
	nMels: number;
	fMin: number;
	fMax: number;
	melScale: 'htk' | 'harmonic';
	/** dB = 10*log10(max(x, amin)); no top_db. */
	amin: number;
	/**
	 * The checkpoint's own float32 tables (spec.spectrogram.window, spec.mel_scale.fb), exported by the
	 * converter into a raw little-endian float32 file next to the card: window (nFft values) followed by
	 * the filterbank, row-major [nFft/2+1][nMels]. Offsets and lengths count float32 values (not bytes).
	 */
	tables: ModelFile & {
		window: { offset: number; length: number };
		filterbank: { offset: number; rows: number; cols: number };
	};
}

/** MTG-Jamendo baseline front end (Essentia 2019 melspectrograms.py). */
export interface EssentiaFrontend {
	kind: 'essentia';
	sampleRate: number; // 12000
	/** Essentia MonoLoader 2019: libsamplerate SRC_SINC_MEDIUM_QUALITY, streamed in 4096-frame blocks. */
	resampler: 'libsamplerate-sinc-medium';
	mono: 'mean';
	frameSize: number; // 512
	hop: number; // 256
	window: 'hann-symmetric';
	nMels: number; // 96
	fMin: number;
	fMax: number;
	melScale: 'slaney';
	normalize: 'unit_tri';
	amin: number; // 1e-10
	floorDb: number; // -100
}

/** Sample-level models (SampleCNN, Sample+SE): the model reads the 16 kHz waveform itself. */
export interface WaveformFrontend {
	kind: 'waveform';
	sampleRate: number; // 16000
	resampler: 'resampy-0.2.2-kaiser-best';
	mono: 'mean';
}

export type FrontendSpec = TorchaudioFrontend | EssentiaFrontend | WaveformFrontend;

/** How a track is cut into model inputs and how the chunk outputs become one track result. */
export interface Chunking {
	/** Samples (at the front end's rate) per model input. */
	chunkSamples: number;
	/** Mel frames per model input. */
	frames: number;
	/**
	 * Track-level scheme.
	 * - upstream-eval: sota training/eval.py: hop = floor((N - L) / nChunks), chunk i starts at i*hop, track = mean.
	 * - centre: MTG melspectrograms.py: one segment starting at floor((N - L) / 2); track = that segment's output.
	 * Tracks shorter than L are zero-padded at the end to L (documented deviation: upstream would fail).
	 * This is the model's upstream scheme; the app's default track score is 'whole' (predictions/chunks.ts).
	 */
	track: { scheme: 'upstream-eval'; nChunks: number } | { scheme: 'centre' };
	/** What the taggram shows: the track chunks themselves, or consecutive non-overlapping windows. */
	taggram: { scheme: 'track' } | { scheme: 'consecutive' };
}

export interface ModelFile {
	/** Path relative to the model's folder (static/models/<id>/). */
	file: string;
	bytes: number;
	sha256: string;
}

export interface MoodGroup {
	name: string;
	/** The group's tags that the model outputs (full names, as in `tags`). */
	members: string[];
	/** Seed members the model does not output (ignored in the score). */
	missingFromModel: string[];
}

/** Where a fact in the card comes from: a source file (as published upstream), its sha256 and how it was read. */
export interface FactSource {
	/** Repository and path of the upstream file, e.g. "MTG/mtg-jamendo-dataset@1b4fa8c data/splits/split-0/…". */
	file: string;
	sha256: string;
	/** How the numbers were taken or counted from it. */
	method: string;
}

/**
 * When a tag applies (README, "Decisions"). Thresholds: the tag applies when its probability reaches its
 * published threshold (card order). Top-k: the k most probable tags that reach `floor`: our rule, stated as
 * such, for models whose upstream publishes no thresholds.
 */
export type DecisionRule =
	| { rule: 'thresholds'; thresholds: number[]; source: FactSource }
	| { rule: 'top-k'; k: number; floor: number; note: string };

/** Each tag's share of the tracks of the training split that carry it (card order). */
export interface TagPriors {
	priors: number[];
	/** Tracks in the split. */
	tracks: number;
	source: FactSource;
}

export interface PublishedMetric {
	name: string; // e.g. "ROC-AUC (macro)"
	value: number;
	split?: string;
	source: string; // citation or URL
}

/**
 * The model families the converter knows (src/lib/convert/architectures.ts): the MTG-Jamendo VGG-ish baseline
 * and the minzwon/sota-music-tagging-models architectures.
 */
export type Architecture =
	'vggish' | 'fcn' | 'musicnn' | 'crnn' | 'sample' | 'se' | 'attention' | 'short' | 'short_res' | 'hcnn';

export interface ModelCard {
	schema: 1;
	id: string;
	title: string;
	dataset: string;
	task: string;
	architecture: Architecture;
	/** Tag names in model output order. */
	tags: string[];
	/** Name of the list in models/tags/. */
	tagList: string;
	/**
	 * The 16 mood groups (from models/mood-groups.json) when they apply to this model's tags; a group's score is
	 * the maximum of its members' probabilities (README, "Mood groups").
	 */
	moodGroups?: MoodGroup[];
	default?: boolean;
	/** When a tag (and a mood group: when any of its members) applies. */
	decision: DecisionRule;
	/** Training priors (MTG-Jamendo models): p / prior says how much more likely than usual a tag is. */
	priors?: TagPriors;
	frontend: FrontendSpec;
	chunking: Chunking;
	/**
	 * ONNX I/O contract: input `mel` float32 [batch, nMels, frames] in dB, or `audio` float32
	 * [batch, chunkSamples] (waveform front end); output `tags` float32 [batch, nTags] sigmoid.
	 */
	io: { input: 'mel' | 'audio'; output: 'tags' };
	/**
	 * int8Static (zoo models with a calibration): the int8 variant for the CPU execution providers, with
	 * integer convolutions (convert/static-int8.ts); `int8` (weight-only) is what WebGPU loads. See model-files/model-file.ts.
	 */
	files: { fp32: ModelFile; int8: ModelFile; int8Static?: ModelFile };
	provenance: {
		checkpoint: { file: string; url: string; sha256: string; bytes: number };
		repository: string;
		path: string;
		commit: string;
		license: string;
		citation: string;
		/** Set for a model the user converted from their own checkpoint (never uploaded anywhere). */
		user?: { addedAt: number };
	};
	metrics: PublishedMetric[];
	/** Measured by the converter at build time. */
	build: {
		converter: string;
		convertMs: number;
		parity?: { fp32MaxAbs?: number; int8MaxAbs?: number; int8StaticMaxAbs?: number };
		/** Hash of the converter sources, checkpoint sha256 and zoo entry: `npm run models` skips the model while it matches. */
		stamp?: string;
	};
}

/** static/models/index.json (see card/lookup.ts to find a card in it) */
export interface ModelIndex {
	version: string;
	models: ModelCard[];
}

export type Variant = 'fp32' | 'int8';
