/**
 * `npm run build:cli`: bundles the CLI (src/cli/main.ts and the src/lib modules it imports) into Node ESM,
 * dist/cli/main.js, which bin/music-tagger.js imports. npm packages stay external (runtime dependencies in
 * node_modules); the lazy imports of src/cli/taggers.ts become chunks (dist/cli/chunks), so `--help` loads no
 * decoder or ONNX code.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
	root,
	// Used instead of the app's vite.config.ts (SvelteKit, browser conditions); static/ is not copied.
	publicDir: false,
	logLevel: 'warn',
	resolve: { alias: { $lib: fileURLToPath(new URL('../../src/lib', import.meta.url)) } },
	// The compiler options of .svelte-kit/tsconfig.json that matter to esbuild, given here so the build does not
	// need the generated tsconfig that tsconfig.json extends.
	esbuild: {
		tsconfigRaw: JSON.stringify({
			compilerOptions: { target: 'esnext', verbatimModuleSyntax: true, useDefineForClassFields: true }
		})
	},
	ssr: { target: 'node' },
	build: {
		// main.js, and the lane entry next to it (src/cli/lanes.ts starts it as a worker thread).
		ssr: true,
		outDir: 'dist/cli',
		emptyOutDir: true,
		target: 'node20',
		minify: false,
		sourcemap: false,
		rollupOptions: {
			input: { main: 'src/cli/main.ts', 'tag-worker': 'src/cli/tag-worker.ts' },
			output: {
				format: 'es',
				entryFileNames: '[name].js',
				chunkFileNames: 'chunks/[name]-[hash].js'
			}
		}
	}
});
