/**
 * The 44-byte header of a canonical PCM WAV file (RIFF, one `fmt ` chunk, then `data`), for the test and
 * benchmark files written from Node: 16-bit integer or 32-bit float samples, any channel count.
 */

export interface WavHeaderSpec {
	sampleRate: number;
	channels: number;
	/** Sample frames in the data chunk (0: a header with no audio). */
	frames: number;
	/** 16-bit integer PCM (default) or 32-bit float. */
	format?: 'int16' | 'float32';
}

/** Bytes per sample of one channel. */
export function wavBytesPerSample(format: WavHeaderSpec['format']): number {
	return format === 'float32' ? 4 : 2;
}

/** The header alone; the interleaved little-endian samples follow it. */
export function wavHeader(spec: WavHeaderSpec): Buffer {
	const float = spec.format === 'float32';
	const bytesPerSample = wavBytesPerSample(spec.format);
	const dataBytes = spec.frames * spec.channels * bytesPerSample;
	const out = Buffer.alloc(44);
	const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
	out.write('RIFF', 0, 'latin1');
	view.setUint32(4, 36 + dataBytes, true);
	out.write('WAVEfmt ', 8, 'latin1');
	view.setUint32(16, 16, true);
	view.setUint16(20, float ? 3 : 1, true);
	view.setUint16(22, spec.channels, true);
	view.setUint32(24, spec.sampleRate, true);
	view.setUint32(28, spec.sampleRate * spec.channels * bytesPerSample, true);
	view.setUint16(32, spec.channels * bytesPerSample, true);
	view.setUint16(34, bytesPerSample * 8, true);
	out.write('data', 36, 'latin1');
	view.setUint32(40, dataBytes, true);
	return out;
}
