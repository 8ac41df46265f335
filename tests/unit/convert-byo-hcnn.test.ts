/**
 * HarmonicCNN (hcnn) from a random-weight upstream checkpoint. The harmonic STFT runs in the app's torchaudio
 * front end with the filterbank the converter rebuilds from hstft.bw_Q: its centre frequencies match the
 * upstream float32 f0, its empty filters are the README's, and on wesnoth it reproduces the reference
 * front-end output. The fp32 graph gives the upstream chunk-0 output within 1e-4 from the reference front-end
 * output and from the app's own front end on every public clip; the int8 graph stays within 0.02 and keeps
 * the reference top 5 (up to near-ties, tests/shared/top-k.ts). The layout at the upstream default width
 * (n_channels = 128, synthetic weights, zip serialization) converts and runs too.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TorchaudioFrontend } from '../../src/lib/card/types';
import { harmonicCentres } from '../../src/lib/convert/arch/harmonic';
import { convertCheckpoint } from '../../src/lib/convert/convert';
import type { FrontendTables } from '../../src/lib/convert/tables';
import { createMelExtractor } from '../../src/lib/features/mel';
import { readTorchCheckpoint, type StateDict } from '../../src/lib/convert/torch-checkpoint';
import { ConversionError } from '../../src/lib/convert/weights';
import { readJson } from '../../tools/fixtures';
import {
	byoCheckpoint,
	byoChunk0Input,
	byoDir,
	byoModel,
	byoReference,
	clip16k,
	maxAbsDiff,
	runGraph
} from './helpers/byo';
import { writeTorchCheckpoint } from './helpers/torch-writer';
import { int8TieFor, topKAgrees } from '../shared/top-k';

/**
 * The seed-1 layout at 8× the width (n_channels 16 → 128, the upstream default) with deterministic
 * torch-default-like weights: every channel axis ×8 except the 6 harmonics and the 50 tags.
 */
function widened(stateDict: StateDict): StateDict {
	let seed = 1;
	const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
	const out: StateDict = new Map();
	for (const [key, tensor] of stateDict) {
		if (tensor.dtype !== 'float32' || key.startsWith('hstft')) {
			out.set(key, tensor);
			continue;
		}
		const keep = (axis: number) =>
			axis > 1 || (axis === 0 && key.startsWith('dense2.')) || (axis === 1 && key === 'layer1.conv.weight');
		const shape = tensor.shape.map((d, axis) => (keep(axis) ? d : 8 * d));
		const fanIn = shape.length > 1 ? shape.slice(1).reduce((a, b) => a * b, 1) : 64;
		const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () =>
			key.endsWith('running_var') ? 0.5 + random() : (2 * random() - 1) / Math.sqrt(fanIn)
		);
		out.set(key, { dtype: 'float32', shape, data });
	}
	return out;
}

/** The card's front end for these tables: window at 0, filterbank [257][768] right after it. */
const harmonicFrontend = (t: FrontendTables): TorchaudioFrontend => ({
	kind: 'torchaudio',
	sampleRate: 16000,
	resampler: 'resampy-0.2.2-kaiser-best',
	mono: 'mean',
	nFft: 512,
	hop: 256,
	center: true,
	padMode: 'reflect',
	power: 2,
	nMels: t.cols,
	fMin: 0,
	fMax: 8000,
	melScale: 'harmonic',
	amin: 1e-10,
	tables: {
		file: 'frontend.f32',
		bytes: 0,
		sha256: '',
		window: { offset: 0, length: t.window.length },
		filterbank: { offset: t.window.length, rows: t.rows, cols: t.cols }
	}
});

function tablesBuffer(t: FrontendTables): ArrayBuffer {
	const all = new Float32Array(t.window.length + t.filterbank.length);
	all.set(t.window);
	all.set(t.filterbank, t.window.length);
	return all.buffer;
}

