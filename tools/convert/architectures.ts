/**
 * Graph builders for the four upstream architectures. Each reads its weights strictly from the
 * state_dict, folds every BatchNorm that directly follows a conv/linear layer, and produces one graph
 * with the common I/O contract: input `mel` float32 [batch, nMels, frames] (log-mel in dB, before the
 * input BatchNorm), output `tags` float32 [batch, nTags] (sigmoid probabilities).
 *
 * Architectures (layer structure learnt from the upstream code, widths read from the weights):
 * - fcn (sota FCN, Choi 2016): spec_bn, 5 × [conv3×3 → BN → ReLU → maxpool], linear, sigmoid.
 * - vggish (MTG-Jamendo baseline): bn_init, 5 × [conv3×3 → BN → ELU → maxpool], linear, sigmoid.
 * - crnn (sota CRNN, Choi 2017): spec_bn, 4 × [conv3×3 → BN → ReLU → maxpool], 2-layer GRU, last step, linear, sigmoid.
 * - musicnn (sota Musicnn, Pons 2017): spec_bn; front end of vertical (timbre) convs max-pooled over
 *   frequency and horizontal (temporal) convs on the frequency mean; back end of 1-D convs with residual
 *   sums; global max + mean pooling over time; linear → BN → ReLU → linear, sigmoid.
 * Conv1d layers are expressed as Conv over [batch, C, 1, T] so every EP runs the same 2-D kernels.
 */
import { GraphBuilder } from './graph';
import { ConversionError, foldBatchNorm, type Weights } from './weights';

export type Architecture = 'fcn' | 'vggish' | 'crnn' | 'musicnn';

export interface GraphShape {
	nMels: number;
	frames: number;
	nTags: number;
}

type Activation = 'Relu' | 'Elu';

/** Running spatial size through the network, to check the flatten/GRU shapes at build time. */
interface Tensor4 {
	name: string;
	channels: number;
	height: number;
	width: number;
}

export const INPUT = 'mel';
export const OUTPUT = 'tags';

/** mel [B, nMels, T] → [B, 1, nMels, T] with the input BatchNorm(1) applied as x * scale + shift. */
function inputBatchNorm(g: GraphBuilder, w: Weights, prefix: string, shape: GraphShape): Tensor4 {
	const bn = w.batchNorm(prefix, 1);
	const x = g.node('Unsqueeze', [INPUT, g.int64s('axes:1', [1])], 'mel:nchw');
	const scaled = g.node('Mul', [x, g.scalar(`${prefix}:scale`, bn.scale[0])], `${prefix}:mul`);
	const out = g.node('Add', [scaled, g.scalar(`${prefix}:shift`, bn.shift[0])], prefix);
	return { name: out, channels: 1, height: shape.nMels, width: shape.frames };
}

/** Conv (+ folded BN) → activation, with 'same' padding of (kh//2, kw//2) unless `pads` is given. */
function convBnAct(
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
		weightShape?: number[];
		pool?: [number, number];
	} = {}
): Tensor4 {
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
		pads: { ints: [ph, pw, ph, pw] }
	});
	const height = x.height + 2 * ph - kh + 1;
	const width = x.width + 2 * pw - kw + 1;
	if (height < 1 || width < 1)
		throw new ConversionError(w.modelId, `${conv}.weight`, `input too small for the kernel`);
	const activate = (t: Tensor4): Tensor4 => ({
		...t,
		name: g.node(
			activation,
			[t.name],
			`${conv}:${activation.toLowerCase()}`,
			activation === 'Elu' ? { alpha: { f: 1 } } : undefined
		)
	});
	const convolved: Tensor4 = { name: y, channels: outChannels, height, width };
	if (!options.pool) return activate(convolved);
	// Max pooling commutes with a monotonic activation. ReLU stays next to its Conv (onnxruntime fuses
	// Conv+Relu); ELU (no fusion, an exp per value) goes after the pool, on 8–20× fewer values.
	return activation === 'Relu'
		? maxPool(g, activate(convolved), options.pool, `${conv}:pool`)
		: activate(maxPool(g, convolved, options.pool, `${conv}:pool`));
}

