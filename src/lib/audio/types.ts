/**
 * What the decoders hand to the rest of the pipeline, and the one error type they throw.
 * Pure types: no DOM, no Node APIs (used in the worker, the CLI and the tests).
 */
import { formatDuration } from './formats';

/** A decoded file at its own sample rate, already down-mixed. */
export interface DecodedAudio {
	/** The file's own sample rate (never resampled by the decoder). */
	sampleRate: number;
	/** Channels in the file (before the down-mix). */
	channels: number;
	/**
	 * float32 mean of the channels, (L+R)/2 for stereo: the down-mix of both training pipelines
	 * (librosa `to_mono`, Essentia MonoMixer `mix`). Not clipped: decoded peaks above 1.0 are kept.
	 */
	mono: Float32Array;
}

/** What a resampler is asked besides the signal and the rates. */
export interface ResampleControl {
	/** Called with the fraction done every 2^16 outputs (may throw to abort). */
	tick?: (fraction: number) => void;
	/** Compute only outputs [from, to) (clipped to the output length). */
	range?: { from: number; to?: number };
	/** false: the fast paths' JavaScript dot products instead of WebAssembly SIMD (tests and the bench). */
	simd?: boolean;
}

export type AudioInputErrorCode =
	'empty' | 'unsupported' | 'corrupt' | 'too-short' | 'too-long' | 'silent' | 'sample-rate';

/**
 * Limits every decoder enforces (documented in src/lib/audio/README.md).
 * - Shorter than MIN_DURATION_S: the resamplers need a few input samples and the models need at least one
 *   mel frame; anything shorter is not music we can tag. Short tracks (e.g. 3 s) are fine: chunking pads them.
 * - Longer than MAX_DURATION_S: the mono float32 signal plus the resampled copy must fit comfortably in a
 *   browser tab (2 h at 48 kHz = 1.4 GB would not). 2 h covers albums and DJ mixes.
 * - Sample rates outside [MIN_SAMPLE_RATE, MAX_SAMPLE_RATE]: no real audio format uses them; a header
 *   claiming one is corrupt.
 * Silence is NOT an error: it is a valid (if uninformative) input that gives the models' response to
 * silence (all mel cells at the −100 dB floor). The 'silent' code exists for callers that want to warn.
 */
export const audioLimits = {
	minDurationS: 0.1,
	maxDurationS: 2 * 60 * 60,
	minSampleRate: 1000,
	maxSampleRate: 768_000
} as const;

const defaultMessages: Record<AudioInputErrorCode, string> = {
	empty: 'This file is empty (0 bytes).',
	unsupported: 'This file is not audio we can decode.',
	corrupt: 'This audio file is damaged and could not be decoded.',
	'too-short': `This audio is too short to tag (under ${audioLimits.minDurationS} s).`,
	'too-long': `This audio is too long to tag in the browser (over ${audioLimits.maxDurationS / 3600} hours).`,
	silent: 'This audio is completely silent.',
	'sample-rate': 'This audio has a sample rate we cannot handle.'
};

export class AudioInputError extends Error {
	readonly code: AudioInputErrorCode;

	constructor(
		code: AudioInputErrorCode,
		message: string = defaultMessages[code],
		options?: { cause?: unknown }
	) {
		super(message, options);
		this.name = 'AudioInputError';
		this.code = code;
	}
}

/** Fails with a typed error when a decoded signal is outside the limits above. */
export function checkDecodedAudio(sampleRate: number, frames: number, name = 'This file'): void {
	if (
		!Number.isFinite(sampleRate) ||
		sampleRate < audioLimits.minSampleRate ||
		sampleRate > audioLimits.maxSampleRate
	)
		throw new AudioInputError(
			'sample-rate',
			`${name} has a sample rate of ${sampleRate} Hz; supported: ${audioLimits.minSampleRate}–${audioLimits.maxSampleRate} Hz.`
		);
	checkDuration(frames / sampleRate, name);
}

/** Fails with a typed error when a duration (seconds) is outside the limits. */
export function checkDuration(seconds: number, name = 'This file'): void {
	if (seconds > audioLimits.maxDurationS)
		throw new AudioInputError(
			'too-long',
			`${name} is ${formatDuration(seconds)} long; the limit is ${audioLimits.maxDurationS / 3600} hours.`
		);
	if (seconds < audioLimits.minDurationS)
		throw new AudioInputError(
			'too-short',
			seconds === 0
				? `${name} contains no audio samples.`
				: `${name} is only ${seconds.toFixed(3)} s long; at least ${audioLimits.minDurationS} s is needed.`
		);
}

/**
 * Below this level (RMS of the signal without its DC offset, dB full scale) a track counts as silent: far below
 * any recorded music (a quiet classical passage is around −40 dBFS), above dither and converter noise.
 */
export const silenceThresholdDb = -60;

/** RMS level of `mono` around its mean (a DC offset is not sound), in dBFS; −Infinity for digital silence. */
export function acLevelDb(mono: Float32Array): number {
	let sum = 0;
	for (let i = 0; i < mono.length; i++) sum += mono[i];
	const mean = mono.length ? sum / mono.length : 0;
	let energy = 0;
	for (let i = 0; i < mono.length; i++) energy += (mono[i] - mean) ** 2;
	return mono.length ? 10 * Math.log10(energy / mono.length) : -Infinity;
}

/** Silence, near-silence or a bare DC offset: the models' outputs then describe nothing in the music. */
export const isNearSilent = (mono: Float32Array): boolean => acLevelDb(mono) < silenceThresholdDb;
