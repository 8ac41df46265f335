/**
 * Fast resampy 0.2.2 `kaiser_best`, bit-identical to the reference port `resampyKaiserBest` (resampy.ts):
 * the same table and float64 time register, the same weight win + eta·delta per tap, the same strictly
 * sequential float32 sum per output (left wing from the centre out, then the right wing). Only the order in
 * which outputs are computed changes (polyphase.ts).
 *
 * Why the interpolated taps are not tabulated per output phase: the time register is accumulated in
 * float64 (`t += sr_orig/sr_new`) and, where 1/ratio is not a dyadic number (44.1 or 22.05 → 16 kHz,
 * 44.1 → 12 kHz, …), it drifts from the ideal t·q/p by up to 4e-4 samples over 3 minutes, which moves eta by
 * up to 0.07 table points: every output has its own eta, and tabulated taps would be off by up to ~1e-4.
 * And the reference's float32 rounding of each partial sum is itself up to 1.2e-6 (10 float32 steps) away
 * from a float64 sum of the same products on the loudest fixture clip, above the 1e-6 tolerance, so the
 * float32 chain has to stay (a float64 version measured no faster in V8 anyway).
 *
 * What is faster (≈ 2× in V8): outputs t, t + p, t + 2p, t + 3p of one phase read the same table rows (the
 * drift only moves eta within a row), so they are summed side by side: each row value is loaded once for four
 * outputs, and four independent add-and-round chains overlap in the CPU (the reference sums two outputs with
 * different rows). The table and the block's input share one float64 array, and the hot loops are small leaf
 * functions. With WebAssembly SIMD (dot-kernels.ts, `wingOct`), eight outputs of a phase go together, two per
 * f64x2 in four independent chains, each tap rounded by f32x4.demote / f64x2.promote (= Math.fround): the
 * same bits again, ≈ 2× faster than the four JavaScript chains (the chains' add-and-round latency bounds both).
 */
import { dotKernels } from './dot-kernels';
import { Arena, blockLength, forEachPhase, maxPeriod, outputPeriod, tickBlock } from './polyphase';
import { kaiserBest, resampyKaiserBest, resampyLength, sincWindow } from './resampy';
import type { ResampleControl } from './types';

const numTable = 2 ** kaiserBest.precision;

/** resampy.ts's table: per start offset, its [win, delta] pairs (tap i at 2i), all rows in one array. */
interface Plan {
	ratio: number;
	scale: number;
	pairs: Float64Array;
	/** Per offset: where its row starts in `pairs`. */
	rowStart: Int32Array;
	/** Per offset: taps in its row, floor((nwin − offset) / indexStep). */
	tapCount: Int32Array;
	/** Taps in the longest row (offset 0). */
	maxTaps: number;
}

let window: Float64Array | undefined;
const plans = new Map<string, Plan>();

function plan(sourceRate: number, targetRate: number): Plan {
	const key = `${sourceRate}>${targetRate}`;
	const cached = plans.get(key);
	if (cached) return cached;
	window ??= sincWindow();
	const ratio = targetRate / sourceRate;
	const interpWin = ratio < 1 ? window.map((w) => w * ratio) : window;
	const nwin = interpWin.length;
	const scale = Math.min(1, ratio);
	const indexStep = Math.trunc(scale * numTable);
	// Offsets are int(frac·512) with frac ≤ scale, so at most int(scale·512) = indexStep.
	const rowStart = new Int32Array(indexStep + 1);
	const tapCount = new Int32Array(indexStep + 1);
	let size = 0;
	for (let offset = 0; offset <= indexStep; offset++) {
		rowStart[offset] = size;
		tapCount[offset] = Math.floor((nwin - offset) / indexStep);
		size += 2 * tapCount[offset];
	}
	const pairs = new Float64Array(size);
	for (let offset = 0; offset <= indexStep; offset++)
		for (let i = 0; i < tapCount[offset]; i++) {
			const k = offset + i * indexStep;
			pairs[rowStart[offset] + 2 * i] = interpWin[k];
			pairs[rowStart[offset] + 2 * i + 1] = k + 1 < nwin ? interpWin[k + 1] - interpWin[k] : 0; // interp_delta[-1] = 0
		}
	const built = { ratio, scale, pairs, rowStart, tapCount, maxTaps: tapCount[0] };
	if (plans.size > 8) plans.clear();
	plans.set(key, built);
	return built;
}

