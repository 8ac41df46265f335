/**
 * AAC in MP4/M4A, ALAC in M4A and raw ADTS AAC (.aac), with @audio/decode-aac (FAAD2 compiled to WASM for
 * AAC, a JavaScript port of Apple's decoder for ALAC; GPL-2.0, see README.md). decode-stream.ts loads this
 * module only when such a file appears, so the codec is a separate chunk. No DOM and no Node APIs.
 *
 * The MP4 index (moov box) may sit after the audio (ffmpeg's default) or before it (iTunes, `-movflags
 * +faststart`): top-level boxes are walked as the bytes pass and everything up to the end of the moov is
 * handed to the decoder at once (the decoder library re-joins its buffer on every chunk until it has the
 * moov, which is quadratic for a long file); after that the audio streams chunk by chunk. An index at the
 * end therefore means the compressed file is held whole once. ADTS streams from the first byte.
 * An MP4 without an AAC or ALAC track is refused with the codec it holds named.
 */
import { decoder as aacDecoder } from '@audio/decode-aac';
import { AudioInputError } from './types';

interface Block {
	channelData: Float32Array[];
	sampleRate: number;
}
const empty: Block = { channelData: [], sampleRate: 0 };

/** MP4 sample-entry codes of audio tracks → what to call them in a message. */
const mp4Codecs: Record<string, string> = {
	mp4a: 'MPEG-4 audio other than AAC (e.g. MP3 in MP4)',
	'.mp3': 'MP3 in MP4',
	'ac-3': 'AC-3 (Dolby Digital)',
	'ec-3': 'E-AC-3 (Dolby Digital Plus)',
	'ac-4': 'AC-4 (Dolby)',
	dtsc: 'DTS',
	dtsh: 'DTS-HD',
	dtsl: 'DTS-HD Master Audio',
	dtse: 'DTS Express',
	Opus: 'Opus in MP4',
	fLaC: 'FLAC in MP4',
	samr: 'AMR-NB',
	sawb: 'AMR-WB',
	mha1: 'MPEG-H 3D Audio',
	lpcm: 'PCM in MP4',
	sowt: 'PCM in MP4',
	twos: 'PCM in MP4',
	ulaw: 'µ-law',
	alaw: 'A-law'
};

const boxTypeAt = (b: Uint8Array, at: number) =>
	String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
