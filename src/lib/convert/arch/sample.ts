/**
 * Sample-level CNNs on the raw 16 kHz waveform (sota): SampleCNN (Lee 2017: 11 × [conv1d → BN → ReLU →
 * maxpool], linear, sigmoid) and SampleCNNSE (Kim 2018: the same plan with residual squeeze-and-excitation
 * blocks, then linear → BN → ReLU → linear, sigmoid). The waveform [B, samples] runs as [B, 1, 1, samples]
 * through 2-D Conv/MaxPool of height 1, like the other Conv1d layers.
 */
import { GraphBuilder } from '../graph';
import { ConversionError, type Weights } from '../weights';
import {
	AUDIO_INPUT,
	classifier,
	convBnAct,
	dense,
	maxPool,
	type Activation,
	type AudioShape,
	type Tensor4
} from '../layers';

/**
 * Upstream plan (training/model.py): layer1 strides 3 without pooling, layers 2–10 pool 3, layer11 (k1) does
 * neither; 3^10 = 59049 samples end at length 1. Neither stride nor pooling is in the state_dict.
 */
const PLAN: readonly { stride: number; pool: number }[] = [
	{ stride: 3, pool: 1 },
	...Array.from({ length: 9 }, () => ({ stride: 1, pool: 3 })),
	{ stride: 1, pool: 1 }
];

/** audio [B, samples] → [B, 1, 1, samples]. */
function waveform(g: GraphBuilder, shape: AudioShape): Tensor4 {
	const name = g.node('Unsqueeze', [AUDIO_INPUT, g.int64s('axes:1,2', [1, 2])], 'audio:nchw');
	return { name, channels: 1, height: 1, width: shape.samples };
}

/** Conv1d `conv` ([out, in, k] in the checkpoint, padding k//2) + folded BatchNorm `bn` → activation. */
function conv1d(
	g: GraphBuilder,
	w: Weights,
	x: Tensor4,
	conv: string,
	bn: string,
	activation: Activation,
	stride = 1,
	pool = 1
): Tensor4 {
	const key = `${conv}.weight`;
	const kernelShape = w.shape(key);
	if (kernelShape.length !== 3)
		throw new ConversionError(
			w.modelId,
			key,
			`rank ${kernelShape.length} where a Conv1d [out, in, k] is expected`
		);
	const [outChannels, , k] = kernelShape;
	const convolve = () =>
		convBnAct(g, w, x, conv, bn, [1, k], activation, {
			strides: [1, stride],
			weightShape: [outChannels, x.channels, k],
			...(pool > 1 ? { pool: [1, pool] as [number, number] } : {})
		});
	// int8 error of the waveform models comes mostly from the first blocks after the strided input conv:
	// keeping layers 2–3 float32 costs ~0.3 MB and cut the worst int8 track error from 2.0e-2 to 1.3e-2.
	const y = /^layer[23]\./.test(conv) ? g.float32(convolve) : convolve();
	if (y.width < 1)
		throw new ConversionError(
			w.modelId,
			key,
			`the input is too short: nothing left after pooling by ${pool}`
		);
	return y;
}

/** The network must reduce the chunk to length 1 (upstream squeezes the last axis). */
function requireLength1(w: Weights, x: Tensor4, key: string, shape: AudioShape): void {
	if (x.width !== 1)
		throw new ConversionError(
			w.modelId,
			key,
			`the time length after the last layer is ${x.width}, not 1 (${shape.samples} samples per chunk; the upstream chunk is 59049)`
		);
}

const flatten = (g: GraphBuilder, x: Tensor4): string =>
	g.node('Flatten', [x.name], 'flatten', { axis: { i: 1 } });

export function buildSample(w: Weights, shape: AudioShape): GraphBuilder {
	const g = new GraphBuilder('sample');
	let x = waveform(g, shape);
	PLAN.forEach(({ stride, pool }, index) => {
		const layer = `layer${index + 1}`;
		x = conv1d(g, w, x, `${layer}.conv`, `${layer}.bn`, 'Relu', stride, pool);
	});
	requireLength1(w, x, `layer${PLAN.length}.conv.weight`, shape);
	classifier(g, w, flatten(g, x), 'dense', x.channels, shape.nTags);
	return g;
}