/**
 * Four outputs' float32 sums (`acc[0..3]`) continued over `count` taps of one shared table row: tap i adds
 * (arena[row + 2i] + eta·arena[row + 2i + 1]) · arena[k + dir·i] to each, rounded to float32, each output
 * with its own eta and input index. The weight expression is the reference's, so every product and every
 * rounding is the same (float32 inputs widen to float64 exactly).
 */
function wingQuad(
	arena: Float64Array,
	acc: Float64Array,
	row: number,
	etaA: number,
	etaB: number,
	etaC: number,
	etaD: number,
	kA: number,
	kB: number,
	kC: number,
	kD: number,
	dir: number,
	count: number
): void {
	let a = acc[0];
	let b = acc[1];
	let c = acc[2];
	let d = acc[3];
	for (let j = row, end = row + 2 * count; j < end; j += 2) {
		const win = arena[j];
		const delta = arena[j + 1];
		a = Math.fround(a + (win + etaA * delta) * arena[kA]);
		b = Math.fround(b + (win + etaB * delta) * arena[kB]);
		c = Math.fround(c + (win + etaC * delta) * arena[kC]);
		d = Math.fround(d + (win + etaD * delta) * arena[kD]);
		kA = (kA + dir) | 0;
		kB = (kB + dir) | 0;
		kC = (kC + dir) | 0;
		kD = (kD + dir) | 0;
	}
	acc[0] = a;
	acc[1] = b;
	acc[2] = c;
	acc[3] = d;
}

/** One output's float32 sum continued over `count` taps of one wing. */
function wing(
	arena: Float64Array,
	acc: number,
	row: number,
	eta: number,
	k: number,
	dir: number,
	count: number
): number {
	for (let j = row, end = row + 2 * count; j < end; j += 2) {
		acc = Math.fround(acc + (arena[j] + eta * arena[j + 1]) * arena[k]);
		k = (k + dir) | 0;
	}
	return acc;
}

/** Where the outputs of one block read the table and the input (resampy.ts tapPosition, per output). */
class Block {
	readonly n: Int32Array;
	readonly leftRow: Int32Array;
	readonly leftEta: Float64Array;
	readonly leftCount: Int32Array;
	readonly rightRow: Int32Array;
	readonly rightEta: Float64Array;
	readonly rightCount: Int32Array;

	constructor(size: number) {
		this.n = new Int32Array(size);
		this.leftRow = new Int32Array(size);
		this.leftEta = new Float64Array(size);
		this.leftCount = new Int32Array(size);
		this.rightRow = new Int32Array(size);
		this.rightEta = new Float64Array(size);
		this.rightCount = new Int32Array(size);
	}

	/**
	 * Positions of `count` outputs from the time register, with the reference's float64 operations; returns
	 * the register after them.
	 */
	fill(p: Plan, nIn: number, timeRegister: number, timeIncrement: number, count: number): number {
		for (let i = 0; i < count; i++) {
			const n = Math.trunc(timeRegister);
			let frac = p.scale * (timeRegister - n);
			let indexFrac = frac * numTable;
			let offset = Math.trunc(indexFrac);
			this.n[i] = n;
			this.leftRow[i] = p.rowStart[offset];
			this.leftEta[i] = indexFrac - offset;
			this.leftCount[i] = Math.min(n + 1, p.tapCount[offset]);
			frac = p.scale - frac;
			indexFrac = frac * numTable;
			offset = Math.trunc(indexFrac);
			this.rightRow[i] = p.rowStart[offset];
			this.rightEta[i] = indexFrac - offset;
			this.rightCount[i] = Math.max(0, Math.min(nIn - n - 1, p.tapCount[offset]));
			timeRegister += timeIncrement;
		}
		return timeRegister;
	}

	/** Whether outputs i, i + s, …, i + (group − 1)·s read the same rows with the same tap counts. */
	sameRows(i: number, s: number, group: number): boolean {
		const { leftRow, rightRow, leftCount, rightCount } = this;
		for (let k = i + s; k < i + group * s; k += s)
			if (
				leftRow[k] !== leftRow[i] ||
				rightRow[k] !== rightRow[i] ||
				leftCount[k] !== leftCount[i] ||
				rightCount[k] !== rightCount[i]
			)
				return false;
		return true;
	}
}

/**
 * Same contract and output as `resampyKaiserBest` (resampy.ts), bit for bit: ceil(N·ratio) samples (the
 * last one the zero librosa's fix_length appends when N·ratio is not whole), `x` itself when the rates are
 * equal, `range` with the time register replayed, `tick` every 2^16 outputs. Rates whose output period
 * exceeds `maxPeriod` go to the reference itself.
 */
