/** The CLI's parts that need no model: arguments, file discovery, atomic writes, progress output. */
import { afterAll, describe, expect, it } from 'vitest';
import {
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	symlinkSync,
	chmodSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommand, UsageError } from '../../src/cli/args';
import { discoverAudio } from '../../src/cli/files';
import { createFileProgress } from '../../src/cli/io';
import { writeAtomic as writeFileAtomic } from '../../src/lib/node/write-atomic';
import { main } from '../../src/cli/main';
import { defaultJobs } from '../../src/cli/lanes';
import { availableParallelism, totalmem } from 'node:os';
import { captureIO } from './cli-helpers';

const work = mkdtempSync(join(tmpdir(), 'music-tagger-cli-args-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('parseCommand', () => {
	it('tag: defaults (app default model, int8, json)', () => {
		expect(parseCommand(['tag', 'a.mp3', 'music/'])).toEqual({
			command: 'tag',
			inputs: ['a.mp3', 'music/'],
			models: [],
			variant: 'int8',
			modelsDir: undefined,
			out: undefined,
			format: 'json',
			scheme: 'whole',
			chunks: false,
			genres: false,
			jobs: defaultJobs()
		});
	});

	it('--jobs: a whole number from 1; by default one lane per core (at most 4, 2 GB each)', () => {
		const jobs = (...a: string[]) => (parseCommand(['tag', 'x.mp3', ...a]) as { jobs: number }).jobs;
		expect(jobs('--jobs', '3')).toBe(3);
		expect(jobs('-j', '1')).toBe(1);
		expect(() => jobs('--jobs', '0')).toThrow(/--jobs must be a whole number from 1/);
		expect(() => jobs('--jobs', '1.5')).toThrow(UsageError);
		expect(defaultJobs()).toBe(
			Math.max(1, Math.min(availableParallelism(), 4, Math.floor(totalmem() / 2 ** 31)))
		);
	});

	it('tag: --write-tags, --dry-run, --undo (one mode; --genre only with writing)', () => {
		const mode = (...a: string[]) => parseCommand(['tag', 'x.mp3', ...a]) as { fileTags?: string };
		expect(mode('--write-tags').fileTags).toBe('write');
		expect(mode('--write-tags', '--dry-run').fileTags).toBe('dry-run');
		expect(mode('--undo').fileTags).toBe('undo');
		expect(mode().fileTags).toBeUndefined();
		expect(() => mode('--undo', '--write-tags')).toThrow(UsageError);
		expect(() => mode('--genre')).toThrow(/--genre goes with --write-tags/);
	});

	it('tag: every option; --model takes lists and repeats', () => {
		const parsed = parseCommand([
			'tag',
			'--model',
			'a,b',
			'--model=c',
			'--format',
			'csv-wide',
			'--scheme',
			'upstream',
			'-o',
			'x.csv',
			'--chunks',
			'--variant',
			'fp32',
			'--models-dir',
			'm',
			'f.ogg'
		]);
		expect(parsed).toMatchObject({
			models: ['a', 'b', 'c'],
			format: 'csv-wide',
			scheme: 'upstream',
			out: 'x.csv',
			chunks: true,
			variant: 'fp32',
			modelsDir: 'm',
			inputs: ['f.ogg']
		});
	});

	it('evaluate: options and their requirements', () => {
		expect(parseCommand(['evaluate', '--split', 's.tsv', '--audio', 'a', '--json'])).toMatchObject({
			command: 'evaluate',
			split: 's.tsv',
			audio: 'a',
			json: true,
			models: []
		});
		expect(
			parseCommand(['evaluate', '--split', 's.tsv', '--model', 'popularity', '--train', 't.tsv'])
		).toMatchObject({ models: ['popularity'] });
		expect(
			parseCommand([
				'evaluate',
				'--split',
				's.tsv',
				'--predictions',
				'p.json',
				'--tags',
				't.txt',
				'--out',
				'r.json'
			])
		).toMatchObject({
			predictions: 'p.json',
			tags: 't.txt',
			out: 'r.json'
		});
	});

	it.each([
		[['tag'], /at least one file/],
		[['tag', '--format', 'xml', 'a'], /--format must be one of json, csv, csv-wide/],
		[['tag', '--scheme', 'centre', 'a'], /--scheme must be one of whole, upstream/],
		[['tag', '--variant', 'fp16', 'a'], /--variant must be one of fp32, int8/],
		[['tag', '--bogus', 'a'], /bogus/],
		[['evaluate', '--audio', 'a'], /--split/],
		[['evaluate', '--split', 's'], /--audio/],
		[['evaluate', '--split', 's', '--model', 'popularity'], /--train/],
		[['evaluate', '--split', 's', '--audio', 'a', '--predictions', 'p'], /not both/],
		[['evaluate', '--split', 's', '--predictions', 'p', '--save-predictions', 'x'], /needs a model run/],
		[['frobnicate'], /unknown command/]
	])('%j is a usage error', (argv, message) => {
		expect(() => parseCommand(argv)).toThrow(UsageError);
		expect(() => parseCommand(argv)).toThrow(message);
	});

	it('help', () => {
		expect(parseCommand([])).toEqual({ command: 'help' });
		expect(parseCommand(['tag', '--help'])).toEqual({ command: 'help' });
	});
});

