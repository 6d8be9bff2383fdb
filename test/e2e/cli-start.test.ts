// `npm start` with keys already in the shell: a dry run that says which account it talks to and
// what it would bind; binding needs --apply. Without keys: the embedded demo, as before.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import type {Emulator} from '../../lib/emulator/index.js';
import {runCli} from '../support/cli.js';
import {withEmulator} from '../support/emulator.js';

const APP = '1250000000';
const GZ = 'ap-guangzhou';

/** An emulator run on its own, standing for "your account": keys in the environment, BINDER_ENDPOINT set. */
const withAccount = (body: (emulator: Emulator, env: Record<string, string>) => Promise<void>) =>
	withEmulator({}, async (emulator, env) => {
		emulator.createBucket(`photos-${APP}`, GZ, {bound: true});
		emulator.createBucket(`invoices-${APP}`, GZ);
		emulator.createBucket(`backups-${APP}`, 'ap-shanghai');
		await body(emulator, env);
	});

const binds = (emulator: Emulator) => emulator.requests.filter((request) => request.operation === 'CreateCIBucket').length;

test('start --once with keys set: a dry run naming what it would bind; nothing is bound', () =>
	withAccount(async (emulator, env) => {
		const run = await runCli(['start', '--once'], env);
		assert.is(run.code, 0, run.stdout + run.stderr);
		assert.match(run.stdout, new RegExp(`Talking to the account at ${emulator.url.replaceAll('.', '\\.')}`));
		assert.match(run.stdout, /DRY RUN: nothing is bound\..*npm start -- --apply/);
		assert.ok(
			run.stdout.includes('Timer tick: 3 bucket(s) in scope, 1 already bound, 0 failed.\n  Would bind 2 bucket(s) (nothing was bound; --apply binds them):\n    backups-1250000000 (ap-shanghai)\n    invoices-1250000000 (ap-guangzhou)\n'),
			run.stdout,
		);
		assert.match(run.stdout, /"outcome":"would-bind"/);
		// Not the demo: no demo bucket creation, no demo bucket names.
		assert.not.match(run.stdout, /fresh-1250000000|videos-1250000000|Emulator state/);
		assert.is(binds(emulator), 0);
		assert.equal(emulator.buckets().map((bucket) => bucket.ci), ['off', 'off', 'on']);
	}));

test('start --once --apply with keys set: binds for real, and says so', () =>
	withAccount(async (emulator, env) => {
		const run = await runCli(['start', '--once', '--apply'], env);
		assert.is(run.code, 0, run.stdout + run.stderr);
		assert.match(run.stdout, /--apply: unbound buckets in scope WILL be bound\./);
		assert.match(run.stdout, /Bound 2 bucket\(s\):/);
		assert.equal(emulator.buckets().map((bucket) => bucket.ci), ['on', 'on', 'on']);
	}));

test('start (served) with keys set: the banner says dry run and shows no demo commands; stops on SIGINT', () =>
	withAccount(async (emulator, env) => {
		let signalled = false;
		const run = await runCli(['start', '--port', '0', '--timer-seconds', '3600'], env, {
			onStdout(stdout, child) {
				if (!signalled && stdout.includes('Ctrl-C stops.') && stdout.includes('Would bind')) {
					signalled = true;
					child.kill('SIGINT');
				}
			},
		});
		assert.ok(signalled, run.stdout + run.stderr);
		assert.is(run.code, 0, run.stderr);
		assert.match(run.stdout, /Against the account at http:\/\/127\.0\.0\.1:\d+, DRY RUN \(npm start -- --apply binds\)\./);
		assert.match(run.stdout, /HTTP token for this run: +\S{20,}/);
		assert.match(run.stdout, /\/status\?bucket=<name>-<appid>&region=<region>/);
		assert.not.match(run.stdout, /videos-1250000000|_emulator\/buckets|demo account/);
		assert.is(binds(emulator), 0);
	}));

test('start --once without keys: the embedded demo still binds for real (its own emulator)', async () => {
	const run = await runCli(['start', '--once'], {});
	assert.is(run.code, 0, run.stdout + run.stderr);
	assert.not.match(run.stdout, /DRY RUN|REAL/);
	assert.match(run.stdout, /videos-1250000000 \(ap-guangzhou\): CI on/);
});

test.run();
