/**
 * Peak memory of the browser this process launched, from /proc (Linux): the processes descended from this
 * Node process (Chromium's browser, renderer, GPU and utility processes, workers inside them), sampled on a
 * timer. Reports the peak of the summed Pss (proportional set size, /proc/<pid>/smaps_rollup: shared pages
 * split between the processes that map them, so the sum does not count them twice) and the peak of the sum
 * of the live processes' own VmHWM (each one's peak RSS: an upper bound, the peaks need not coincide).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface MemoryPeak {
	/** Peak over the samples of Σ Pss of the descendant processes, MiB. */
	pss_sum_peak_mb: number;
	/** Peak over the samples of Σ VmHWM of the processes alive then, MiB (upper bound). */
	hwm_sum_mb: number;
	samples: number;
	method: string;
}

const kbField = (text: string, field: string): number => {
	const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
	return match ? Number(match[1]) : 0;
};

function descendants(root: number): number[] {
	const parent = new Map<number, number>();
	for (const name of readdirSync('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		try {
			// comm may hold spaces and parentheses: the fields after the last ')' are fixed.
			const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
			parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
		} catch {
			// gone
		}
	}
	const found: number[] = [];
	const walk = (pid: number) => {
		for (const [child, ppid] of parent)
			if (ppid === pid) {
				found.push(child);
				walk(child);
			}
	};
	walk(root);
	return found;
}

export function sampleMemory(intervalMs = 500): { stop(): MemoryPeak } {
	let peak = 0;
	let hwmPeak = 0;
	let samples = 0;
	const sample = () => {
		let pss = 0;
		let hwm = 0;
		for (const pid of descendants(process.pid)) {
			try {
				pss += kbField(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss');
				hwm += kbField(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmHWM');
			} catch {
				// exited between the listing and the read
			}
		}
		peak = Math.max(peak, pss);
		hwmPeak = Math.max(hwmPeak, hwm);
		samples++;
	};
	sample();
	const timer = setInterval(sample, intervalMs);
	return {
		stop() {
			sample();
			clearInterval(timer);
			return {
				pss_sum_peak_mb: peak / 1024,
				hwm_sum_mb: hwmPeak / 1024,
				samples,
				method: `Σ Pss of the browser's processes (/proc/<pid>/smaps_rollup) sampled every ${intervalMs} ms, peak; Σ VmHWM as an upper bound`
			};
		}
	};
}
