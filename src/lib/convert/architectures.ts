/**
 * The architectures the converter knows, recognised from a state_dict alone (key names and shapes; widths
 * are read from the weights): the MTG-Jamendo VGG-ish baseline and every model of minzwon/sota-music-tagging-
 * models (FCN, Musicnn, CRNN, Sample-level CNN, Sample+SE, CNNSA, ShortChunkCNN, ShortChunkCNN-Res,
 * HarmonicCNN). Each graph has the common I/O contract: input `mel` float32 [batch, nBands, frames] (dB,
 * before the input BatchNorm) or `audio` float32 [batch, samples] (16 kHz), output `tags` float32
 * [batch, nTags] (sigmoid probabilities). The builders live in arch/, one file per family.
 */
import type { Architecture } from '$lib/card/types';
import type { GraphBuilder } from './graph';
import type { AudioShape, GraphShape, MelShape } from './layers';
import type { FrontendTables } from './tables';
import { checkpointMelTables } from './tables';
import { ConversionError, type Weights } from './weights';
import { buildConvStack } from './arch/conv-stack';
import { buildCrnn } from './arch/crnn';
import { buildMusicnn } from './arch/musicnn';
import { buildSample, buildSampleSe } from './arch/sample';
import { buildShortChunk, buildShortChunkRes } from './arch/short-chunk';
import { buildHarmonicCnn, harmonicTables } from './arch/harmonic';
import { buildCnnsa } from './arch/cnnsa';

export type { Architecture };

/** Key → shape of a state_dict (what recognition looks at). */
export type KeyShapes = ReadonlyMap<string, readonly number[]>;

export interface ArchitectureDef {
	id: Architecture;
	/** The upstream class, for cards and messages. */
	upstream: string;
	/** What the state_dict must hold, in words (said when a checkpoint matches nothing). */
	signature: string;
	matches(keys: KeyShapes): boolean;
	/** The final Linear layer's weight [nTags, features]: its rows are the model's outputs. */
	classifierKey: 'dense.weight' | 'dense2.weight';
	/** The model's input: a spectral front end computed before the graph, or the raw waveform. */
	input: GraphShape['input'];
	/**
	 * Samples (16 kHz) per model input in the upstream evaluation (sota training/eval.py `input_length`; the
	 * MTG baseline's 29.1 s at 12 kHz).
	 */
	chunkSamples: number;
	/** Bands of the spectral input, from the state_dict (mel models: the filterbank's columns). */
	bands?(keys: KeyShapes): number;
	/** The front end's tables (STFT window + filterbank [nFft/2+1][nBands]) for spectral sota models. */
	tables?(w: Weights): FrontendTables;
	build(w: Weights, shape: GraphShape): GraphBuilder;
}

const rank = (keys: KeyShapes, key: string) => keys.get(key)?.length;
const checkpointMelBands = (keys: KeyShapes) => keys.get('spec.mel_scale.fb')?.[1] ?? 0;

/** A spectral sota model whose front end is the checkpoint's own torchaudio window and mel filterbank. */
function checkpointMel(build: (w: Weights, shape: MelShape) => GraphBuilder) {
	return {
		input: 'mel' as const,
		tables: checkpointMelTables,
		bands: checkpointMelBands,
		build: (w: Weights, s: GraphShape) => build(w, melShape(w, s))
	};
}

/** A sample-level model: the graph reads the 16 kHz waveform. */
function waveform(build: (w: Weights, shape: AudioShape) => GraphBuilder) {
	return { input: 'audio' as const, build: (w: Weights, s: GraphShape) => build(w, audioShape(w, s)) };
}

function melShape(w: Weights, shape: GraphShape) {
	if (shape.input !== 'mel')
		throw new ConversionError(w.modelId, undefined, 'this architecture takes a mel input');
	return shape;
}

function audioShape(w: Weights, shape: GraphShape) {
	if (shape.input !== 'audio')
		throw new ConversionError(w.modelId, undefined, 'this architecture takes the raw waveform');
	return shape;
}

