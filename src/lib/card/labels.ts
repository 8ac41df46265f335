/**
 * Human labels for tag keys, the one place that turns "mood/theme---film" into "Film" (mood/theme),
 * "instrument---electricguitar" into "Electric guitar" (instrument) and the MagnaTagATune / Last.fm keys
 * ("no vocals", "00s", "rnb") into "No vocals" (voice), "2000s" (era), "R&B" (genre).
 */

export type TagCategory = 'genre' | 'instrument' | 'mood/theme' | 'voice' | 'era' | 'other';

export interface TagLabel {
	/** The key as the model card lists it. */
	tag: string;
	label: string;
	category?: TagCategory;
}

/** Keys whose words run together (MTG-Jamendo) or whose spelling is not a label. */
const spelled: Record<string, string> = {
	acousticguitar: 'Acoustic guitar',
	drummachine: 'Drum machine',
	easylistening: 'Easy listening',
	electricguitar: 'Electric guitar',
	electricpiano: 'Electric piano',
	hiphop: 'Hip hop',
	'hip-hop': 'Hip hop',
	instrumentalpop: 'Instrumental pop',
	newage: 'New age',
	popfolk: 'Pop folk',
	poprock: 'Pop rock',
	triphop: 'Trip hop',
	rnb: 'R&B',
	'60s': '1960s',
	'70s': '1970s',
	'80s': '1980s',
	'90s': '1990s',
	'00s': '2000s'
};

/** Categories of the unprefixed keys (MagnaTagATune, Last.fm), by lower-cased key. */
// prettier-ignore
const categories: Record<TagCategory, string[]> = {
	genre: [
		'rock', 'pop', 'alternative', 'indie', 'electronic', 'dance', 'alternative rock', 'jazz', 'metal',
		'chillout', 'classic rock', 'soul', 'indie rock', 'electronica', 'folk', 'punk', 'oldies', 'blues',
		'hard rock', 'ambient', 'experimental', 'hip-hop', 'country', 'easy listening', 'funk', 'electro',
		'heavy metal', 'progressive rock', 'rnb', 'indie pop', 'house', 'classical', 'techno', 'indian', 'opera',
		'new age', 'classic'
	],
	instrument: [
		'guitar', 'strings', 'drums', 'piano', 'violin', 'synth', 'harpsichord', 'flute', 'sitar', 'harp', 'cello',
		'acoustic'
	],
	voice: [
		'female vocalists', 'male vocalists', 'female vocalist', 'instrumental', 'vocal', 'female', 'male',
		'singing', 'vocals', 'no vocals', 'woman', 'male vocal', 'no vocal', 'man', 'choir', 'voice', 'male voice',
		'female vocal', 'no voice', 'female voice', 'choral'
	],
	era: ['00s', '60s', '70s', '80s', '90s'],
	'mood/theme': ['beautiful', 'mellow', 'chill', 'sexy', 'catchy', 'sad', 'happy', 'party', 'soft'],
	other: ['slow', 'fast', 'loud', 'quiet', 'weird', 'beat', 'beats', 'solo']
};
const categoryOf = new Map(
	Object.entries(categories).flatMap(([category, keys]) => keys.map((key) => [key, category as TagCategory]))
);

const prefixes: Record<string, TagCategory> = {
	genre: 'genre',
	instrument: 'instrument',
	'mood/theme': 'mood/theme'
};

export function tagLabel(tag: string): TagLabel {
	const at = tag.lastIndexOf('---');
	const key = at < 0 ? tag : tag.slice(at + 3);
	const lower = key.toLowerCase();
	const category = at < 0 ? categoryOf.get(lower) : prefixes[tag.slice(0, at)];
	const label = spelled[lower] ?? (key.charAt(0).toUpperCase() + key.slice(1)).replaceAll('_', ' ');
	return { tag, label, ...(category ? { category } : {}) };
}

/** "Film (mood/theme)": the label with its category, for lists that mix categories. */
export function labelWithCategory(tag: string): string {
	const { label, category } = tagLabel(tag);
	return category ? `${label} (${category})` : label;
}
