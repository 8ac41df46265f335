/** A small mel spectrogram for display: [nMels][frames] row-major, in dB. */
export interface DisplayMel {
	nMels: number;
	frames: number;
	/** Where the shown span starts in the track, and how long it is (seconds). */
	start: number;
	seconds: number;
	data: Float32Array;
}

/** A display-sized copy of a model mel ([nMels][frames] row-major): frames max-pooled down to `maxFrames`. */
export function downsampleMel(
	mel: Float32Array,
	nMels: number,
	span: { start: number; seconds: number },
	maxFrames = 512
): DisplayMel {
	const frames = mel.length / nMels;
	const columns = Math.min(frames, maxFrames);
	const data = new Float32Array(nMels * columns);
	for (let b = 0; b < nMels; b++) {
		for (let c = 0; c < columns; c++) {
			const from = Math.floor((c * frames) / columns);
			const to = Math.max(from + 1, Math.floor(((c + 1) * frames) / columns));
			let max = -Infinity;
			for (let t = from; t < to; t++) max = Math.max(max, mel[b * frames + t]);
			data[b * columns + c] = max;
		}
	}
	return { nMels, frames: columns, ...span, data };
}