/** [out][inFrom][k] → [out][inTo][k], the new input channels zero. */
function padAxis1(values: Float32Array, out: number, inFrom: number, inTo: number, k: number): Float32Array {
	const padded = new Float32Array(out * inTo * k);
	for (let o = 0; o < out; o++)
		padded.set(values.subarray(o * inFrom * k, (o + 1) * inFrom * k), o * inTo * k);
	return padded;
}

function maxPool(g: GraphBuilder, x: Tensor4, pool: [number, number], name: string): Tensor4 {
	const out = g.node('MaxPool', [x.name], name, { kernel_shape: { ints: pool }, strides: { ints: pool } });
	return {
		name: out,
		channels: x.channels,
		height: Math.floor(x.height / pool[0]),
		width: Math.floor(x.width / pool[1])
	};
}

/** Linear layer (optionally followed by a folded BatchNorm1d) as Gemm with transB. */
function dense(
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

function classifier(
	g: GraphBuilder,
	w: Weights,
	x: string,
	prefix: string,
	inFeatures: number,
	nTags: number
): void {
	g.node('Sigmoid', [dense(g, w, x, prefix, inFeatures, nTags)], OUTPUT);
}

function requireUnit(w: Weights, x: Tensor4, key: string, what: string, dims: ('height' | 'width')[]): void {
	for (const d of dims)
		if (x[d] !== 1)
			throw new ConversionError(
				w.modelId,
				key,
				`${what}: the ${d} after pooling is ${x[d]}, not 1 (wrong frames per chunk?)`
			);
}

/** FCN and the MTG VGG-ish baseline: 5 conv blocks that pool the whole mel down to 1×1, then a linear layer. */
function buildConvStack(w: Weights, shape: GraphShape, arch: 'fcn' | 'vggish'): GraphBuilder {
	const g = new GraphBuilder(arch);
	const pools: [number, number][] = [
		[2, 4],
		[2, 4],
		[2, 4],
		[3, 5],
		[4, 4]
	];
	const names = (i: number) =>
		arch === 'fcn' ? { conv: `layer${i}.conv`, bn: `layer${i}.bn` } : { conv: `conv_${i}`, bn: `bn_${i}` };
	let x = inputBatchNorm(g, w, arch === 'fcn' ? 'spec_bn' : 'bn_init', shape);
	pools.forEach((pool, index) => {
		const { conv, bn } = names(index + 1);
		x = convBnAct(g, w, x, conv, bn, [3, 3], arch === 'fcn' ? 'Relu' : 'Elu', { pool });
	});
	requireUnit(w, x, 'dense.weight', 'flatten', ['height', 'width']);
	const flat = g.node('Flatten', [x.name], 'flatten', { axis: { i: 1 } });
	classifier(g, w, flat, 'dense', x.channels, shape.nTags);
	return g;
}

/** PyTorch GRU gate order is (reset, update, new); ONNX wants (update, reset, hidden). */
function reorderGates(values: Float32Array, hidden: number): Float32Array {
	const perGate = values.length / 3;
	const out = new Float32Array(values.length);
	out.set(values.subarray(perGate, 2 * perGate), 0);
	out.set(values.subarray(0, perGate), perGate);
	out.set(values.subarray(2 * perGate), 2 * perGate);
	if (perGate % hidden) throw new Error('GRU gate size mismatch');
	return out;
}

function gruLayer(
	g: GraphBuilder,
	w: Weights,
	x: string,
	prefix: string,
	layer: number,
	inputSize: number,
	hidden: number,
	lastOnly: boolean
): string {
	const wi = reorderGates(w.get(`${prefix}.weight_ih_l${layer}`, [3 * hidden, inputSize]), hidden);
	const wh = reorderGates(w.get(`${prefix}.weight_hh_l${layer}`, [3 * hidden, hidden]), hidden);
	const bias = new Float32Array(6 * hidden);
	bias.set(reorderGates(w.get(`${prefix}.bias_ih_l${layer}`, [3 * hidden]), hidden), 0);
	bias.set(reorderGates(w.get(`${prefix}.bias_hh_l${layer}`, [3 * hidden]), hidden), 3 * hidden);
	const inputs = [
		x,
		g.weight(`${prefix}.W_l${layer}`, [1, 3 * hidden, inputSize], wi, 1),
		g.weight(`${prefix}.R_l${layer}`, [1, 3 * hidden, hidden], wh, 1),
		g.weight(`${prefix}.B_l${layer}`, [1, 6 * hidden], bias)
	];
	// torch's GRU computes n = tanh(W_in x + b_in + r * (W_hn h + b_hn)): ONNX linear_before_reset = 1.
	const attributes = { hidden_size: { i: hidden }, linear_before_reset: { i: 1 } };
	if (lastOnly)
		return g.node('GRU', inputs, '', attributes, [`${prefix}:l${layer}:last`]) || `${prefix}:l${layer}:last`;
	return g.node('GRU', inputs, `${prefix}:l${layer}:seq`, attributes);
}

function buildCrnn(w: Weights, shape: GraphShape): GraphBuilder {
	const g = new GraphBuilder('crnn');
	const pools: [number, number][] = [
		[2, 2],
		[3, 3],
		[4, 4],
		[4, 4]
	];
	let x = inputBatchNorm(g, w, 'spec_bn', shape);
	pools.forEach((pool, index) => {
		x = convBnAct(g, w, x, `layer${index + 1}.conv`, `layer${index + 1}.bn`, [3, 3], 'Relu', { pool });
	});
	requireUnit(w, x, 'layer5.weight_ih_l0', 'GRU input', ['height']);
	const hidden = w.shape('layer5.weight_hh_l0')[1];
	// [B, C, 1, T] → [T, B, C] (ONNX GRU layout 0: sequence first).
	const squeezed = g.node('Squeeze', [x.name, g.int64s('axes:2', [2])], 'gru:in:bct');
	const sequence = g.node('Transpose', [squeezed], 'gru:in', { perm: { ints: [2, 0, 1] } });
	const layers = [0, 1];
	if (w.has('layer5.weight_ih_l2'))
		throw new ConversionError(w.modelId, 'layer5.weight_ih_l2', 'unexpected third GRU layer');
	let seq = sequence;
	let last = '';
	for (const layer of layers) {
		const isLast = layer === layers.length - 1;
		const out = gruLayer(g, w, seq, 'layer5', layer, layer === 0 ? x.channels : hidden, hidden, isLast);
		// Y is [T, 1 direction, B, H]: drop the direction axis for the next layer.
		if (!isLast)
			seq = g.node('Squeeze', [out, g.int64s(`axes:gru${layer}`, [1])], `layer5:l${layer}:seq:tbh`);
		else last = out;
	}
	// Y_h of the last layer is [1, B, H] = the output at the last time step.
	const features = g.node('Squeeze', [last, g.int64s('axes:0', [0])], 'gru:last');
	classifier(g, w, features, 'dense', hidden, shape.nTags);
	return g;
}

function buildMusicnn(w: Weights, shape: GraphShape): GraphBuilder {
	const g = new GraphBuilder('musicnn');
	const x = inputBatchNorm(g, w, 'spec_bn', shape);
	const branches: Tensor4[] = [];
	for (let i = 0; w.has(`layers.${i}.conv.weight`); i++) {
		const prefix = `layers.${i}`;
		const kernelShape = w.shape(`${prefix}.conv.weight`);
		if (kernelShape.length === 4) {
			// Vertical (timbre) filter: valid in frequency, 'same' in time, then max over frequency.
			const [, , kh, kw] = kernelShape;
			const y = convBnAct(g, w, x, `${prefix}.conv`, `${prefix}.bn`, [kh, kw], 'Relu', {
				pads: [0, kw >> 1]
			});
			const pooled = g.node('ReduceMax', [y.name], `${prefix}:freqmax`, {
				axes: { ints: [2] },
				keepdims: { i: 1 }
			});
			branches.push({ name: pooled, channels: y.channels, height: 1, width: y.width });
		} else if (kernelShape.length === 3) {
			// Horizontal (temporal) filter: a Conv1d on the mean over frequency.
			const [outChannels, inChannels, k] = kernelShape;
			const mean = g.node('ReduceMean', [x.name], `${prefix}:freqmean`, {
				axes: { ints: [2] },
				keepdims: { i: 1 }
			});
			const y = convBnAct(
				g,
				w,
				{ name: mean, channels: x.channels, height: 1, width: x.width },
				`${prefix}.conv`,
				`${prefix}.bn`,
				[1, k],
				'Relu',
				{
					weightShape: [outChannels, inChannels, k]
				}
			);
			branches.push(y);
		} else
			throw new ConversionError(w.modelId, `${prefix}.conv.weight`, `unexpected rank ${kernelShape.length}`);
	}
	if (branches.length === 0)
		throw new ConversionError(w.modelId, 'layers.0.conv.weight', 'missing from the checkpoint');
	if (branches.some((b) => b.width !== shape.frames))
		throw new ConversionError(w.modelId, 'layers', 'front-end branches change the frame count');
	const frontChannels = branches.reduce((n, b) => n + b.channels, 0);
	const front: Tensor4 = {
		name: g.node(
			'Concat',
			branches.map((b) => b.name),
			'frontend',
			{ axis: { i: 1 } }
		),
		channels: frontChannels,
		height: 1,
		width: shape.frames
	};
	// Back end: Conv1d(k) blocks with residual sums, res_{i+1} = block(res_i) + res_i from the second block on.
	const features: Tensor4[] = [front];
	let previous = front;
	for (let i = 1; w.has(`layer${i}.conv.weight`); i++) {
		const [outChannels, , k] = w.shape(`layer${i}.conv.weight`);
		const y = convBnAct(g, w, previous, `layer${i}.conv`, `layer${i}.bn`, [1, k], 'Relu', {
			weightShape: [outChannels, previous.channels, k]
		});
		const out = i === 1 ? y : { ...y, name: g.node('Add', [y.name, previous.name], `layer${i}:res`) };
		features.push(out);
		previous = out;
	}
	const allChannels = features.reduce((n, f) => n + f.channels, 0);
	const stacked = g.node(
		'Concat',
		features.map((f) => f.name),
		'backend',
		{ axis: { i: 1 } }
	);
	const maxPooled = g.node('GlobalMaxPool', [stacked], 'pool:max');
	const meanPooled = g.node('GlobalAveragePool', [stacked], 'pool:mean');
	const pooled = g.node('Concat', [maxPooled, meanPooled], 'pool', { axis: { i: 1 } });
	const flat = g.node('Flatten', [pooled], 'flatten', { axis: { i: 1 } });
	const denseChannels = w.shape('dense1.weight')[0];
	const hidden = g.node(
		'Relu',
		[dense(g, w, flat, 'dense1', 2 * allChannels, denseChannels, 'bn')],
		'dense1:relu'
	);
	classifier(g, w, hidden, 'dense2', denseChannels, shape.nTags);
	return g;
}

export function buildArchitecture(arch: Architecture, w: Weights, shape: GraphShape): GraphBuilder {
	switch (arch) {
		case 'fcn':
		case 'vggish':
			return buildConvStack(w, shape, arch);
		case 'crnn':
			return buildCrnn(w, shape);
		case 'musicnn':
			return buildMusicnn(w, shape);
	}
}
