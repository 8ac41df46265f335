import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs['flat/recommended'],
	{ languageOptions: { globals: { ...globals.browser, ...globals.node } } },
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: { parserOptions: { parser: ts.parser } }
	},
	{
		ignores: [
			'build/',
			'dist/',
			'tmp/',
			'.svelte-kit/',
			'node_modules/',
			'static/models/',
			'bench/results.json',
			'bench/dist/',
			// Generated tables (tools/gen-*.ts write them).
			'src/lib/audio/generated/'
		]
	}
);
