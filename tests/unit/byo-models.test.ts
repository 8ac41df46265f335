/**
 * Your own checkpoint, end to end in Node: `music-tagger convert <model.pth> --tags mtat --out dir` on every
 * random-weight upstream checkpoint of fixtures byo/ (architecture recognised from the state_dict alone), then
 * the app's own pipeline (openTagger: resample → front end from the card → ONNX → the card's track scheme)
 * against the upstream PyTorch reference; and the conversions that must fail, with nothing stored.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelIndex } from '../../src/lib/card/types';
import { decodeFileNode } from '../../src/lib/audio/decode-node';
import { readTorchCheckpoint } from '../../src/lib/convert/torch-checkpoint';
import { main } from '../../src/cli/main';
import { openNodeTagger } from '../../src/cli/taggers';
import { captureIO } from './cli-helpers';
import { byoDir, byoModels, byoReference, clip16k, maxAbsDiff } from './helpers/byo';
import { clipAudioFile } from '../../tools/fixtures';
import { writeTorchCheckpoint } from './helpers/torch-writer';
import { int8TieFor, topKAgrees, topTagNames } from '../shared/top-k';

const out = mkdtempSync(join(tmpdir(), 'byo-models-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function convert(args: string[]) {
	const io = captureIO();
	const exitCode = await main(['convert', ...args], io);
	return { exitCode, stdout: io.out(), stderr: io.err() };
}

const index = () => JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as ModelIndex;

describe.each(byoModels().map((m) => [m.arch, m] as const))('%s', (arch, model) => {
	let id = '';
	it('converts with `music-tagger convert` (architecture from the state_dict) into the index', async () => {
		const run = await convert([join(byoDir, model.dir, 'model.pth'), '--tags', 'mtat', '--out', out]);
		console.log(`${arch}: ${run.stderr.split('\n')[0]}`);
		expect(run.stderr).toContain(`(${arch}, 50 tags)`);
		expect(run.exitCode).toBe(0);
		id = run.stdout.trim();
		const card = index().models.find((c) => c.id === id)!;
		expect(card.architecture).toBe(arch);
		expect(card.chunking.chunkSamples).toBe(model.chunk_samples);
		expect(card.io.input).toBe(model.frontend === 'waveform' ? 'audio' : 'mel');
		for (const file of [card.files.fp32, card.files.int8])
			expect(existsSync(join(out, id, file.file))).toBe(true);
	});

	// The track score is held to 1e-4. Chunk 0 alone to 1e-3: the reference front end is torch's float32 STFT,
	// ours is float64 (equal to numpy float64 to 1e-6 dB); on the MTAT clip's near-empty top bands (MP3 low-pass,
	// −83 dB) torch's rounding moves cells by 0.24 dB, which moves chunk 0 of a random-weight ShortChunkCNN by
	// 2.9e-4. The converter itself is checked on the reference's own chunk-0 input to 1e-4 (convert-byo-*.test.ts).
	it.each(model.clips)(
		'fp32 from audio_16k.f32 on %s: track within 1e-4, chunk 0 within 1e-3',
		async (clip) => {
			const card = index().models.find((c) => c.id === id)!;
			const tagger = await openNodeTagger(card, 'fp32', out);
			try {
				const ref = byoReference(model, clip);
				const result = await tagger.tag(
					{ mono: clip16k(clip), sampleRate: 16000, channels: 1 },
					{ scheme: 'upstream' }
				);
				expect(result.chunkStarts.map((s) => Math.round(s * 16000))).toEqual(ref.chunking.starts);
				const chunk0 = maxAbsDiff(result.chunks[0], ref.chunk_outputs[0]);
				const track = maxAbsDiff(result.probabilities, ref.track_mean);
				const chunks = new Set([...result.chunkStarts, ...result.taggram.starts]).size;
				console.log(
					`${arch} ${clip} fp32: chunk 0 max |Δ| ${chunk0.toExponential(2)}, track ${track.toExponential(2)}, ` +
						`inference ${(result.timings.inference / chunks).toFixed(0)} ms/chunk (WASM, 1 thread)`
				);
				expect(chunk0).toBeLessThanOrEqual(1e-3);
				expect(track).toBeLessThanOrEqual(1e-4);
			} finally {
				await tagger.release();
			}
		}
	);

	it.each(['fp32', 'int8'] as const)(
		'%s from the compressed clip: reference top 5, |Δp| ≤ 0.02',
		async (variant) => {
			const card = index().models.find((c) => c.id === id)!;
			const tagger = await openNodeTagger(card, variant, out);
			try {
				for (const clip of model.clips) {
					const ref = byoReference(model, clip);
					const result = await tagger.tag(await decodeFileNode(clipAudioFile(clip)), {
						scheme: 'upstream'
					});
					const diff = maxAbsDiff(result.probabilities, ref.track_mean);
					console.log(`${arch} ${clip} ${variant} compressed: max |Δp| ${diff.toExponential(2)}`);
					const tie = variant === 'int8' ? int8TieFor(diff) : 1e-3;
					const agrees = topKAgrees(card.tags, result.probabilities, ref.track_mean, 5, tie);
					expect(agrees, `top-5 ${topTagNames(card.tags, result.probabilities, 5)}`).toBe(true);
					expect(diff).toBeLessThanOrEqual(0.02);
				}
			} finally {
				await tagger.release();
			}
		}
	);
});

describe('conversions that must fail say why and store nothing', () => {
	const bad = mkdtempSync(join(tmpdir(), 'byo-bad-'));
	const target = join(bad, 'models');
	afterAll(() => rmSync(bad, { recursive: true, force: true }));
	const sample = join(byoDir, byoModels().find((m) => m.arch === 'sample')!.dir, 'model.pth');

	it('a state_dict of no known architecture', async () => {
		const stateDict = readTorchCheckpoint(new Uint8Array(readFileSync(sample)));
		const renamed = new Map([...stateDict].map(([k, v]) => [k.replace(/^layer/, 'block'), v]));
		const file = join(bad, 'unknown.pth');
		writeFileSync(file, writeTorchCheckpoint(renamed, 'zip'));
		const run = await convert([file, '--tags', 'mtat', '--out', target]);
		expect(run.exitCode).toBe(1);
		expect(run.stderr).toMatch(/matches no known architecture/);
		expect(run.stderr).toMatch(/block1\.conv\.weight/);
		expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
	});

	it('a truncated file', async () => {
		const file = join(bad, 'truncated.pth');
		writeFileSync(file, readFileSync(sample).subarray(0, 100_000));
		const run = await convert([file, '--tags', 'mtat', '--out', target]);
		expect(run.exitCode).toBe(1);
		expect(run.stderr).toMatch(/truncated\.pth: cannot read the checkpoint/);
		expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
	});

	it('a tag list of the wrong length', async () => {
		const tags = join(bad, 'tags.txt');
		writeFileSync(tags, 'rock\npop\njazz\n');
		const run = await convert([sample, '--tags', tags, '--out', target]);
		expect(run.exitCode).toBe(1);
		expect(run.stderr).toMatch(/the model has 50 outputs, the tag list "tags" has 3 tags/);
		expect(existsSync(target) ? readdirSync(target) : []).toEqual([]);
	});
});