describe('hcnn (HarmonicCNN) from a random-weight upstream checkpoint', () => {
	const model = byoModel('hcnn');
	const [nHarmonic, level, frames] = model.model_input_shape;
	const nMels = nHarmonic * level;
	const { non_state_constants } = readJson<{ non_state_constants: { f0_hz_float32: number[] } }>(
		join(byoDir, model.dir, 'spec.json')
	);
	const spec = { id: 'byo-hcnn', architecture: 'hcnn', input: 'mel', nMels, frames, nTags: 50 } as const;
	const converted = convertCheckpoint(byoCheckpoint(model), spec);
	const tables = converted.tables!;
	const frontEnd = createMelExtractor(harmonicFrontend(tables), tablesBuffer(tables));
	const appInput = (clip: string) => frontEnd.logMel(clip16k(clip), 0, model.chunk_samples);

	it('rebuilds the upstream float32 centre frequencies', () => {
		const { f0, level: bands } = harmonicCentres(nHarmonic);
		expect(bands).toBe(level);
		expect(Array.from(f0)).toEqual(non_state_constants.f0_hz_float32.map(Math.fround));
	});

	it('builds the harmonic filterbank [257][768] with the README empty filters', () => {
		expect([tables.rows, tables.cols, tables.window.length]).toEqual([257, nMels, 512]);
		const empty: number[] = [];
		for (let b = 0; b < tables.cols; b++) {
			let any = false;
			for (let j = 0; j < tables.rows; j++) any ||= tables.filterbank[j * tables.cols + b] !== 0;
			if (!any) empty.push(b);
		}
		const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
		expect(empty).toEqual([...range(9, 15), 29, 30, 31, 42, 133, 134, 135, 146, 260]);
		const [min, max] = tables.filterbank.reduce(([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [0, 0]);
		expect(min).toBe(0);
		expect(max).toBeGreaterThan(0.9);
		expect(max).toBeLessThanOrEqual(1);
	});

	it("the app's front end with these tables reproduces the reference harmonic-STFT dB", () => {
		const clip = 'wesnoth-battle-epic';
		const reference = byoChunk0Input(model, clip);
		const ours = appInput(clip);
		expect(ours.length).toBe(reference.length);
		expect(maxAbsDiff(ours, reference)).toBeLessThan(1e-3);
	});

	it('wesnoth: fp32 chunk 0 from the reference front-end output within 1e-4, int8 keeps the top 5', async () => {
		const clip = 'wesnoth-battle-epic';
		const { tags, chunk_outputs } = byoReference(model, clip);
		const ref = chunk_outputs[0];
		const input = byoChunk0Input(model, clip);
		const fp32 = await runGraph(converted.fp32, 'mel', input, [nMels, frames]);
		expect(maxAbsDiff(fp32, ref)).toBeLessThan(1e-4);
		const int8 = await runGraph(converted.int8, 'mel', input, [nMels, frames]);
		const int8Diff = maxAbsDiff(int8, ref);
		expect(int8Diff).toBeLessThanOrEqual(0.02);
		expect(topKAgrees(tags, int8, ref, 5, int8TieFor(int8Diff))).toBe(true);
	});

	it.each(model.clips)(
		"%s: fp32 chunk 0 from the app's front end within 1e-4, int8 keeps the top 5",
		async (clip) => {
			const { tags, chunk_outputs } = byoReference(model, clip);
			const ref = chunk_outputs[0];
			const input = appInput(clip);
			const fp32 = await runGraph(converted.fp32, 'mel', input, [nMels, frames]);
			expect(maxAbsDiff(fp32, ref)).toBeLessThan(1e-4);
			const int8 = await runGraph(converted.int8, 'mel', input, [nMels, frames]);
			const int8Diff = maxAbsDiff(int8, ref);
			expect(int8Diff).toBeLessThanOrEqual(0.02);
			expect(topKAgrees(tags, int8, ref, 5, int8TieFor(int8Diff))).toBe(true);
		}
	);

	it('names the key when the frames do not pool down to 1×1', () => {
		const convert = () => convertCheckpoint(byoCheckpoint(model), { ...spec, frames: 200 });
		expect(convert).toThrow(ConversionError);
		expect(convert).toThrow(/layer7\.conv_1\.weight: the map is 2×2 before pool 2×3/);
	});

	it('converts and runs the layout at the upstream default width (zip)', async () => {
		const bytes = writeTorchCheckpoint(widened(readTorchCheckpoint(byoCheckpoint(model))), 'zip');
		const wide = convertCheckpoint(bytes, spec);
		expect(wide.tables?.filterbank).toEqual(tables.filterbank);
		expect(wide.fp32.length).toBeGreaterThan(0.95 * bytes.length);
		expect(wide.int8.length).toBeLessThan(0.4 * wide.fp32.length);
		const out = await runGraph(wide.fp32, 'mel', byoChunk0Input(model, model.clips[0]), [nMels, frames]);
		expect(out.length).toBe(50);
		for (const p of out) expect(p >= 0 && p <= 1).toBe(true);
	});
});
