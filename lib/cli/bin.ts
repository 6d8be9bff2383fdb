#!/usr/bin/env node
// The `cos-ci-binder` executable: parse argv, run, exit with the command's code.
import {main} from './main.js';

// A reader that went away (`cos-ci-binder list | head -1`) is not a reason to crash mid-bind: the
// work finishes, the rest of the output has nowhere to go.
for (const stream of [process.stdout, process.stderr]) {
	stream.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EPIPE') {
			throw error;
		}
	});
}

const code = await main(process.argv.slice(2));

/** Resolves once everything written so far has been handed to the OS (or the stream is gone). */
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// Exit now rather than when the event loop drains: the command is done, and a socket still open (a
// webhook answer trickling in, a keep-alive connection) must not hold the terminal.
process.exit(code);
