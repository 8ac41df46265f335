/**
 * The same ONNX files on onnxruntime native CPU (onnxruntime-node, 2 intra-op threads), behind the
 * pipeline's TaggerSession interface, so tagTrack runs the same resample → mel → batches in Node and only
 * the inference engine differs from the browser runs.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { ModelCard, Variant } from '../src/lib/card/types';
import type { DecodedAudio } from '../src/lib/audio/types';
import { createMelExtractor } from '../src/lib/features/mel';
import { readFrontendTablesNode, readModelNode } from '../src/lib/model-files/read-node';
import type { TaggerSession } from '../src/lib/model/session';
import { tagTrack } from '../src/lib/pipeline/tag-track';
import type { StageTimes } from './protocol';
import { operatorTimes, type OperatorTime, type OrtProfileEvent } from './stats';

export const nativeVersion = ortNode.env.versions.node ?? 'unknown';

async function createNativeSession(bytes: Uint8Array, card: ModelCard, threads: number, profileDir?: string) {
	const session = await ortNode.InferenceSession.create(bytes, {
		executionProviders: ['cpu'],
		intraOpNumThreads: threads,
		interOpNumThreads: 1,
		graphOptimizationLevel: 'all',
		enableProfiling: profileDir !== undefined,
		profileFilePrefix: profileDir ? join(profileDir, 'ort') : undefined
	});
	const { nMels } = card.frontend;
	const { frames } = card.chunking;
	const tagger: TaggerSession = {
		card,
		// TaggerSession names the browser backends only; the result is relabelled 'native' by the caller.
		backend: 'wasm',
		async predict(mels, batch) {
			const outputs = await session.run({ mel: new ortNode.Tensor('float32', mels, [batch, nMels, frames]) });
			return outputs.tags.data as Float32Array;
		},
		release: () => session.release()
	};
	return { session, tagger };
}

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
	const [bytes, tables] = await Promise.all([readModelNode(card, variant), readFrontendTablesNode(card)]);
	const profileDir = options.profile ? await mkdtemp(join(tmpdir(), 'bench-native-profile-')) : undefined;
	const { session, tagger } = await createNativeSession(bytes, card, options.threads, profileDir);
	const mel = createMelExtractor(card.frontend, tables);
	const runs: StageTimes[] = [];
	for (let i = 0; i < options.warmup + options.runs; i++) {
		// A fresh copy per run: resampleForFrontend and the mel stage memoise per signal (WeakMap on the
		// array), and each browser run decodes a new one, so every run here pays for both too.
		const audio = { ...decoded, mono: decoded.mono.slice() };
		const t0 = performance.now();
		const result = await tagTrack(audio, card, tagger, mel, { variant, batchSize: options.batchSize });
		const total = performance.now() - t0 + decodeMs;
		if (i >= options.warmup) runs.push({ decode: decodeMs, ...result.timings, total });
	}
	let profile: OperatorTime[] | undefined;
	if (profileDir) {
		// onnxruntime-node drops the profile's file name: it is the only file in its own folder.
		session.endProfiling();
		const [file] = await readdir(profileDir);
		profile = operatorTimes(JSON.parse(await readFile(join(profileDir, file), 'utf8')) as OrtProfileEvent[]);
		await rm(profileDir, { recursive: true, force: true });
	}
	await session.release();
	return { runs, profile };
}
