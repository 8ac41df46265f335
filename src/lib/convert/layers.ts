/**
 * Layers shared by the graph builders: each reads its weights strictly from the state_dict and folds every
 * BatchNorm that directly follows a conv/linear layer. Conv1d layers are expressed as Conv over
 * [batch, C, 1, T] so every EP runs the same 2-D kernels.
 */
import { GraphBuilder } from './graph';
import { ConversionError, foldBatchNorm, type Weights } from './weights';

/** The ONNX input names: the log-mel in dB (before the input BatchNorm), or the 16 kHz waveform. */
export const INPUT = 'mel';
export const AUDIO_INPUT = 'audio';
/** The ONNX output: sigmoid probabilities [batch, nTags]. */
export const OUTPUT = 'tags';

/** What a graph is built for: a mel input [batch, nMels, frames] or a waveform [batch, samples]. */
export type GraphShape =
	| { input: 'mel'; nMels: number; frames: number; nTags: number }
	| { input: 'audio'; samples: number; nTags: number };
export type MelShape = Extract<GraphShape, { input: 'mel' }>;
export type AudioShape = Extract<GraphShape, { input: 'audio' }>;

/** 'None': conv + folded BN only (e.g. the second conv of a residual block, before the sum). */
export type Activation = 'Relu' | 'Elu' | 'None';

/** Running spatial size through the network, to check the flatten/GRU shapes at build time. */
export interface Tensor4 {
	name: string;
	channels: number;
	height: number;
	width: number;
}

/** mel [B, nMels, T] → [B, 1, nMels, T] with the input BatchNorm(1) applied as x * scale + shift. */
export function inputBatchNorm(g: GraphBuilder, w: Weights, prefix: string, shape: MelShape): Tensor4 {
	const bn = w.batchNorm(prefix, 1);
	const x = g.node('Unsqueeze', [INPUT, g.int64s('axes:1', [1])], 'mel:nchw');
	const scaled = g.node('Mul', [x, g.scalar(`${prefix}:scale`, bn.scale[0])], `${prefix}:mul`);
	const out = g.node('Add', [scaled, g.scalar(`${prefix}:shift`, bn.shift[0])], prefix);
	return { name: out, channels: 1, height: shape.nMels, width: shape.frames };
}

/**
 * Conv (+ folded BN) → activation, with 'same' padding of (kh//2, kw//2) unless `pads` is given, stride 1
 * unless `strides` is given (output size floor((n + 2p − k) / s) + 1, as torch computes it).
 */
