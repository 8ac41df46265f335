/**
 * `music-tagger`: batch tagging and evaluation in Node, on the browser's pipeline.
 * Entry: bin/music-tagger.js, which runs the build of this file (dist/cli/main.js, `npm run build:cli`).
 */
import { parseCommand, usage, UsageError } from './args';
import { runConvert } from './convert';
import { runEvaluate } from './evaluate';
import type { CliIO } from './io';
import { runTag } from './tag';

/** Runs one command line; returns the exit code (0 ok, 1 nothing could be done, 2 usage error). */
export async function main(argv: string[], io: CliIO = process): Promise<number> {
	try {
		const command = parseCommand(argv);
		if (command.command === 'help') {
			io.stdout.write(usage + '\n');
			return 0;
		}
		if (command.command === 'tag') return (await runTag(command, io)).exitCode;
		if (command.command === 'convert') return (await runConvert(command, io)).exitCode;
		return (await runEvaluate(command, io)).exitCode;
	} catch (error) {
		if (error instanceof UsageError) {
			io.stderr.write(`music-tagger: ${error.message}\n\n${usage}\n`);
			return 2;
		}
		io.stderr.write(`music-tagger: ${error instanceof Error ? error.message : String(error)}\n`);
		return 1;
	}
}
