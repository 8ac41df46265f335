/**
 * The core of "write tags into the files", pure: (file bytes, planned tags) → new file bytes, the preview of
 * what changes (field: before → after) and the original values (for undo). TagLib (taglib-wasm) does the
 * writing, passed in by the caller (taglib-browser.ts / taglib-node.ts load it lazily); it rewrites the tag
 * blocks only, the audio data is copied as it is (tests/unit/file-tags-write.test.ts checks it).
 *
 * Field names are taglib-wasm's: `mood` is ID3 TMOO, Vorbis MOOD, MP4 ----:com.apple.iTunes:MOOD (the
 * mapping MusicBrainz Picard uses), `genre` is TCON / GENRE / ©gen; MUSIC_TAGGER is TXXX:MUSIC_TAGGER,
 * a MUSIC_TAGGER Vorbis comment, ----:com.apple.iTunes:MUSIC_TAGGER.
 */
import type { TagLib } from 'taglib-wasm';
import { MACHINE_FIELD, type MachineRecord, type TagPlan } from './plan';

export type { TagLib };

/** A field's values before and after (an empty list: the field is absent). */
export interface FieldChange {
	field: string;
	before: string[];
	after: string[];
}

/** The values the changed fields had before the write, by field (empty list: the field was absent). */
export type OriginalFields = Record<string, string[]>;

export interface TagWrite {
	/** TagLib's name of the container: MP3, FLAC, OGG, OPUS, MP4, WAV… */
	format: string;
	/** The new file; the input bytes themselves when nothing changes. */
	bytes: Uint8Array;
	changes: FieldChange[];
	original: OriginalFields;
}

export interface WriteOptions {
	/** GENRE: 'append' (default) adds the planned genres after the file's own; 'replace' writes only them. */
	genre?: 'append' | 'replace';
}

/** How a field reads in a preview: MOOD, GENRE, MUSIC_TAGGER. */
export const fieldName = (field: string) => field.toUpperCase();

const same = (a: readonly string[], b: readonly string[]) =>
	a.length === b.length && a.every((v, i) => v === b[i]);

type PropertyMap = Record<string, string[] | undefined>;

/** Opens `bytes`, lets `edit` say the new value of some fields, saves when any changed. */
async function editFields(
	taglib: TagLib,
	bytes: Uint8Array,
	edit: (current: PropertyMap) => Record<string, string[]>
): Promise<TagWrite> {
	const file = await taglib.open(bytes);
	try {
		if (!file.isValid()) throw new Error('not an audio file TagLib can tag');
		const format = file.getFormat();
		const properties = file.properties() as PropertyMap;
		const wanted = edit(properties);
		const changes: FieldChange[] = [];
		const original: OriginalFields = {};
		const next: PropertyMap = { ...properties };
		for (const [field, after] of Object.entries(wanted)) {
			const before = properties[field] ?? [];
			if (same(before, after)) continue;
			changes.push({ field, before, after });
			original[field] = before;
			if (after.length > 0) next[field] = after;
			else delete next[field];
		}
		if (changes.length === 0) return { format, bytes, changes, original };
		file.setProperties(next as Record<string, string[]>);
		if (!file.save()) throw new Error(`TagLib could not save the ${format} tags`);
		return { format, bytes: file.getFileBuffer(), changes, original };
	} finally {
		file.dispose();
	}
}

/** The MUSIC_TAGGER record of a file, with the values the fields had before this app first changed them. */
export type StoredRecord = MachineRecord & { original: OriginalFields };

/** The file's MUSIC_TAGGER record, or undefined when it has none (or one this app cannot read). */
export function parseRecord(values: readonly string[] | undefined): StoredRecord | undefined {
	try {
		const record = JSON.parse(values?.[0] ?? '') as StoredRecord;
		return record?.app === 'music-tagger' && typeof record.original === 'object' ? record : undefined;
	} catch {
		return undefined;
	}
}

/**
 * The plan written into `bytes`: MOOD replaced (when some mood applies), GENRE appended, MUSIC_TAGGER set. The
 * record keeps the values the fields had before the app first wrote them (an earlier record's `original`
 * wins), so undo restores the file as it was before any run, from the file alone.
 */
export function writeTagPlan(
	taglib: TagLib,
	bytes: Uint8Array,
	plan: TagPlan,
	options: WriteOptions = {}
): Promise<TagWrite> {
	return editFields(taglib, bytes, (current) => {
		const fields: Record<string, string[]> = {};
		if (plan.moods.length > 0) fields.mood = plan.moods;
		if (plan.genres.length > 0) {
			const own = options.genre === 'replace' ? [] : (current.genre ?? []);
			fields.genre = [...own, ...plan.genres.filter((g) => !own.includes(g))];
		}
		const earlier = parseRecord(current[MACHINE_FIELD]);
		const original: OriginalFields = { ...earlier?.original };
		for (const field of Object.keys(fields)) original[field] ??= current[field] ?? [];
		original[MACHINE_FIELD] ??= current[MACHINE_FIELD] ?? [];
		const record: StoredRecord = { ...plan.machine, original };
		return { ...fields, [MACHINE_FIELD]: [JSON.stringify(record)] };
	});
}

/** Undo from explicit values: the fields put back as `original` says (an empty list removes the field). */
export function restoreFields(
	taglib: TagLib,
	bytes: Uint8Array,
	original: OriginalFields
): Promise<TagWrite> {
	return editFields(taglib, bytes, () => original);
}

/**
 * Undo from the file alone: every field the app wrote put back from the MUSIC_TAGGER record's `original`
 * (the record itself removed, or put back when the file had a foreign one). No record: nothing changes.
 */
export function undoTags(taglib: TagLib, bytes: Uint8Array): Promise<TagWrite> {
	return editFields(taglib, bytes, (current) => {
		const record = parseRecord(current[MACHINE_FIELD]);
		return record ? { [MACHINE_FIELD]: [], ...record.original } : {};
	});
}

/** The file's tag fields as TagLib reads them (taglib-wasm names), e.g. for a preview of an untouched file. */
export async function readFields(taglib: TagLib, bytes: Uint8Array): Promise<Record<string, string[]>> {
	const file = await taglib.open(bytes);
	try {
		return file.properties() as Record<string, string[]>;
	} finally {
		file.dispose();
	}
}

/** The preview lines of one file: `MOOD: (none) → Happy; Film`. */
export function describeChanges(changes: readonly FieldChange[]): string[] {
	const show = (values: string[]) => (values.length === 0 ? '(none)' : values.join('; '));
	return changes.map((c) => {
		const after = c.field === MACHINE_FIELD ? `${c.after[0]?.length ?? 0} characters of JSON` : show(c.after);
		const before = c.field === MACHINE_FIELD && c.before.length > 0 ? 'an earlier record' : show(c.before);
		return `${fieldName(c.field)}: ${before} → ${after}`;
	});
}
