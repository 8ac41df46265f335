/**
 * Several files at once in the CLI, as the app's worker pool does on the page (app/worker-pool.ts: as many
 * lanes as `poolPlan` gives workers): each lane is a worker thread (tag-worker.ts) with its own models open,
 * tagging one file at a time, so decoding and inference of different files run on different cores. The
 * main thread hands out the files in order and reports each outcome as it comes (not in file order).
 */
import { existsSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Variant } from '$lib/card/types';
import type { TrackScheme } from '$lib/predictions/chunks';
import { poolPlan } from '$lib/app/worker-pool';
import { packageRoot } from './io';
import type { Outcome } from './taggers';

/** What a lane opens. */
export interface LaneSetup {
	ids: readonly string[];
	variant: Variant;
	modelsDir?: string;
	scheme: TrackScheme;
}

export type LaneRequest = { type: 'tag'; index: number; path: string } | { type: 'close' };
export type LaneReply =
	{ type: 'ready' } | { type: 'failed'; message: string } | { type: 'done'; index: number; outcome: Outcome };

/** The lane entry the CLI build writes next to main.js (tools/cli/vite.config.ts). */
export const laneEntry = join(packageRoot, 'dist', 'cli', 'tag-worker.js');

/** Lanes for this machine: one per core, at most 4, one per 2 GB of memory (poolPlan). */
export function defaultJobs(): number {
	return poolPlan({
		cores: availableParallelism(),
		memoryGb: totalmem() / 2 ** 30,
		crossOriginIsolated: false
	}).workers;
}

/**
 * Tags `files` on `lanes` worker threads; `begin` and `done` are called per file as it starts and ends.
 * Rejects (after stopping every lane) when a lane cannot open the models. A lane that dies takes only its
 * file with it: that file gets an error outcome and a new lane takes its place.
 */
export function tagInLanes(
	files: readonly string[],
	setup: LaneSetup,
	lanes: number,
	begin: (index: number) => void,
	done: (index: number, outcome: Outcome) => void
): Promise<void> {
	return new Promise((resolve, reject) => {
		let next = 0;
		let finished = 0;
		let failure: Error | undefined;
		let closing = false;
		const workers = new Set<Worker>();
		const stopAll = () => {
			closing = true;
			for (const worker of workers) void worker.terminate();
			workers.clear();
		};
		const settle = () => {
			if (failure) {
				stopAll();
				reject(failure);
			} else if (finished === files.length) {
				closing = true;
				// Each lane releases its models and ends; none may keep the process alive after the run.
				for (const worker of workers) {
					worker.postMessage({ type: 'close' } satisfies LaneRequest);
					worker.unref();
				}
				resolve();
			}
		};
		const start = () => {
			const worker = new Worker(laneEntry, { workerData: setup });
			workers.add(worker);
			let current = -1;
			let ready = false;
			const feed = () => {
				if (next >= files.length || failure) return;
				current = next++;
				begin(current);
				worker.postMessage({ type: 'tag', index: current, path: files[current] } satisfies LaneRequest);
			};
			worker.on('message', (reply: LaneReply) => {
				if (reply.type === 'failed') {
					failure ??= new Error(reply.message);
					settle();
				} else if (reply.type === 'ready') {
					ready = true;
					feed();
				} else {
					current = -1;
					finished++;
					done(reply.index, reply.outcome);
					feed();
					settle();
				}
			});
			// A lane that dies (an error, or an exit before it was told to close) takes only its file with it;
			// one that dies before it has opened the models ends the run (as a failed open does in one lane).
			const died = (reason: string) => {
				if (!workers.delete(worker)) return;
				if (!ready) {
					failure ??= new Error(`a tagging thread stopped while opening the models (${reason})`);
					settle();
					return;
				}
				if (current >= 0) {
					finished++;
					done(current, { error: `the tagging thread stopped on this file (${reason})` });
					current = -1;
				}
				if (next < files.length && !failure) start();
				settle();
			};
			worker.on('error', (error) => died(error.message));
			worker.on('exit', (code) => (closing ? workers.delete(worker) : died(`exit code ${code}`)));
		};
		const count = Math.min(lanes, files.length);
		for (let i = 0; i < count; i++) start();
	});
}

/** Whether lanes can run here (the CLI build has the lane entry; a source run without it uses one). */
export const lanesAvailable = (): boolean => existsSync(laneEntry);
