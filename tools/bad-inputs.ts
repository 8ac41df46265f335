/**
 * The bad-input battery: a music folder of tricky and broken files, written at test time into a temporary
 * folder from the two Debian fixture clips (ffmpeg and sox transcode, cut, and synthesise; Node truncates,
 * corrupts and renames). Nothing is committed. The CLI test (tests/unit/cli-battery.test.ts) and the browser
 * test (tests/e2e/battery.spec.ts) run the same folder and check every entry against what it expects:
 * - `result`: tagged (`silent` when the track must be flagged silent: see isNearSilent in src/lib/audio/types.ts);
 * - `message`: refused with a per-file message matching `messageIncludes`;
 * - `either`: a result or a clear message (a codec support may differ between decoders, e.g. AAC);
 * - `skipped`: folder clutter, never queued nor reported as a failure.
 * Needs ffmpeg and sox on PATH (.ci/run installs them).
 */
import { spawnSync } from 'node:child_process';
import {
	copyFileSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	truncateSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clipAudioFile } from './fixtures';
import { wavHeader } from './wav';

export interface BatteryEntry {
	/** Path relative to the battery folder, `/`-separated. */
	file: string;
	/** What the case is, for the tables. */
	kind: string;
	expect: 'result' | 'message' | 'either' | 'skipped';
	/** The per-file message must match this (a `message` entry; an `either` entry when it fails). */
	messageIncludes?: RegExp;
	/** A `result` that must carry the silent flag (true) or must not (false). */
	silent?: boolean;
	/** The decoded length a `result` must have (± 0.25 s), where the input fixes it. */
	seconds?: number;
	/** A fixture clip as it is: the reference batch that must be tagged whatever else the folder holds. */
	good?: true;
}

export interface Battery {
	root: string;
	entries: BatteryEntry[];
	/** The entries a folder walk must hand to the tagger (all but the skipped clutter). */
	queued: BatteryEntry[];
	remove(): void;
}

/** The public Debian clips (the MagnaTagATune clip is never copied). */
const goodClips = ['wesnoth-battle-epic', 'lincity-pronobozo-lincity'] as const;

