/**
 * A converted model as the files of its folder (model.onnx, model.int8.onnx, model.int8-static.onnx, frontend.f32 for spectral sota
 * front ends, card.json last) and its card, and the model index that lists cards. Shared by the zoo build
 * (tools/models/build.ts), `music-tagger convert` and "Add your own model" in the browser, so all three
 * write the same layout. WebCrypto hashes: the same code in Node, workers and pages.
 */
import type { FrontendSpec, ModelCard, ModelFile, ModelIndex, TorchaudioFrontend } from '$lib/card/types';
import { sha256Hex } from '$lib/model-files/verify';
import type { ConversionResult } from './convert';

export interface ModelPackage {
	card: ModelCard;
	/** File name in the model's folder → bytes, card.json last (write them in this order). */
	files: [name: string, bytes: Uint8Array][];
}

/** The card without what packaging fills in (files, the front end's table file, the I/O contract). */
export type CardDraft = Omit<ModelCard, 'files' | 'frontend' | 'io'> & {
	/** The front end without its tables (they come from the conversion result). */
	frontend: Exclude<FrontendSpec, TorchaudioFrontend> | Omit<TorchaudioFrontend, 'tables'>;
};

async function modelFile(file: string, bytes: Uint8Array): Promise<ModelFile> {
	return { file, bytes: bytes.length, sha256: await sha256Hex(bytes as Uint8Array<ArrayBuffer>) };
}

/** window followed by the filterbank, raw little-endian float32 (the card's `tables` offsets count values). */
function tableBytes(tables: NonNullable<ConversionResult['tables']>): Uint8Array {
	const all = new Float32Array(tables.window.length + tables.filterbank.length);
	all.set(tables.window, 0);
	all.set(tables.filterbank, tables.window.length);
	return new Uint8Array(all.buffer);
}

export async function packageModel(result: ConversionResult, draft: CardDraft): Promise<ModelPackage> {
	const files: [string, Uint8Array][] = [
		['model.onnx', result.fp32],
		['model.int8.onnx', result.int8],
		...(result.int8Static ? [['model.int8-static.onnx', result.int8Static] as [string, Uint8Array]] : [])
	];
	let frontend: FrontendSpec;
	if (draft.frontend.kind === 'torchaudio') {
		if (!result.tables) throw new Error(`${draft.id}: a torchaudio front end needs the converter's tables`);
		const bytes = tableBytes(result.tables);
		files.push(['frontend.f32', bytes]);
		const { window, rows, cols } = result.tables;
		frontend = {
			...draft.frontend,
			tables: {
				...(await modelFile('frontend.f32', bytes)),
				window: { offset: 0, length: window.length },
				filterbank: { offset: window.length, rows, cols }
			}
		};
	} else frontend = draft.frontend;
	const card: ModelCard = {
		...draft,
		frontend,
		io: { input: frontend.kind === 'waveform' ? 'audio' : 'mel', output: 'tags' },
		files: {
			fp32: await modelFile('model.onnx', result.fp32),
			int8: await modelFile('model.int8.onnx', result.int8),
			...(result.int8Static
				? { int8Static: await modelFile('model.int8-static.onnx', result.int8Static) }
				: {})
		}
	};
	files.push(['card.json', new TextEncoder().encode(`${JSON.stringify(card, null, '\t')}\n`)]);
	return { card, files };
}

/** The index of a set of cards; its version changes whenever a model file or build stamp does. */
export async function modelIndex(cards: ModelCard[]): Promise<ModelIndex> {
	const summary = cards
		.map(
			(c) =>
				`${c.id}:${c.files.fp32.sha256}:${c.files.int8.sha256}:${c.files.int8Static?.sha256}:${c.build.stamp}`
		)
		.join('\n');
	return { version: (await sha256Hex(new TextEncoder().encode(summary))).slice(0, 16), models: cards };
}
