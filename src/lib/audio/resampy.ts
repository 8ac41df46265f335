/**
 * resampy 0.2.2 `kaiser_best` (what librosa 0.7.2 `load(sr=16000)` used to make the sota training data),
 * ported for bit-faithful float32 output: Smith's band-limited interpolation with a windowed-sinc table,
 * 64 zero crossings, 2^9 table points per crossing, linear interpolation between table points.
 *
 * Faithful details (fixtures README step 3):
 * - the table is built like resampy's `sinc_window` in float64: rolloff·sinc(rolloff·t) × the right half of
 *   a symmetric Kaiser window of 2n+1 points; scaled by sr_new/sr_orig when downsampling;
 * - the output time register is accumulated in float64 (`t += sr_orig/sr_new`), not recomputed;
 * - taps are read every int(512·scale) table points (truncated);
 * - the output is float32 and every `y[t] += w·x` is rounded to float32, as numba does on a float32 array;
 * - length floor(N·ratio), then zero-padded to ceil(N·ratio) like librosa's fix_length.
 */
import type { ResampleControl } from './types';

export const kaiserBest = {
	zeroCrossings: 64,
	precision: 9,
	rolloff: 0.9475937167399596,
	beta: 14.769656459379492
} as const;

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for the β used here). */
export function besselI0(x: number): number {
	const q = (x * x) / 4;
	let term = 1;
	let sum = 1;
	for (let k = 1; k < 500; k++) {
		term *= q / (k * k);
		sum += term;
		if (term < sum * 1e-17) break;
	}
	return sum;
}

/** resampy `sinc_window(num_zeros, precision, kaiser(beta), rolloff)`: the right wing, float64. */
export function sincWindow(spec: typeof kaiserBest = kaiserBest): Float64Array {
	const perCrossing = 2 ** spec.precision;
	const n = perCrossing * spec.zeroCrossings;
	const win = new Float64Array(n + 1);
	const i0Beta = besselI0(spec.beta);
	for (let j = 0; j <= n; j++) {
		// np.linspace(0, num_zeros, n + 1): the step is a power of two, so t is exact.
		const t = j / perCrossing;
		const x = Math.PI * (spec.rolloff * t);
		const sinc = j === 0 ? 1 : Math.sin(x) / x;
		// scipy.signal.kaiser(2n+1, beta)[n:]: alpha = n, position (k - alpha)/alpha = j/n.
		const r = j / n;
		const taper = besselI0(spec.beta * Math.sqrt(1 - r ** 2)) / i0Beta;
		win[j] = taper * (spec.rolloff * sinc);
	}
	return win;
}

let cachedWindow: Float64Array | undefined;

/**
 * The interpolation table for one rate pair, laid out for the inner loop: for every start offset o the loop
 * reads win[o + i·step] and delta[o + i·step] for i = 0, 1, …; those pairs are stored contiguously per
 * offset (same float64 values, so results are unchanged, but the loop streams memory instead of striding
 * 185 doubles per tap).
 */
interface ResampyPlan {
	ratio: number;
	scale: number;
	indexStep: number;
	nwin: number;
	/** Per offset: [win, delta] pairs, tap i at 2i. */
	taps: Float64Array[];
}

const plans = new Map<string, ResampyPlan>();

function plan(sourceRate: number, targetRate: number): ResampyPlan {
	const key = `${sourceRate}>${targetRate}`;
	const cached = plans.get(key);
	if (cached) return cached;
	cachedWindow ??= sincWindow();
	const ratio = targetRate / sourceRate;
	const interpWin = ratio < 1 ? cachedWindow.map((w) => w * ratio) : cachedWindow;
	const nwin = interpWin.length;
	const numTable = 2 ** kaiserBest.precision;
	const scale = Math.min(1, ratio);
	const indexStep = Math.trunc(scale * numTable);
	// Offsets are int(frac·512) with frac ≤ scale, so at most int(scale·512) = indexStep.
	const taps: Float64Array[] = [];
	for (let offset = 0; offset <= indexStep; offset++) {
		const count = Math.floor((nwin - offset) / indexStep);
		const pairs = new Float64Array(2 * count);
		for (let i = 0; i < count; i++) {
			const k = offset + i * indexStep;
			pairs[2 * i] = interpWin[k];
			pairs[2 * i + 1] = k + 1 < nwin ? interpWin[k + 1] - interpWin[k] : 0; // interp_delta[-1] = 0
		}
		taps.push(pairs);
	}
	const built = { ratio, scale, indexStep, nwin, taps };
	if (plans.size > 8) plans.clear();
	plans.set(key, built);
	return built;
}

/** Where output t reads the table: the input sample n and, per wing, the offset, eta and tap count. */
interface TapPosition {
	n: number;
	leftTaps: Float64Array;
	leftEta: number;
	leftCount: number;
	rightTaps: Float64Array;
	rightEta: number;
	rightCount: number;
}

function tapPosition(p: ResampyPlan, nIn: number, timeRegister: number, out: TapPosition): void {
	const numTable = 2 ** kaiserBest.precision;
	const n = Math.trunc(timeRegister);
	let frac = p.scale * (timeRegister - n);
	let indexFrac = frac * numTable;
	let offset = Math.trunc(indexFrac);
	out.n = n | 0;
	out.leftTaps = p.taps[offset];
	out.leftEta = indexFrac - offset;
	out.leftCount = Math.min(n + 1, Math.floor((p.nwin - offset) / p.indexStep)) | 0;
	frac = p.scale - frac;
	indexFrac = frac * numTable;
	offset = Math.trunc(indexFrac);
	out.rightTaps = p.taps[offset];
	out.rightEta = indexFrac - offset;
	out.rightCount = Math.min(nIn - n - 1, Math.floor((p.nwin - offset) / p.indexStep)) | 0;
}

