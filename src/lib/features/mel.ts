/**
 * Log-mel spectrograms exactly as the taggers were trained on, for one chunk of a (resampled) signal.
 * Two front ends, chosen by the model card:
 * - torchaudio 0.3 (sota models): centre=True reflect padding of the chunk, the checkpoint's periodic Hann
 *   window, power |X|², the checkpoint's filterbank, 10·log10(max(x, amin));
 * - Essentia 2019 (MTG baseline): FrameCutter framing (frame i centred on sample i·hop, zeros outside the
 *   chunk, ceil(N/hop)+1 frames), symmetric Hann, |X|² into slaney/unit_tri MelBands, lin2db with a
 *   −100 dB floor (the script's scale=2 was ignored by that Essentia, so no ×2).
 * Spectra are computed in float64 (closer to the float64 references than torch's float32; see tests).
 * Output: row-major [nMels][frames] float32 dB, the models' input layout. Waveform models (SampleCNN) take
 * the chunk's samples themselves: their "extractor" is one band of `length` frames, the zero-padded chunk.
 */
import FFT from 'fft.js';
import type { EssentiaFrontend, FrontendSpec, TorchaudioFrontend } from '$lib/card/types';
import { essentiaBands, torchaudioTables, type SparseBand } from './filterbank';

export interface MelExtractor {
	readonly nMels: number;
	/** Mel frames for a chunk of `length` samples. */
	frames(length: number): number;
	/**
	 * Log-mel of samples [start, start + length) of `audio` (samples past the end of `audio` are zeros),
	 * row-major [nMels][frames(length)] in dB.
	 */
	logMel(audio: Float32Array, start: number, length: number): Float32Array;
}

/**
 * @param tables the converter's frontend.f32 (window + filterbank) — required for torchaudio front ends,
 *   ignored for Essentia (its filterbank is computed from the card parameters).
 */
export function createMelExtractor(frontend: FrontendSpec, tables?: ArrayBuffer): MelExtractor {
	if (frontend.kind === 'torchaudio') {
		if (!tables) throw new Error('The torchaudio front end needs the checkpoint tables (frontend.f32)');
		return shared(torchaudioExtractor(frontend, tables), fingerprint(frontend, tables));
	}
	if (frontend.kind === 'waveform') return waveformInput;
	return shared(essentiaExtractor(frontend), fingerprint(frontend));
}

/** The raw chunk as the model input (waveform front end): samples [start, start + length), zeros past the end. */
const waveformInput: MelExtractor = {
	nMels: 1,
	frames: (length) => length,
	logMel(audio, start, length) {
		const out = new Float32Array(length);
		out.set(audio.subarray(start, Math.min(audio.length, start + length)));
		return out;
	}
};

/**
 * Mels already computed for a signal, by front-end fingerprint, start and length. The five fcn/crnn models
 * have identical front ends and chunk starts, so a track tagged with several models computes each chunk's
 * mel once. Weak in the signal (drop the audio, drop its mels); callers get a copy, so the cache cannot be
 * altered through a returned array. Callers must not mutate `audio` after computing its mels.
 */
const melCache = new WeakMap<Float32Array, Map<string, Float32Array>>();

function shared(extractor: MelExtractor, id: string): MelExtractor {
	return {
		nMels: extractor.nMels,
		frames: extractor.frames,
		logMel(audio, start, length) {
			if (!Number.isInteger(start) || start < 0 || !Number.isInteger(length) || length <= 0)
				throw new RangeError(`Invalid mel chunk: start ${start}, length ${length}`);
			const key = `${id}|${start}|${length}`;
			let mels = melCache.get(audio);
			const cached = mels?.get(key);
			if (cached) return cached.slice();
			const mel = extractor.logMel(audio, start, length);
			if (!mels) melCache.set(audio, (mels = new Map()));
			mels.set(key, mel.slice());
			return mel;
		}
	};
}

/** Identifies a front end by everything that shapes its output (for torchaudio: the tables' contents too). */
function fingerprint(frontend: FrontendSpec, tables?: ArrayBuffer): string {
	let hash = 0x811c9dc5; // FNV-1a over the table bytes
	if (tables) {
		const bytes = new Uint8Array(tables);
		for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
	}
	const params = JSON.stringify(frontend, (key, value) => (key === 'tables' ? undefined : value));
	return `${params}#${(hash >>> 0).toString(16)}`;
}

/** Shared STFT → mel → dB machinery; the two front ends differ in framing, window and dB floor. */
class SpectrogramCore {
	private readonly fft: FFT;
	private readonly packed: Float64Array;
	private readonly frame: Float64Array;
	private readonly spectrum: Float64Array;
	private readonly powerA: Float64Array;
	private readonly powerB: Float64Array;

	constructor(
		private readonly nFft: number,
		private readonly window: Float64Array,
		private readonly bands: SparseBand[]
	) {
		this.fft = new FFT(nFft);
		this.packed = new Float64Array(2 * nFft);
		this.frame = new Float64Array(nFft);
		this.spectrum = new Float64Array(2 * nFft);
		this.powerA = new Float64Array(nFft / 2 + 1);
		this.powerB = new Float64Array(nFft / 2 + 1);
	}

