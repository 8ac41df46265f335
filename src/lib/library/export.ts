/**
 * Library export. Pure functions, shared with the CLI.
 *
 * JSON: { app: "music-tagger", version, tracks: [{ file, duration, title?, artist?, album?, results: [{ model,
 *   scheme, tags: {<full tag>: p}, decided: [<full tag>…], groups?: {<group>: score}, decidedGroups?: [<group>…],
 *   chunks }] }] }
 *   `tags` is keyed by the full tag name (e.g. "mood/theme---happy") in the model card's order; `decided` lists
 *   the tags that apply by the card's decision rule, most probable first, and `decidedGroups` the mood groups that
 *   apply (any member applies); `scheme` is how the chunks became the track score ('whole' or 'upstream',
 *   predictions/chunks.ts); `chunks` are ModelResult.chunks ([chunk][tag], card order); `silent: true` marks a
 *   silent or nearly silent track (its tags describe nothing).
 * CSV, long (RFC 4180): header `file,duration,model,variant,scheme,tag,probability,applies`, one row per
 *   track × model × tag, tags in card order; probability with 6 decimals; applies 1 or 0. One column layout for
 *   models with different tags.
 * CSV, wide: one row per track: `file,title,artist,album,duration,scheme,moods,tags`, then one column per tag of
 *   every model in the export (headed by the tag's label; `<model>: <label>` when several models are exported),
 *   probability with 6 decimals, empty where the track has no result of that model. `moods`: the decided mood
 *   groups, or for a model without groups its decided mood/theme tags; `tags`: every decided tag; both as labels
 *   joined by "; ".
 * Every text cell is neutralised against formula injection (csvField).
 */
import { tagLabel } from '$lib/card/labels';
import { appliesMask, decideGroups, type DecisionCard } from '$lib/predictions/decide';
import { schemeOf, type ModelResult, type TrackMeta } from '$lib/pipeline/types';

export const exportAppName = 'music-tagger';

/** What the export needs of a track (the app maps its library tracks to it; the CLI builds it from its runs). */
export interface ExportTrack extends Partial<Pick<TrackMeta, 'title' | 'artist' | 'album'>> {
	file: string;
	duration: number;
	results: Pick<ModelResult, 'model' | 'variant' | 'scheme' | 'probabilities' | 'chunks' | 'silent'>[];
}

export interface JsonResult {
	model: string;
	scheme: ModelResult['scheme'];
	tags: Record<string, number>;
	decided: string[];
	groups?: Record<string, number>;
	decidedGroups?: string[];
	chunks: number[][];
	silent?: true;
}

export interface JsonExport {
	app: typeof exportAppName;
	version: string;
	tracks: (Pick<ExportTrack, 'file' | 'duration' | 'title' | 'artist' | 'album'> & {
		results: JsonResult[];
	})[];
}

/** The cards of the exported models by id: their tags in output order, decision rule, priors, mood groups. */
export type ExportCards = Record<string, DecisionCard>;

function cardOf(cards: ExportCards, model: string): DecisionCard {
	const card = cards[model];
	if (!card) throw new Error(`export: no tag list for model "${model}"`);
	return card;
}

/** A result's decided tags (most probable first) and mood groups (highest score first). */
function decisions(card: DecisionCard, probabilities: readonly number[]) {
	const applies = appliesMask(card, probabilities);
	const tags = card.tags
		.map((tag, i) => ({ tag, p: probabilities[i], applies: applies[i] }))
		.filter((t) => t.applies)
		.sort((a, b) => b.p - a.p)
		.map((t) => t.tag);
	return { tags, applies, groups: decideGroups(card, probabilities) };
}

const trackMeta = (track: ExportTrack) => ({
	...(track.title ? { title: track.title } : {}),
	...(track.artist ? { artist: track.artist } : {}),
	...(track.album ? { album: track.album } : {})
});