export const architectures: readonly ArchitectureDef[] = [
	{
		id: 'vggish',
		classifierKey: 'dense.weight',
		upstream: 'MTG-Jamendo baseline (VGG-ish)',
		signature: 'bn_init.* and conv_1…conv_5.*',
		matches: (k) => k.has('bn_init.weight') && k.has('conv_1.weight'),
		input: 'mel',
		chunkSamples: 349200,
		build: (w, s) => buildConvStack(w, melShape(w, s), 'vggish')
	},
	{
		id: 'fcn',
		classifierKey: 'dense.weight',
		upstream: 'FCN',
		signature: 'spec_bn.*, layer1…layer5.conv (2-D) and dense.*',
		matches: (k) =>
			k.has('spec_bn.weight') &&
			rank(k, 'layer1.conv.weight') === 4 &&
			k.has('layer5.conv.weight') &&
			!k.has('layer6.conv.weight') &&
			k.has('dense.weight'),
		chunkSamples: 464000,
		...checkpointMel((w, s) => buildConvStack(w, s, 'fcn'))
	},
	{
		id: 'musicnn',
		classifierKey: 'dense2.weight',
		upstream: 'Musicnn',
		signature: 'spec_bn.*, layers.N.conv (front end), layerN.conv (back end), dense1/dense2',
		matches: (k) => k.has('layers.0.conv.weight') && k.has('dense1.weight'),
		chunkSamples: 48000,
		...checkpointMel(buildMusicnn)
	},
	{
		id: 'crnn',
		classifierKey: 'dense.weight',
		upstream: 'CRNN',
		signature: 'spec_bn.*, layer1…layer4.conv and a GRU layer5.weight_ih_l0…',
		matches: (k) => k.has('layer5.weight_ih_l0') && k.has('layer1.conv.weight'),
		chunkSamples: 464000,
		...checkpointMel(buildCrnn)
	},
	{
		id: 'sample',
		classifierKey: 'dense.weight',
		upstream: 'SampleCNN',
		signature: 'layer1…layer11.conv (1-D) and dense.*, no spectrogram',
		matches: (k) => rank(k, 'layer1.conv.weight') === 3 && k.has('dense.weight') && !k.has('spec_bn.weight'),
		chunkSamples: 59049,
		...waveform(buildSample)
	},
	{
		id: 'se',
		classifierKey: 'dense2.weight',
		upstream: 'SampleCNNSE',
		signature: 'layer1…layer11.conv_1/conv_2 (1-D) with SE dense1/dense2, no spectrogram',
		matches: (k) => rank(k, 'layer1.conv_1.weight') === 3 && !k.has('spec_bn.weight'),
		chunkSamples: 59049,
		...waveform(buildSampleSe)
	},
	{
		id: 'short',
		classifierKey: 'dense2.weight',
		upstream: 'ShortChunkCNN',
		signature: 'spec.*, spec_bn.*, layer1…layer7.conv (2-D), dense1/bn/dense2',
		matches: (k) =>
			k.has('spec.mel_scale.fb') &&
			rank(k, 'layer1.conv.weight') === 4 &&
			k.has('layer7.conv.weight') &&
			k.has('dense2.weight'),
		chunkSamples: 59049,
		...checkpointMel(buildShortChunk)
	},
	{
		id: 'short_res',
		classifierKey: 'dense2.weight',
		upstream: 'ShortChunkCNN_Res',
		signature: 'spec.*, spec_bn.*, residual layer1…layer7.conv_1/conv_2/conv_3 (2-D), dense1/bn/dense2',
		matches: (k) =>
			k.has('spec.mel_scale.fb') &&
			rank(k, 'layer1.conv_1.weight') === 4 &&
			k.has('layer7.conv_1.weight') &&
			k.has('dense2.weight') &&
			!k.has('encoder.layer.0.attention.self.query.weight'),
		chunkSamples: 59049,
		...checkpointMel(buildShortChunkRes)
	},
	{
		id: 'attention',
		classifierKey: 'dense.weight',
		upstream: 'CNNSA',
		signature: 'spec.*, residual layer1…layer7, encoder.layer.N.* (BERT), pooler.dense, dense',
		matches: (k) => k.has('encoder.layer.0.attention.self.query.weight') && k.has('pooler.dense.weight'),
		chunkSamples: 240000,
		...checkpointMel(buildCnnsa)
	},
	{
		id: 'hcnn',
		classifierKey: 'dense2.weight',
		upstream: 'HarmonicCNN',
		signature: 'hstft.bw_Q, hstft.spec.window, hstft_bn.*, layer1…layer7, dense1/bn/dense2',
		matches: (k) => k.has('hstft.bw_Q') && k.has('hstft_bn.weight'),
		input: 'mel',
		chunkSamples: 80000,
		tables: harmonicTables,
		// HarmonicSTFT's upstream defaults: 6 harmonics × 128 bands (semitone_scale 2 over 64 semitones).
		bands: () => 6 * 128,
		build: (w, s) => buildHarmonicCnn(w, melShape(w, s))
	}
];

export function architectureDef(id: Architecture): ArchitectureDef {
	const def = architectures.find((a) => a.id === id);
	if (!def) throw new Error(`unknown architecture "${id}"`);
	return def;
}

/** The one architecture whose layout the state_dict has; a ConversionError naming what is known otherwise. */
export function detectArchitecture(keys: KeyShapes, modelId: string): ArchitectureDef {
	const found = architectures.filter((a) => a.matches(keys));
	if (found.length === 1) return found[0];
	const sample = [...keys.keys()].slice(0, 6).join(', ');
	if (found.length === 0)
		throw new ConversionError(
			modelId,
			undefined,
			`the state_dict (${keys.size} keys: ${sample}, …) matches no known architecture. Known: ${architectures
				.map((a) => `${a.id} (${a.signature})`)
				.join('; ')}`
		);
	throw new ConversionError(
		modelId,
		undefined,
		`the state_dict matches several architectures (${found.map((a) => a.id).join(', ')})`
	);
}
