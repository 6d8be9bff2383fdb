// The emulator's stand-alone entry (lib/emulator/main.ts) as its own process: it serves until SIGTERM, and a bad
// flag ends it with exit code 1.
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import {test} from 'uvu';
import * as assert from 'uvu/assert';

test('the stand-alone entry runs until SIGTERM and exits 0; a bad --port exits 1 naming the flag', async () => {
	const main = fileURLToPath(new URL('../../lib/emulator/main.ts', import.meta.url));
	const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0'], {stdio: ['ignore', 'pipe', 'pipe']});
	let output = '';
	const url = await new Promise<string>((resolve, reject) => {
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /export BINDER_ENDPOINT=(\S+)/.exec(output);
			if (match) {
				resolve(match[1]!);
			}
		});
		child.on('exit', () => reject(new Error(`exited early: ${output}`)));
		setTimeout(() => reject(new Error('no banner within 15 s')), 15_000);
	});
	assert.is((await fetch(`${url}/_emulator/healthz`)).status, 200);
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
	child.kill('SIGTERM');
	assert.is(await exited, 0);

	const bad = spawn(process.execPath, ['--import', 'tsx', main, '--port', 'nope'], {stdio: ['ignore', 'pipe', 'pipe']});
	let stderr = '';
	bad.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const code = await new Promise<number | null>((resolve) => bad.on('exit', (exitCode) => resolve(exitCode)));
	assert.is(code, 1);
	assert.match(stderr, /--port/);
});

test.run();
