/**
 * CNNSA (sota `attention`, Won et al. 2019): spec_bn; 7 residual blocks (layer1..3 stride 2, layer4..7 stride
 * (2, 1)) that shrink the mel map to 1 × T'; the sequence [B, T', C] with a constant [CLS] row prepended; a
 * BERT-style encoder (no position embeddings, no mask; GELU with erf; LayerNorm eps 1e-12); the pooler
 * tanh(dense(h[:, 0])); linear; sigmoid.
 *
 * The encoder runs on the tokens flattened to [B·(T'+1), C], so every linear layer is a Gemm with transB
 * (weights [out, in] as stored, int8 per output row like the other builders); only the attention itself
 * reshapes to [B, heads, T'+1, headSize].
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
import { CNNSA_CLS_WIDTH, cnnsaCls } from './cnnsa-cls';

/** Upstream BertConfig of CNNSA: 8 heads (not visible in the state_dict), LayerNorm eps 1e-12. */
const HEADS = 8;
const LN_EPS = 1e-12;

/** Upstream Res_2d: relu(bn_3(conv_3(x)) + bn_2(conv_2(relu(bn_1(conv_1(x)))))), conv_1/conv_3 strided. */
function residualBlock(
	g: GraphBuilder,
	w: Weights,
	x: Tensor4,
	prefix: string,
	strides: [number, number]
): Tensor4 {
	const y1 = convBnAct(g, w, x, `${prefix}.conv_1`, `${prefix}.bn_1`, [3, 3], 'Relu', { strides });
	const y2 = convBnAct(g, w, y1, `${prefix}.conv_2`, `${prefix}.bn_2`, [3, 3], 'None');
	let skip = x;
	if (w.has(`${prefix}.conv_3.weight`))
		skip = convBnAct(g, w, x, `${prefix}.conv_3`, `${prefix}.bn_3`, [3, 3], 'None', { strides });
	else if (strides[0] !== 1 || strides[1] !== 1 || x.channels !== y2.channels)
		throw new ConversionError(w.modelId, `${prefix}.conv_3.weight`, 'missing from the checkpoint');
	if (skip.height !== y2.height || skip.width !== y2.width || skip.channels !== y2.channels)
		throw new ConversionError(
			w.modelId,
			`${prefix}.conv_3.weight`,
			'the shortcut and the block disagree in shape'
		);
	const sum = g.node('Add', [skip.name, y2.name], `${prefix}:sum`);
	return { ...y2, name: g.node('Relu', [sum], `${prefix}:out`) };
}

/** LayerNormalization (opset 17) over the last axis of [N, C]. */
function layerNorm(g: GraphBuilder, w: Weights, x: string, prefix: string, channels: number): string {
	const gamma = g.weight(`${prefix}.weight`, [channels], w.get(`${prefix}.weight`, [channels]));
	const beta = g.weight(`${prefix}.bias`, [channels], w.get(`${prefix}.bias`, [channels]));
	return g.node('LayerNormalization', [x, gamma, beta], `${prefix}:out`, {
		axis: { i: -1 },
		epsilon: { f: LN_EPS }
	});
}

