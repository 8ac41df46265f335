/** Tag list files (models/tags/*.txt, `evaluate --tags`): tag names in output order, one per line. */

/** One tag per line; blank lines and lines starting with # are ignored. */
export function parseTagList(text: string): string[] {
	return text
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter((line) => line !== '' && !line.startsWith('#'));
}
