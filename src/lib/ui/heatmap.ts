/** Canvas drawing for the taggram and the mel spectrogram. No Svelte; the components call these. */

/** A perceptual-ish dark→bright ramp (viridis control points), t in 0..1. */
const ramp = [
	[68, 1, 84],
	[59, 82, 139],
	[33, 145, 140],
	[94, 201, 98],
	[253, 231, 37]
];

export function colour(t: number): [number, number, number] {
	const x = Math.min(1, Math.max(0, t)) * (ramp.length - 1);
	const i = Math.min(ramp.length - 2, Math.floor(x));
	const f = x - i;
	return [0, 1, 2].map((c) => Math.round(ramp[i][c] + f * (ramp[i + 1][c] - ramp[i][c]))) as [
		number,
		number,
		number
	];
}

export interface Grid {
	rows: number;
	cols: number;
	/** value(row, col) scaled to 0..1. */
	at(row: number, col: number): number;
	/** Left edge of each column as a fraction of the width (length cols + 1, ending at the right edge). */
	edges?: number[];
}

/** Fills the canvas with the grid; row 0 at the top. */
export function drawGrid(canvas: HTMLCanvasElement, grid: Grid): void {
	const ctx = canvas.getContext('2d');
	if (!ctx) return;
	const { width, height } = canvas;
	ctx.clearRect(0, 0, width, height);
	const edges = grid.edges ?? Array.from({ length: grid.cols + 1 }, (_, c) => c / grid.cols);
	const rowHeight = height / grid.rows;
	for (let c = 0; c < grid.cols; c++) {
		const x0 = Math.floor(edges[c] * width);
		const x1 = Math.max(x0 + 1, Math.ceil(edges[c + 1] * width));
		for (let r = 0; r < grid.rows; r++) {
			const [red, green, blue] = colour(grid.at(r, c));
			ctx.fillStyle = `rgb(${red} ${green} ${blue})`;
			ctx.fillRect(x0, Math.floor(r * rowHeight), x1 - x0, Math.ceil(rowHeight));
		}
	}
}

/** Column edges on a time axis: column i spans from its start to the next start (the last: start + length). */
export function timeEdges(starts: number[], columnSeconds: number, duration: number): number[] {
	const end = Math.max(duration, 1e-9);
	const edges = starts.map((s) => Math.min(1, s / end));
	edges.push(Math.min(1, (starts[starts.length - 1] + columnSeconds) / end));
	return edges;
}

/** A tick on the time axis: where (fraction of the width) and its label ("0:30", "1:00"). */
export interface TimeTick {
	at: number;
	label: string;
}

const tickSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];

/** Round-second ticks over [0, duration] s, at most `max` intervals apart, labelled m:ss (seconds below a minute). */
export function timeTicks(duration: number, max = 6): TimeTick[] {
	if (!(duration > 0)) return [];
	const step = tickSteps.find((s) => duration / s <= max) ?? Math.ceil(duration / max / 3600) * 3600;
	const label = (t: number) =>
		duration < 60 ? `${t} s` : `${Math.floor(t / 60)}:${String(Math.round(t % 60)).padStart(2, '0')}`;
	const ticks: TimeTick[] = [];
	for (let t = 0; t <= duration + 1e-9; t += step) ticks.push({ at: t / duration, label: label(t) });
	return ticks;
}

/** The colour scale as a CSS gradient (the legend beside a heatmap), low to high. */
export const rampGradient = () =>
	`linear-gradient(to right, ${ramp.map(([r, g, b], i) => `rgb(${r} ${g} ${b}) ${(i / (ramp.length - 1)) * 100}%`).join(', ')})`;

/** Mel in dB ([nMels][frames]) → 0..1 over [-100, max] dB, low frequencies at the bottom. */
export function melGrid(data: Float32Array, nMels: number, frames: number): Grid {
	let max = -Infinity;
	for (const v of data) max = Math.max(max, v);
	const floor = Math.max(-100, max - 80);
	return {
		rows: nMels,
		cols: frames,
		at: (r, c) => (data[(nMels - 1 - r) * frames + c] - floor) / (max - floor || 1)
	};
}
