/**
 * Node decoding (CLI, tests, benchmarks): the file is read in 1 MiB chunks and decoded as a stream, so
 * neither the whole compressed file nor per-channel copies of the decoded track are held at once.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseFile } from 'music-metadata';
import { decodeStream, sliceBytes } from './decode-stream';
import { AudioInputError, checkDuration, type DecodedAudio } from './types';

/**
 * The header's length in frames, when it states one: lets the decoder allocate the mono buffer once
 * (no growth copies for hour-long files) and refuse an over-long file before decoding it.
 */
async function headerFrames(path: string, name: string): Promise<number | undefined> {
	let format;
	try {
		({ format } = await parseFile(path, { duration: true, skipCovers: true }));
	} catch {
		return undefined; // no readable header: the decoder finds out what the file is
	}
	if (format.duration !== undefined) checkDuration(format.duration, name);
	const frames =
		format.numberOfSamples ??
		(format.duration && format.sampleRate ? format.duration * format.sampleRate : 0);
	// A little slack: header durations of compressed files are estimates.
	return frames > 0 ? Math.ceil(frames * 1.001) + 4096 : undefined;
}

/**
 * Node Buffers as plain Uint8Arrays: Buffer#slice is a view, not a copy, so a decoder that slices to get an
 * aligned copy (@audio/decode-wav, for float WAVs whose data chunk starts at an odd offset, as after ffmpeg's
 * LIST chunk) would still get a misaligned view and fail.
 */
const plain = (bytes: Uint8Array) => new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);

async function* plainChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
	for await (const chunk of chunks) yield plain(chunk);
}

export async function decodeFileNode(
	path: string,
	options: { signal?: AbortSignal } = {}
): Promise<DecodedAudio> {
	const name = `"${basename(path)}"`;
	const info = await stat(path);
	if (!info.isFile()) throw new AudioInputError('unsupported', `${name} is not a file.`);
	if (info.size === 0) throw new AudioInputError('empty', `${name} is empty (0 bytes).`);
	const expectedFrames = await headerFrames(path, name);
	const stream = createReadStream(path, { highWaterMark: 1 << 20 });
	try {
		return await decodeStream(plainChunks(stream as AsyncIterable<Uint8Array>), {
			name,
			signal: options.signal,
			expectedFrames
		});
	} finally {
		stream.destroy();
	}
}

export function decodeBytesNode(bytes: Uint8Array, name = 'This file'): Promise<DecodedAudio> {
	if (bytes.length === 0) return Promise.reject(new AudioInputError('empty', `${name} is empty (0 bytes).`));
	return decodeStream(sliceBytes(plain(bytes)), { name });
}