const u32 = (b: Uint8Array, at: number) =>
	((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/** The boxes directly inside `b[from, to)`: type, body start, end. */
function* boxes(b: Uint8Array, from: number, to: number): Generator<[string, number, number]> {
	for (let at = from; at + 8 <= to;) {
		let size = u32(b, at);
		let body = at + 8;
		if (size === 1 && at + 16 <= to) {
			size = u32(b, at + 8) * 2 ** 32 + u32(b, at + 12);
			body = at + 16;
		} else if (size === 0) size = to - at;
		if (size < body - at || at + size > to) return;
		yield [boxTypeAt(b, at), body, at + size];
		at += size;
	}
}

/** Why a complete moov gave the decoder no AAC/ALAC track: the codecs of its sound tracks, or none. */
export function describeMp4Audio(moov: Uint8Array, name: string): AudioInputError {
	const codecs: string[] = [];
	let fragmented = false;
	for (const [type, body, end] of boxes(moov, u32(moov, 0) === 1 ? 16 : 8, moov.length)) {
		if (type === 'mvex') fragmented = true;
		if (type !== 'trak') continue;
		let sound = false;
		let entry = '';
		const walk = (from: number, to: number) => {
			for (const [t, b, e] of boxes(moov, from, to)) {
				if (t === 'mdia' || t === 'minf' || t === 'stbl') walk(b, e);
				else if (t === 'hdlr') sound = boxTypeAt(moov, b + 4) === 'soun';
				else if (t === 'stsd' && b + 16 <= e) entry = boxTypeAt(moov, b + 8);
			}
		};
		walk(body, end);
		if (sound && entry) codecs.push(entry);
	}
	if (fragmented && codecs.some((c) => c === 'mp4a' || c === 'alac'))
		return new AudioInputError(
			'unsupported',
			`${name} is a fragmented MP4 (streaming segments), which we cannot decode; remux it first (e.g. ffmpeg -i in.m4a -c copy out.m4a).`
		);
	if (codecs.length === 0)
		return new AudioInputError('unsupported', `${name} is an MP4 file with no audio track.`);
	const named = [...new Set(codecs.map((c) => mp4Codecs[c] ?? `'${c.trim()}'`))].join(', ');
	return new AudioInputError(
		'unsupported',
		`${name} is MP4 with ${named} audio, which we cannot decode; convert it to AAC (M4A), FLAC or MP3.`
	);
}

/**
 * A streaming decoder for M4A/MP4 (AAC or ALAC) and ADTS bytes: `decode(chunk)` returns the audio those bytes
 * completed, `flush()` checks the file was whole, `free()` releases the WASM memory.
 */
export async function decoder(name = 'This file') {
	const inner = await aacDecoder();
	let held: Uint8Array[] = [];
	let heldBytes = 0;
	let mode: 'unknown' | 'index' | 'stream' = 'unknown';
	let nextBox = 0; // file offset of the next top-level box header
	let moovStart = -1;
	let moovEnd = -1;

	/** A byte of the held prefix (the walk reads a few header bytes, never the payload). */
	const byteAt = (offset: number) => {
		for (const part of held) {
			if (offset < part.length) return part[offset];
			offset -= part.length;
		}
		return 0;
	};
	const headerAt = (at: number) => Uint8Array.from({ length: 16 }, (_, i) => byteAt(at + i));

	/** Advances over whole top-level boxes; true once the moov box is all here. */
	function indexComplete(): boolean {
		while (moovEnd < 0 && nextBox + 16 <= heldBytes) {
			const header = headerAt(nextBox);
			const small = u32(header, 0);
			const size = small === 1 ? u32(header, 8) * 2 ** 32 + u32(header, 12) : small;
			if (size === 0) return false; // a box to the end of the file: no moov after it
			if (size < 8) throw new Error(`MP4 box at byte ${nextBox} has an invalid size (${size})`);
			if (boxTypeAt(header, 0) === 'moov') [moovStart, moovEnd] = [nextBox, nextBox + size];
			nextBox += size;
		}
		return moovEnd >= 0 && heldBytes >= moovEnd;
	}

	function joinHeld(): Uint8Array {
		const out = held.length === 1 ? held[0] : new Uint8Array(heldBytes);
		if (held.length > 1) {
			let at = 0;
			for (const part of held) {
				out.set(part, at);
				at += part.length;
			}
		}
		held = [];
		heldBytes = 0;
		return out;
	}

	function start(bytes: Uint8Array): Block {
		mode = 'stream';
		try {
			return inner.decode(bytes);
		} catch (error) {
			if (moovStart < 0 || !/No AAC\/ALAC audio track/.test((error as Error)?.message)) throw error;
			throw describeMp4Audio(bytes.subarray(moovStart, moovEnd), name);
		}
	}

	return {
		decode(chunk: Uint8Array): Block {
			if (mode === 'stream') return inner.decode(chunk);
			// decode-stream.ts hands over at least 64 KiB (or the whole file) first: enough to tell MP4 from ADTS.
			if (mode === 'unknown') {
				if (chunk.length < 8 || boxTypeAt(chunk, 0) !== 'ftyp') return start(chunk);
				mode = 'index';
			}
			held.push(chunk);
			heldBytes += chunk.length;
			return indexComplete() ? start(joinHeld()) : empty;
		},
		flush(): Block {
			if (mode === 'index')
				throw new AudioInputError(
					'corrupt',
					`${name} ends before its MP4 index (moov box): the file is truncated or not a complete MP4.`
				);
			return inner.flush();
		},
		free: () => inner.free()
	};
}