	/**
	 * Fills `out` ([nMels][frames]) with the dB mel of the windowed frames starting at t·hop in `samples`.
	 * Frames go through the FFT two at a time, one as the real and one as the imaginary part of a complex
	 * input (their spectra separate by conjugate symmetry), which costs about 2/3 of two real FFTs.
	 */
	logMel(
		samples: Float32Array,
		hop: number,
		frames: number,
		out: Float32Array,
		toDb: (power: number) => number
	): void {
		const { nFft, window, packed, spectrum, powerA, powerB } = this;
		const half = nFft / 2;
		let t = 0;
		for (; t + 1 < frames; t += 2) {
			const a = t * hop;
			const b = a + hop;
			for (let i = 0; i < nFft; i++) {
				packed[2 * i] = samples[a + i] * window[i];
				packed[2 * i + 1] = samples[b + i] * window[i];
			}
			this.fft.transform(spectrum, packed);
			// Z = A + iB: A_k = (Z_k + conj Z_{N−k}) / 2, B_k = (Z_k − conj Z_{N−k}) / 2i.
			for (let k = 0; k <= half; k++) {
				const m = (nFft - k) % nFft;
				const zr = spectrum[2 * k];
				const zi = spectrum[2 * k + 1];
				const wr = spectrum[2 * m];
				const wi = spectrum[2 * m + 1];
				powerA[k] = ((zr + wr) * (zr + wr) + (zi - wi) * (zi - wi)) / 4;
				powerB[k] = ((zi + wi) * (zi + wi) + (zr - wr) * (zr - wr)) / 4;
			}
			this.bandsToDb(powerA, t, frames, out, toDb);
			this.bandsToDb(powerB, t + 1, frames, out, toDb);
		}
		if (t < frames) {
			const { frame } = this;
			for (let i = 0; i < nFft; i++) frame[i] = samples[t * hop + i] * window[i];
			this.fft.realTransform(spectrum, frame);
			for (let k = 0; k <= half; k++) powerA[k] = spectrum[2 * k] ** 2 + spectrum[2 * k + 1] ** 2;
			this.bandsToDb(powerA, t, frames, out, toDb);
		}
	}

	private bandsToDb(
		power: Float64Array,
		t: number,
		frames: number,
		out: Float32Array,
		toDb: (p: number) => number
	) {
		const bands = this.bands;
		for (let b = 0; b < bands.length; b++) {
			const { bins, weights } = bands[b];
			let sum = 0;
			for (let j = 0; j < bins.length; j++) sum += power[bins[j]] * weights[j];
			out[b * frames + t] = toDb(sum);
		}
	}
}

function torchaudioExtractor(frontend: TorchaudioFrontend, buffer: ArrayBuffer): MelExtractor {
	const { window, bands } = torchaudioTables(frontend, buffer);
	const { nFft, hop, nMels, amin } = frontend;
	if (frontend.padMode !== 'reflect' || !frontend.center || frontend.power !== 2)
		throw new Error('Unsupported torchaudio front end configuration');
	const core = new SpectrogramCore(nFft, Float64Array.from(window), bands);
	const pad = nFft / 2;
	const toDb = (p: number) => 10 * Math.log10(Math.max(p, amin));
	let padded = new Float32Array(0);
	const frames = (length: number) => 1 + Math.floor(length / hop);
	return {
		nMels,
		frames,
		logMel(audio, start, length) {
			if (length <= pad)
				throw new Error(`Chunk of ${length} samples is too short for reflect padding of ${pad}`);
			// The chunk (zeros past the end of the audio), reflect-padded by nFft/2 on both sides like
			// torch.stft(center=True, pad_mode='reflect'): the edge sample is not repeated.
			if (padded.length !== length + 2 * pad) padded = new Float32Array(length + 2 * pad);
			const available = Math.max(0, Math.min(length, audio.length - start));
			padded.set(audio.subarray(start, start + available), pad);
			padded.fill(0, pad + available, pad + length);
			for (let i = 1; i <= pad; i++) {
				padded[pad - i] = padded[pad + i];
				padded[pad + length - 1 + i] = padded[pad + length - 1 - i];
			}
			const n = frames(length);
			const out = new Float32Array(nMels * n);
			core.logMel(padded, hop, n, out, toDb);
			return out;
		}
	};
}

function essentiaExtractor(frontend: EssentiaFrontend): MelExtractor {
	const { frameSize, hop, nMels, amin, floorDb } = frontend;
	if (frontend.window !== 'hann-symmetric')
		throw new Error(`Unsupported Essentia window: ${frontend.window}`);
	const window = new Float64Array(frameSize);
	for (let n = 0; n < frameSize; n++) window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (frameSize - 1));
	const core = new SpectrogramCore(frameSize, window, essentiaBands(frontend));
	const half = frameSize / 2;
	const toDb = (p: number) => (p < amin ? floorDb : 10 * Math.log10(p));
	// FrameCutter(startFromZero=false): frame i covers [i·hop − half, i·hop + half) of the chunk; it stops
	// after the first frame with i·hop ≥ N, i.e. ceil(N/hop) + 1 frames (1366 for 349200 samples).
	const frames = (length: number) => Math.ceil(length / hop) + 1;
	let padded = new Float32Array(0);
	return {
		nMels,
		frames,
		logMel(audio, start, length) {
			const n = frames(length);
			const size = (n - 1) * hop + frameSize;
			if (padded.length !== size) padded = new Float32Array(size);
			const available = Math.max(0, Math.min(length, audio.length - start));
			padded.fill(0);
			padded.set(audio.subarray(start, start + available), half);
			const out = new Float32Array(nMels * n);
			core.logMel(padded, hop, n, out, toDb);
			return out;
		}
	};
}
