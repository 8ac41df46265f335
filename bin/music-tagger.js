#!/usr/bin/env node
// Runs the compiled CLI: dist/cli/main.js, which `npm run build:cli` (part of `npm run setup`) bundles from
// src/cli/main.ts and the src/lib modules it uses (tools/cli/vite.config.ts).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
	console.error(
		'music-tagger: the CLI is not built (dist/cli/main.js is missing); run `npm run build:cli` (or `npm run setup`) first.'
	);
	process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