export function resampyKaiserBestFast(
	x: Float32Array,
	sourceRate: number,
	targetRate: number,
	control: ResampleControl = {}
): Float32Array {
	const period = outputPeriod(sourceRate, targetRate);
	if (sourceRate === targetRate || period > maxPeriod)
		return resampyKaiserBest(x, sourceRate, targetRate, control);
	const { tick, range = { from: 0 } } = control;
	const nIn = x.length;
	const nFixed = resampyLength(nIn, sourceRate, targetRate);
	const from = Math.min(range.from, nFixed);
	const to = Math.max(from, Math.min(range.to ?? nFixed, nFixed));
	const p = plan(sourceRate, targetRate);
	// resampy computes floor(N·ratio) samples; librosa's fix_length pads with zeros up to ceil(N·ratio).
	const nResampy = Math.min(Math.floor(nIn * p.ratio), to);
	const y = new Float32Array(to - from);
	const timeIncrement = 1 / p.ratio;
	let timeRegister = 0;
	for (let t = 0; t < from; t++) timeRegister += timeIncrement;

	const size = blockLength(period);
	const block = new Block(size);
	const span = Math.ceil(size * timeIncrement) + 2 * p.maxTaps + 4;
	const kernels = dotKernels(p.pairs.length + span, { simd: control.simd });
	const arena = new Arena(p.pairs.length, span, kernels.data);
	const data = arena.data;
	data.set(p.pairs);
	const acc = new Float64Array(4);
	let base = 0; // the block's first output, relative to `from`
	let shift = 0;
	const single = (i: number): void => {
		const n = block.n[i] + shift;
		const left = wing(data, 0, block.leftRow[i], block.leftEta[i], n, -1, block.leftCount[i]);
		y[base + i] = wing(data, left, block.rightRow[i], block.rightEta[i], n + 1, 1, block.rightCount[i]);
	};
	const quad = (i: number): boolean => {
		const s = period;
		if (!block.sameRows(i, s, 4)) return false;
		const { n, leftEta, rightEta } = block;
		const nA = n[i] + shift,
			nB = n[i + s] + shift,
			nC = n[i + 2 * s] + shift,
			nD = n[i + 3 * s] + shift;
		acc.fill(0);
		wingQuad(
			data,
			acc,
			block.leftRow[i],
			leftEta[i],
			leftEta[i + s],
			leftEta[i + 2 * s],
			leftEta[i + 3 * s],
			nA,
			nB,
			nC,
			nD,
			-1,
			block.leftCount[i]
		);
		wingQuad(
			data,
			acc,
			block.rightRow[i],
			rightEta[i],
			rightEta[i + s],
			rightEta[i + 2 * s],
			rightEta[i + 3 * s],
			nA + 1,
			nB + 1,
			nC + 1,
			nD + 1,
			1,
			block.rightCount[i]
		);
		for (let k = 0; k < 4; k++) y[base + i + k * s] = acc[k];
		return true;
	};
	const { wingOct, sums, etas, inputs } = kernels;
	/** Eight outputs of one phase in the SIMD kernel (both wings), or as two quads where their rows differ. */
	const oct = (i: number): void => {
		const s = period;
		if (!wingOct || !block.sameRows(i, s, 8)) {
			for (const at of [i, i + 4 * s]) if (!quad(at)) for (let k = 0; k < 4; k++) single(at + k * s);
			return;
		}
		const { n, leftEta, rightEta } = block;
		sums.fill(0);
		for (let m = 0; m < 8; m++) {
			etas[m] = leftEta[i + m * s];
			inputs[m] = n[i + m * s] + shift;
		}
		wingOct(block.leftRow[i], -1, block.leftCount[i]);
		for (let m = 0; m < 8; m++) {
			etas[m] = rightEta[i + m * s];
			inputs[m] = n[i + m * s] + shift + 1;
		}
		wingOct(block.rightRow[i], 1, block.rightCount[i]);
		for (let m = 0; m < 8; m++) y[base + i + m * s] = sums[m];
	};
	for (let t0 = from; t0 < nResampy; t0 += size) {
		const count = Math.min(size, nResampy - t0);
		base = t0 - from;
		tickBlock(tick, base, base + count, to - from);
		timeRegister = block.fill(p, nIn, timeRegister, timeIncrement, count);
		// The inputs the block reads: from its first output's farthest left tap to its last one's farthest right.
		shift = arena.load(
			x,
			Math.max(0, block.n[0] - p.maxTaps + 1),
			Math.min(nIn, block.n[count - 1] + p.maxTaps + 1)
		);
		forEachPhase(count, period, quad, single, wingOct && oct);
	}
	return y;
}