/** One BertLayer on the flattened tokens h [B·T, C]; returns h' [B·T, C]. */
function encoderLayer(
	g: GraphBuilder,
	w: Weights,
	h: string,
	prefix: string,
	tokens: number,
	hidden: number
): string {
	const headSize = hidden / HEADS;
	const intermediate = w.shape(`${prefix}.intermediate.dense.weight`)[0];
	const heads = (name: string, perm: number[]) => {
		const y = dense(g, w, h, `${prefix}.attention.self.${name}`, hidden, hidden);
		const split = g.node('Reshape', [y, `${prefix}:heads:shape`], `${prefix}:${name}:split`);
		return g.node('Transpose', [split], `${prefix}:${name}:heads`, { perm: { ints: perm } });
	};
	g.int64s(`${prefix}:heads:shape`, [-1, tokens, HEADS, headSize]);
	const q = heads('query', [0, 2, 1, 3]); // [B, heads, T, d]
	const k = heads('key', [0, 2, 3, 1]); // [B, heads, d, T]
	const v = heads('value', [0, 2, 1, 3]); // [B, heads, T, d]
	const scores = g.node('MatMul', [q, k], `${prefix}:scores`);
	const scaled = g.node(
		'Div',
		[scores, g.scalar(`${prefix}:sqrt-d`, Math.sqrt(headSize))],
		`${prefix}:scaled`
	);
	const probs = g.node('Softmax', [scaled], `${prefix}:probs`, { axis: { i: -1 } });
	const context = g.node('MatMul', [probs, v], `${prefix}:context`);
	const merged = g.node('Transpose', [context], `${prefix}:context:tokens`, { perm: { ints: [0, 2, 1, 3] } });
	const flat = g.node(
		'Reshape',
		[merged, g.int64s(`${prefix}:flat`, [-1, hidden])],
		`${prefix}:context:flat`
	);
	const projected = dense(g, w, flat, `${prefix}.attention.output.dense`, hidden, hidden);
	const residual = g.node('Add', [projected, h], `${prefix}:attention:sum`);
	const a = layerNorm(g, w, residual, `${prefix}.attention.output.LayerNorm`, hidden);
	// gelu(x) = x · 0.5 · (1 + erf(x / √2)), as upstream (onnxruntime fuses the pattern into one kernel).
	const i = dense(g, w, a, `${prefix}.intermediate.dense`, hidden, intermediate);
	const erf = g.node(
		'Erf',
		[g.node('Div', [i, g.scalar(`${prefix}:sqrt2`, Math.SQRT2)], `${prefix}:gelu:div`)],
		`${prefix}:gelu:erf`
	);
	const onePlus = g.node('Add', [erf, g.scalar(`${prefix}:one`, 1)], `${prefix}:gelu:add`);
	const half = g.node('Mul', [i, g.scalar(`${prefix}:half`, 0.5)], `${prefix}:gelu:half`);
	const gelu = g.node('Mul', [half, onePlus], `${prefix}:gelu`);
	const out = dense(g, w, gelu, `${prefix}.output.dense`, intermediate, hidden);
	const sum = g.node('Add', [out, a], `${prefix}:output:sum`);
	return layerNorm(g, w, sum, `${prefix}.output.LayerNorm`, hidden);
}

export function buildCnnsa(w: Weights, shape: MelShape): GraphBuilder {
	const g = new GraphBuilder('cnnsa');
	let x = inputBatchNorm(g, w, 'spec_bn', shape);
	for (let n = 1; n <= 7; n++) x = residualBlock(g, w, x, `layer${n}`, n <= 3 ? [2, 2] : [2, 1]);
	if (w.has('layer8.conv_1.weight'))
		throw new ConversionError(w.modelId, 'layer8.conv_1.weight', 'unexpected eighth residual block');
	requireUnit(w, x, 'encoder.layer.0.attention.self.query.weight', 'encoder input', ['height']);
	const hidden = w.shape('encoder.layer.0.attention.self.query.weight')[0];
	if (hidden !== x.channels || hidden !== CNNSA_CLS_WIDTH || hidden % HEADS !== 0)
		throw new ConversionError(
			w.modelId,
			'encoder.layer.0.attention.self.query.weight',
			`hidden size ${hidden}: the CNN gives ${x.channels} channels and the [CLS] row has ${CNNSA_CLS_WIDTH}`
		);
	const tokens = x.width + 1;

	// [B, C, 1, T'] → [B, T', C], then the [CLS] row (broadcast to the batch) in front: [B, T'+1, C].
	const squeezed = g.node('Squeeze', [x.name, g.int64s('axes:2', [2])], 'cnn:bct');
	const sequence = g.node('Transpose', [squeezed], 'cnn:btc', { perm: { ints: [0, 2, 1] } });
	const batch = g.node('Shape', [sequence], 'cnn:batch', { start: { i: 0 }, end: { i: 1 } });
	const clsShape = g.node('Concat', [batch, g.int64s('cls:row', [1, hidden])], 'cls:shape', {
		axis: { i: 0 }
	});
	const cls = g.node('Expand', [g.weight('cls', [1, 1, hidden], cnnsaCls()), clsShape], 'cls:batch');
	const withCls = g.node('Concat', [cls, sequence], 'encoder:in', { axis: { i: 1 } });
	let h = g.node('Reshape', [withCls, g.int64s('tokens:flat', [-1, hidden])], 'encoder:in:flat');

	let layers = 0;
	for (; w.has(`encoder.layer.${layers}.attention.self.query.weight`); layers++)
		h = encoderLayer(g, w, h, `encoder.layer.${layers}`, tokens, hidden);

	// Pooler on the [CLS] position of the last layer: tanh(dense(h[:, 0])).
	const unflat = g.node('Reshape', [h, g.int64s('tokens:unflat', [-1, tokens, hidden])], 'encoder:out');
	const first = g.node('Gather', [unflat, g.int64s('cls:index', [0])], 'encoder:cls', { axis: { i: 1 } });
	const clsOut = g.node('Reshape', [first, 'tokens:flat'], 'encoder:cls:flat');
	const pooled = g.node('Tanh', [dense(g, w, clsOut, 'pooler.dense', hidden, hidden)], 'pooler');
	classifier(g, w, pooled, 'dense', hidden, shape.nTags);
	return g;
}
