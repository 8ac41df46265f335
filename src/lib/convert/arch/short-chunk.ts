/**
 * ShortChunkCNN and ShortChunkCNN_Res (sota, Won et al. 2020): spec_bn, 7 conv blocks (VGG-ish 3×3 conv →
 * BN → ReLU → pool 2, or residual blocks with stride 2), global max over the remaining time steps, then
 * dense1 → BN → ReLU → dense2 → sigmoid. Widths come from the weights (upstream default n_channels = 128:
 * 128, 128, 256, 256, 256, 256, 512).
 */
import { GraphBuilder } from '../graph';
import { ConversionError, type Weights } from '../weights';
import {
	classifier,
	convBnAct,
	dense,
	inputBatchNorm,
	requireUnit,
	type MelShape,
	type Tensor4
} from '../layers';

const BLOCKS = 7;

/**
 * ShortChunkCNN_Res block that keeps float32 weights in the int8 model: the first block that doubles the
 * width. With all blocks int8 (weight rounding adds up over 21 convs) the seed-1 oracle moves by up to
 * 0.024 (0.029 over all 48 chunks of the public clips) and swaps a top-5 tag 6.5e-3 from the cut; with this
 * block float32, 0.016 at most. Cost at the upstream default width: ~3.5 MB more in the int8 file.
 */
const SHORT_RES_FLOAT_BLOCK = 'layer3';

type ConvOptions = { strides?: [number, number]; outChannels?: number };

/**
 * The upstream head of ShortChunkCNN, ShortChunkCNN_Res and HarmonicCNN: x.squeeze(2) (the frequency axis
 * must be pooled to 1), the max over time when more than one step is left (MaxPool1d(T)), then
 * dense1 → bn (BatchNorm1d, folded) → ReLU → dense2 → sigmoid.
 */
export function globalMaxDenseHead(g: GraphBuilder, w: Weights, x: Tensor4, nTags: number): void {
	requireUnit(w, x, 'dense1.weight', 'squeeze(2) before the dense layers', ['height']);
	if (x.width < 1) throw new ConversionError(w.modelId, 'dense1.weight', 'no time steps left after pooling');
	const features =
		x.width === 1
			? g.node('Flatten', [x.name], 'flatten', { axis: { i: 1 } })
			: g.node('ReduceMax', [x.name], 'global-max', { axes: { ints: [2, 3] }, keepdims: { i: 0 } });
	const hidden = w.shape('dense1.weight')[0];
	const h = dense(g, w, features, 'dense1', x.channels, hidden, 'bn');
	const relu = g.node('Relu', [h], 'dense1:relu');
	classifier(g, w, relu, 'dense2', hidden, nTags);
}

/**
 * Upstream Res_2d: y = bn_2(conv_2(relu(bn_1(conv_1(x))))) with conv_1 carrying the stride,
 * skip = bn_3(conv_3(x)) (same stride) when the stride or the width changes, else x; out = relu(skip + y).
 */
export function residualBlock(
	g: GraphBuilder,
	w: Weights,
	x: Tensor4,
	prefix: string,
	strides: [number, number]
): Tensor4 {
	const conv = (t: Tensor4, i: number, activation: 'Relu' | 'None', options: ConvOptions) =>
		convBnAct(g, w, t, `${prefix}.conv_${i}`, `${prefix}.bn_${i}`, [3, 3], activation, options);
	const first = conv(x, 1, 'Relu', { strides });
	const y = conv(first, 2, 'None', {});
	const projected = strides[0] !== 1 || strides[1] !== 1 || x.channels !== y.channels;
	const skip =
		projected || w.has(`${prefix}.conv_3.weight`)
			? conv(x, 3, 'None', { strides, outChannels: y.channels })
			: x;
	if (skip.channels !== y.channels || skip.height !== y.height || skip.width !== y.width)
		throw new ConversionError(
			w.modelId,
			`${prefix}.conv_2.weight`,
			`residual sum of ${skip.channels}×${skip.height}×${skip.width} and ${y.channels}×${y.height}×${y.width}`
		);
	const sum = g.node('Add', [skip.name, y.name], `${prefix}:sum`);
	return { ...y, name: g.node('Relu', [sum], `${prefix}:out`) };
}

/** ShortChunkCNN: 7 × [conv 3×3 → BN → ReLU → pool 2] from [1, 128, 231] down to 1×1. */
export function buildShortChunk(w: Weights, shape: MelShape): GraphBuilder {
	const g = new GraphBuilder('short');
	let x = inputBatchNorm(g, w, 'spec_bn', shape);
	for (let i = 1; i <= BLOCKS; i++) {
		if (x.height < 2 || x.width < 2)
			throw new ConversionError(
				w.modelId,
				`layer${i}.conv.weight`,
				`the input map is ${x.height}×${x.width} before pool 2 (wrong mel bands or frames?)`
			);
		x = convBnAct(g, w, x, `layer${i}.conv`, `layer${i}.bn`, [3, 3], 'Relu', { pool: [2, 2] });
	}
	if (w.has(`layer${BLOCKS + 1}.conv.weight`))
		throw new ConversionError(w.modelId, `layer${BLOCKS + 1}.conv.weight`, 'unexpected eighth conv block');
	globalMaxDenseHead(g, w, x, shape.nTags);
	return g;
}

/** ShortChunkCNN_Res: 7 residual blocks with stride 2, from [1, 128, 231] down to 1×2. */
export function buildShortChunkRes(w: Weights, shape: MelShape): GraphBuilder {
	const g = new GraphBuilder('short_res');
	let x = inputBatchNorm(g, w, 'spec_bn', shape);
	for (let i = 1; i <= BLOCKS; i++) {
		const input = x;
		const block = () => residualBlock(g, w, input, `layer${i}`, [2, 2]);
		x = `layer${i}` === SHORT_RES_FLOAT_BLOCK ? g.float32(block) : block();
	}
	if (w.has(`layer${BLOCKS + 1}.conv_1.weight`))
		throw new ConversionError(
			w.modelId,
			`layer${BLOCKS + 1}.conv_1.weight`,
			'unexpected eighth residual block'
		);
	globalMaxDenseHead(g, w, x, shape.nTags);
	return g;
}
