/**
 * FCN (sota, Choi 2016: spec_bn, 5 × [conv3×3 → BN → ReLU → maxpool], linear, sigmoid) and the MTG-Jamendo
 * VGG-ish baseline (bn_init, 5 × [conv3×3 → BN → ELU → maxpool], linear, sigmoid).
 */
import { GraphBuilder } from '../graph';
import type { Weights } from '../weights';
import { classifier, convBnAct, inputBatchNorm, requireUnit, type MelShape } from '../layers';

/** FCN and the MTG VGG-ish baseline: 5 conv blocks that pool the whole mel down to 1×1, then a linear layer. */
export function buildConvStack(w: Weights, shape: MelShape, arch: 'fcn' | 'vggish'): GraphBuilder {
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