const newPosition = (): TapPosition => ({
	n: 0,
	leftTaps: new Float64Array(0),
	leftEta: 0,
	leftCount: 0,
	rightTaps: new Float64Array(0),
	rightEta: 0,
	rightCount: 0
});

/** Continues a float32 accumulation over one wing from tap `from` (left wing reads x[n−i], right x[n+1+i]). */
function wing(
	x: Float32Array,
	acc: number,
	taps: Float64Array,
	eta: number,
	base: number,
	dir: number,
	from: number,
	to: number
): number {
	for (let i = from; i < to; i++)
		acc = Math.fround(acc + (taps[2 * i] + eta * taps[2 * i + 1]) * x[base + dir * i]);
	return acc;
}

/**
 * librosa 0.7.2 `resample(x, sourceRate, targetRate, res_type='kaiser_best')` on a float32 signal.
 * Returns `x` itself when the rates are equal (librosa does not resample then).
 * `range` computes only outputs [from, to) of the ceil(N·ratio) (the time register of `from` is replayed
 * by the same float64 additions), so ranges computed separately (e.g. in two workers) concatenate to the
 * whole, bit for bit.
 *
 * Every output is a strictly sequential float32 sum (as numba computed it), so one output alone is bound by
 * the latency of add + round. Two outputs are therefore summed side by side in one loop: each keeps its
 * own order of additions (bit-identical results), and the CPU overlaps the two dependency chains.
 */
export function resampyKaiserBest(
	x: Float32Array,
	sourceRate: number,
	targetRate: number,
	{ tick, range = { from: 0 } }: ResampleControl = {}
): Float32Array {
	const nIn = x.length;
	const nFixed = resampyLength(nIn, sourceRate, targetRate);
	const from = Math.min(range.from, nFixed);
	const to = Math.max(from, Math.min(range.to ?? nFixed, nFixed));
	if (sourceRate === targetRate) return from === 0 && to === nIn ? x : x.slice(from, to);
	const p = plan(sourceRate, targetRate);
	// resampy computes floor(N·ratio) samples; librosa's fix_length pads with zeros up to ceil(N·ratio).
	// (resampy raises below one output sample; a few zeros are the honest equivalent here.)
	const nResampy = Math.min(Math.floor(nIn * p.ratio), to);
	const y = new Float32Array(to - from);

	const timeIncrement = 1 / p.ratio;
	const a = newPosition();
	const b = newPosition();
	let timeRegister = 0;
	for (let t = 0; t < from; t++) timeRegister += timeIncrement;
	let t = from;
	for (; t + 1 < nResampy; t += 2) {
		if (tick && ((t - from) & 0xffff) === 0) tick((t - from) / (to - from));
		tapPosition(p, nIn, timeRegister, a);
		timeRegister += timeIncrement;
		tapPosition(p, nIn, timeRegister, b);
		timeRegister += timeIncrement;
		let accA = 0;
		let accB = 0;
		// Left wings together as far as both go, then each to its own end.
		const leftA = a.leftTaps,
			leftB = b.leftTaps,
			etaLA = a.leftEta,
			etaLB = b.leftEta,
			nA = a.n,
			nB = b.n;
		const commonLeft = Math.min(a.leftCount, b.leftCount) | 0;
		for (let i = 0; i < commonLeft; i++) {
			accA = Math.fround(accA + (leftA[2 * i] + etaLA * leftA[2 * i + 1]) * x[nA - i]);
			accB = Math.fround(accB + (leftB[2 * i] + etaLB * leftB[2 * i + 1]) * x[nB - i]);
		}
		accA = wing(x, accA, leftA, etaLA, nA, -1, commonLeft, a.leftCount);
		accB = wing(x, accB, leftB, etaLB, nB, -1, commonLeft, b.leftCount);
		// Right wings likewise.
		const rightA = a.rightTaps,
			rightB = b.rightTaps,
			etaRA = a.rightEta,
			etaRB = b.rightEta;
		const commonRight = Math.min(a.rightCount, b.rightCount) | 0;
		for (let i = 0; i < commonRight; i++) {
			accA = Math.fround(accA + (rightA[2 * i] + etaRA * rightA[2 * i + 1]) * x[nA + 1 + i]);
			accB = Math.fround(accB + (rightB[2 * i] + etaRB * rightB[2 * i + 1]) * x[nB + 1 + i]);
		}
		y[t - from] = wing(x, accA, rightA, etaRA, nA + 1, 1, commonRight, a.rightCount);
		y[t + 1 - from] = wing(x, accB, rightB, etaRB, nB + 1, 1, commonRight, b.rightCount);
	}
	for (; t < nResampy; t++) {
		tapPosition(p, nIn, timeRegister, a);
		timeRegister += timeIncrement;
		const left = wing(x, 0, a.leftTaps, a.leftEta, a.n, -1, 0, a.leftCount);
		y[t - from] = wing(x, left, a.rightTaps, a.rightEta, a.n + 1, 1, 0, a.rightCount);
	}
	return y;
}

/** Samples librosa 0.7.2 returns for `n` input samples: ceil(n·ratio) (n when the rates are equal). */
export function resampyLength(n: number, sourceRate: number, targetRate: number): number {
	return sourceRate === targetRate ? n : Math.ceil(n * (targetRate / sourceRate));
}
