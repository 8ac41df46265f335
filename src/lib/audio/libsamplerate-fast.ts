/**
 * Fast libsamplerate SINC_MEDIUM (Essentia 2019 blocks): the same positions and the same filter as the
 * reference port `libsamplerateMedium` (libsamplerate.ts), evaluated as dot products with precomputed taps.
 *
 * The reference's input position is replayed exactly (float32 ratio, float64 `fmod_one` steps, the
 * end-of-input rule of the 4096-frame blocks), so the output length and every output's position are the
 * same. An output at input sample `current` with start filter index s (12-bit fixed point) weighs its input
 * x[current − KL … current + 1 + KR] with the linearly interpolated table at positions s + k·inc (left)
 * and inc − s + k·inc (right). Because the float32 ratio is not exactly p/q, s drifts from one period to the
 * next (44.1 → 12 kHz: by ≈ 3 units per period; every output of a 3-minute track has its own s), so the taps
 * cannot simply be tabulated per phase. But each tap is linear in s while its position stays in one table
 * cell: a kernel built at s0 gives the taps at s as W0 + (s − s0)·D, exactly in real arithmetic, plus a
 * correction for the few taps that have moved into the next cell (their new cell's line, precomputed).
 * Outputs t, t + p, t + 2p, t + 3p of one phase share a kernel and are summed together (polyphase.ts).
 *
 * Sums are float64 in another order than the reference's, so an output could differ from it by one float32
 * rounding (≈ 6e-8 at full scale; measured: never, on the fixtures and the tests' signals). Which kernel
 * serves an output depends only on its s (Kernels), so a range is bit-identical to that slice of the whole.
 */
import { dotKernels } from './dot-kernels';
import { midQualLength } from './generated/libsamplerate-mid-qual';
import {
	Cursor,
	converter,
	type Converter,
	fpMask,
	fpOne,
	libsamplerateMedium,
	lrint,
	midQualityTable,
	shiftBits
} from './libsamplerate';
import { Arena, blockLength, forEachPhase, maxPeriod, outputPeriod, tickBlock } from './polyphase';
import type { ResampleControl } from './types';

/** Kernel anchors lie on a grid of this many filter-index units (and on the grid shifted by half). */
const anchorStep = 1024;
/** Histogram bins of the correction limits: 2^binBits filter-index units each. */
const binBits = 6;
/** Kernel storage beyond which the exact port is used (period × taps, float64 values). */
const maxKernelValues = 1 << 19;

let cells: Float32Array | undefined;

/**
 * libsamplerate.ts's [coefficient, difference] pairs as float32 (which they are: the table is float32 and
 * the difference is rounded to float32), half the size for the kernel builds' scattered reads.
 */
function cellTable(): Float32Array {
	return (cells ??= Float32Array.from(midQualityTable().pairs));
}

/**
 * The kernels. A kernel built at start filter index s0 covers the window x[current − KL … current + 1 + KR]:
 * tap j ≤ KL is the left wing's k = KL − j (filter position s + k·inc, moving with s), tap j > KL the right
 * wing's k = j − KL − 1 (position inc − s + k·inc, moving against s). Its W0 and D rows live in the arena,
 * the rest here. Each tap is exact on its table cell's line; for the taps that leave their cell first on
 * either side of s0, the line of the cell they enter is kept as a correction (cW + delta·cD).
 *
 * Which kernel serves an output depends only on its s (so any output range gives the same bits as the
 * whole): per phase there are two slots, for anchors on a grid of `anchorStep` and on the grid shifted by
 * half a step (each clamped to the s interval with the same tap counts); an output uses the first whose
 * kernel covers it, else a kernel built at its own s.
 */
class Kernels {
	readonly stride: number;
	/** Corrections listed per side and kernel. */
	readonly corrections: number;
	/** Per slot: built at this start filter index (−1: not built). */
	readonly s0: Int32Array;
	readonly left: Int32Array;
	readonly len: Int32Array;
	/** Per slot: usable for delta = s − s0 in [lower, upper]. */
	readonly lower: Int32Array;
	readonly upper: Int32Array;
	/**
	 * Per side (up: delta > 0, down: delta < 0) and slot, `count` corrections in the order the taps leave
	 * their cells: tap `tap[m]` needs its correction once |delta| > `limit[m]`.
	 */
	readonly up: Corrections;
	readonly down: Corrections;
	private readonly position: Int32Array;
	private readonly limits: Int32Array;
	private readonly histogram = new Int32Array(fpOne >> binBits);

