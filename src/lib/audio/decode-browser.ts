/**
 * Browser decoding on the main thread (Web Audio is not available in workers): decodeAudioData at the
 * file's OWN sample rate, so no hidden browser resampling happens before our training-faithful resamplers
 * (Chromium's resampler would move track scores by up to ~0.09; fixtures README "Chromium-like").
 * The rate comes from the container header (music-metadata), then an OfflineAudioContext at that rate
 * decodes. Channels are averaged in float32, (L+R)/2.
 * When Web Audio cannot decode a file (codec or sample rate the browser lacks, no header rate), the
 * WASM decoders of decode-stream.ts take over; their errors are the typed AudioInputError.
 */
import { parseBlob } from 'music-metadata';
import { decodeStream, sliceBytes, sniffFormat } from './decode-stream';
import { AudioInputError, checkDecodedAudio, checkDuration, type DecodedAudio } from './types';

/** Sample rates every OfflineAudioContext accepts (the spec's minimum range is 8–96 kHz; Chromium 3–768 kHz). */
const webAudioRates = { min: 8000, max: 96000 };

export async function decodeBlobInBrowser(blob: Blob): Promise<DecodedAudio> {
	const name = blob instanceof File ? `"${blob.name}"` : 'This file';
	if (blob.size === 0) throw new AudioInputError('empty', `${name} is empty (0 bytes).`);
	const head = new Uint8Array(await blob.slice(0, 64 * 1024).arrayBuffer());
	// Recognise the content first: a text file named .mp3 gets a clear 'unsupported' error.
	sniffFormat(head, name);

	const header = await readHeader(blob);
	if (header.duration !== undefined) checkDuration(header.duration, name); // before decoding hours of audio
	const bytes = await blob.arrayBuffer();
	const rate = header.sampleRate;
	if (
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

async function readHeader(blob: Blob): Promise<{ sampleRate?: number; duration?: number }> {
	try {
		// duration: true, as in decode-node: Ogg headers carry no length (it is read from the last page), and a
		// 2-hour file must be refused before Web Audio decodes all of it on the main thread.
		const { format } = await parseBlob(blob, { duration: true, skipCovers: true });
		return { sampleRate: format.sampleRate, duration: format.duration };
	} catch {
		return {}; // no usable header: the WASM path reads the rate from the stream itself
	}
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