export function buildJsonExport(tracks: ExportTrack[], cards: ExportCards, version: string): JsonExport {
	return {
		app: exportAppName,
		version,
		tracks: tracks.map((track) => ({
			file: track.file,
			duration: track.duration,
			...trackMeta(track),
			results: track.results.map((result) => {
				const card = cardOf(cards, result.model);
				const decided = decisions(card, result.probabilities);
				return {
					model: result.model,
					scheme: schemeOf(result),
					tags: Object.fromEntries(card.tags.map((tag, i) => [tag, result.probabilities[i]])),
					decided: decided.tags,
					...(decided.groups
						? {
								groups: Object.fromEntries(decided.groups.map((g) => [g.name, g.score])),
								decidedGroups: decided.groups.filter((g) => g.applies).map((g) => g.name)
							}
						: {}),
					chunks: result.chunks,
					...(result.silent ? { silent: result.silent } : {})
				};
			})
		}))
	};
}

export const csvHeader = [
	'file',
	'duration',
	'model',
	'variant',
	'scheme',
	'tag',
	'probability',
	'applies'
] as const;

/**
 * RFC 4180 field: quoted when it holds a comma, quote or line break. A text starting with =, +, -, @, a tab or
 * a carriage return is prefixed with ' so spreadsheets show it instead of running it as a formula (OWASP,
 * "CSV Injection"); numbers are written as they are.
 */
export function csvField(value: string | number): string {
	const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvText = (rows: (string | number)[][]) =>
	rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';

export function buildCsvExport(tracks: ExportTrack[], cards: ExportCards): string {
	const rows: (string | number)[][] = [[...csvHeader]];
	for (const track of tracks) {
		for (const result of track.results) {
			const card = cardOf(cards, result.model);
			const { applies } = decisions(card, result.probabilities);
			card.tags.forEach((tag, i) => {
				rows.push([
					track.file,
					track.duration,
					result.model,
					result.variant,
					schemeOf(result),
					tag,
					result.probabilities[i].toFixed(6),
					applies[i] ? 1 : 0
				]);
			});
		}
	}
	return csvText(rows);
}

export const wideCsvHeader = [
	'file',
	'title',
	'artist',
	'album',
	'duration',
	'scheme',
	'moods',
	'tags'
] as const;

/** The decided moods of a result: its mood groups when the card has them, else its decided mood/theme tags. */
function decidedMoods(card: DecisionCard, decided: ReturnType<typeof decisions>): string[] {
	if (decided.groups) return decided.groups.filter((g) => g.applies).map((g) => g.name);
	return decided.tags
		.map(tagLabel)
		.filter((l) => l.category === 'mood/theme')
		.map((l) => l.label);
}

/** A track's decided moods over all its results (labels, no repeats): what playlists and MOOD tags use. */
export function trackMoods(track: ExportTrack, cards: ExportCards): string[] {
	const moods = track.results.flatMap((r) => {
		const card = cards[r.model];
		return card ? decidedMoods(card, decisions(card, r.probabilities)) : [];
	});
	return [...new Set(moods)];
}

export function buildWideCsvExport(tracks: ExportTrack[], cards: ExportCards): string {
	const models = [...new Set(tracks.flatMap((t) => t.results.map((r) => r.model)))];
	const several = models.length > 1;
	const tagColumns = models.flatMap((model) =>
		cardOf(cards, model).tags.map((tag) =>
			several ? `${model}: ${tagLabel(tag).label}` : tagLabel(tag).label
		)
	);
	const rows: (string | number)[][] = [[...wideCsvHeader, ...tagColumns]];
	for (const track of tracks) {
		const moods: string[] = [];
		const tags: string[] = [];
		const cells = models.flatMap((model) => {
			const card = cardOf(cards, model);
			const result = track.results.find((r) => r.model === model);
			if (!result) return card.tags.map(() => '');
			const decided = decisions(card, result.probabilities);
			moods.push(...decidedMoods(card, decided));
			tags.push(...decided.tags.map((t) => tagLabel(t).label));
			return result.probabilities.map((p) => p.toFixed(6));
		});
		const schemes = [...new Set(track.results.map(schemeOf))];
		rows.push([
			track.file,
			track.title ?? '',
			track.artist ?? '',
			track.album ?? '',
			track.duration,
			schemes.join('; '),
			[...new Set(moods)].join('; '),
			[...new Set(tags)].join('; '),
			...cells
		]);
	}
	return csvText(rows);
}
