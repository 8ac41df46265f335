/**
 * Overall progress of the queue: "12 of 40 · 3 min 10 s elapsed · about 7 min left". The estimate is by bytes
 * (the only size known before a file is decoded): bytes finished per second so far, applied to the bytes left,
 * the running file counted by its fraction done. Pure: the queue list passes the items and the clock.
 */
export interface ProgressItem {
	bytes: number;
	stage: string;
	fraction: number;
	/** When this item started (ms), once it has. */
	startedAt?: number;
}

export interface QueueProgress {
	finished: number;
	total: number;
	elapsedS: number;
	/** Seconds left, once something has finished (undefined before: no rate yet). */
	leftS?: number;
}

const finishedStages = ['done', 'error', 'cancelled'];

export function queueProgress(items: ProgressItem[], now: number): QueueProgress {
	const started = items.map((i) => i.startedAt).filter((t): t is number => t !== undefined);
	const elapsedS = started.length ? (now - Math.min(...started)) / 1000 : 0;
	let doneBytes = 0;
	let leftBytes = 0;
	let finished = 0;
	for (const item of items) {
		if (finishedStages.includes(item.stage)) {
			finished++;
			if (item.stage !== 'cancelled') doneBytes += item.bytes;
		} else {
			const fraction = item.stage === 'queued' ? 0 : item.fraction;
			doneBytes += item.bytes * fraction;
			leftBytes += item.bytes * (1 - fraction);
		}
	}
	const rate = elapsedS > 0 && finished > 0 ? doneBytes / elapsedS : 0;
	return {
		finished,
		total: items.length,
		elapsedS,
		leftS: rate > 0 ? leftBytes / rate : undefined
	};
}
