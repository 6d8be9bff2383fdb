// Exit codes as the README states them, for every command: 0 all as planned, 1 a bucket failed,
// 2 usage error, bad configuration or missing credentials (then nothing is sent).
import {mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {runCli} from '../support/cli.js';
import {events} from '../support/function.js';
import {startHostileServer} from '../support/hostile-server.js';
import {withEmulator} from '../support/emulator.js';

const APP = '1250000000';
const GZ = 'ap-guangzhou';

async function eventFile(event: unknown): Promise<string> {
	const file = path.join(await mkdtemp(path.join(tmpdir(), 'binder-exit-')), 'event.json');
	await writeFile(file, JSON.stringify(event));
	return file;
}

const cosEvent = (name: string) => ({Records: [{cos: {cosBucket: {name, appid: APP, region: 'gz'}, cosObject: {}}, event: {eventName: 'cos:ObjectCreated:Put'}}]});

test('missing credentials: exit 2 naming the variable, before any request, for every command that sends', () =>
	withEmulator({}, async (emulator) => {
		emulator.createBucket(`a-${APP}`, GZ);
		const event = await eventFile(cosEvent('a'));
		const commands = [
			['bind', `a-${APP}`, '--region', GZ],
			['status', `a-${APP}`, '--region', GZ],
			['unbind', `a-${APP}`, '--region', GZ],
			['list'],
			['buckets'],
			['sync'],
			['invoke', event],
			['serve', '--port', '0'],
			['start', '--once'],
		];
		// An id without a key: the keys are "set", so no demo keys are filled in.
		for (const argv of commands) {
			const run = await runCli(argv, {BINDER_ENDPOINT: emulator.url, TENCENTCLOUD_SECRETID: 'AKIDonlyTheIdIsSet', TENCENTCLOUD_REGION: GZ}, {watchdogMs: 30_000});
			assert.not.ok(run.killedByWatchdog, argv.join(' '));
			assert.is(run.code, 2, `${argv.join(' ')}: ${run.stderr}`);
			assert.match(run.stderr, /TENCENTCLOUD_SECRETKEY/, argv.join(' '));
		}

		assert.equal(emulator.requests, []);
		assert.is(emulator.bucket(`a-${APP}`)?.ci, 'off');
		// A remote endpoint and no keys at all: the same.
		const remote = await runCli(['bind', `a-${APP}`, '--region', GZ], {BINDER_ENDPOINT: 'https://ci.example.invalid'});
		assert.is(remote.code, 2, remote.stderr);
		assert.match(remote.stderr, /No credentials/);
	}));

test('invoke: exit 1 when a bucket failed permanently, 0 when all bound, 1 for an event it cannot act on, 2 for bad settings', () =>
	withEmulator({}, async (emulator, env) => {
		emulator.createBucket(`a-${APP}`, GZ);
		const ghost = await runCli(['invoke', await eventFile(cosEvent('ghost'))], {...env, TENCENTCLOUD_REGION: GZ});
		assert.is(ghost.code, 1, ghost.stderr);
		const result = JSON.parse(ghost.stdout) as {results: Array<{outcome: string; code: string; transient?: boolean}>};
		assert.is(result.results[0]!.outcome, 'failed');
		assert.is(result.results[0]!.code, 'NoSuchBucket');
		assert.not.ok(result.results[0]!.transient);

		const bound = await runCli(['invoke', await eventFile(cosEvent('a'))], {...env, TENCENTCLOUD_REGION: GZ});
		assert.is(bound.code, 0, bound.stderr);

		const unsupported = await runCli(['invoke', await eventFile({Type: 'ckafka', records: []})], env);
		assert.is(unsupported.code, 1, unsupported.stderr);
		assert.match(JSON.parse(unsupported.stdout).error.code, /UnsupportedEvent|InvalidEvent/);

		emulator.clearRequests();
		const badConfig = await runCli(['invoke', await eventFile(cosEvent('a'))], {...env, BINDER_RETRIES: 'many'});
		assert.is(badConfig.code, 2, badConfig.stderr);
		assert.match(badConfig.stderr, /BINDER_RETRIES/);
		assert.equal(emulator.requests, []);
	}));

test('start --once: exit 1 when the handler threw (the listing failed transiently), 0 when all went well', () =>
	withEmulator({}, async (emulator, env) => {
		emulator.createBucket(`a-${APP}`, GZ);
		emulator.setFaults({errorRates: {SlowDown: 1}});
		const threw = await runCli(['start', '--once', '--apply'], {...env, BINDER_RETRIES: '0'});
		assert.is(threw.code, 1, threw.stderr);
		assert.match(threw.stdout, /handler threw: .*SlowDown/);

		emulator.setFaults({});
		const fine = await runCli(['start', '--once', '--apply'], env);
		assert.is(fine.code, 0, fine.stdout + fine.stderr);
		assert.is(emulator.bucket(`a-${APP}`)?.ci, 'on');
	}));

test('sync and bind: exit 1 when a bucket failed, with the rest still reported', () =>
	withEmulator({}, async (emulator, env) => {
		emulator.createBucket(`a-${APP}`, GZ);
		emulator.createBucket(`b-${APP}`, GZ);
		emulator.setFaults({errorRates: {InternalError: 1}, operations: ['CreateCIBucket']});
		const sync = await runCli(['sync', '--json'], {...env, BINDER_RETRIES: '0'});
		assert.is(sync.code, 1, sync.stderr);
		assert.is(sync.stdout.trim().split('\n').length, 2);
		const bind = await runCli(['bind', `a-${APP}`, '--region', GZ], {...env, BINDER_RETRIES: '0'});
		assert.is(bind.code, 1, bind.stderr);
	}));

test('invoke against a backend that never answers: a record per bucket, exit 1, and the process ends on its own', async () => {
	const server = await startHostileServer('stall');
	try {
		const names = ['c1', 'c2'].map((name) => `${name}-${APP}`);
		const event = await eventFile({EventList: names.map((name) => events.putBucket(name, GZ))});
		const context = path.join(path.dirname(event), 'context.json');
		await writeFile(context, JSON.stringify({time_limit_in_ms: 2000, tencentcloud_appid: APP}));
		const run = await runCli(
			['invoke', event, '--context', context, '--json'],
			{TENCENTCLOUD_SECRETID: 'AKIDhostile', TENCENTCLOUD_SECRETKEY: 'hostile-secret-key-value', BINDER_ENDPOINT: server.url, BINDER_REQUEST_TIMEOUT_MS: '120000'},
			{watchdogMs: 30_000},
		);
		assert.not.ok(run.killedByWatchdog, 'the process exits on its own');
		assert.is(run.code, 1, 'buckets that could not be bound are not a success');
		const records = `${run.stdout}\n${run.stderr}`
			.split('\n')
			.filter((line) => line.startsWith('{'))
			.map((line) => JSON.parse(line) as Record<string, unknown>)
			.filter((line) => line.message === 'bucket result');
		assert.equal(records.map((record) => record.bucket).sort(), names, run.stdout + run.stderr);
		await server.drained();
	} finally {
		await server.close();
	}
});

test.run();
