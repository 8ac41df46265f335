import { describe, expect, it } from 'vitest';
import { oneAtATime, poolPlan, WorkerPool, type PoolMember } from '../../src/lib/app/worker-pool';
import type { BackendInfo } from '../../src/lib/worker/protocol';

/** A stand-in for a worker client: what start() was given, whether it was terminated, a crash switch. */
class FakeClient implements PoolMember {
	crashed = false;
	terminated = false;
	readonly info: BackendInfo;
	constructor(
		readonly id: number,
		threads: number,
		backend: BackendInfo['backend'] = 'wasm'
	) {
		this.info = {
			backend,
			threads,
			workers: 1,
			crossOriginIsolated: true,
			reason: 'test',
			webgpuAdapter: null
		};
	}
	terminate() {
		this.terminated = true;
	}
}

function fakeStart(backend: BackendInfo['backend'] = 'wasm') {
	const started: FakeClient[] = [];
	const start = async (threads: number) => {
		const client = new FakeClient(started.length, threads, backend);
		started.push(client);
		return client;
	};
	return { started, start };
}

/** Settles pending promise callbacks. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('poolPlan', () => {
	it('takes one worker per core up to 4, the cores left over as threads', () => {
		expect(poolPlan({ cores: 2, crossOriginIsolated: true })).toEqual({ workers: 2, threads: 1 });
		expect(poolPlan({ cores: 1, crossOriginIsolated: true })).toEqual({ workers: 1, threads: 1 });
		expect(poolPlan({ cores: 8, crossOriginIsolated: true })).toEqual({ workers: 4, threads: 2 });
		expect(poolPlan({ cores: 16, memoryGb: 8, crossOriginIsolated: true })).toEqual({
			workers: 4,
			threads: 4
		});
	});

	it('takes fewer workers with little memory, one thread without cross-origin isolation', () => {
		expect(poolPlan({ cores: 8, memoryGb: 4, crossOriginIsolated: true })).toEqual({
			workers: 2,
			threads: 4
		});
		expect(poolPlan({ cores: 8, memoryGb: 0.5, crossOriginIsolated: true })).toEqual({
			workers: 1,
			threads: 8
		});
		expect(poolPlan({ cores: 8, crossOriginIsolated: false })).toEqual({ workers: 4, threads: 1 });
		expect(poolPlan({ crossOriginIsolated: true })).toEqual({ workers: 1, threads: 1 });
	});
});

describe('WorkerPool', () => {
	it('starts one worker to open, the others as the queue needs them, with the planned threads', async () => {
		const { started, start } = fakeStart();
		const pool = new WorkerPool(start, { workers: 2, threads: 3 });
		const info = await pool.open();
		expect(started).toHaveLength(1);
		expect(info).toMatchObject({ backend: 'wasm', workers: 2, threads: 6 });
		const a = await pool.acquire();
		const b = await pool.acquire();
		expect(started).toHaveLength(2);
		expect(a).toBe(started[0]); // the started worker is handed out first
		expect(b).not.toBe(a);
		expect(started.map((c) => c.info.threads)).toEqual([3, 3]);
	});

	it('makes a third caller wait until a worker is released, then hands that one over', async () => {
		const { start } = fakeStart();
		const pool = new WorkerPool(start, { workers: 2, threads: 1 });
		const a = await pool.acquire();
		await pool.acquire();
		let third: FakeClient | undefined;
		void pool.acquire().then((c) => (third = c));
		await tick();
		expect(third).toBeUndefined();
		pool.release(a);
		await tick();
		expect(third).toBe(a);
	});

	it('replaces a crashed worker when its slot is next acquired, terminating the dead one', async () => {
		const { started, start } = fakeStart();
		const pool = new WorkerPool(start, { workers: 1, threads: 1 });
		const first = await pool.acquire();
		first.crashed = true;
		pool.release(first);
		const next = await pool.acquire();
		expect(next).not.toBe(first);
		expect(first.terminated).toBe(true);
		expect(started).toHaveLength(2);
		expect(pool.info?.backend).toBe('wasm');
	});

	it('runs one file at a time on WebGPU', async () => {
		const { start } = fakeStart('webgpu');
		const pool = new WorkerPool(start, { workers: 4, threads: 1 });
		expect(pool.size).toBe(4);
		const info = await pool.open();
		expect(pool.size).toBe(1);
		expect(info).toMatchObject({ backend: 'webgpu', workers: 1 });
	});

	it('frees the slot when a worker fails to start, and the next acquire tries again', async () => {
		let fail = true;
		const pool = new WorkerPool(
			async (threads) => {
				if (fail) throw new Error('no worker here');
				return new FakeClient(0, threads);
			},
			{ workers: 1, threads: 1 }
		);
		await expect(pool.open()).rejects.toThrow('no worker here');
		fail = false;
		await expect(pool.acquire()).resolves.toBeInstanceOf(FakeClient);
	});

	it('terminates every worker it started', async () => {
		const { started, start } = fakeStart();
		const pool = new WorkerPool(start, { workers: 3, threads: 1 });
		await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()]);
		pool.terminate();
		expect(started.map((c) => c.terminated)).toEqual([true, true, true]);
		expect(pool.info).toBeUndefined();
	});
});

describe('oneAtATime', () => {
	it('runs tasks of one key in turn, other keys alongside, past a failure', async () => {
		const serial = oneAtATime<string>();
		const log: string[] = [];
		const task =
			(name: string, fail = false) =>
			async () => {
				log.push(`${name} start`);
				await tick();
				log.push(`${name} end`);
				if (fail) throw new Error(name);
				return name;
			};
		const results = await Promise.allSettled([
			serial('m', task('a', true)),
			serial('m', task('b')),
			serial('other', task('c'))
		]);
		expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
		expect(log.indexOf('b start')).toBeGreaterThan(log.indexOf('a end'));
		expect(log.indexOf('c start')).toBeLessThan(log.indexOf('a end'));
	});
});
