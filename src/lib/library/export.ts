/**
 * Library export. Pure functions, shared with the CLI.
 *
 * JSON: { app: "music-tagger", version, tracks: [{ file, duration, results: [{ model, tags: {<full tag>: p}, chunks }] }] }
 *   `tags` is keyed by the full tag name (e.g. "mood/theme---happy") in the model card's order;
 *   `chunks` are ModelResult.chunks ([chunk][tag], card order); `silent: true` marks a silent or nearly silent
 *   track (its tags describe nothing).
 * CSV (long format, RFC 4180): header `file,duration,model,variant,tag,probability`, one row per track × model × tag,
 *   tags in card order; probability with 6 decimals. Long format keeps one column layout for models with different tags.
 */
import type { ModelResult } from '$lib/pipeline/types';

export const exportAppName = 'music-tagger';

/** What the export needs of a track (the app maps its library tracks to it; the CLI builds it from its runs). */
export interface ExportTrack {
	file: string;
	duration: number;
	results: Pick<ModelResult, 'model' | 'variant' | 'probabilities' | 'chunks' | 'silent'>[];
}

export interface JsonExport {
	app: typeof exportAppName;
	version: string;
	tracks: {
		file: string;
		duration: number;
		results: { model: string; tags: Record<string, number>; chunks: number[][]; silent?: true }[];
	}[];
}

/** Tag names per model id, in output order (card.tags). */
export type TagLists = Record<string, readonly string[]>;

function tagsOf(tagLists: TagLists, model: string): readonly string[] {
	const tags = tagLists[model];
	if (!tags) throw new Error(`export: no tag list for model "${model}"`);
	return tags;
}

export function buildJsonExport(tracks: ExportTrack[], tagLists: TagLists, version: string): JsonExport {
	return {
		app: exportAppName,
		version,
		tracks: tracks.map((track) => ({
			file: track.file,
			duration: track.duration,
			results: track.results.map((result) => {
				const tags = tagsOf(tagLists, result.model);
				return {
					model: result.model,
					tags: Object.fromEntries(tags.map((tag, i) => [tag, result.probabilities[i]])),
					chunks: result.chunks,
					...(result.silent ? { silent: result.silent } : {})
				};
			})
		}))
	};
}

export const csvHeader = ['file', 'duration', 'model', 'variant', 'tag', 'probability'] as const;

/**
 * RFC 4180 field: quoted when it holds a comma, quote or line break. A text starting with =, +, -, @, a tab or
 * a carriage return is prefixed with ' so spreadsheets show it instead of running it as a formula (OWASP,
 * "CSV Injection"); numbers are written as they are.
 */
export function csvField(value: string | number): string {
	const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function buildCsvExport(tracks: ExportTrack[], tagLists: TagLists): string {
	const rows: (string | number)[][] = [[...csvHeader]];
	for (const track of tracks) {
		for (const result of track.results) {
			tagsOf(tagLists, result.model).forEach((tag, i) => {
				rows.push([
					track.file,
					track.duration,
					result.model,
					result.variant,
					tag,
					result.probabilities[i].toFixed(6)
				]);
			});
		}
	}
	return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
