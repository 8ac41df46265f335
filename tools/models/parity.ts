/**
 * Measured parity, recorded in the model cards (shown on the About page): each converted model, fp32 and
 * int8, on every reference clip's reference log-mel, against the upstream PyTorch output of that chunk
 * (chunk 0 of the back-to-back windows for the sota models, the centred segment for the MTG model).
 * `npm run models` runs it after the build when reference fixtures are present (FIXTURES_DIR, default
 * ../shared/fixtures), for cards that have no figures yet; the unit tests assert the same comparison
 * (tests/unit/models-parity.test.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import type { ModelCard, ModelFile, ModelIndex } from '../../src/lib/card/types';
import { writeAtomic } from '../../src/lib/node/write-atomic';
import { fixtureClips, fixturesDir, readF32, readJson } from '../fixtures';

interface Reference {
	mel: { file: string; shape: [number, number] };
	chunk_outputs: number[][];
	alt_chunking?: { chunk_outputs: number[][] };
}

const modelsDir = 'static/models';

async function maxAbsDiff(card: ModelCard, file: ModelFile, clips: string[]): Promise<number> {
	const session = await ort.InferenceSession.create(readFileSync(join(modelsDir, card.id, file.file)));
	let worst = 0;
	for (const clip of clips) {
		const name = card.provenance.checkpoint.file.replace(/\.pth$/, '.json');
		const ref = readJson<Reference>(join(fixturesDir, clip, name));
		const expected = (ref.alt_chunking ?? ref).chunk_outputs[0];
		const mel = new ort.Tensor('float32', readF32(join(fixturesDir, clip, ref.mel.file)), [
			1,
			...ref.mel.shape
		]);
		const got = (await session.run({ mel })).tags.data as Float32Array;
		expected.forEach((p, i) => (worst = Math.max(worst, Math.abs(got[i] - p))));
	}
	await session.release();
	return worst;
}

/** Adds `build.parity` to the cards that lack it (all with `force`), in card.json and index.json. */
export async function recordParity(force = false): Promise<void> {
	if (!existsSync(fixturesDir)) {
		console.log(`parity: no reference fixtures at ${fixturesDir}; cards keep no parity figures`);
		return;
	}
	ort.env.wasm.numThreads = 1;
	const clips = fixtureClips();
	const index = readJson<ModelIndex>(join(modelsDir, 'index.json'));
	for (const card of index.models) {
		if (card.build.parity && !force) continue;
		const fp32MaxAbs = await maxAbsDiff(card, card.files.fp32, clips);
		const int8MaxAbs = await maxAbsDiff(card, card.files.int8, clips);
		const int8Static = card.files.int8Static && (await maxAbsDiff(card, card.files.int8Static, clips));
		card.build.parity = {
			fp32MaxAbs,
			int8MaxAbs,
			...(int8Static !== undefined ? { int8StaticMaxAbs: int8Static } : {})
		};
		await writeAtomic(join(modelsDir, card.id, 'card.json'), `${JSON.stringify(card, null, '\t')}\n`);
		console.log(
			`parity ${card.id.padEnd(22)} fp32 ${fp32MaxAbs.toExponential(1)}  int8 ${int8MaxAbs.toExponential(1)}` +
				(int8Static !== undefined ? `  int8 static ${int8Static.toExponential(1)}` : '') +
				`  (${clips.length} clips)`
		);
	}
	await writeAtomic(join(modelsDir, 'index.json'), `${JSON.stringify(index, null, '\t')}\n`);
}