/** A Linear [out, in] applied to [B, in, 1, 1] as a 1×1 Conv (no reshapes around the SE gate). */
function pointwise(g: GraphBuilder, w: Weights, x: string, prefix: string, channels: number): string {
	const weight = w.get(`${prefix}.weight`, [channels, channels]);
	const bias = w.get(`${prefix}.bias`, [channels]);
	return g.node(
		'Conv',
		[
			x,
			g.weight(`${prefix}.weight`, [channels, channels, 1, 1], weight, 0),
			g.weight(`${prefix}.bias`, [channels], bias)
		],
		`${prefix}:out`,
		{ kernel_shape: { ints: [1, 1] } }
	);
}

/**
 * ResSE_1d: y = bn_2(conv_2(relu(bn_1(conv_1(x))))), y · sigmoid(dense2(relu(dense1(mean_t(y))))), plus the
 * skip bn_3(conv_3(x)) where the block has one (stride ≠ 1 or cin ≠ cout) or x, then relu and the pool.
 */
function resSeBlock(
	g: GraphBuilder,
	w: Weights,
	x: Tensor4,
	layer: string,
	stride: number,
	pool: number
): Tensor4 {
	const first = conv1d(g, w, x, `${layer}.conv_1`, `${layer}.bn_1`, 'Relu', stride);
	const y = conv1d(g, w, first, `${layer}.conv_2`, `${layer}.bn_2`, 'None');
	if (y.channels !== first.channels)
		throw new ConversionError(
			w.modelId,
			`${layer}.conv_2.weight`,
			`${y.channels} output channels where conv_1 has ${first.channels}`
		);
	if (y.width !== first.width)
		throw new ConversionError(w.modelId, `${layer}.conv_2.weight`, `even kernel: the length changes`);
	// Squeeze and excitation: a per-channel gate from the mean over time.
	const mean = g.node('GlobalAveragePool', [y.name], `${layer}:se:mean`);
	const hidden = g.node(
		'Relu',
		[pointwise(g, w, mean, `${layer}.dense1`, y.channels)],
		`${layer}.dense1:relu`
	);
	const gate = g.node(
		'Sigmoid',
		[pointwise(g, w, hidden, `${layer}.dense2`, y.channels)],
		`${layer}.dense2:sigmoid`
	);
	const excited = g.node('Mul', [y.name, gate], `${layer}:se`);
	let skip = x;
	if (w.has(`${layer}.conv_3.weight`)) {
		skip = conv1d(g, w, x, `${layer}.conv_3`, `${layer}.bn_3`, 'None', stride);
		if (skip.channels !== y.channels || skip.width !== y.width)
			throw new ConversionError(
				w.modelId,
				`${layer}.conv_3.weight`,
				`the skip gives [${skip.channels}, ${skip.width}] where the block gives [${y.channels}, ${y.width}]`
			);
	} else if (stride !== 1 || x.channels !== y.channels || x.width !== y.width)
		throw new ConversionError(
			w.modelId,
			`${layer}.conv_3.weight`,
			`missing from the checkpoint: the block maps [${x.channels}, ${x.width}] to [${y.channels}, ${y.width}] (stride ${stride}), so its skip needs conv_3/bn_3`
		);
	const sum = g.node('Add', [skip.name, excited], `${layer}:res`);
	const out: Tensor4 = { ...y, name: g.node('Relu', [sum], `${layer}:relu`) };
	if (pool === 1) return out;
	const pooled = maxPool(g, out, [1, pool], `${layer}:pool`);
	if (pooled.width < 1)
		throw new ConversionError(
			w.modelId,
			`${layer}.conv_1.weight`,
			`the input is too short: nothing left after pooling by ${pool}`
		);
	return pooled;
}

export function buildSampleSe(w: Weights, shape: AudioShape): GraphBuilder {
	const g = new GraphBuilder('se');
	let x = waveform(g, shape);
	PLAN.forEach(({ stride, pool }, index) => {
		x = resSeBlock(g, w, x, `layer${index + 1}`, stride, pool);
	});
	requireLength1(w, x, `layer${PLAN.length}.conv_1.weight`, shape);
	const hiddenChannels = w.shape('dense1.weight')[0];
	const hidden = g.node(
		'Relu',
		[dense(g, w, flatten(g, x), 'dense1', x.channels, hiddenChannels, 'bn')],
		'dense1:relu'
	);
	classifier(g, w, hidden, 'dense2', hiddenChannels, shape.nTags);
	return g;
}
