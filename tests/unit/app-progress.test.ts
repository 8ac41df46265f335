import { describe, expect, it } from 'vitest';
import { queueProgress } from '../../src/lib/app/progress';

const mb = 1 << 20;

describe('overall queue progress', () => {
	it('counts finished files and estimates the time left from the bytes done so far', () => {
		const t0 = 1_000_000;
		const items = [
			{ bytes: 4 * mb, stage: 'done', fraction: 1, startedAt: t0 },
			{ bytes: 2 * mb, stage: 'error', fraction: 0, startedAt: t0 + 4000 },
			{ bytes: 4 * mb, stage: 'inference', fraction: 0.5, startedAt: t0 + 5000 },
			{ bytes: 8 * mb, stage: 'queued', fraction: 0 },
			{ bytes: 8 * mb, stage: 'cancelled', fraction: 0 }
		];
		const p = queueProgress(items, t0 + 10_000);
		expect(p).toMatchObject({ finished: 3, total: 5, elapsedS: 10 });
		// 8 MB done in 10 s (4 + 2 + half of 4) → 0.8 MB/s; 10 MB left (half of 4 + 8) → 12.5 s.
		expect(p.leftS).toBeCloseTo(12.5, 6);
	});

	it('gives no estimate before the first file finishes, and none for an idle queue', () => {
		expect(
			queueProgress([{ bytes: mb, stage: 'decode', fraction: 0.2, startedAt: 0 }], 5000).leftS
		).toBeUndefined();
		expect(queueProgress([], 5000)).toEqual({ finished: 0, total: 0, elapsedS: 0, leftS: undefined });
	});
});