	/** `slots` kernels (2 per phase and a spare) of up to `maxLen` taps for converter `c`. */
	constructor(
		readonly c: Converter,
		readonly table: Float32Array,
		readonly slots: number,
		readonly maxLen: number
	) {
		this.stride = 2 * maxLen;
		// Enough to cover anchorStep / 2 on either side, with a margin, where the taps' limits are spread
		// evenly over a cell (most rates); where they cluster, kernels cover less and the spare slot serves more.
		this.corrections = Math.ceil((maxLen * anchorStep * 0.75) / fpOne) + 8;
		this.s0 = new Int32Array(slots).fill(-1);
		this.left = new Int32Array(slots);
		this.len = new Int32Array(slots);
		this.lower = new Int32Array(slots);
		this.upper = new Int32Array(slots);
		this.up = new Corrections(slots, this.corrections);
		this.down = new Corrections(slots, this.corrections);
		this.position = new Int32Array(maxLen);
		this.limits = new Int32Array(maxLen);
	}

	/**
	 * The slot whose kernel serves start filter index s for phase r, building what it needs (or, with
	 * `build` false, −1 where that would need a build): the grid anchor's kernel if it covers s, else the
	 * shifted grid's, else the spare slot built at s itself.
	 */
	slotFor(r: number, s: number, arena: Float64Array, build = true): number {
		const { c } = this;
		const inc = c.increment;
		const maxFI = c.maxFilterIndex;
		// The s interval with s's tap counts (libsamplerate.ts: coeffCount per wing); s ≤ inc.
		const left = Math.trunc((maxFI - s) / inc);
		const right = Math.trunc((maxFI - (inc - s)) / inc);
		const lo = Math.max(0, maxFI - (left + 1) * inc + 1, inc - maxFI + right * inc);
		const hi = Math.min(inc, maxFI - left * inc, inc - maxFI + (right + 1) * inc - 1);
		for (let grid = 0; grid < 2; grid++) {
			const anchor =
				grid === 0
					? anchorStep * Math.round(s / anchorStep)
					: anchorStep * Math.floor(s / anchorStep) + anchorStep / 2;
			const slot = 2 * r + grid;
			const s0 = Math.min(hi, Math.max(lo, anchor));
			if (this.s0[slot] !== s0) {
				if (!build) return -1;
				this.build(slot, s0, arena);
			}
			if (s - s0 >= this.lower[slot] && s - s0 <= this.upper[slot]) return slot;
		}
		const spare = this.slots - 1;
		if (this.s0[spare] !== s) {
			if (!build) return -1;
			this.build(spare, s, arena);
		}
		return spare;
	}

	/** Builds the kernel of `slot` at start filter index s (0 ≤ s ≤ inc) into its arena rows. */
	private build(slot: number, s: number, arena: Float64Array): void {
		const { c, table, position, limits } = this;
		const inc = c.increment;
		const maxFI = c.maxFilterIndex;
		const left = Math.trunc((maxFI - s) / inc);
		const fr = inc - s;
		const right = Math.trunc((maxFI - fr) / inc);
		const len = left + right + 2;
		const row = slot * this.stride;
		// delta range over which the tap counts stay, and s ≤ inc. (At s = inc the reference's left wing also
		// takes position 0 at current + 1, where its right wing stops: the same tap as the right wing's k = 0.)
		let lower = Math.max(-s, maxFI - (left + 1) * inc + 1 - s, fr - (maxFI - right * inc));
		let upper = Math.min(inc - s, maxFI - left * inc - s, fr - maxFI + (right + 1) * inc - 1);
		for (let j = 0; j < len; j++) {
			const at = j <= left ? s + (left - j) * inc : fr + (j - left - 1) * inc;
			const cell = (at >> shiftBits) << 1;
			position[j] = at;
			// The reference's interpolation: coeff + (fraction / 4096)·diff.
			arena[row + j] = table[cell] + (at & fpMask) * (1 / fpOne) * table[cell + 1];
			arena[row + len + j] = (j <= left ? 1 : -1) * table[cell + 1] * (1 / fpOne);
		}
		// How far delta may go up before a tap leaves its cell: a left tap moves up with s, a right one down.
		for (let j = 0; j < len; j++) {
			const fraction = position[j] & fpMask;
			limits[j] = j <= left ? fpMask - fraction : fraction;
		}
		upper = Math.min(upper, this.list(this.up, slot, len, left, 1, arena));
		for (let j = 0; j < len; j++) limits[j] = fpMask - limits[j];
		lower = Math.max(lower, -this.list(this.down, slot, len, left, -1, arena));
		this.s0[slot] = s;
		this.left[slot] = left;
		this.len[slot] = len;
		this.lower[slot] = lower;
		this.upper[slot] = upper;
	}

