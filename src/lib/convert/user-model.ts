/**
 * "Bring your own model": a best_model.pth trained with the upstream code (any architecture the converter
 * knows, recognised from its state_dict) plus a tag list → a packaged model (ONNX fp32 + int8, front-end
 * tables, card) in the zoo's layout. Pure and environment-free: the browser runs it in a worker, the CLI in
 * Node. The front-end parameters, chunking scheme, mood groups, decision rule and priors come from the zoo card of the same family,
 * so they are stated once (models/frontends.json, models/zoo.json) and never copied here.
 */
import type { Chunking, FrontendSpec, ModelCard } from '$lib/card/types';
import { sha256Hex } from '$lib/model-files/verify';
import { topKRule } from '$lib/predictions/decide';
import { architectureDef, detectArchitecture, type ArchitectureDef } from './architectures';
import { convertStateDict, readCheckpoint, type ConversionSpec } from './convert';
import { packageModel, type CardDraft, type ModelPackage } from './package';
import { ConversionError } from './weights';

export interface UserModelRequest {
	checkpoint: Uint8Array;
	/** The checkpoint's file name (for the card and messages). */
	fileName: string;
	/** Tag names in the model's output order, and the name of their list (a zoo list or the user's file). */
	tags: string[];
	tagList: string;
	/** The zoo's cards (static/models/index.json). */
	zoo: readonly ModelCard[];
	/** Milliseconds since the epoch (card.provenance.user.addedAt). */
	now: number;
}

/** The zoo card whose front end and scheme a model of this family uses. */
function templateFor(def: ArchitectureDef, zoo: readonly ModelCard[], name: string): ModelCard {
	const template =
		def.id === 'vggish'
			? zoo.find((c) => c.architecture === 'vggish')
			: zoo.find((c) => c.frontend.kind === 'torchaudio');
	if (!template)
		throw new ConversionError(name, undefined, `the model index has no ${def.id} front end to copy`);
	return template;
}

function frontendFor(def: ArchitectureDef, template: ModelCard, bands: number): CardDraft['frontend'] {
	const source = template.frontend as FrontendSpec;
	if (def.id === 'vggish' || source.kind !== 'torchaudio') return source as CardDraft['frontend'];
	if (def.input === 'audio')
		return {
			kind: 'waveform',
			sampleRate: source.sampleRate,
			resampler: source.resampler,
			mono: source.mono
		};
	const { tables: _tables, ...spectral } = source;
	void _tables;
	return { ...spectral, nMels: bands, melScale: def.id === 'hcnn' ? 'harmonic' : 'htk' };
}

function chunkingFor(def: ArchitectureDef, template: ModelCard, frontend: CardDraft['frontend']): Chunking {
	if (def.id === 'vggish') return template.chunking;
	const frames =
		frontend.kind === 'torchaudio' ? 1 + Math.floor(def.chunkSamples / frontend.hop) : def.chunkSamples;
	return { ...template.chunking, chunkSamples: def.chunkSamples, frames };
}

export async function convertUserCheckpoint(
	request: UserModelRequest
): Promise<ModelPackage & { convertMs: number }> {
	const { fileName: name, tags } = request;
	const started = performance.now();
	if (tags.length === 0)
		throw new ConversionError(name, undefined, `the tag list "${request.tagList}" is empty`);
	const stateDict = readCheckpoint(request.checkpoint, name);
	const keys = new Map([...stateDict].map(([key, tensor]) => [key, tensor.shape]));
	const def = architectureDef(detectArchitecture(keys, name).id);
	const outputs = keys.get(def.classifierKey)?.[0];
	if (outputs !== tags.length)
		throw new ConversionError(
			name,
			def.classifierKey,
			`the model has ${outputs} outputs, the tag list "${request.tagList}" has ${tags.length} tags`
		);
	const template = templateFor(def, request.zoo, name);
	const bands =
		def.input === 'audio' ? 0 : (def.bands?.(keys) ?? (template.frontend as { nMels: number }).nMels);
	const frontend = frontendFor(def, template, bands);
	const chunking = chunkingFor(def, template, frontend);
	const sha256 = await sha256Hex(request.checkpoint as Uint8Array<ArrayBuffer>);
	const id = `user-${def.id}-${sha256.slice(0, 8)}`;
	const spec: ConversionSpec =
		def.input === 'audio'
			? { id, architecture: def.id, input: 'audio', samples: chunking.chunkSamples, nTags: tags.length }
			: { id, architecture: def.id, input: 'mel', nMels: bands, frames: chunking.frames, nTags: tags.length };
	const result = convertStateDict(stateDict, spec, { checkpointSha256: sha256 });
	const convertMs = Math.round(performance.now() - started);
	const sameTags = request.zoo.filter((c) => c.tags.join('\n') === tags.join('\n'));
	const moodTemplate = sameTags.find((c) => c.moodGroups);
	// The family's rule (same architecture, same tags), else the documented top-k rule; priors are the dataset's.
	const decision = sameTags.find((c) => c.architecture === def.id)?.decision ?? topKRule;
	const priors = sameTags.find((c) => c.priors)?.priors;
	const draft: CardDraft = {
		schema: 1,
		id,
		title: `${name.replace(/\.(pth|pt)$/i, '')} · ${def.upstream}`,
		dataset: 'your own training data',
		task: `${request.tagList} (your own checkpoint)`,
		architecture: def.id,
		tags,
		tagList: request.tagList,
		...(moodTemplate?.moodGroups ? { moodGroups: moodTemplate.moodGroups } : {}),
		decision,
		...(priors ? { priors } : {}),
		frontend,
		chunking,
		provenance: {
			checkpoint: { file: name, url: '', sha256, bytes: request.checkpoint.length },
			repository: template.provenance.repository,
			path: name,
			commit: '',
			license: 'your own checkpoint (it stays on this device)',
			citation: `${def.upstream} as trained with ${template.provenance.repository}`,
			user: { addedAt: request.now }
		},
		metrics: [],
		build: { converter: 'src/lib/convert', convertMs }
	};
	return { ...(await packageModel(result, draft)), convertMs };
}
