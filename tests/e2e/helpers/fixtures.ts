/**
 * Fixture clips and reference outputs for the browser tests (tools/fixtures.ts; nothing is copied into the
 * repository), and the built model index.
 */
import { readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import type { ModelCard, ModelIndex } from '../../../src/lib/card/types';
import { defaultCard as defaultCardOf } from '../../../src/lib/card/lookup';
import { clipAudioFile, fixturesDir, readJson } from '../../../tools/fixtures';

export { clipAudioFile as clipAudio, fixturesDir } from '../../../tools/fixtures';
export const buildDir = resolve('build');

/**
 * The public clips the app must tag like the upstream reference, in index.json order (the specs use them by
 * position, and count on exactly these three).
 */
export const clips = ['wesnoth-battle-epic', 'lincity-pronobozo-lincity', 'mtat-joram-solipsism'] as const;

/** A clip as a named upload (`<clip>.ogg` / `<clip>.mp3`), so results can be told apart by file name. */
export function clipUpload(clip: string): { name: string; mimeType: string; buffer: Buffer } {
	const path = clipAudioFile(clip);
	const ext = extname(path);
	return {
		name: `${clip}${ext}`,
		mimeType: ext === '.mp3' ? 'audio/mpeg' : 'audio/ogg',
		buffer: readFileSync(path)
	};
}

export function readIndex(): ModelIndex {
	return readJson<ModelIndex>(join(buildDir, 'models', 'index.json'));
}

export function defaultCard(): ModelCard {
	return defaultCardOf(readIndex());
}

/**
 * The upstream track-level output for a clip: the single centred segment for the mood/theme baseline
 * (chunk_outputs[0]), the mean of the chunk outputs otherwise (track_mean).
 */
export function referenceOutput(clip: string, card: ModelCard): { tags: string[]; probabilities: number[] } {
	const file = join(fixturesDir, clip, card.provenance.checkpoint.file.replace(/\.pth$/, '.json'));
	const ref = readJson<{ tags: string[]; track_mean: number[]; chunk_outputs: number[][] }>(file);
	const probabilities = card.chunking.track.scheme === 'centre' ? ref.chunk_outputs[0] : ref.track_mean;
	return { tags: ref.tags, probabilities };
}
