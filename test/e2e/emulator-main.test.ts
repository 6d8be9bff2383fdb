// The emulator's stand-alone entry (lib/emulator/main.ts) as its own process: it serves until SIGTERM, and a bad
// flag ends it with exit code 1.
import path from 'node:path';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {ROOT} from '../support/paths.js';
import {runProcess} from '../support/process.js';

const MAIN = path.join(ROOT, 'lib/emulator/main.ts');

test('the stand-alone entry runs until SIGTERM and exits 0; a bad --port exits 1 naming the flag', async () => {
	let healthz: Promise<number> | undefined;
	const served = await runProcess(process.execPath, ['--import', 'tsx', MAIN, '--port', '0'], {
		watchdogMs: 30_000,
		onStdout(stdout, child) {
			const url = /export BINDER_ENDPOINT=(\S+)/.exec(stdout)?.[1];
			if (url && !healthz) {
				// Ask the running emulator once, then stop it the way a terminal or a supervisor would.
				healthz = fetch(`${url}/_emulator/healthz`)
					.then((response) => response.status)
					.finally(() => child.kill('SIGTERM'));
			}
		},
	});
	assert.ok(healthz, `the banner names the endpoint: ${served.stdout}${served.stderr}`);
	assert.is(await healthz, 200);
	assert.not.ok(served.killedByWatchdog, 'SIGTERM stops it');
	assert.is(served.code, 0, served.stderr);

	const bad = await runProcess(process.execPath, ['--import', 'tsx', MAIN, '--port', 'nope']);
	assert.is(bad.code, 1);
	assert.match(bad.stderr, /--port/);
});

test.run();
