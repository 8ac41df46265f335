/**
 * Makes sure static/models is built before a test reads it: runs the (incremental, sub-second when up
 * to date) `npm run models` build programmatically with the checkpoints from MODELS_MIRROR
 * (default ../shared/checkpoints). Lets `npx vitest run <file>` work from a clean checkout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelCard, ModelIndex, Variant } from '../../../src/lib/card/types';
import { buildModels, repoRoot } from '../../../tools/models/build';
import { checkpointsDir, readJson } from './fixtures';

export const modelsDir = join(repoRoot, 'static', 'models');

let built: Promise<ModelIndex> | undefined;

export function ensureModelsBuilt(): Promise<ModelIndex> {
	built ??= buildModels({ mirror: existsSync(checkpointsDir) ? checkpointsDir : undefined }).then(
		(r) => r.index
	);
	return built;
}

export function readModelIndex(): ModelIndex {
	return readJson<ModelIndex>(join(modelsDir, 'index.json'));
}

export function modelPath(card: ModelCard, variant: Variant): string {
	return join(modelsDir, card.id, card.files[variant].file);
}
