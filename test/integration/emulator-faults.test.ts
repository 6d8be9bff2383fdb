import {request as httpRequest} from 'node:http';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {parse} from 'txml/txml';
import type {Emulator, EmulatorFaults} from '../../lib/emulator/index.js';
import {BUCKET, REGION, SERVICE_HOST, accountCiHost, ciHost, signOverride, signedFetch, tag, withEmulator} from '../support/emulator.js';

async function statuses(emulator: Emulator, count: number): Promise<number[]> {
	const result: number[] = [];
	for (let index = 0; index < count; index++) {
		result.push((await signedFetch(emulator, {virtualHost: SERVICE_HOST})).status);
	}

	return result;
}

test('failNext: the next N authenticated requests fail with the code (SlowDown/ServiceUnavailable 503, InternalError 500, TooManyRequests 429)', async () => {
	await withEmulator({}, async (emulator) => {
		for (const [code, status] of [
			['SlowDown', 503],
			['ServiceUnavailable', 503],
			['InternalError', 500],
			['TooManyRequests', 429],
		] as const) {
			emulator.setFaults({failNext: {count: 2, code}});
			const first = await signedFetch(emulator, {virtualHost: SERVICE_HOST});
			assert.is(first.status, status);
			assert.is(tag(first.body, 'Code'), code);
			assert.ok(first.headers['x-cos-request-id']);
			assert.is((await signedFetch(emulator, {virtualHost: SERVICE_HOST})).status, status);
			assert.is((await signedFetch(emulator, {virtualHost: SERVICE_HOST})).status, 200);
		}
	});
});

test('failNext: requests failing routing or authentication do not consume it; the count is visible', async () => {
	await withEmulator({faults: {failNext: {count: 1, code: 'SlowDown'}}}, async (emulator) => {
		assert.is((await fetch(`${emulator.url}/${SERVICE_HOST}/`)).status, 403);
		assert.is((await fetch(`${emulator.url}/nowhere.example/`)).status, 404);
		const admin = (await (await fetch(`${emulator.url}/_emulator/faults`)).json()) as EmulatorFaults;
		assert.equal(admin.failNext, {count: 1, code: 'SlowDown'});
		assert.is((await signedFetch(emulator, {virtualHost: SERVICE_HOST})).status, 503);
		assert.is((await signedFetch(emulator, {virtualHost: SERVICE_HOST})).status, 200);
	});
});

test('operations: faults only hit the listed operations', async () => {
	await withEmulator({faults: {failNext: {count: 1, code: 'InternalError'}, operations: ['CreateCIBucket']}}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		assert.is((await signedFetch(emulator, {virtualHost: SERVICE_HOST})).status, 200);
		assert.is((await signedFetch(emulator, {virtualHost: ciHost()})).status, 200);
		const bind = await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost()});
		assert.is(bind.status, 500);
		assert.is(tag(bind.body, 'Code'), 'InternalError');
		assert.is(emulator.bucket(BUCKET)!.ci, 'off', 'a failed bind must not bind');
		assert.is((await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost()})).status, 200);
	});
});

test('errorRates: the seed makes the failure sequence reproducible; another seed changes it; rates are honoured', async () => {
	const run = async (seed: number) => {
		let sequence: number[] = [];
		await withEmulator({seed, faults: {errorRates: {SlowDown: 0.3, InternalError: 0.2}}}, async (emulator) => {
			sequence = await statuses(emulator, 60);
		});
		return sequence;
	};

	const first = await run(42);
	const second = await run(42);
	const other = await run(7);
	assert.equal(first, second);
	assert.not.equal(first, other);
	const failures = first.filter((status) => status !== 200).length;
	assert.ok(failures > 15 && failures < 45, `failures ${failures} of 60 at a 50% rate`);
	assert.ok(first.includes(503) && first.includes(500) && first.includes(200));

	await withEmulator({faults: {errorRates: {ServiceUnavailable: 1}}}, async (emulator) => {
		const reply = await signedFetch(emulator, {virtualHost: SERVICE_HOST});
		assert.is(reply.status, 503);
		assert.is(tag(reply.body, 'Code'), 'ServiceUnavailable');
	});
});

