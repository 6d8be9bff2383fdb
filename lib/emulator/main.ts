#!/usr/bin/env node
// Stand-alone entry: `node --import tsx lib/emulator/main.ts --port 9000` (or dist/emulator/main.js).
import {runEmulatorCli} from './cli.js';

try {
	await runEmulatorCli(process.argv.slice(2));
} catch (error) {
	console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
	process.exitCode = 1;
}