	/**
	 * Lists the kernel's taps with the lowest `limits` (at most `corrections`, chosen by a histogram of the
	 * limits in 2^binBits-unit bins, then sorted), each with the line of the cell it enters beyond its limit
	 * on side `side` (+1 up, −1 down); returns the bound up to which the list holds every tap that can have
	 * left its cell.
	 */
	private list(
		list: Corrections,
		slot: number,
		len: number,
		left: number,
		side: number,
		arena: Float64Array
	): number {
		const { limits, histogram, position, table } = this;
		histogram.fill(0);
		for (let j = 0; j < len; j++) histogram[limits[j] >> binBits]++;
		let bins = 0;
		for (let total = 0; bins < histogram.length && total + histogram[bins] <= this.corrections; bins++)
			total += histogram[bins];
		const below = bins === histogram.length ? Infinity : bins << binBits;
		const base = slot * this.corrections;
		const { limit, tap } = list;
		let listed = 0;
		// The lowest limit not listed: up to there the list holds every tap that can have left its cell.
		let bound = Infinity;
		for (let j = 0; j < len; j++) {
			const v = limits[j];
			if (v >= below) {
				if (v < bound) bound = v;
				continue;
			}
			let m = listed++;
			for (; m > 0 && limit[base + m - 1] > v; m--) {
				limit[base + m] = limit[base + m - 1];
				tap[base + m] = tap[base + m - 1];
			}
			limit[base + m] = v;
			tap[base + m] = j;
		}
		const row = slot * this.stride;
		const lastCell = (midQualLength - 2) << 1;
		for (let m = base; m < base + listed; m++) {
			const j = tap[m];
			const cell = ((position[j] >> shiftBits) + (j <= left ? side : -side)) << 1;
			// Outside the table the tap cannot get within the counts' range: no correction needed.
			const inTable = cell >= 0 && cell <= lastCell;
			const w0 = inTable
				? table[cell] + (position[j] - (cell << (shiftBits - 1))) * (1 / fpOne) * table[cell + 1]
				: arena[row + j];
			const d = inTable ? (j <= left ? 1 : -1) * table[cell + 1] * (1 / fpOne) : arena[row + len + j];
			list.w[m] = w0 - arena[row + j];
			list.d[m] = d - arena[row + len + j];
		}
		list.count[slot] = listed;
		return bound;
	}

	/**
	 * Σ (cW + delta·cD)·x over the taps of `slot` that have left their cell at delta, the window's tap 0 at
	 * arena index k (taps outside [from, to) read zeros and are skipped).
	 */
	correction(slot: number, delta: number, arena: Float64Array, k: number, from: number, to: number): number {
		if (delta === 0) return 0;
		const list = delta > 0 ? this.up : this.down;
		const distance = delta > 0 ? delta : -delta;
		const { limit, tap, w, d } = list;
		let sum = 0;
		for (let m = slot * this.corrections, end = m + list.count[slot]; m < end && limit[m] < distance; m++) {
			const j = tap[m];
			if (j >= from && j < to) sum += (w[m] + delta * d[m]) * arena[k + j];
		}
		return sum;
	}
}

/** One side's correction lists of all slots (see Kernels). */
class Corrections {
	readonly limit: Int32Array;
	readonly tap: Int32Array;
	readonly w: Float64Array;
	readonly d: Float64Array;
	readonly count: Int32Array;

	constructor(slots: number, perSlot: number) {
		this.limit = new Int32Array(slots * perSlot);
		this.tap = new Int32Array(slots * perSlot);
		this.w = new Float64Array(slots * perSlot);
		this.d = new Float64Array(slots * perSlot);
		this.count = new Int32Array(slots);
	}
}

/** Where the outputs of one block sit: libsamplerate's b_current and start filter index, per output. */
class Block {
	readonly current: Int32Array;
	readonly start: Int32Array;

	constructor(size: number) {
		this.current = new Int32Array(size);
		this.start = new Int32Array(size);
	}

	/** Replays up to `count` outputs from the cursor (stopping where the reference does); returns how many. */
	fill(c: Converter, cursor: Cursor, count: number): number {
		let i = 0;
		for (; i < count && !cursor.ended(c); i++) {
			this.current[i] = cursor.current;
			this.start[i] = lrint(cursor.inputIndex * c.floatIncrement * fpOne);
			cursor.advance(c);
		}
		return i;
	}
}

