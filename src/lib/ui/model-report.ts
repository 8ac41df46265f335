/** What the About page shows per model: measured speed from the bench's results (static, optional). */
import type { Variant } from '$lib/card/types';

/** The subset of bench/results.json (bench/report.ts BenchResults) the page reads, served as <base>/bench/results.json. */
export interface BenchRun {
	model: string;
	variant: Variant;
	backend: string;
	/** Set when the requested backend fell back (WebGPU → WASM). */
	requested_backend?: string;
	threads: number;
	realtime_factor: number;
	stages_ms: { total: number };
}

export interface BenchResults {
	/** Length of the benchmark track. */
	audioSeconds: number;
	runs: BenchRun[];
}

const notMeasured: BenchResults = { audioSeconds: 0, runs: [] };

export async function fetchBenchResults(url: string): Promise<BenchResults> {
	try {
		const response = await fetch(url);
		if (!response.ok) return notMeasured;
		const data = (await response.json()) as { runs?: BenchRun[]; audio_seconds?: number };
		return Array.isArray(data.runs)
			? { audioSeconds: data.audio_seconds ?? 0, runs: data.runs }
			: notMeasured;
	} catch {
		return notMeasured;
	}
}

export const runsFor = (runs: BenchRun[], model: string) => runs.filter((r) => r.model === model);