export function convBnAct(
	g: GraphBuilder,
	w: Weights,
	x: Tensor4,
	conv: string,
	bn: string,
	kernel: [number, number],
	activation: Activation,
	options: {
		outChannels?: number;
		pads?: [number, number];
		strides?: [number, number];
		weightShape?: number[];
		pool?: [number, number];
	} = {}
): Tensor4 {
	const [sh, sw] = options.strides ?? [1, 1];
	const outChannels = options.outChannels ?? w.shape(`${conv}.weight`)[0];
	const [kh, kw] = kernel;
	const [ph, pw] = options.pads ?? [kh >> 1, kw >> 1];
	// Conv1d checkpoints store [out, in, k]; the graph uses the same values as [out, in, 1, k].
	const raw = w.get(`${conv}.weight`, options.weightShape ?? [outChannels, x.channels, kh, kw]);
	const folded = foldBatchNorm(raw, w.get(`${conv}.bias`, [outChannels]), w.batchNorm(bn, outChannels));
	let input = x.name;
	let inChannels = x.channels;
	let weightValues = folded.weight;
	if (inChannels > 4 && inChannels % 4 !== 0 && kh * kw > 1) {
		// onnxruntime-web's WebGPU Conv (1.30) computes wrong results for a spatial kernel when the input
		// channel count is not a multiple of 4 (Musicnn's 561-channel back end): zero-pad the channels.
		inChannels = Math.ceil(inChannels / 4) * 4;
		const pads = g.int64s(`${conv}:channel-pads`, [0, 0, 0, 0, 0, inChannels - x.channels, 0, 0]);
		input = g.node('Pad', [x.name, pads], `${conv}:in`);
		weightValues = padAxis1(folded.weight, outChannels, x.channels, inChannels, kh * kw);
	}
	const weight = g.weight(`${conv}.weight`, [outChannels, inChannels, kh, kw], weightValues, 0);
	const bias = g.weight(`${conv}.bias`, [outChannels], folded.bias);
	const y = g.node('Conv', [input, weight, bias], `${conv}:out`, {
		kernel_shape: { ints: [kh, kw] },
		pads: { ints: [ph, pw, ph, pw] },
		...(sh !== 1 || sw !== 1 ? { strides: { ints: [sh, sw] } } : {})
	});
	const height = Math.floor((x.height + 2 * ph - kh) / sh) + 1;
	const width = Math.floor((x.width + 2 * pw - kw) / sw) + 1;
	if (height < 1 || width < 1)
		throw new ConversionError(w.modelId, `${conv}.weight`, `input too small for the kernel`);
	const activate = (t: Tensor4): Tensor4 =>
		activation === 'None'
			? t
			: {
					...t,
					name: g.node(
						activation,
						[t.name],
						`${conv}:${activation.toLowerCase()}`,
						activation === 'Elu' ? { alpha: { f: 1 } } : undefined
					)
				};
	const convolved: Tensor4 = { name: y, channels: outChannels, height, width };
	if (!options.pool) return activate(convolved);
	// Max pooling commutes with a monotonic activation. ReLU stays next to its Conv (onnxruntime fuses
	// Conv+Relu); ELU (no fusion, an exp per value) goes after the pool, on 8–20× fewer values.
	return activation === 'Relu'
		? maxPool(g, activate(convolved), options.pool, `${conv}:pool`)
		: activate(maxPool(g, convolved, options.pool, `${conv}:pool`));
}

/** [out][inFrom][k] → [out][inTo][k], the new input channels zero. */
export function padAxis1(
	values: Float32Array,
	out: number,
	inFrom: number,
	inTo: number,
	k: number
): Float32Array {
	const padded = new Float32Array(out * inTo * k);
	for (let o = 0; o < out; o++)
		padded.set(values.subarray(o * inFrom * k, (o + 1) * inFrom * k), o * inTo * k);
	return padded;
}

export function maxPool(g: GraphBuilder, x: Tensor4, pool: [number, number], name: string): Tensor4 {
	const out = g.node('MaxPool', [x.name], name, { kernel_shape: { ints: pool }, strides: { ints: pool } });
	return {
		name: out,
		channels: x.channels,
		height: Math.floor(x.height / pool[0]),
		width: Math.floor(x.width / pool[1])
	};
}

/** Linear layer (optionally followed by a folded BatchNorm1d) as Gemm with transB. */
export function dense(
	g: GraphBuilder,
	w: Weights,
	x: string,
	prefix: string,
	inFeatures: number,
	outFeatures: number,
	bn?: string
): string {
	let weight = w.get(`${prefix}.weight`, [outFeatures, inFeatures]);
	let bias = w.get(`${prefix}.bias`, [outFeatures]);
	if (bn) ({ weight, bias } = foldBatchNorm(weight, bias, w.batchNorm(bn, outFeatures)));
	const b = g.weight(`${prefix}.weight`, [outFeatures, inFeatures], weight, 0);
	const c = g.weight(`${prefix}.bias`, [outFeatures], bias);
	return g.node('Gemm', [x, b, c], `${prefix}:out`, { transB: { i: 1 } });
}

export function classifier(
	g: GraphBuilder,
	w: Weights,
	x: string,
	prefix: string,
	inFeatures: number,
	nTags: number
): void {
	g.node('Sigmoid', [dense(g, w, x, prefix, inFeatures, nTags)], OUTPUT);
}

export function requireUnit(
	w: Weights,
	x: Tensor4,
	key: string,
	what: string,
	dims: ('height' | 'width')[]
): void {
	for (const d of dims)
		if (x[d] !== 1)
			throw new ConversionError(
				w.modelId,
				key,
				`${what}: the ${d} after pooling is ${x[d]}, not 1 (wrong frames per chunk?)`
			);
}
