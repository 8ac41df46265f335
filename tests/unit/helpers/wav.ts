/**
 * Writes PCM WAV files for the decoder tests (odd sample rates, many channels, silence, very long files)
 * without keeping the whole file in memory: samples are generated and written in blocks.
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import { wavBytesPerSample, wavHeader, type WavHeaderSpec } from '../../../tools/wav';

export interface WavSpec extends WavHeaderSpec {
	/** Sample value of channel `c` at frame `i`, in ±1 full scale. Default: silence. */
	sample?: (i: number, c: number) => number;
	/**
	 * Compute only the first block of 65536 frames and repeat it (fast multi-hour files; the signal must
	 * then be periodic in 65536 frames to stay continuous).
	 */
	repeatFirstBlock?: boolean;
}

export const wavBlockFrames = 1 << 16;

export function writeWav(path: string, spec: WavSpec): void {
	const fd = openSync(path, 'w');
	try {
		writeSync(fd, wavHeader(spec));
		const float = spec.format === 'float32';
		const blockFrames = wavBlockFrames;
		const frameBytes = spec.channels * wavBytesPerSample(spec.format);
		const block = new DataView(new ArrayBuffer(blockFrames * frameBytes));
		for (let first = 0; first < spec.frames; first += blockFrames) {
			const frames = Math.min(blockFrames, spec.frames - first);
			if (spec.repeatFirstBlock && first > 0) {
				writeSync(fd, new Uint8Array(block.buffer, 0, frames * frameBytes));
				continue;
			}
			let at = 0;
			for (let i = 0; i < frames; i++)
				for (let c = 0; c < spec.channels; c++) {
					const v = spec.sample ? spec.sample(first + i, c) : 0;
					if (float) {
						block.setFloat32(at, v, true);
						at += 4;
					} else {
						block.setInt16(at, Math.max(-32768, Math.min(32767, Math.round(v * 32767))), true);
						at += 2;
					}
				}
			writeSync(fd, new Uint8Array(block.buffer, 0, at));
		}
	} finally {
		closeSync(fd);
	}
}
