/**
 * The one-way flow of the README's "Layout" section, checked over the real import graph: a module may
 * import only from its own folder or from a folder earlier in the flow; product code (src/) never imports
 * build-time code (tools/), the bench or the tests.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** src/lib folders in flow order, then the entry points, build-time code and the bench. */
const flow = [
	'src/lib/shared',
	'src/lib/card',
	'src/lib/audio',
	'src/lib/features',
	'src/lib/model',
	'src/lib/predictions',
	'src/lib/pipeline',
	'src/lib/model-files',
	'src/lib/convert',
	'src/lib/node',
	'src/lib/worker',
	'src/lib/library',
	'src/lib/file-tags',
	'src/lib/eval',
	'src/lib/browser',
	'src/lib/app',
	'src/lib/ui',
	['src/routes', 'src/service-worker.ts', 'src/cli'],
	'tools',
	'bench'
];

const rankOf = new Map<string, number>(
	flow.flatMap((entry, rank) => (Array.isArray(entry) ? entry : [entry]).map((p) => [p, rank]))
);

/** The flow entry a repository path belongs to (the longest matching prefix). */
function roomOf(path: string): string | undefined {
	return [...rankOf.keys()]
		.filter((room) => path === room || path.startsWith(`${room}/`))
		.sort((a, b) => b.length - a.length)[0];
}

function codeFiles(dir: string): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const path = join(dir, entry.name);
		if (entry.isDirectory())
			return entry.name === 'node_modules' || entry.name === 'dist' ? [] : codeFiles(path);
		return /\.(ts|js|svelte)$/.test(entry.name) ? [path] : [];
	});
}

const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|new URL\(\s*)(['"])([^'"\n]+)\1/g;

/** A specifier as a repository path, or undefined for packages and SvelteKit's virtual modules. */
function resolveImport(from: string, spec: string): string | undefined {
	let base: string;
	if (spec.startsWith('$lib/')) base = join('src/lib', spec.slice(5));
	else if (spec.startsWith('.')) base = join(dirname(from), spec);
	else return undefined;
	const found = ['', '.ts', '.js', '.svelte', '/index.ts'].map((e) => base + e);
	return found.find((p) => existsSync(p) && statSync(p).isFile()) ?? base;
}

interface Edge {
	from: string;
	to: string;
}

function importEdges(): Edge[] {
	const files = ['src', 'tools', 'bench'].flatMap(codeFiles).filter((f) => !f.includes('/generated/'));
	return files.flatMap((from) =>
		[...readFileSync(from, 'utf8').matchAll(specifier)]
			.map((m) => resolveImport(from, m[2]))
			.filter((to): to is string => to !== undefined && /\.(ts|js|svelte)$/.test(to))
			.map((to) => ({ from: relative('.', from), to: relative('.', to) }))
	);
}

const edges = importEdges();

describe('the import graph follows the flow (README, Layout)', () => {
	it('reads a real graph: every relative or $lib import names a file that exists', () => {
		expect(edges.length).toBeGreaterThan(150);
		expect(edges.filter((e) => !existsSync(e.to))).toEqual([]);
	});

	it('has no edge from an earlier stage to a later one', () => {
		const backwards = edges.filter((e) => {
			const from = roomOf(e.from);
			const to = roomOf(e.to);
			if (!from || !to || from === to) return false;
			// Another room of the same rank is not earlier either (e.g. the CLI does not import a route).
			return rankOf.get(to)! >= rankOf.get(from)!;
		});
		expect(backwards.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
	});

	it('places every product module in a room of the flow', () => {
		const homeless = [...new Set(edges.flatMap((e) => [e.from, e.to]))].filter(
			(f) => f.startsWith('src/') && !roomOf(f)
		);
		expect(homeless).toEqual([]);
	});

	it('keeps product code free of tests and of build-time code', () => {
		const leaks = edges.filter(
			(e) =>
				e.to.startsWith('tests/') ||
				(e.from.startsWith('src/') && (e.to.startsWith('tools/') || e.to.startsWith('bench/')))
		);
		expect(leaks.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
	});
});
