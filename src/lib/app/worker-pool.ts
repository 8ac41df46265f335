/**
 * The pool of inference workers the queue runs files on, side by side: one file per worker at a time, so
 * decoding the next file (on the page) overlaps inference of the others. Sized from the device
 * (`poolPlan`); one worker on WebGPU, whose one device the workers would share. Workers start lazily, a
 * crashed one is replaced when its slot is next acquired. Plain TypeScript: `start` is injected.
 */
import type { BackendInfo } from '$lib/worker/protocol';

/** What the pool needs of a worker client (worker/client.ts TaggerClient). */
export interface PoolMember {
	readonly info: BackendInfo;
	readonly crashed: boolean;
	terminate(): void;
}

export interface PoolPlan {
	workers: number;
	/** ORT WASM threads per worker (WorkerConfig.threads). */
	threads: number;
}

export interface Device {
	/** navigator.hardwareConcurrency */
	cores?: number;
	/** navigator.deviceMemory (GB, Chromium only; at most 8) */
	memoryGb?: number;
	crossOriginIsolated: boolean;
}

/** More workers than this gain little (the page's decoding is shared) and cost a model copy each. */
export const maxWorkers = 4;
/** Device memory per worker: its model, and up to a 10-minute file decoded on the page for it. */
const gbPerWorker = 2;

/** One worker per core up to `maxWorkers` (fewer with little memory); the cores left over become threads. */
export function poolPlan({ cores, memoryGb, crossOriginIsolated }: Device): PoolPlan {
	const cpus = Math.max(1, Math.floor(cores ?? 1));
	const byMemory = memoryGb ? Math.max(1, Math.floor(memoryGb / gbPerWorker)) : maxWorkers;
	const workers = Math.min(cpus, maxWorkers, byMemory);
	return { workers, threads: crossOriginIsolated ? Math.max(1, Math.floor(cpus / workers)) : 1 };
}

export class WorkerPool<C extends PoolMember> {
	#slots: (C | undefined)[] = [];
	#busy: boolean[] = [];
	#waiting: (() => void)[] = [];
	#size: number;
	#closed = false;
	readonly #start: (threads: number) => Promise<C>;
	readonly plan: PoolPlan;

	/** `start(threads)` starts one worker (WorkerConfig.threads = `threads`). */
	constructor(start: (threads: number) => Promise<C>, plan: PoolPlan) {
		this.#start = start;
		this.plan = plan;
		this.#size = plan.workers;
	}

	/** How many files may run at once: the plan's workers, or 1 once the first worker runs on WebGPU. */
	get size(): number {
		return this.#size;
	}

	/** Starts the first worker (the others start when the queue needs them); its failure is thrown. */
	async open(): Promise<BackendInfo> {
		const client = await this.acquire();
		this.release(client);
		return this.info!;
	}

	/** The pool's backend as the UI shows it: the first live worker's, with every worker's threads counted. */
	get info(): BackendInfo | undefined {
		const first = this.#slots.find((c) => c && !c.crashed) ?? this.#slots.find((c) => c);
		if (!first) return undefined;
		return { ...first.info, workers: this.#size, threads: first.info.threads * this.#size };
	}

	/** A free worker, started (or restarted after a crash) when needed; waits while all are busy. */
	async acquire(): Promise<C> {
		let slot = this.#freeSlot();
		while (slot < 0) {
			await new Promise<void>((wake) => this.#waiting.push(wake));
			slot = this.#freeSlot();
		}
		this.#busy[slot] = true;
		const current = this.#slots[slot];
		if (current && !current.crashed) return current;
		try {
			current?.terminate();
			this.#slots[slot] = undefined;
			const client = await this.#start(this.plan.threads);
			if (this.#closed) {
				client.terminate();
				throw new Error('The inference workers were restarted.');
			}
			this.#slots[slot] = client;
			// One shared GPU device: on WebGPU the files run one at a time.
			if (client.info.backend === 'webgpu') this.#size = 1;
			return client;
		} catch (error) {
			this.#free(slot);
			throw error;
		}
	}

	release(client: C): void {
		const slot = this.#slots.indexOf(client);
		if (slot >= 0) this.#free(slot);
	}

	terminate(): void {
		this.#closed = true;
		for (const client of this.#slots) client?.terminate();
		this.#slots = [];
		this.#busy = [];
	}

	/** A free slot, a started live worker's first; -1 when all `size` are busy. */
	#freeSlot(): number {
		const free = Array.from({ length: this.#size }, (_, i) => i).filter((i) => !this.#busy[i]);
		const live = free.find((i) => this.#slots[i] && !this.#slots[i]!.crashed);
		return live ?? free[0] ?? -1;
	}

	#free(slot: number): void {
		this.#busy[slot] = false;
		this.#waiting.shift()?.();
	}
}

/**
 * Runs `task`s of one key one after another: the workers ask for a model's files at about the same time on
 * a first visit, and the second then reads the cache the first one filled instead of downloading again.
 */
export function oneAtATime<T>(): (key: string, task: () => Promise<T>) => Promise<T> {
	const last = new Map<string, Promise<unknown>>();
	return (key, task) => {
		const run = (last.get(key) ?? Promise.resolve()).catch(() => {}).then(task);
		last.set(key, run);
		return run;
	};
}
