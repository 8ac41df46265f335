/**
 * The evaluation scheme shared by the fast resamplers (resampy-fast.ts, libsamplerate-fast.ts): for a rate
 * change sourceRate → targetRate = p/q in lowest terms, outputs t and t + p read the filter at the same
 * fractional offset (their input positions differ by q samples), so their taps come from the same table row.
 * The outputs are computed in blocks; inside a block, phase by phase, four outputs of one phase at a time
 * against one row of taps: the row is loaded once for four sums, and the four independent sums overlap in
 * the CPU. The input span a block reads is copied, widened to float64 (exact), next to the rows in one
 * "arena" array, so the inner loops index a single typed array (V8 keeps fewer pointers and lengths live).
 */

function gcd(a: number, b: number): number {
	while (b) [a, b] = [b, a % b];
	return a;
}

/** Beyond this period the phases hardly repeat within a block: the callers use their exact port instead. */
export const maxPeriod = 1024;

/** p of targetRate / sourceRate = p/q in lowest terms (Infinity unless both rates are whole numbers). */
export function outputPeriod(sourceRate: number, targetRate: number): number {
	if (!Number.isInteger(sourceRate) || !Number.isInteger(targetRate) || sourceRate <= 0 || targetRate <= 0)
		return Infinity;
	return targetRate / gcd(sourceRate, targetRate);
}

/** Outputs per block: a multiple of 4·period near 4096, so that every phase of a full block has whole quads. */
export const blockLength = (period: number): number => 4 * period * Math.max(1, Math.round(1024 / period));

/**
 * Visits outputs [0, count) of a block phase by phase: `oct(i)` (when given) for eight outputs i, i + p, …,
 * i + 7p of one phase, then `quad(i)` for four outputs i, i + p, i + 2p, i + 3p (it returns false when it
 * cannot take them together), `single(i)` for the others.
 */
export function forEachPhase(
	count: number,
	period: number,
	quad: (i: number) => boolean,
	single: (i: number) => void,
	oct?: (i: number) => void
): void {
	const p = Math.min(period, count);
	for (let phase = 0; phase < p; phase++) {
		let i = phase;
		if (oct) for (; i + 7 * p < count; i += 8 * p) oct(i);
		for (; i + 3 * p < count; i += 4 * p) if (!quad(i)) for (let k = 0; k < 4; k++) single(i + k * p);
		for (; i < count; i += p) single(i);
	}
}

/**
 * Calls `tick` (when given) for every output index k·2^16 below `end` and at or after `start` (the block's
 * outputs, relative to the first requested), with k·2^16 / total: the fractions the exact ports report.
 */
export function tickBlock(
	tick: ((fraction: number) => void) | undefined,
	start: number,
	end: number,
	total: number
): void {
	if (!tick) return;
	for (let k = Math.ceil(start / 0x10000) * 0x10000; k < end; k += 0x10000) tick(k / total);
}

/** One typed array: `rows` float64 values of filter rows, then an input span of up to `span` samples. */
export class Arena {
	readonly data: Float64Array;

	/** `data` (at least rows + span values) may be given, e.g. a view of WebAssembly memory. */
	constructor(
		readonly rows: number,
		span: number,
		data?: Float64Array
	) {
		this.data = data ?? new Float64Array(rows + span);
		if (this.data.length < rows + span) throw new Error('polyphase arena: data too short');
	}

	/** Copies x[lo, hi) behind the rows; returns the shift that maps an input index to its arena index. */
	load(x: Float32Array, lo: number, hi: number): number {
		if (hi - lo > this.data.length - this.rows) throw new Error('polyphase arena: input span too long');
		this.data.set(x.subarray(lo, hi), this.rows);
		return this.rows - lo;
	}
}
