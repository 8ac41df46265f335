/**
 * CNNSA (sota `attention`, Won et al. 2019): spec_bn; 7 residual blocks (layer1..3 stride 2, layer4..7 stride
 * (2, 1)) that shrink the mel map to 1 × T'; the sequence [B, T', C] with a constant [CLS] row prepended; a
 * BERT-style encoder (no position embeddings, no mask; GELU with erf; LayerNorm eps 1e-12); the pooler
 * tanh(dense(h[:, 0])); linear; sigmoid.
 *
 * The encoder runs on the tokens flattened to [B·(T'+1), C], so every linear layer is a Gemm with transB
 * (weights [out, in] as stored, int8 per output row like the other builders); only the attention itself
 * reshapes to [B, heads, T'+1, headSize].
 *
 * int8: weight rounding adds up over the 14 convolutions and the encoder. On the random-weight oracle
 * (byo/attention-seed1) each of layer1, layer2, layer7, the encoder and the head, alone in int8, moves the
 * sigmoid outputs by up to 1–2e-2, and all of them together by up to 2.5e-2 on chunk 0 of the public clips
 * (4.1e-2 over all 48 chunks). layer1 and layer2 (the largest maps, 1.8 MB in float32) and the pooler +
 * classifier (0.3 MB) therefore stay float32: 1.3e-2 on chunk 0 (3.5e-2 over the 48 chunks) for +2 MB;
 * layer3..7 and the encoder are int8.
 */
import { GraphBuilder } from '../graph';
import { ConversionError, type Weights } from '../weights';
import { classifier, dense, inputBatchNorm, requireUnit, type MelShape } from '../layers';
import { CNNSA_CLS_WIDTH, cnnsaCls } from './cnnsa-cls';
import { residualBlock } from './short-chunk';

/** Residual blocks (layer1..N) whose weights stay float32 in the int8 variant (see above). */
const FLOAT32_BLOCKS = 2;

/** Upstream BertConfig of CNNSA: 8 heads (not visible in the state_dict), LayerNorm eps 1e-12. */
const HEADS = 8;
const LN_EPS = 1e-12;

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
	// gelu(x) = x · 0.5 · (1 + erf(x / √2)), as upstream.
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
	for (let n = 1; n <= 7; n++) {
		const input = x;
		const block = () => residualBlock(g, w, input, `layer${n}`, n <= 3 ? [2, 2] : [2, 1]);
		x = n <= FLOAT32_BLOCKS ? g.float32(block) : block();
	}
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

	for (let n = 0; w.has(`encoder.layer.${n}.attention.self.query.weight`); n++)
		h = encoderLayer(g, w, h, `encoder.layer.${n}`, tokens, hidden);

	// Pooler on the [CLS] position of the last layer: tanh(dense(h[:, 0])).
	const unflat = g.node('Reshape', [h, g.int64s('tokens:unflat', [-1, tokens, hidden])], 'encoder:out');
	const first = g.node('Gather', [unflat, g.int64s('cls:index', [0])], 'encoder:cls', { axis: { i: 1 } });
	const clsOut = g.node('Reshape', [first, 'tokens:flat'], 'encoder:cls:flat');
	// The pooler and the classifier feed the sigmoid directly: float32 in both variants.
	g.float32(() => {
		const pooled = g.node('Tanh', [dense(g, w, clsOut, 'pooler.dense', hidden, hidden)], 'pooler');
		classifier(g, w, pooled, 'dense', hidden, shape.nTags);
	});
	return g;
}
