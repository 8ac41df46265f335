/**
 * A CLI lane (src/cli/lanes.ts): a worker thread with its own models open, tagging the files the main thread
 * sends it one at a time with the same tagFile as a single-lane run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '$lib/shared/errors';
import { openModels, tagFile, type Outcome } from './taggers';
import type { LaneSetup, LaneReply, LaneRequest } from './lanes';

const port = parentPort;
if (!port) throw new Error('tag-worker.ts runs as a worker thread of the CLI');
const { ids, variant, modelsDir, scheme } = workerData as LaneSetup;
const post = (reply: LaneReply) => port.postMessage(reply);

try {
	const models = await openModels(ids, variant, modelsDir);
	port.on('message', async (request: LaneRequest) => {
		if (request.type === 'close') {
			await models.release();
			port.close();
			return;
		}
		let outcome: Outcome;
		try {
			outcome = { tagged: await tagFile(request.path, models, scheme) };
		} catch (error) {
			outcome = { error: describeError(error) };
		}
		post({ type: 'done', index: request.index, outcome });
	});
	post({ type: 'ready' });
} catch (error) {
	post({ type: 'failed', message: describeError(error) });
	port.close();
}
