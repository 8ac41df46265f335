/**
 * What a dropped file is before anything decodes it: refused at once when it is empty, not audio we decode,
 * or over the length limit by its header (a 2-hour file must not be decoded to find that out), and how long
 * it is, which decides where it is decoded (decode-browser.ts on the page, or in the worker in bounded memory).
 */
import { parseBlob } from 'music-metadata';
import { sniffFormat } from './decode-stream';
import { AudioInputError, checkDuration } from './types';

export interface BlobProbe {
	/** The file's name in quotes, as messages use it. */
	name: string;
	/** Header duration in seconds and sample rate, when the header states them. */
	duration?: number;
	sampleRate?: number;
	/** Frames the header announces, with a little slack (compressed headers estimate), when it states them. */
	expectedFrames?: number;
}

export async function probeBlob(blob: Blob): Promise<BlobProbe> {
	const name = blob instanceof File ? `"${blob.name}"` : 'This file';
	if (blob.size === 0) throw new AudioInputError('empty', `${name} is empty (0 bytes).`);
	// Recognise the content first: a text file named .mp3 gets a clear 'unsupported' error.
	const head = new Uint8Array(await blob.slice(0, 64 * 1024).arrayBuffer());
	const format = sniffFormat(head, name);
	const ogg = format === 'oga' || format === 'opus' ? await oggLength(blob, head) : undefined;
	const { duration, sampleRate } = ogg ?? (await readHeader(blob));
	if (duration !== undefined) checkDuration(duration, name);
	const frames = duration && sampleRate ? duration * sampleRate : 0;
	const expectedFrames = frames > 0 ? Math.ceil(frames * 1.001) + 4096 : undefined;
	return { name, duration, sampleRate, expectedFrames };
}

/** One Ogg page at `at` of `bytes`, when a whole, well-formed one starts there. */
function oggPage(bytes: Uint8Array, at: number) {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (at + 27 > bytes.length || view.getUint32(at) !== 0x4f676753 || bytes[at + 4] !== 0) return undefined;
	const segments = bytes[at + 26];
	let size = 27 + segments;
	if (at + size > bytes.length) return undefined;
	for (let i = 0; i < segments; i++) size += bytes[at + 27 + i];
	if (at + size > bytes.length) return undefined;
	return {
		granule: view.getBigInt64(at + 6, true),
		serial: view.getUint32(at + 14, true),
		payload: bytes.subarray(at + 27 + segments, at + size),
		end: at + size
	};
}

/**
 * An Ogg Vorbis/Opus file's length from its first and last pages: the identification header's rate and the
 * last page's granule position (samples; Opus counts at 48 kHz after its pre-skip). music-metadata walks
 * every page for this (2.5 s for a 2-hour file in Node, longer in a tab); two small reads do it at once.
 * Undefined when the pages are not as expected (music-metadata then decides).
 */
async function oggLength(blob: Blob, head: Uint8Array): Promise<Header | undefined> {
	const first = oggPage(head, 0);
	if (!first) return undefined;
	const id = first.payload;
	const text = (from: number, to: number) => String.fromCharCode(...id.subarray(from, to));
	const info = new DataView(id.buffer, id.byteOffset, id.byteLength);
	let rate: number, granuleRate: number, preSkip: number;
	if (id.length >= 16 && text(1, 7) === 'vorbis') {
		rate = granuleRate = info.getUint32(12, true);
		preSkip = 0;
	} else if (id.length >= 16 && text(0, 8) === 'OpusHead') {
		rate = granuleRate = 48000; // what the decoder outputs
		preSkip = info.getUint16(10, true);
	} else return undefined;
	// A page is at most 65 307 bytes: the last whole one of the stream lies in the file's last 64 KiB + change.
	const from = Math.max(0, blob.size - 65_536 - 4096);
	const tail = new Uint8Array(await blob.slice(from).arrayBuffer());
	let granule = -1n;
	for (let at = 0; at + 27 <= tail.length; at++) {
		const page = oggPage(tail, at);
		if (!page || page.serial !== first.serial) continue;
		if (page.granule >= 0n) granule = page.granule;
		at = page.end - 1;
	}
	if (granule < 0n || !rate) return undefined;
	return { sampleRate: rate, duration: Math.max(0, Number(granule) - preSkip) / granuleRate };
}

type Header = { sampleRate?: number; duration?: number };

async function readHeader(blob: Blob): Promise<Header> {
	try {
		// duration: true, as in decode-node: Ogg headers carry no length (it is read from the last page), and a
		// 2-hour file must be refused before Web Audio decodes all of it on the main thread.
		const { format } = await parseBlob(blob, { duration: true, skipCovers: true });
		return { sampleRate: format.sampleRate, duration: format.duration };
	} catch {
		return {}; // no usable header: the WASM path reads the rate from the stream itself
	}
}
