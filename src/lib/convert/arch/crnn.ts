/** CRNN (sota, Choi 2017): spec_bn, 4 × [conv3×3 → BN → ReLU → maxpool], 2-layer GRU, last step, linear, sigmoid. */
import { GraphBuilder } from '../graph';
import { ConversionError, type Weights } from '../weights';
import { classifier, convBnAct, inputBatchNorm, requireUnit, type MelShape } from '../layers';

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

export function buildCrnn(w: Weights, shape: MelShape): GraphBuilder {
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
