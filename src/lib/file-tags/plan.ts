/**
 * What a track's results put into its file: the standard MOOD field (the labels of the decided mood/theme
 * tags, the card's decision rule), optionally GENRE (decided genre tags, appended to the file's own), and one
 * machine-readable field, MUSIC_TAGGER, holding JSON that a later run or another tool can read back.
 */
import type { ModelCard } from '$lib/card/types';
import { modelFile } from '$lib/model-files/model-file';
import type { ModelResult } from '$lib/pipeline/types';
import { appliedTags, decideGroups } from '$lib/predictions/decide';
import { schemeOf } from '$lib/pipeline/types';

/** The name of the machine-readable field (ID3 TXXX, Vorbis comment, MP4 ----:com.apple.iTunes freeform). */
export const MACHINE_FIELD = 'MUSIC_TAGGER';

/** One model's entry in the MUSIC_TAGGER JSON. */
export interface MachineResult {
	model: string;
	variant: ModelResult['variant'];
	/** sha256 of the ONNX file that ran, and of the upstream checkpoint it was converted from (card provenance). */
	sha256: string;
	checkpointSha256: string;
	scheme: string;
	/** Track probabilities by tag key (4 decimals). */
	scores: Record<string, number>;
	/** The tag keys that apply under the card's rule, and the mood groups that apply. */
	applies: string[];
	groups?: string[];
}

/** The MUSIC_TAGGER JSON: `{ app, version, date, results: [...] }`. */
export interface MachineRecord {
	app: 'music-tagger';
	version: string;
	/** ISO 8601, when the tags were planned. */
	date: string;
	results: MachineResult[];
}

export interface TagPlan {
	/** MOOD values (replace the field's values; empty = nothing decided, the field is left as it is). */
	moods: string[];
	/** GENRE values to add to the file's own (none: GENRE is left alone). */
	genres: string[];
	machine: MachineRecord;
}

export interface PlanOptions {
	/** Also plan GENRE from the genre tags that apply (default false). */
	genres?: boolean;
	/** Also put the decided mood groups (e.g. "Calm") into MOOD (default false: the mood/theme tags only). */
	moodGroups?: boolean;
	version: string;
	date?: Date;
}

const round = (p: number) => Math.round(p * 1e4) / 1e4;
const unique = (values: string[]) => [...new Set(values)];

/** The plan for one track from its results (one per model) and the cards that produced them. */
export function planTags(
	results: readonly ModelResult[],
	cards: Readonly<Record<string, ModelCard>>,
	options: PlanOptions
): TagPlan {
	const moods: string[] = [];
	const genres: string[] = [];
	const machine: MachineResult[] = [];
	for (const result of results) {
		const card = cards[result.model];
		if (!card) throw new Error(`no model card for result of "${result.model}"`);
		// A silent track's tags describe nothing: nothing is planned from it but the machine record says so.
		const applied = result.silent ? [] : appliedTags(card, result.probabilities);
		const groups = result.silent
			? []
			: (decideGroups(card, result.probabilities) ?? []).filter((g) => g.applies);
		moods.push(...applied.filter((d) => d.category === 'mood/theme').map((d) => d.label));
		if (options.moodGroups) moods.push(...groups.map((g) => g.name));
		if (options.genres) genres.push(...applied.filter((d) => d.category === 'genre').map((d) => d.label));
		machine.push({
			model: card.id,
			variant: result.variant,
			sha256: modelFile(card, result.variant, result.backend).sha256,
			checkpointSha256: card.provenance.checkpoint.sha256,
			scheme: schemeOf(result),
			scores: Object.fromEntries(card.tags.map((tag, i) => [tag, round(result.probabilities[i])])),
			applies: applied.map((d) => d.tag),
			...(card.moodGroups ? { groups: groups.map((g) => g.name) } : {})
		});
	}
	return {
		moods: unique(moods),
		genres: unique(genres),
		machine: {
			app: 'music-tagger',
			version: options.version,
			date: (options.date ?? new Date()).toISOString(),
			results: machine
		}
	};
}
