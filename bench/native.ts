/**
 * The same ONNX files on onnxruntime native CPU (onnxruntime-node, 2 intra-op threads), through the app's own
 * openTagger with onnxruntime-node as the session's engine, so the same resample → mel → batches run in Node
 * and only the inference engine differs from the browser runs.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { ModelCard, Variant } from '../src/lib/card/types';
import type { DecodedAudio } from '../src/lib/audio/types';
import { openNodeTagger } from '../src/cli/taggers';
import type { StageTimes } from './protocol';
import { operatorTimes, type OperatorTime, type OrtProfileEvent } from './stats';

export const nativeVersion = ortNode.env.versions.node ?? 'unknown';

export interface NativeResult {
	runs: StageTimes[];
	profile?: OperatorTime[];
}

/** `decode` is the Node decoder's time (decodeFileNode, timed by the caller), kept for completeness. */
export async function runNative(
	card: ModelCard,
	variant: Variant,
	decoded: DecodedAudio,
	decodeMs: number,
	options: { threads: number; warmup: number; runs: number; profile?: boolean; batchSize?: number }
): Promise<NativeResult> {
	const profileDir = options.profile ? await mkdtemp(join(tmpdir(), 'bench-native-profile-')) : undefined;
	const tagger = await openNodeTagger(card, variant, undefined, {
		backend: 'native',
		engine: ortNode,
		threads: options.threads,
		profile: profileDir !== undefined,
		profilePrefix: profileDir && join(profileDir, 'ort')
	});
	const runs: StageTimes[] = [];
	for (let i = 0; i < options.warmup + options.runs; i++) {
		// A fresh copy per run: resampleForFrontend and the mel stage memoise per signal (WeakMap on the
		// array), and each browser run decodes a new one, so every run here pays for both too.
		const audio = { ...decoded, mono: decoded.mono.slice() };
		const t0 = performance.now();
		const result = await tagger.tag(audio, { batchSize: options.batchSize });
		const total = performance.now() - t0 + decodeMs;
		if (i >= options.warmup) runs.push({ decode: decodeMs, ...result.timings, total });
	}
	// Releasing ends the profile (when on).
	await tagger.release();
	let profile: OperatorTime[] | undefined;
	if (profileDir) {
		// onnxruntime-node drops the profile's file name: it is the only file in its own folder.
		const [file] = await readdir(profileDir);
		profile = operatorTimes(JSON.parse(await readFile(join(profileDir, file), 'utf8')) as OrtProfileEvent[]);
		await rm(profileDir, { recursive: true, force: true });
	}
	return { runs, profile };
}
