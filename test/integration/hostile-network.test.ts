// Hostile networks: backends that trickle a body, stall after the headers, never answer, or send their
// headers one byte at a time. Whatever they do, a request gives up when it should, closes its socket,
// every bucket ends as one record before the function's deadline, and the process can exit.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {createClient} from '../../lib/client/client.js';
import {isBinderError} from '../../lib/core/errors.js';
import {handle} from '../../lib/function/main-handler.js';
import {createTransport} from '../../lib/utils/http-transport.js';
import {readBody} from '../../lib/utils/read-body.js';
import {APP, events} from '../support/function.js';
import {collectGarbage, HOSTILE_MODES, settlesWithin, startHostileServer} from '../support/hostile-server.js';

const GZ = 'ap-guangzhou';
const KEYS = {TENCENTCLOUD_SECRETID: 'AKIDhostile', TENCENTCLOUD_SECRETKEY: 'hostile-secret-key-value'};

for (const mode of HOSTILE_MODES) {
	test(`transport (${mode}): an abort after a garbage collection still ends the exchange and closes the socket`, async () => {
		const server = await startHostileServer(mode, 50);
		try {
			const controller = new AbortController();
			const fetch = createTransport(controller.signal);
			const exchange = (async () => {
				const response = await fetch(new Request(`${server.url}/`, {signal: controller.signal}));
				return readBody(response, 10_000_000, 'throw', controller.signal);
			})();
			// Let the exchange get going, collect every unreachable object (the Request ky built, fetch's
			// internal one), then abort: with Node's fetch the abort never reached the socket.
			await new Promise((resolve) => setTimeout(resolve, 150));
			collectGarbage();
			controller.abort(new Error('caller gave up'));
			const error = await settlesWithin(exchange.then(() => undefined, (caught: unknown) => caught), 10_000, 'aborted exchange');
			assert.instance(error, Error);
			assert.is((error as Error).message, 'caller gave up');
			await server.drained();
			assert.is(server.accepted(), 1);
		} finally {
			await server.close();
		}
	});

	test(`client (${mode}): the per-attempt timeout covers headers and body; the socket is closed`, async () => {
		const server = await startHostileServer(mode, 50);
		try {
			const client = createClient({endpoint: server.url, env: KEYS, timeoutMs: 400, retry: {retries: 1, baseDelayMs: 1}});
			setTimeout(collectGarbage, 150).unref();
			const error = await settlesWithin(client.getStatus(`slow-${APP}`, GZ).then(() => undefined, (caught: unknown) => caught), 20_000, 'getStatus');
			assert.ok(isBinderError(error), String(error));
			assert.is(error.code, 'Timeout');
			assert.is(error.attempts, 2, 'a read is retried once after a timeout');
			assert.match(error.message, /within 400 ms/);
			await server.drained();
			assert.is(server.accepted(), 2);
		} finally {
			await server.close();
		}
	});
}

test('client: the caller\'s signal stops a request stalled after its headers, after a garbage collection', async () => {
	const server = await startHostileServer('stall-after-headers');
	try {
		const controller = new AbortController();
		const client = createClient({endpoint: server.url, env: KEYS, timeoutMs: 60_000, signal: controller.signal});
		const pending = client.bind(`late-${APP}`, GZ).then(() => undefined, (caught: unknown) => caught);
		await new Promise((resolve) => setTimeout(resolve, 150));
		collectGarbage();
		controller.abort(new Error('deadline'));
		const error = await settlesWithin(pending, 10_000, 'bind');
		assert.ok(isBinderError(error));
		assert.is(error.code, 'Aborted');
		await server.drained();
	} finally {
		await server.close();
	}
});

for (const mode of HOSTILE_MODES) {
	test(`handler (${mode}): every event bucket ends as one record before the deadline, and the platform is asked to retry`, async () => {
		const server = await startHostileServer(mode);
		const lines: string[] = [];
		try {
			const names = ['h1', 'h2', 'h3'].map((name) => `${name}-${APP}`);
			// Only the deadline can stop these requests: the per-attempt timeout is far beyond it.
			const env = {...KEYS, BINDER_ENDPOINT: server.url, BINDER_REQUEST_TIMEOUT_MS: '120000', BINDER_CONCURRENCY: '2', TENCENTCLOUD_APPID: APP};
			const deadline = Date.now() + 1500;
			const context = {request_id: 'req-hostile', getRemainingTimeInMillis: () => deadline - Date.now()};
			setTimeout(collectGarbage, 300).unref();
			const outcome = await settlesWithin(
				handle({EventList: names.map((name) => events.putBucket(name, GZ))}, context, {env, write: (line) => lines.push(line)}).then(
					(value) => ({value}),
					(error: unknown) => ({error}),
				),
				20_000,
				'main_handler',
			);
			assert.ok('error' in outcome, 'unbound event buckets make the handler throw so the platform retries');
			assert.is((outcome.error as Error).name, 'TransientFailureError');
			const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.message === 'bucket result');
			assert.equal(records.map((record) => record.bucket).sort(), names, 'one record per bucket');
			for (const record of records) {
				assert.is(record.outcome, 'skipped', JSON.stringify(record));
				assert.is(record.code, 'TimeBudget');
			}

			await server.drained();
		} finally {
			await server.close();
		}
	});
}

test('handler: a sweep whose bucket listing stalls ends with a transient Aborted error, not a hang', async () => {
	const server = await startHostileServer('stall-after-headers');
	const lines: string[] = [];
	try {
		const env = {...KEYS, BINDER_ENDPOINT: server.url, BINDER_REQUEST_TIMEOUT_MS: '120000'};
		const deadline = Date.now() + 1200;
		const context = {request_id: 'req-sweep', getRemainingTimeInMillis: () => deadline - Date.now()};
		const outcome = await settlesWithin(
			handle(events.timer(''), context, {env, write: (line) => lines.push(line)}).then(
				(value) => ({value}),
				(error: unknown) => ({error}),
			),
			20_000,
			'main_handler',
		);
		assert.ok('error' in outcome);
		const summary = lines.map((line) => JSON.parse(line) as Record<string, any>).find((line) => line.message === 'invocation summary');
		assert.is(summary?.error?.code, 'Aborted', JSON.stringify(summary));
		assert.is(summary?.error?.transient, true);
		await server.drained();
	} finally {
		await server.close();
	}
});

test.run();
