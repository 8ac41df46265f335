/**
 * Strict access to a state_dict for the graph builders (like load_state_dict(strict=True): every key
 * must be read with the expected shape, and none may be left over), plus eval-mode BatchNorm folding.
 */
import { toFloat32, type StateDict } from './torch-checkpoint';

/** A conversion failure that names the model and, where there is one, the state_dict key. */
export class ConversionError extends Error {
	constructor(
		readonly modelId: string,
		readonly key: string | undefined,
		detail: string
	) {
		super(`${modelId}: ${key ? `${key}: ` : ''}${detail}`);
		this.name = 'ConversionError';
	}
}

/** PyTorch BatchNorm default epsilon (all upstream models use it). */
export const BN_EPS = 1e-5;

export interface Affine {
	/** Per-channel multiplier and offset: y = x * scale + shift. */
	scale: Float64Array;
	shift: Float64Array;
}

export class Weights {
	private readonly used = new Set<string>();

	constructor(
		private readonly stateDict: StateDict,
		readonly modelId: string
	) {}

	has(key: string): boolean {
		return this.stateDict.has(key);
	}

	shape(key: string): number[] {
		const tensor = this.stateDict.get(key);
		if (!tensor) throw new ConversionError(this.modelId, key, 'missing from the checkpoint');
		return tensor.shape;
	}

	/** Float32 values of `key`, which must have exactly `shape`. */
	get(key: string, shape: number[]): Float32Array {
		const tensor = this.stateDict.get(key);
		if (!tensor) throw new ConversionError(this.modelId, key, 'missing from the checkpoint');
		if (tensor.shape.length !== shape.length || tensor.shape.some((d, i) => d !== shape[i]))
			throw new ConversionError(this.modelId, key, `shape [${tensor.shape}] where [${shape}] is expected`);
		let values: Float32Array;
		try {
			values = toFloat32(tensor);
		} catch (error) {
			throw new ConversionError(this.modelId, key, (error as Error).message);
		}
		for (const v of values)
			if (!Number.isFinite(v)) throw new ConversionError(this.modelId, key, 'holds NaN or Inf');
		this.used.add(key);
		return values;
	}

	/** Marks a key as known without reading it (e.g. num_batches_tracked, absent in very old checkpoints). */
	ignore(key: string): void {
		this.used.add(key);
	}

	/** Eval-mode BatchNorm(prefix) with `channels` channels as a per-channel affine map. */
	batchNorm(prefix: string, channels: number): Affine {
		const gamma = this.get(`${prefix}.weight`, [channels]);
		const beta = this.get(`${prefix}.bias`, [channels]);
		const mean = this.get(`${prefix}.running_mean`, [channels]);
		const variance = this.get(`${prefix}.running_var`, [channels]);
		this.ignore(`${prefix}.num_batches_tracked`);
		const scale = new Float64Array(channels);
		const shift = new Float64Array(channels);
		for (let c = 0; c < channels; c++) {
			// Same float32 arithmetic order as torch's eval batch_norm: (x - mean) * (gamma / sqrt(var + eps)) + beta.
			scale[c] = Math.fround(gamma[c] / Math.fround(Math.sqrt(Math.fround(variance[c] + BN_EPS))));
			shift[c] = beta[c] - mean[c] * scale[c];
		}
		return { scale, shift };
	}

	/** Fails when the checkpoint holds keys no builder read (a different architecture or variant). */
	assertAllUsed(): void {
		const unused = [...this.stateDict.keys()].filter((k) => !this.used.has(k));
		if (unused.length)
			throw new ConversionError(
				this.modelId,
				unused[0],
				`unexpected key (${unused.length} unused: ${unused.slice(0, 5).join(', ')})`
			);
	}
}

/**
 * Folds an eval-mode BatchNorm that directly follows a conv/linear layer into it (exact up to float
 * rounding): W'[o] = W[o] * scale[o], b'[o] = b[o] * scale[o] + shift[o]. Weight layout: output channel first.
 */
export function foldBatchNorm(
	weight: Float32Array,
	bias: Float32Array,
	bn: Affine
): { weight: Float32Array; bias: Float32Array } {
	const outChannels = bias.length;
	const perChannel = weight.length / outChannels;
	const folded = new Float32Array(weight.length);
	const foldedBias = new Float32Array(outChannels);
	for (let o = 0; o < outChannels; o++) {
		for (let i = 0; i < perChannel; i++)
			folded[o * perChannel + i] = weight[o * perChannel + i] * bn.scale[o];
		foldedBias[o] = bias[o] * bn.scale[o] + bn.shift[o];
	}
	return { weight: folded, bias: foldedBias };
}