test('latency: latencyMs (+ jitter) delays every answer, errors included', async () => {
	await withEmulator({faults: {latencyMs: 300, latencyJitterMs: 40}}, async (emulator) => {
		let started = Date.now();
		assert.is((await signedFetch(emulator, {virtualHost: SERVICE_HOST})).status, 200);
		const elapsed = Date.now() - started;
		assert.ok(elapsed >= 295 && elapsed < 2000, `elapsed ${elapsed}`);
		started = Date.now();
		assert.is((await fetch(`${emulator.url}/${SERVICE_HOST}/`)).status, 403);
		assert.ok(Date.now() - started >= 295);
		// The admin API is not slowed down.
		started = Date.now();
		await fetch(`${emulator.url}/_emulator/healthz`);
		assert.ok(Date.now() - started < 250);
	});
});

test('resetRate: the socket is destroyed without an answer, and the log says so', async () => {
	await withEmulator({faults: {resetRate: 1}}, async (emulator) => {
		let error: unknown;
		try {
			await signedFetch(emulator, {virtualHost: SERVICE_HOST});
		} catch (caught) {
			error = caught;
		}

		assert.instance(error, TypeError, 'fetch must fail');
		assert.match(String((error as {cause?: unknown}).cause), /closed|reset|socket/i);
		assert.is(emulator.requests[0]!.status, 0);
		assert.is(emulator.requests[0]!.code, 'ConnectionReset');
	});
});

async function withBodyFault(kind: string, run: (emulator: Emulator) => Promise<void>): Promise<void> {
	await withEmulator({faults: {bodyFaults: {[kind]: 1}}}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		await run(emulator);
	});
}

test('bodyFaults.html: a 502 text/html proxy page, without request id, and the bind did not happen', async () => {
	await withBodyFault('html', async (emulator) => {
		const reply = await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost()});
		assert.is(reply.status, 502);
		assert.is(reply.headers['content-type'], 'text/html');
		assert.match(reply.body, /<title>502 Bad Gateway<\/title>/);
		assert.is(reply.headers['x-ci-request-id'], undefined);
		assert.is(emulator.bucket(BUCKET)!.ci, 'off');
	});
});

test('bodyFaults.truncated: the real XML cut in half (the work was done)', async () => {
	await withBodyFault('truncated', async (emulator) => {
		const reply = await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost()});
		assert.is(reply.status, 200);
		assert.ok(reply.body.startsWith("<?xml version='1.0' encoding='utf-8' ?>\n<Response><RequestId>"));
		assert.not.ok(reply.body.includes('</Response>'));
		assert.is(emulator.bucket(BUCKET)!.ci, 'on');
		emulator.updateFaults({bodyFaults: {truncated: 1}});
		const status = await signedFetch(emulator, {virtualHost: ciHost()});
		// {"CIStatus":"on"} is 17 bytes: 8 are left.
		assert.is(status.body, '{"CIStat');
		assert.throws(() => JSON.parse(status.body));
	});
});

test('bodyFaults.deepNesting: 200 with 5000 nested tags', async () => {
	await withBodyFault('deepNesting', async (emulator) => {
		const reply = await signedFetch(emulator, {virtualHost: accountCiHost(), path: '/cibuckets'});
		assert.is(reply.status, 200);
		assert.is(reply.body.split('<Nested>').length - 1, 5000);
		assert.is(emulator.requests[0]!.code, 'BodyFault:deepNesting');
	});
});

test('bodyFaults.huge: 200 with a 20 MB body, streamed', async () => {
	await withBodyFault('huge', async (emulator) => {
		const authorization = signOverride(emulator, {virtualHost: SERVICE_HOST});
		const size = await new Promise<{status: number; bytes: number; length: string | undefined}>((resolve, reject) => {
			const request = httpRequest({host: '127.0.0.1', port: emulator.port, path: `/${SERVICE_HOST}/`, headers: {authorization}}, (response) => {
				let bytes = 0;
				response.on('data', (chunk: Buffer) => (bytes += chunk.length));
				response.on('end', () => resolve({status: response.statusCode!, bytes, length: response.headers['content-length']}));
			});
			request.on('error', reject);
			request.end();
		});
		assert.equal(size, {status: 200, bytes: 20 * 1024 * 1024, length: String(20 * 1024 * 1024)});

		// A client that gives up early must not hurt the emulator.
		const controller = new AbortController();
		const response = await fetch(`${emulator.url}/${SERVICE_HOST}/`, {headers: {authorization}, signal: controller.signal});
		const reader = response.body!.getReader();
		await reader.read();
		controller.abort();
		assert.is((await fetch(`${emulator.url}/_emulator/healthz`)).status, 200);
	});
});

