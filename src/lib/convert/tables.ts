/**
 * Front-end tables the converter exports next to a spectral sota model (frontend.f32): the STFT window and the
 * filterbank that turns a power spectrum into the model's input bands. The runtime front end
 * (src/lib/features/mel.ts, torchaudio kind) applies them as they are.
 */
import type { Weights } from './weights';

export interface FrontendTables {
	window: Float32Array;
	/** Row-major [nFft/2 + 1][nBands]. */
	filterbank: Float32Array;
	rows: number;
	cols: number;
}

/** The checkpoint's own torchaudio buffers: spec.spectrogram.window and spec.mel_scale.fb. */
export function checkpointMelTables(w: Weights): FrontendTables {
	const [nFft] = w.shape('spec.spectrogram.window');
	const rows = nFft / 2 + 1;
	const [fbRows, cols] = w.shape('spec.mel_scale.fb');
	return {
		window: w.get('spec.spectrogram.window', [nFft]),
		filterbank: w.get('spec.mel_scale.fb', [rows, fbRows === rows ? cols : -1]),
		rows,
		cols
	};
}
