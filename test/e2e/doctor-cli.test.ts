// `cos-ci-binder doctor --canary` as users run it: a child process, real signals, real time (no assertion on it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {bundleCli, jsonLines, runCli} from '../support/cli.js';
import {DEPLOYER, HTTP_TOKEN, ROLE_KEY, serviceFile, startDeployment} from '../support/doctor-harness.js';
import {runProcess} from '../support/process.js';
import {SCF_NODE_VERSION, scfNodePath} from '../support/scf-runtime.mjs';

test('Ctrl-C while the canary waits: the bucket is deleted, the report says so, exit 1', async () => {
	const deployment = await startDeployment({deliverEvents: false});
	try {
		let interrupted = false;
		let watcher: NodeJS.Timeout | undefined;
		const run = await runCli(['doctor', '--canary', '--config', serviceFile()], deployment.env, {
			onStdout: (_stdout, child) => {
				// Mid-wait: once the canary has read its bucket's status (off: nothing delivers the event), it sleeps.
				watcher ??= setInterval(() => {
					const waiting = deployment.emulator.requests.some((entry) => entry.operation === 'DescribeCIBucketStatus' && entry.host.startsWith('ccb-canary-'));
					if (waiting && !interrupted) {
						interrupted = true;
						clearInterval(watcher);
						child.kill('SIGINT');
					}
				}, 20);
			},
		});
		clearInterval(watcher);
		assert.ok(interrupted, `the canary never started waiting:\n${run.stdout}\n${run.stderr}`);
		assert.equal([run.code, run.signal, run.killedByWatchdog], [1, null, false], run.stderr);
		assert.match(run.stderr, /doctor: interrupted; deleting ccb-canary-[a-z0-9]{8}-1250000000…/);
		assert.match(run.stdout, /✘ canary {15}interrupted while waiting for ccb-canary-[a-z0-9]{8}-1250000000 \(ap-guangzhou\); bucket deleted afterwards/);
		assert.match(run.stdout, /\? cloudaudit-delivery {2}.*the canary was interrupted before its bucket was bound/);
		assert.equal(deployment.emulator.buckets(), [], 'no canary bucket left in the emulator');
		const deletes = deployment.emulator.requests.filter((entry) => entry.operation === 'DeleteBucket');
		assert.equal(
			deletes.map((entry) => [entry.status, entry.secretId]),
			[[204, DEPLOYER.secretId]],
		);
	} finally {
		await deployment.close();
	}
});

test('doctor --canary --json end to end: 13 objects, all ok, exit 0; no secret in the output', async () => {
	const deployment = await startDeployment();
	try {
		const run = await runCli(['doctor', '--canary', '--json', '--config', serviceFile()], deployment.env);
		assert.is(run.code, 0, run.stdout + run.stderr);
		const results = jsonLines(run.stdout);
		assert.is(results.length, 13);
		assert.ok(results.every((result) => result.ok === true), run.stdout);
		assert.equal(deployment.emulator.buckets(), []);
		for (const secret of [HTTP_TOKEN, DEPLOYER.secretKey, ROLE_KEY.secretKey, ROLE_KEY.sessionToken]) {
			assert.not.ok((run.stdout + run.stderr).includes(secret));
		}
	} finally {
		await deployment.close();
	}
});

test(`doctor --canary under Node ${SCF_NODE_VERSION} (the oldest runtime we promise), bundled as npx would run it: exit 0`, async () => {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-node18-'));
	const cli = path.join(work, 'cli.mjs');
	await bundleCli(cli);
	const deployment = await startDeployment();
	try {
		const run = await runProcess(scfNodePath(), [cli, 'doctor', '--canary', '--json', '--config', serviceFile()], {env: deployment.env});
		assert.is(run.code, 0, run.stdout + run.stderr);
		assert.equal(
			jsonLines(run.stdout).map((result) => [result.check, result.ok]),
			['keys', 'function', 'runtime', 'code', 'role', 'timer-trigger', 'url-trigger', 'eventbridge-rule', 'healthz', 'status', 'canary', 'role-policy', 'cloudaudit-delivery'].map((check) => [check, true]),
		);
	} finally {
		await deployment.close();
		fs.rmSync(work, {recursive: true, force: true});
	}
});

test.run();