describe('discoverAudio', () => {
	it('recurses into folders for audio extensions (sorted), takes named files as given, reports missing inputs', async () => {
		const root = join(work, 'music');
		mkdirSync(join(root, 'b', 'deep'), { recursive: true });
		const clutter = [
			'notes.txt',
			'cover.jpg',
			'._a.ogg',
			'b/._x.wav',
			'album.m3u',
			'album.m3u8',
			'Thumbs.db'
		];
		for (const f of ['z.MP3', 'a.ogg', 'b/deep/c.flac', 'b/x.wav', ...clutter])
			writeFileSync(join(root, f), '');
		symlinkSync(join(root, 'a.ogg'), join(root, 'link.opus'));
		const named = join(work, 'named.dat');
		writeFileSync(named, '');
		const { files, problems } = await discoverAudio([
			root,
			named,
			join(root, 'a.ogg'),
			join(work, 'missing.mp3')
		]);
		expect(files).toEqual([
			join(root, 'a.ogg'),
			join(root, 'b', 'deep', 'c.flac'),
			join(root, 'b', 'x.wav'),
			join(root, 'link.opus'),
			join(root, 'z.MP3'),
			named
		]);
		expect(problems).toEqual([{ file: join(work, 'missing.mp3'), message: 'no such file or folder' }]);
	});
});

describe('writeFileAtomic', () => {
	it('replaces the file and leaves no temporary behind', async () => {
		const dir = join(work, 'atomic');
		mkdirSync(dir);
		const path = join(dir, 'out.json');
		writeFileSync(path, 'old');
		await writeFileAtomic(path, 'new');
		expect(readFileSync(path, 'utf8')).toBe('new');
		expect(readdirSync(dir)).toEqual(['out.json']);
	});

	it('fails without touching the target when the folder does not exist', async () => {
		await expect(writeFileAtomic(join(work, 'nope', 'out.json'), 'x')).rejects.toThrow(/ENOENT/);
	});

	it('a replaced file keeps its permissions', async () => {
		const path = join(work, 'private.json');
		writeFileSync(path, 'old', { mode: 0o640 });
		chmodSync(path, 0o640);
		await writeFileAtomic(path, 'new');
		expect(statSync(path).mode & 0o777).toBe(0o640);
	});

	it('tag refuses an --out that is a folder or cannot be created, before doing any work', async () => {
		const io = captureIO();
		expect(await main(['tag', join(work, 'missing.mp3'), '--out', work], io)).toBe(1);
		expect(io.err()).toBe(`music-tagger: cannot write ${work}: it is a folder; name a file\n`);
		const io2 = captureIO();
		expect(await main(['tag', join(work, 'missing.mp3'), '--out', '/proc/x.json'], io2)).toBe(1);
		expect(io2.err()).toMatch(/^music-tagger: cannot write \/proc\/x\.json: /);
	});

	it('tag and evaluate refuse an --out in a missing folder before doing any work', async () => {
		const io = captureIO();
		const out = join(work, 'nope', 'out.json');
		expect(await main(['tag', work, '--out', out], io)).toBe(1);
		expect(await main(['evaluate', '--split', join(work, 'no.tsv'), '--audio', work, '--out', out], io)).toBe(
			1
		);
		expect(io.err()).toBe(
			`music-tagger: cannot write ${out}: the folder ${join(work, 'nope')} does not exist\n`.repeat(2)
		);
	});
});

describe('createFileProgress', () => {
	const capture = (isTTY: boolean) => {
		const chunks: string[] = [];
		return {
			stream: { isTTY, columns: 100, write: (s: string) => chunks.push(s) },
			text: () => chunks.join('')
		};
	};

	it('not a terminal: one terse line per file', () => {
		const { stream, text } = capture(false);
		const progress = createFileProgress(stream, 2);
		progress.begin('a.mp3');
		progress.done('a.mp3');
		progress.begin('b.mp3');
		progress.done('b.mp3', 'This file is empty (0 bytes).');
		progress.end();
		expect(text()).toBe('[1/2] a.mp3: ok\n[2/2] b.mp3: skipped: This file is empty (0 bytes).\n');
	});

	it('a terminal: a bar redrawn in place, failures on their own line, cleared at the end', () => {
		const { stream, text } = capture(true);
		const progress = createFileProgress(stream, 2);
		progress.begin('a.mp3');
		progress.done('a.mp3', 'broken');
		progress.end();
		const out = text();
		expect(out).toContain('\r\x1b[K[');
		expect(out).toMatch(/\] 0\/2 0s a\.mp3/);
		expect(out).toContain('\r\x1b[Ka.mp3: broken\n');
		expect(out).toMatch(/\] 1\/2 /);
		expect(out.endsWith('\r\x1b[K')).toBe(true);
	});
});