function run(tool: string, args: string[]): void {
	const done = spawnSync(tool, args, { encoding: 'utf8' });
	if (done.error) throw new Error(`${tool} is needed for the bad-input battery: ${done.error.message}`);
	if (done.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${done.stderr.trim()}`);
}

const ffmpeg = (...args: string[]) => run('ffmpeg', ['-v', 'error', '-y', ...args]);

/** Deterministic pseudo-random bytes (xorshift32), so a failing case can be reproduced. */
function noiseBytes(length: number, seed: number): Buffer {
	const out = Buffer.alloc(length);
	let x = seed >>> 0 || 1;
	for (let i = 0; i < length; i++) {
		x ^= x << 13;
		x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5;
		x >>>= 0;
		out[i] = x & 0xff;
	}
	return out;
}

/** A 16-bit PCM WAV whose every sample is `value` (a DC offset), or whose header lies about its content. */
function pcm16(frames: number, channels: number, value: number): Buffer {
	const data = Buffer.alloc(frames * channels * 2);
	for (let i = 0; i < frames * channels; i++) data.writeInt16LE(value, i * 2);
	return data;
}

/** Where the audio frames of a FLAC file start: after "fLaC" and its metadata blocks (last-block flag, 24-bit length). */
function flacMetadataEnd(flac: Buffer): number {
	let at = 4;
	for (let last = false; !last; at += 4 + flac.readUIntBE(at + 1, 3)) last = (flac[at] & 0x80) !== 0;
	return at;
}

/**
 * Writes the battery and returns its entries. `root` defaults to a new temporary folder; `remove()` deletes it
 * together with the scratch files the generator used.
 */
export function writeBattery(root = mkdtempSync(join(tmpdir(), 'music-tagger-battery-'))): Battery {
	const scratch = mkdtempSync(join(tmpdir(), 'music-tagger-battery-src-'));
	const entries: BatteryEntry[] = [];
	const at = (file: string) => {
		const path = join(root, file);
		mkdirSync(dirname(path), { recursive: true });
		return path;
	};
	const add = (entry: BatteryEntry, write: (path: string) => void) => {
		write(at(entry.file));
		entries.push(entry);
	};
	const bytes = (data: Buffer | string) => (path: string) => writeFileSync(path, data);
	const s = (name: string) => join(scratch, name);

	// 3 s of music (stereo, 44.1 kHz) cut from a clip: the source of every transcoded case.
	const music = s('music.wav');
	ffmpeg('-ss', '10', '-t', '3', '-i', clipAudioFile(goodClips[0]), '-c:a', 'pcm_s16le', music);
	const encode = (out: string, ...args: string[]) => ffmpeg('-i', music, ...args, out);
	const transcoded = (name: string, ...args: string[]) => {
		encode(s(name), ...args);
		return readFileSync(s(name));
	};
	const ogg = transcoded('music.ogg', '-c:a', 'libvorbis', '-q:a', '4');
	const mp3 = transcoded('music.mp3', '-c:a', 'libmp3lame', '-b:a', '128k');
	const flac = transcoded('music.flac', '-c:a', 'flac');
	const wav = readFileSync(music);
	const half = (data: Buffer) => data.subarray(0, data.length >> 1);
	const corruptMiddle = (data: Buffer, seed: number) => {
		const copy = Buffer.from(data);
		const from = copy.length >> 1;
		noiseBytes(copy.length >> 4, seed).copy(copy, from);
		return copy;
	};

	// The good files: the fixture clips themselves, one of them in a sub-folder.
	for (const [i, clip] of goodClips.entries())
		add(
			{
				file: `${i ? 'disc 2/' : ''}${clip}.ogg`,
				kind: 'fixture clip',
				expect: 'result',
				seconds: 30,
				good: true
			},
			(p) => copyFileSync(clipAudioFile(clip), p)
		);

	const unrecognised = /not audio we can decode/;
	const damaged = /damaged|could not be decoded|no audio|contains no audio/;
	// Not audio at all.
	add(
		{
			file: 'broken/empty.mp3',
			kind: 'empty file',
			expect: 'message',
			messageIncludes: /is empty \(0 bytes\)/
		},
		bytes('')
	);
	add(
		{ file: 'broken/one-byte.wav', kind: '1 byte', expect: 'message', messageIncludes: unrecognised },
		bytes(Buffer.from([0]))
	);
	add(
		{
			file: 'broken/notes.mp3',
			kind: 'text renamed .mp3',
			expect: 'message',
			messageIncludes: /looks like text/
		},
		bytes('These are my notes about the album, not music.\n'.repeat(40))
	);
	add(
		{
			file: 'broken/photo.flac',
			kind: 'JPEG renamed .flac',
			expect: 'message',
			messageIncludes: unrecognised
		},
		(p) => {
			ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '1', s('photo.jpg'));
			copyFileSync(s('photo.jpg'), p);
		}
	);
	add(
		{
			file: 'broken/random.ogg',
			kind: 'random bytes named .ogg',
			expect: 'message',
			messageIncludes: unrecognised
		},
		bytes(noiseBytes(64_000, 7))
	);

	// Truncated and corrupted copies of real files.
	add({ file: 'broken/half.ogg', kind: 'Ogg Vorbis cut in half', expect: 'result' }, bytes(half(ogg)));
	add(
		{
			file: 'broken/header-only.ogg',
			kind: 'Ogg Vorbis headers only',
			expect: 'message',
			messageIncludes: damaged
		},
		bytes(readFileSync(clipAudioFile(goodClips[0])).subarray(0, 4000))
	);
	add({ file: 'broken/half.mp3', kind: 'MP3 cut in half', expect: 'result' }, bytes(half(mp3)));
	add(
		{
			file: 'broken/header-only.mp3',
			kind: 'MP3, first 300 bytes',
			expect: 'message',
			messageIncludes: damaged
		},
		bytes(mp3.subarray(0, 300))
	);
	add({ file: 'broken/half.flac', kind: 'FLAC cut in half', expect: 'result' }, bytes(half(flac)));
	add(
		{
			file: 'broken/header-only.flac',
			kind: 'FLAC metadata only',
			expect: 'message',
			messageIncludes: damaged
		},
		bytes(flac.subarray(0, flacMetadataEnd(flac)))
	);
	add(
		{ file: 'broken/half.wav', kind: 'WAV cut in half (header longer than data)', expect: 'result' },
		bytes(half(wav))
	);
	add(
		{
			file: 'broken/header-only.wav',
			kind: 'WAV header, no samples',
			expect: 'message',
			messageIncludes: /no audio|too short|damaged/
		},
		bytes(wavHeader({ sampleRate: 44100, channels: 2, frames: 0 }))
	);
	add(
		{ file: 'broken/corrupt-middle.mp3', kind: 'MP3, 1/16 overwritten mid-file', expect: 'result' },
		bytes(corruptMiddle(mp3, 11))
	);
	add(
		{
			file: 'broken/corrupt-middle.ogg',
			kind: 'Ogg Vorbis, 1/16 overwritten mid-file',
			expect: 'either',
			messageIncludes: damaged
		},
		bytes(corruptMiddle(ogg, 13))
	);
	add(
		{
			file: 'broken/corrupt-middle.flac',
			kind: 'FLAC, 1/16 overwritten mid-file',
			expect: 'either',
			messageIncludes: damaged
		},
		bytes(corruptMiddle(flac, 17))
	);
	add(
		{
			file: 'broken/lying-length.wav',
			kind: 'WAV header claiming 10× its data',
			expect: 'result',
			seconds: 3
		},
		bytes(
			Buffer.concat([
				wavHeader({ sampleRate: 22050, channels: 1, frames: 22050 * 30 }),
				noiseBytes(22050 * 3 * 2, 31)
			])
		)
	);
	add(
		{
			file: 'broken/over-two-hours.wav',
			kind: '2 h 10 min WAV (1 kHz mono, sparse file)',
			expect: 'message',
			messageIncludes: /2:10:00 long; the limit is 2 hours/
		},
		(p) => {
			// Zeros are true silence in 16-bit PCM; a sparse file costs no disk (the length is read from the header).
			const header = wavHeader({ sampleRate: 1000, channels: 1, frames: 1000 * 7800 });
			writeFileSync(p, header);
			truncateSync(p, header.length + 2 * 1000 * 7800);
		}
	);
	add(
		{
			file: 'broken/rate-500.wav',
			kind: 'WAV header at 500 Hz',
			expect: 'message',
			messageIncludes: /sample rate/
		},
		bytes(Buffer.concat([wavHeader({ sampleRate: 500, channels: 1, frames: 1500 }), noiseBytes(3000, 5)]))
	);

	// Valid audio in every shape.
	const shapes: [string, string, string[]][] = [
		['mono.wav', 'WAV mono', ['-ac', '1']],
		['six-channels.wav', 'WAV 6 channels (5.1)', ['-af', 'pan=5.1|c0=c0|c1=c1|c2=c0|c3=c1|c4=c0|c5=c1']],
		['8-bit.wav', 'WAV 8-bit unsigned', ['-c:a', 'pcm_u8']],
		['24-bit.wav', 'WAV 24-bit', ['-c:a', 'pcm_s24le']],
		['float.wav', 'WAV 32-bit float', ['-c:a', 'pcm_f32le']],
		['32-bit.wav', 'WAV 32-bit integer', ['-c:a', 'pcm_s32le']],
		['8k.wav', 'WAV 8 kHz', ['-ar', '8000']],
		['11k.wav', 'WAV 11.025 kHz', ['-ar', '11025']],
		['22k.wav', 'WAV 22.05 kHz', ['-ar', '22050']],
		['96k.flac', 'FLAC 96 kHz', ['-ar', '96000', '-c:a', 'flac']],
		['192k.wav', 'WAV 192 kHz', ['-ar', '192000']],
		['24-bit.flac', 'FLAC 24-bit', ['-c:a', 'flac', '-sample_fmt', 's32', '-bits_per_raw_sample', '24']],
		['aiff.aiff', 'AIFF', []],
		['opus.opus', 'Ogg Opus', ['-c:a', 'libopus', '-b:a', '96k']],
		[
			'vbr-no-xing.mp3',
			'MP3 VBR without a Xing header',
			['-c:a', 'libmp3lame', '-q:a', '4', '-write_xing', '0']
		],
		['mp3-named.ogg', 'MP3 content named .ogg', ['-c:a', 'libmp3lame', '-f', 'mp3']],
		['LOUD.MP3', 'upper-case extension', ['-c:a', 'libmp3lame']],
		['clipped.wav', 'music +24 dB, hard clipped', ['-af', 'volume=24dB']]
	];
	for (const [name, kind, args] of shapes)
		add({ file: `shapes/${name}`, kind, expect: 'result', seconds: 3, silent: false }, (p) =>
			encode(p, ...args)
		);
	add({ file: 'shapes/half-second.ogg', kind: '0.5 s Ogg Vorbis', expect: 'result', seconds: 0.5 }, (p) =>
		encode(p, '-t', '0.5', '-c:a', 'libvorbis')
	);
	add(
		{
			file: 'shapes/too-short.wav',
			kind: '0.05 s WAV',
			expect: 'message',
			messageIncludes: /only 0\.050 s long; at least 0\.1 s/
		},
		(p) => encode(p, '-t', '0.05')
	);
	add(
		{
			file: 'shapes/square.wav',
			kind: 'full-scale square wave',
			expect: 'result',
			seconds: 3,
			silent: false
		},
		(p) => run('sox', ['-n', '-r', '44100', '-c', '1', '-b', '16', p, 'synth', '3', 'square', '220'])
	);
	add(
		{ file: 'shapes/silence.flac', kind: 'digital silence', expect: 'result', seconds: 3, silent: true },
		(p) => run('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', p, 'trim', '0', '3'])
	);
	add(
		{
			file: 'shapes/near-silence.wav',
			kind: 'white noise at −80 dBFS',
			expect: 'result',
			seconds: 3,
			silent: true
		},
		(p) =>
			run('sox', [
				'-D',
				'-n',
				'-r',
				'44100',
				'-c',
				'1',
				'-b',
				'16',
				p,
				'synth',
				'3',
				'whitenoise',
				'vol',
				'-80dB'
			])
	);
	add(
		{
			file: 'shapes/dc-offset.wav',
			kind: 'DC offset only (+0.25)',
			expect: 'result',
			seconds: 3,
			silent: true
		},
		bytes(
			Buffer.concat([wavHeader({ sampleRate: 16000, channels: 1, frames: 48000 }), pcm16(48000, 1, 8192)])
		)
	);
	add(
		{ file: 'shapes/huge-cover.mp3', kind: 'MP3 with a 1.4 MB cover in ID3v2', expect: 'result', seconds: 3 },
		(p) => {
			ffmpeg(
				'-f',
				'lavfi',
				'-i',
				'nullsrc=s=1000x1000,geq=random(1)*255:128:128',
				'-frames:v',
				'1',
				s('cover.png')
			);
			ffmpeg(
				'-i',
				s('music.mp3'),
				'-i',
				s('cover.png'),
				'-map',
				'0',
				'-map',
				'1',
				'-c',
				'copy',
				'-id3v2_version',
				'3',
				p
			);
		}
	);

	// Other codecs.
	add(
		{
			file: 'codecs/aac.m4a',
			kind: 'AAC in MP4 (.m4a)',
			expect: 'either',
			messageIncludes: /not audio we can decode|m4a|aac/i
		},
		(p) => encode(p, '-c:a', 'aac', '-b:a', '128k')
	);
	add(
		{
			file: 'codecs/wma.wma',
			kind: 'WMA v2',
			expect: 'message',
			messageIncludes: /WMA|not audio we can decode/
		},
		(p) => encode(p, '-c:a', 'wmav2')
	);
	add(
		{
			file: 'codecs/adpcm.wav',
			kind: 'WAV with MS ADPCM',
			expect: 'either',
			messageIncludes: /not audio we can decode|damaged|could not be decoded/
		},
		(p) => encode(p, '-c:a', 'adpcm_ms')
	);

	// Names a spreadsheet or a page could misread: tagged like any file, neutralised in the CSV.
	const names = [
		'<img src=x onerror=alert(1)>.mp3',
		'Ærøskøbing — ☃ 🎵.mp3',
		'=SUM(A1).mp3',
		'+1.mp3',
		'-2.mp3',
		'@me.mp3',
		'a, "quoted" name.mp3'
	];
	for (const name of names)
		add({ file: `names/${name}`, kind: 'tricky name', expect: 'result', seconds: 3 }, bytes(mp3));

	// Clutter: skipped without a message.
	const clutter: [string, Buffer | string][] = [
		['cover.jpg', readFileSync(s('photo.jpg'))],
		['Thumbs.db', noiseBytes(512, 19)],
		['.DS_Store', noiseBytes(512, 23)],
		['disc 2/._wesnoth-battle-epic.ogg', noiseBytes(4096, 29)],
		['playlist.m3u', '#EXTM3U\nwesnoth-battle-epic.ogg\n'],
		['notes.txt', 'liner notes'],
		['extras/booklet.pdf', '%PDF-1.4\n']
	];
	for (const [file, data] of clutter) add({ file, kind: 'clutter', expect: 'skipped' }, bytes(data));

	rmSync(scratch, { recursive: true, force: true });
	return {
		root,
		entries,
		queued: entries.filter((e) => e.expect !== 'skipped'),
		remove: () => rmSync(root, { recursive: true, force: true })
	};
}

/** What a run made of one entry: a result, a per-file message, or nothing (not queued). */
export type BatteryOutcome =
	| { kind: 'result'; seconds: number; silent: boolean }
	| { kind: 'message'; text: string }
	| { kind: 'absent' };

const baseName = (file: string) => file.slice(file.lastIndexOf('/') + 1);

/** Why an outcome does not meet its entry's expectation, or undefined when it does. */
export function mismatch(entry: BatteryEntry, outcome: BatteryOutcome): string | undefined {
	if (entry.expect === 'skipped')
		return outcome.kind === 'absent' ? undefined : `clutter was queued (${outcome.kind})`;
	if (outcome.kind === 'absent') return 'never queued, no result and no message';
	if (outcome.kind === 'result') {
		if (entry.expect === 'message') return `a result where a message was expected`;
		if (entry.seconds !== undefined && Math.abs(outcome.seconds - entry.seconds) > 0.25)
			return `${outcome.seconds} s long, expected ${entry.seconds} s`;
		if (entry.silent !== undefined && outcome.silent !== entry.silent)
			return entry.silent ? 'not flagged silent' : 'flagged silent';
		return undefined;
	}
	if (entry.expect === 'result') return `a message where a result was expected: ${outcome.text}`;
	// A clear message names the file and says what is wrong in words, not in an engine's terms.
	if (!outcome.text.includes(`"${baseName(entry.file)}"`))
		return `the message does not name the file: ${outcome.text}`;
	if (/undefined|\[object|^\w*Error\b|\n\s+at /.test(outcome.text)) return `unclear message: ${outcome.text}`;
	if (entry.messageIncludes && !entry.messageIncludes.test(outcome.text))
		return `the message does not match ${entry.messageIncludes}: ${outcome.text}`;
	return undefined;
}

/** One line of the closing table. */
export interface BatteryRow {
	entry: BatteryEntry;
	outcome: BatteryOutcome;
	/** Wall time of the file in the run (ms), when measured. */
	ms?: number;
	/** Peak memory while the file ran (MiB), when measured. */
	peakMiB?: number;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('<', '&lt;');

/** A Markdown table: input → outcome → time → peak memory, and whether it met its expectation. */
export function batteryTable(rows: BatteryRow[]): string {
	const lines = [
		'| input | kind | outcome | ms | peak MiB | ok |',
		'| --- | --- | --- | ---: | ---: | --- |'
	];
	for (const { entry, outcome, ms, peakMiB } of rows) {
		const shown =
			outcome.kind === 'result'
				? `result, ${outcome.seconds.toFixed(2)} s${outcome.silent ? ', silent' : ''}`
				: outcome.kind === 'message'
					? outcome.text
					: entry.expect === 'skipped'
						? 'skipped quietly'
						: 'absent';
		const problem = mismatch(entry, outcome);
		lines.push(
			`| ${cell(entry.file)} | ${cell(entry.kind)} | ${cell(shown)} | ${ms?.toFixed(0) ?? ''} | ${peakMiB?.toFixed(0) ?? ''} | ${problem ? `**no**: ${cell(problem)}` : 'yes'} |`
		);
	}
	return lines.join('\n') + '\n';
}