/**
 * Same contract, length and positions as `libsamplerateMedium` (libsamplerate.ts), within one float32
 * rounding per sample: Essentia 2019 MonoLoader resampling, `range` with the input position replayed, `tick`
 * every 2^16 outputs. Rates whose output period exceeds `maxPeriod` go to the reference itself.
 */
export function libsamplerateMediumFast(
	x: Float32Array,
	sourceRate: number,
	targetRate: number,
	control: ResampleControl = {}
): Float32Array {
	const n = x.length;
	const c = converter(n, sourceRate, targetRate);
	const period = outputPeriod(sourceRate, targetRate);
	const maxLeft = Math.trunc(c.maxFilterIndex / c.increment);
	const maxLen = 2 * maxLeft + 2;
	if (period > maxPeriod || (2 * period + 1) * 2 * maxLen > maxKernelValues)
		return libsamplerateMedium(x, sourceRate, targetRate, control);
	const { tick, range = { from: 0 } } = control;
	const cursor = new Cursor();
	let t = 0;
	for (; t < range.from && !cursor.ended(c); t++) cursor.advance(c);
	const capacity = Math.max(0, Math.min(range.to ?? Infinity, Math.ceil(n * c.ratio) + 2) - range.from);
	const y = new Float32Array(capacity);

	const size = blockLength(period);
	const block = new Block(size);
	const kernels = new Kernels(c, cellTable(), 2 * period + 1, maxLen);
	const rows = kernels.slots * kernels.stride;
	const span = Math.ceil(size / c.ratio) + 2 * maxLen + 4;
	const dot = dotKernels(rows + span, { simd: control.simd });
	const arena = new Arena(rows, span, dot.data);
	const { data, sums } = dot;
	const { scale } = c;
	let produced = 0;
	let first = 0; // global index of the block's first output
	let shift = 0;
	/** Output i of the block alone, its window clipped to the signal. */
	const single = (i: number): void => {
		const s = block.start[i];
		const slot = kernels.slotFor((first + i) % period, s, data);
		const delta = s - kernels.s0[slot];
		const len = kernels.len[slot];
		const x0 = block.current[i] - kernels.left[slot];
		const from = Math.max(0, -x0);
		const to = Math.min(len, n - x0);
		const k = x0 + shift;
		dot.one(slot * kernels.stride, len, k, from, to);
		const correction = kernels.correction(slot, delta, data, k, from, to);
		y[produced + i] = scale * (sums[0] + delta * sums[1] + correction);
	};
	/** Outputs i, i + p, i + 2p, i + 3p together, when one kernel serves all four and their windows are whole. */
	const quad = (i: number): boolean => {
		const r = (first + i) % period;
		const slot = kernels.slotFor(r, block.start[i], data);
		const left = kernels.left[slot];
		const len = kernels.len[slot];
		for (let m = 0; m < 4; m++) {
			const at = i + m * period;
			const x0 = block.current[at] - left;
			if (x0 < 0 || x0 + len > n) return false;
			// The others must be served by the same kernel as it stands (no build in between).
			if (m > 0 && kernels.slotFor(r, block.start[at], data, false) !== slot) return false;
		}
		const s0 = kernels.s0[slot];
		// Each window's tap 0 in the arena.
		const base = shift - left;
		const kA = block.current[i] + base;
		const kB = block.current[i + period] + base;
		const kC = block.current[i + 2 * period] + base;
		const kD = block.current[i + 3 * period] + base;
		dot.quad(slot * kernels.stride, len, kA, kB, kC, kD);
		for (let m = 0; m < 4; m++) {
			const at = i + m * period;
			const delta = block.start[at] - s0;
			const correction = kernels.correction(slot, delta, data, block.current[at] + base, 0, len);
			y[produced + at] = scale * (sums[2 * m] + delta * sums[2 * m + 1] + correction);
		}
		return true;
	};
	while (produced < capacity) {
		first = t;
		const count = block.fill(c, cursor, Math.min(size, capacity - produced));
		if (count === 0) break;
		tickBlock(tick, produced, produced + count, capacity);
		const lo = Math.max(0, block.current[0] - maxLeft);
		const hi = Math.min(n, block.current[count - 1] + maxLeft + 2);
		shift = arena.load(x, lo, hi);
		forEachPhase(count, period, quad, single);
		produced += count;
		t += count;
	}
	return produced === capacity ? y : y.slice(0, produced);
}
