/**
 * Musicnn (sota, Pons 2017): spec_bn; front end of vertical (timbre) convs max-pooled over frequency and
 * horizontal (temporal) convs on the frequency mean; back end of 1-D convs with residual sums; global max +
 * mean pooling over time; linear → BN → ReLU → linear, sigmoid.
 */
import { GraphBuilder } from '../graph';
import { ConversionError, type Weights } from '../weights';
import { classifier, convBnAct, dense, inputBatchNorm, type MelShape, type Tensor4 } from '../layers';

export function buildMusicnn(w: Weights, shape: MelShape): GraphBuilder {
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
