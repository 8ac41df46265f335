/**
 * MTG-Jamendo split files (data/splits/split-N/autotagging*-{train,validation,test}.tsv):
 *
 *   TRACK_ID\tARTIST_ID\tALBUM_ID\tPATH\tDURATION\tTAGS
 *   track_0000948\tartist_000087\talbum_000149\t48/948.mp3\t212.7\tgenre---rock\tmood/theme---happy
 *
 * The TAGS column runs to the end of the line: every further tab-separated field is one more tag.
 */

export interface SplitTrack {
	trackId: string;
	artistId: string;
	albumId: string;
	/** Relative to the audio folder, e.g. "48/948.mp3". */
	path: string;
	/** Seconds, as listed. */
	duration: number;
	tags: string[];
}

const header = ['TRACK_ID', 'ARTIST_ID', 'ALBUM_ID', 'PATH', 'DURATION', 'TAGS'];

export function parseSplitTsv(text: string, source = 'split'): SplitTrack[] {
	const lines = text.split(/\r?\n/);
	const first = lines[0]?.split('\t') ?? [];
	if (header.some((name, i) => first[i] !== name)) {
		throw new Error(`${source}: expected the header ${header.join('<TAB>')}, got "${lines[0] ?? ''}"`);
	}
	const tracks: SplitTrack[] = [];
	const seen = new Set<string>();
	lines.slice(1).forEach((line, i) => {
		if (line.trim() === '') return;
		const fields = line.split('\t');
		const where = `${source}:${i + 2}`;
		if (fields.length < 5)
			throw new Error(`${where}: expected at least 5 tab-separated fields, got ${fields.length}`);
		const [trackId, artistId, albumId, path, durationText, ...tags] = fields;
		const duration = Number(durationText);
		if (!trackId || !path) throw new Error(`${where}: empty TRACK_ID or PATH`);
		if (!Number.isFinite(duration)) throw new Error(`${where}: DURATION "${durationText}" is not a number`);
		if (seen.has(trackId)) throw new Error(`${where}: ${trackId} is listed twice`);
		seen.add(trackId);
		tracks.push({
			trackId,
			artistId,
			albumId,
			path,
			duration,
			tags: [...new Set(tags.filter((t) => t !== ''))]
		});
	});
	return tracks;
}

/** Every tag that occurs in the split, in order of first appearance. */
export function splitTags(tracks: readonly SplitTrack[]): string[] {
	return [...new Set(tracks.flatMap((t) => t.tags))];
}

/**
 * The popularity baseline: every track gets the same score per tag, the share of training tracks carrying it.
 * Tags never seen in training score 0.
 */
export function tagFrequencies(train: readonly SplitTrack[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const track of train) for (const tag of track.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
	return new Map([...counts].map(([tag, n]) => [tag, n / train.length]));
}
