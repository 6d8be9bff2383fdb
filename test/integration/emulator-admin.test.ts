import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {DEMO_CREDENTIALS, runEmulatorCli, type BucketCreatedEvent, type Emulator} from '../../lib/emulator/index.js';
import {BUCKET, REGION, SERVICE_HOST, signedFetch, withEmulator} from '../support/emulator.js';

type Json = Record<string, any>;

async function admin(emulator: Emulator, method: string, path: string, body?: unknown): Promise<{status: number; json: Json}> {
	const response = await fetch(`${emulator.url}/_emulator${path}`, {
		method,
		...(body === undefined ? {} : {body: typeof body === 'string' ? body : JSON.stringify(body), headers: {'content-type': 'application/json'}}),
	});
	assert.match(response.headers.get('content-type') ?? '', /application\/json/);
	return {status: response.status, json: (await response.json()) as Json};
}

test('admin: healthz and state', async () => {
	await withEmulator({appId: '1300000001', ownerUin: '42'}, async (emulator) => {
		assert.equal(await admin(emulator, 'GET', '/healthz'), {status: 200, json: {ok: true}});
		emulator.createBucket('b-1300000001', REGION, {bound: true, createdAt: '2022-02-02T00:00:00Z'});
		const state = await admin(emulator, 'GET', '/state');
		assert.equal(state, {
			status: 200,
			json: {appId: '1300000001', ownerUin: '42', buckets: [{bucket: 'b-1300000001', region: REGION, createdAt: '2022-02-02T00:00:00Z', ci: 'on', bindCount: 0}]},
		});
	});
});

test('admin: POST /buckets creates (201) and emits bucket-created; DELETE /buckets/<id> removes', async () => {
	await withEmulator({}, async (emulator) => {
		const events: BucketCreatedEvent[] = [];
		emulator.on('bucket-created', (event) => events.push(event));
		const created = await admin(emulator, 'POST', '/buckets', {bucket: BUCKET, region: REGION, bound: false});
		assert.is(created.status, 201);
		assert.is(created.json.bucket, BUCKET);
		assert.is(created.json.ci, 'off');
		assert.is(events.length, 1);
		assert.is(events[0]!.name, 'examplebucket');
		assert.ok(events[0]!.requestId);
		assert.is((await admin(emulator, 'GET', '/buckets')).json.length, 1);
		assert.equal(await admin(emulator, 'DELETE', `/buckets/${BUCKET}`), {status: 200, json: {deleted: BUCKET}});
		const missing = await admin(emulator, 'DELETE', `/buckets/${BUCKET}`);
		assert.is(missing.status, 404);
		assert.is(missing.json.error.code, 'NoSuchBucket');
		assert.equal(emulator.buckets(), []);
	});
});

test('admin: bad bucket input answers 400 with a JSON error naming the field', async () => {
	await withEmulator({}, async (emulator) => {
		const cases: Array<[unknown, string, number?]> = [
			['{not json', ''],
			[[1, 2], ''],
			[{bucket: BUCKET, region: REGION, boundd: true}, 'boundd'],
			[{region: REGION}, 'bucket'],
			[{bucket: 42, region: REGION}, 'bucket'],
			[{bucket: BUCKET}, 'region'],
			[{bucket: 'Bad_Name-1250000000', region: REGION}, 'bucket'],
			[{bucket: 'noappid', region: REGION}, 'bucket'],
			[{bucket: BUCKET, region: 'mars'}, 'region'],
			[{bucket: BUCKET, region: REGION, bound: 'yes'}, 'bound'],
			[{bucket: BUCKET, region: REGION, createdAt: 'yesterday'}, 'createdAt'],
			[{bucket: 'theirs-1300000000', region: REGION}, 'bucket'],
		];
		for (const [body, field, status = 400] of cases) {
			const reply = await admin(emulator, 'POST', '/buckets', body);
			assert.is(reply.status, status, JSON.stringify(body));
			assert.is(reply.json.error.field, field, JSON.stringify(body));
			assert.type(reply.json.error.message, 'string');
		}

		await admin(emulator, 'POST', '/buckets', {bucket: BUCKET, region: REGION});
		const duplicate = await admin(emulator, 'POST', '/buckets', {bucket: BUCKET, region: REGION});
		assert.is(duplicate.status, 409);
		assert.is(duplicate.json.error.code, 'BucketAlreadyExists');
	});
});