test('bodyFaults.protoTags: 200 XML using __proto__ and constructor tags', async () => {
	await withBodyFault('protoTags', async (emulator) => {
		const reply = await signedFetch(emulator, {virtualHost: ciHost()});
		assert.is(reply.status, 200);
		assert.ok(reply.body.includes('<__proto__>'));
		assert.ok(reply.body.includes('<constructor>'));
		assert.ok(parse(reply.body, {selfClosingTags: []}).length > 0);
	});
});

test('bodyFaults draw per request with the seed: a 50% rate hits some requests and not others, reproducibly', async () => {
	const run = async () => {
		let codes: Array<string | undefined> = [];
		await withEmulator({seed: 3, faults: {bodyFaults: {truncated: 0.5}}}, async (emulator) => {
			for (let index = 0; index < 20; index++) {
				await signedFetch(emulator, {virtualHost: SERVICE_HOST});
			}

			codes = emulator.requests.map((entry) => entry.code);
		});
		return codes;
	};

	const first = await run();
	assert.equal(first, await run());
	assert.ok(first.includes('BodyFault:truncated') && first.includes(undefined));
});

test('rebindAnswer: "ok" answers 200 again; "error" answers rebindErrorCode (default BucketAlreadyBound 409, configurable)', async () => {
	await withEmulator({faults: {rebindAnswer: 'error'}}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		assert.is((await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost()})).status, 200);
		const again = await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost()});
		assert.is(again.status, 409);
		assert.is(tag(again.body, 'Code'), 'BucketAlreadyBound');
		assert.is(emulator.bucket(BUCKET)!.bindCount, 1);

		emulator.updateFaults({rebindErrorCode: 'InvalidArgument'});
		const custom = await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost()});
		assert.is(custom.status, 400);
		assert.is(tag(custom.body, 'Code'), 'InvalidArgument');

		emulator.updateFaults({rebindAnswer: 'ok'});
		assert.is((await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost()})).status, 200);
		assert.is(emulator.bucket(BUCKET)!.bindCount, 2);
	});
});

test('faults are validated strictly: unknown fields and bad values throw a TypeError naming the field', async () => {
	await withEmulator({}, async (emulator) => {
		assert.throws(() => emulator.setFaults({latencyMS: 5} as unknown as EmulatorFaults), /faults\.latencyMS/);
		assert.throws(() => emulator.setFaults({errorRates: {SlowDown: 2}}), /faults\.errorRates\.SlowDown/);
		assert.throws(() => emulator.setFaults({errorRates: {Teapot: 0.5} as never}), /faults\.errorRates\.Teapot/);
		assert.throws(() => emulator.setFaults({failNext: {count: -1, code: 'SlowDown'}}), /faults\.failNext\.count/);
		assert.throws(() => emulator.setFaults({failNext: {count: 1, code: 'Nope' as never}}), /faults\.failNext\.code/);
		assert.throws(() => emulator.setFaults({operations: ['PutObject']}), /faults\.operations\[0\]/);
		assert.throws(() => emulator.setFaults({bodyFaults: {html: -0.1}}), /faults\.bodyFaults\.html/);
		assert.throws(() => emulator.setFaults({rebindAnswer: 'maybe' as never}), /faults\.rebindAnswer/);
		emulator.setFaults({latencyMs: 5, resetRate: 0});
		emulator.updateFaults({latencyMs: undefined, unbindDelayMs: 10});
		assert.throws(() => emulator.updateFaults({resetRate: 1.5}), /faults\.resetRate/);
		const faults = (await (await fetch(`${emulator.url}/_emulator/faults`)).json()) as EmulatorFaults;
		assert.equal(faults, {resetRate: 0, unbindDelayMs: 10});
	});
});

test.run();
