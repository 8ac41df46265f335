/**
 * Browser decoding on the main thread (Web Audio is not available in workers): decodeAudioData at the
 * file's OWN sample rate, so no hidden browser resampling happens before our training-faithful resamplers
 * (Chromium's resampler would move track scores by up to ~0.09; fixtures README "Chromium-like").
 * The rate comes from the container header (music-metadata), then an OfflineAudioContext at that rate
 * decodes. Channels are averaged in float32, (L+R)/2.
 * When Web Audio cannot decode a file (codec or sample rate the browser lacks, no header rate, e.g. ALAC in
 * Chromium), the WASM decoders of decode-stream.ts take over; their errors are the typed AudioInputError.
 * Raw ADTS AAC always goes to the WASM decoder: it carries no priming information, and Chromium keeps the
 * encoder's first frame where FAAD2 (the CLI's decoder) drops it; the 23 ms offset moved the default model's
 * scores by 0.098 on a fixture clip. M4A states its priming (edit list), and both decoders trim it (README.md).
 */
import { decodeStream, sliceBytes, sniffFormat } from './decode-stream';
import { probeBlob } from './probe-browser';
import { AudioInputError, checkDecodedAudio, type DecodedAudio } from './types';

/** Sample rates every OfflineAudioContext accepts (the spec's minimum range is 8–96 kHz; Chromium 3–768 kHz). */
const webAudioRates = { min: 8000, max: 96000 };

export async function decodeBlobInBrowser(blob: Blob): Promise<DecodedAudio> {
	// Refuses empty, non-audio and over-long files (by the header) before decoding hours of audio.
	const { name, sampleRate: rate } = await probeBlob(blob);
	const adts = sniffFormat(new Uint8Array(await blob.slice(0, 64 * 1024).arrayBuffer()), name) === 'aac';
	const bytes = await blob.arrayBuffer();
	if (
		!adts &&
		rate &&
		rate >= webAudioRates.min &&
		rate <= webAudioRates.max &&
		typeof OfflineAudioContext !== 'undefined'
	) {
		try {
			return await decodeWithWebAudio(bytes.slice(0), rate, name);
		} catch (error) {
			if (error instanceof AudioInputError) throw error;
			// Fall through to the WASM decoders (e.g. a codec this browser lacks).
		}
	}
	return decodeStream(sliceBytes(new Uint8Array(bytes)), { name });
}

async function decodeWithWebAudio(
	bytes: ArrayBuffer,
	sampleRate: number,
	name: string
): Promise<DecodedAudio> {
	const context = new OfflineAudioContext({ numberOfChannels: 1, length: 1, sampleRate });
	const buffer = await context.decodeAudioData(bytes);
	if (buffer.sampleRate !== sampleRate)
		throw new Error(`Web Audio decoded at ${buffer.sampleRate} Hz instead of the file's ${sampleRate} Hz`);
	checkDecodedAudio(buffer.sampleRate, buffer.length, name);
	const channels = buffer.numberOfChannels;
	const mono = new Float32Array(buffer.length);
	if (channels === 1) buffer.copyFromChannel(mono, 0);
	else {
		// Channel by channel, so at most one extra channel copy exists at a time.
		const scratch = new Float32Array(buffer.length);
		for (let c = 0; c < channels; c++) {
			buffer.copyFromChannel(scratch, c);
			for (let i = 0; i < mono.length; i++) mono[i] = Math.fround(mono[i] + scratch[i]);
		}
		for (let i = 0; i < mono.length; i++) mono[i] = mono[i] / channels;
	}
	return { sampleRate: buffer.sampleRate, channels, mono };
}