test('admin: GET/PUT/PATCH /faults, with validation errors naming the field', async () => {
	await withEmulator({faults: {latencyMs: 0}}, async (emulator) => {
		assert.equal(await admin(emulator, 'GET', '/faults'), {status: 200, json: {latencyMs: 0}});
		assert.equal(await admin(emulator, 'PUT', '/faults', {failNext: {count: 1, code: 'SlowDown'}}), {status: 200, json: {failNext: {count: 1, code: 'SlowDown'}}});
		assert.equal(await admin(emulator, 'PATCH', '/faults', {rebindAnswer: 'error', failNext: null}), {status: 200, json: {rebindAnswer: 'error'}});
		const bad = await admin(emulator, 'PATCH', '/faults', {errorRates: {SlowDown: 7}});
		assert.is(bad.status, 400);
		assert.is(bad.json.error.field, 'errorRates.SlowDown');
		const typo = await admin(emulator, 'PUT', '/faults', {latency: 5});
		assert.is(typo.json.error.field, 'latency');
		assert.is((await admin(emulator, 'PUT', '/faults', 'nope')).status, 400);
		assert.equal((await admin(emulator, 'GET', '/faults')).json, {rebindAnswer: 'error'});
	});
});

test('admin: GET/DELETE /requests, POST /reset; admin calls are logged as Admin', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		await signedFetch(emulator, {virtualHost: SERVICE_HOST});
		const log = await admin(emulator, 'GET', '/requests');
		assert.is(log.json.length, 1);
		assert.is(log.json[0].operation, 'GetService');
		assert.is(emulator.requests.at(-1)!.operation, 'Admin');
		assert.is(emulator.requests.at(-1)!.host, '_emulator');
		assert.equal(await admin(emulator, 'DELETE', '/requests'), {status: 200, json: {cleared: true}});
		assert.equal(await admin(emulator, 'POST', '/reset'), {status: 200, json: {reset: true}});
		assert.equal(emulator.buckets(), []);
	});
});

test('admin: unknown route → 404, wrong method → 405, body over 1 MB → 413', async () => {
	await withEmulator({}, async (emulator) => {
		assert.is((await admin(emulator, 'GET', '/nope')).status, 404);
		assert.is((await admin(emulator, 'DELETE', '/state')).status, 405);
		assert.is((await admin(emulator, 'GET', '/reset')).status, 405);
		assert.is((await admin(emulator, 'POST', '/faults', {})).status, 405);
		const big = await admin(emulator, 'POST', '/buckets', `"${'x'.repeat(1024 * 1024 + 10)}"`);
		assert.is(big.status, 413);
		assert.is(big.json.error.code, 'EntityTooLarge');
	});
});

test('runEmulatorCli: banner with URL, demo SecretId, export line and a working curl example; stops on abort', async () => {
	let output = '';
	const controller = new AbortController();
	let emulator: Emulator | undefined;
	const running = runEmulatorCli(['--port', '0', '--app-id', '1300000000', '--seed=5', '--latency-ms', '0'], {
		write: (text) => (output += text),
		signal: controller.signal,
		onListening: (started) => (emulator = started),
	});
	for (let attempt = 0; attempt < 100 && emulator === undefined; attempt++) {
		await new Promise((resolve) => setTimeout(resolve, 10));
	}

	assert.ok(emulator);
	assert.ok(output.includes(emulator.url));
	assert.ok(output.includes(DEMO_CREDENTIALS.secretId));
	assert.match(output, /demo/i);
	assert.ok(output.includes(`export BINDER_ENDPOINT=${emulator.url}\n`));
	const curl = /curl -X POST (\S+) -H 'content-type: application\/json' -d '([^']+)'/.exec(output);
	assert.ok(curl, output);
	const response = await fetch(curl[1]!, {method: 'POST', headers: {'content-type': 'application/json'}, body: curl[2]!});
	assert.is(response.status, 201);
	assert.is(emulator.bucket('examplebucket-1300000000')!.ci, 'off');

	controller.abort();
	await running;
	assert.match(output, /stopped/);
	const reachable = await fetch(`${emulator.url}/_emulator/healthz`).then(
		() => true,
		() => false,
	);
	assert.not.ok(reachable, 'the emulator still answers after stopping');
});

test('runEmulatorCli: bad arguments throw an Error naming the flag; --help prints usage', async () => {
	for (const [argv, pattern] of [
		[['--port', 'abc'], /--port/],
		[['--port', '70000'], /--port/],
		[['--port'], /--port: missing value/],
		[['--port', '--host'], /--port: missing value/],
		[['--latency-ms', '-5'], /--latency-ms/],
		[['--app-id', 'x'], /--app-id/],
		[['--verbose'], /Unknown argument "--verbose"/],
	] as const) {
		const error = await runEmulatorCli([...argv], {write: () => undefined}).then(
			() => undefined,
			(caught: unknown) => caught,
		);
		assert.instance(error, Error, argv.join(' '));
		assert.match((error as Error).message, pattern as RegExp);
	}

	let usage = '';
	await runEmulatorCli(['--help'], {write: (text) => (usage += text)});
	assert.match(usage, /--port N/);
});

test.run();
