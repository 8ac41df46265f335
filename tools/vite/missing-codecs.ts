/**
 * audio-decode registers decoders for formats whose packages it does not depend on (e.g. @audio/decode-ape).
 * They are loaded with dynamic import() only for such files; this plugin turns the unresolvable ones into a
 * module that fails on import, so the build succeeds and such a file gets the decoder's normal error.
 */
import type { Plugin } from 'vite';

const prefix = '\0missing-codec:';

export function missingCodecs(): Plugin {
	return {
		name: 'music-tagger:missing-codecs',
		enforce: 'pre',
		async resolveId(id, importer, options) {
			if (!id.startsWith('@audio/decode-')) return null;
			const resolved = await this.resolve(id, importer, { ...options, skipSelf: true });
			return resolved ?? `${prefix}${id}`;
		},
		load(id) {
			if (!id.startsWith(prefix)) return null;
			return `throw new Error(${JSON.stringify(`${id.slice(prefix.length)} is not installed: this format cannot be decoded here`)});`;
		}
	};
}
