import net from 'node:net';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {startEmulator} from '../../lib/emulator/index.js';
import {serveFunction} from '../../lib/function/local-server.js';
import {APP, TOKEN, events, functionEnv, parseLogs, withFunction} from '../support/function.js';

const GZ = 'ap-guangzhou';
const json = (reply: any) => JSON.parse(reply.body);

test('healthz answers without a token; everything else needs the bearer token', () =>
	withFunction({}, async ({invoke}) => {
		const health = await invoke(events.url('GET', '/healthz', {token: null}));
		assert.is(health.statusCode, 200);
		assert.is(json(health).ok, true);
		// A function URL reply is exactly what docs 583/96099 show: statusCode, headers, body.
		assert.equal(Object.keys(health).sort(), ['body', 'headers', 'statusCode']);
		assert.match(health.headers['content-type'], /application\/json/);
		for (const token of [null, 'wrong-token-wrong-token', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
			const reply = await invoke(events.url('GET', '/status', {token, query: {bucket: `a-${APP}`, region: GZ}}));
			assert.is(reply.statusCode, 401, String(token));
			assert.is(json(reply).error.code, 'Unauthorized');
		}

		const basic = await invoke(events.url('GET', '/status', {token: null, headers: {authorization: `Basic ${TOKEN}`}, query: {bucket: `a-${APP}`}}));
		assert.is(basic.statusCode, 401);
	}));

test('secure by default: with no BINDER_HTTP_TOKEN every route but /healthz is refused', () =>
	withFunction({env: {BINDER_HTTP_TOKEN: undefined}}, async ({invoke}) => {
		assert.is((await invoke(events.url('GET', '/healthz'))).statusCode, 200);
		const reply = await invoke(events.url('POST', '/bind', {body: JSON.stringify({buckets: [`a-${APP}`], region: GZ})}));
		assert.is(reply.statusCode, 401);
		assert.match(json(reply).error.message, /BINDER_HTTP_TOKEN/);
	}));

test('POST /bind binds, reports per bucket, dedupes; per-bucket regions', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`a-${APP}`, GZ);
		emu.createBucket(`b-${APP}`, 'ap-shanghai', {bound: true});
		const reply = await invoke(
			events.url('POST', '/bind', {body: JSON.stringify({buckets: [`a-${APP}`, `a-${APP}`, {bucket: `b-${APP}`, region: 'ap-shanghai'}, `ghost-${APP}`], region: GZ})}),
		);
		assert.is(reply.statusCode, 200);
		const body = json(reply);
		assert.is(body.summary.total, 3);
		assert.equal(
			body.results.map((item: any) => [item.bucket, item.outcome, item.code]),
			[
				[`a-${APP}`, 'bound', undefined],
				[`b-${APP}`, 'already-bound', undefined],
				[`ghost-${APP}`, 'failed', 'NoSuchBucket'],
			],
		);
		assert.is(emu.bucket(`a-${APP}`)?.ci, 'on');
	}));

test('POST /sync and GET /status', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`a-${APP}`, GZ);
		emu.createBucket(`b-${APP}`, GZ, {bound: true});
		const dry = json(await invoke(events.url('POST', '/sync', {body: '{"dryRun":true}'})));
		assert.is(dry.summary['would-bind'], 1);
		assert.is(dry.summary['already-bound'], 1);
		const sync = json(await invoke(events.url('POST', '/sync', {body: ''})));
		assert.is(sync.summary.bound, 1);
		const status = await invoke(events.url('GET', '/status', {query: {bucket: `a-${APP}`, region: GZ}}));
		assert.is(status.statusCode, 200);
		assert.is(json(status).status, 'on');
		const missing = await invoke(events.url('GET', '/status', {query: {bucket: `ghost-${APP}`}}));
		assert.is(missing.statusCode, 404);
		assert.is(json(missing).result.code, 'NoSuchBucket');
	}));

test('status codes for bad requests: 400 naming the field, 404, 405, 413, 415 — never 500', () =>
	withFunction({env: {BINDER_HTTP_MAX_BODY_BYTES: '2048'}}, async ({invoke}) => {
		const cases: Array<[any, number, RegExp]> = [
			[events.url('POST', '/bind', {body: '{not json'}), 400, /body: not valid JSON/],
			[events.url('POST', '/bind', {body: '[]'}), 400, /body: must be a JSON object/],
			[events.url('POST', '/bind', {body: '{"buckets":[]}'}), 400, /body\.buckets/],
			[events.url('POST', '/bind', {body: '{"buckets":"a"}'}), 400, /body\.buckets/],
			[events.url('POST', '/bind', {body: `{"buckets":["BAD"],"region":"${GZ}"}`}), 400, /body\.buckets\[0\]/],
			[events.url('POST', '/bind', {body: `{"buckets":[{"bucket":"a-${APP}","region":"Mars"}]}`}), 400, /body\.buckets\[0\]\.region/],
			[events.url('POST', '/bind', {body: `{"buckets":["a-${APP}"],"region":"${GZ}","bogus":1}`}), 400, /body\.bogus/],
			[events.url('POST', '/bind', {body: `{"buckets":["a-${APP}"],"region":"${GZ}","dryRun":"yes"}`}), 400, /body\.dryRun/],
			[events.url('POST', '/sync', {body: '{"concurrency":1000}'}), 400, /concurrency/],
			[events.url('POST', '/sync', {body: '{"regions":"nowhere-land-x"}'}), 400, /regions/],
			[events.url('GET', '/status', {query: {bucket: 'No Pe'}}), 400, /query\.bucket/],
			[events.url('GET', '/status', {query: {}}), 400, /query\.bucket/],
			[events.url('GET', '/nowhere'), 404, /no route/],
			[events.url('DELETE', '/bind'), 405, /not allowed/],
			[events.url('POST', '/bind', {body: `{"buckets":["${'a'.repeat(3000)}"]}`}), 413, /limit is 2048/],
			[events.url('POST', '/bind', {body: 'buckets=a', headers: {'content-type': 'application/x-www-form-urlencoded'}}), 415, /content-type/],
		];
		for (const [event, status, message] of cases) {
			const reply = await invoke(event);
			assert.is(reply.statusCode, status, `${event.httpMethod} ${event.path} ${event.body.slice(0, 60)}: ${reply.body}`);
			assert.match(json(reply).error.message, message);
		}

		const wrongMethod = await invoke(events.url('GET', '/bind'));
		assert.is(wrongMethod.headers.allow, 'POST');
	}));

test('bare bucket names are completed with the function APPID; the region defaults to the function region', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`a-${APP}`, GZ);
		const reply = await invoke(events.url('POST', '/bind', {body: JSON.stringify({buckets: ['a']})}));
		assert.is(reply.statusCode, 200, reply.body);
		assert.equal(json(reply).results.map((item: any) => [item.bucket, item.region, item.outcome]), [[`a-${APP}`, GZ, 'bound']]);
		const status = await invoke(events.url('GET', '/status', {query: {bucket: 'a'}}));
		assert.is(json(status).status, 'on');
	}));

test('without any region, /status says what is missing', () =>
	withFunction({env: {TENCENTCLOUD_REGION: undefined}}, async ({invoke}) => {
		const reply = await invoke(events.url('GET', '/status', {query: {bucket: `a-${APP}`}}), {request_id: 'r'});
		assert.is(reply.statusCode, 400);
		assert.match(json(reply).error.message, /query\.region: missing/);
	}));

test('every HTTP flavour works: SCF function URL, SCF API Gateway, AWS API Gateway v1 and v2 (Lambda URL)', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`a-${APP}`, GZ);
		const body = JSON.stringify({buckets: [`a-${APP}`], region: GZ, dryRun: true});
		const headers = {'content-type': 'application/json', authorization: `Bearer ${TOKEN}`};
		const flavours = {
			scfApigw: {httpMethod: 'POST', path: '/bind', headers, queryString: {}, queryStringParameters: {}, headerParameters: {}, pathParameters: {}, body, isBase64Encoded: false, requestContext: {serviceId: 'service-x', path: '/bind', httpMethod: 'POST', requestId: 'r', stage: 'release', sourceIp: '10.0.0.1', identity: {}}},
			awsV1: {resource: '/bind', path: '/bind', httpMethod: 'POST', headers, multiValueHeaders: {}, queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: null, stageVariables: null, requestContext: {resourcePath: '/bind', httpMethod: 'POST', stage: 'prod', requestId: 'r', identity: {sourceIp: '1.2.3.4'}}, body: Buffer.from(body).toString('base64'), isBase64Encoded: true},
			awsV2: {version: '2.0', routeKey: '$default', rawPath: '/bind', rawQueryString: '', headers, requestContext: {http: {method: 'POST', path: '/bind', protocol: 'HTTP/1.1', sourceIp: '1.2.3.4', userAgent: 'x'}, requestId: 'r', routeKey: '$default', stage: '$default', timeEpoch: 0}, body, isBase64Encoded: false},
		};
		for (const [name, event] of Object.entries(flavours)) {
			const reply = await invoke(event);
			assert.is(reply.statusCode, 200, `${name}: ${reply.body}`);
			assert.is(json(reply).results[0].outcome, 'would-bind', name);
		}
	}));

test('function URL: the reply is exactly {statusCode, headers, body} (docs 583/96099); gateways also get isBase64Encoded: false', () =>
	withFunction({}, async ({invoke}) => {
		for (const [path, status] of [['/healthz', 200], ['/nowhere', 404], ['/status', 400]] as const) {
			const reply = await invoke(events.url('GET', path));
			assert.is(reply.statusCode, status, path);
			assert.equal(Object.keys(reply).sort(), ['body', 'headers', 'statusCode'], path);
			assert.ok(Object.values(reply.headers).every((value) => typeof value === 'string'));
			assert.type(reply.body, 'string');
		}

		const gateway = await invoke({httpMethod: 'GET', path: '/healthz', headers: {}, requestContext: {serviceId: 's', path: '/healthz', httpMethod: 'GET', stage: 'release', sourceIp: '10.0.2.14'}});
		assert.equal(Object.keys(gateway).sort(), ['body', 'headers', 'isBase64Encoded', 'statusCode']);
		assert.is(gateway.isBase64Encoded, false);
	}));

test('function URL on a misconfigured function: still the documented reply shape, a 500 that names no setting', () =>
	withFunction({env: {BINDER_EVENT_REGION_PATH: 'a..b'}}, async ({invoke}) => {
		const reply = await invoke(events.url('GET', '/healthz'));
		assert.is(reply.statusCode, 500);
		assert.equal(Object.keys(reply).sort(), ['body', 'headers', 'statusCode']);
		assert.is(json(reply).error.code, 'InvalidConfig');
		assert.not.match(reply.body, /BINDER_EVENT_REGION_PATH/);
	}));

test('function URL: the client address from x-scf-remote-addr is logged; x-forwarded-for is not trusted', () =>
	withFunction({}, async ({invoke, logs}) => {
		await invoke(events.url('GET', '/healthz', {headers: {'x-scf-remote-addr': '111.206.96.145', 'x-forwarded-for': '6.6.6.6'}}));
		const line = parseLogs(logs).find((entry) => entry.message === 'http request');
		assert.is(line?.sourceIp, '111.206.96.145');
		assert.not.ok(logs.join('\n').includes('6.6.6.6'));
	}));

test('the local runner (serveFunction) sets x-scf-remote-addr itself, as SCF does, whatever the client sent', async () => {
	const emu = await startEmulator();
	const logs: string[] = [];
	const server = await serveFunction({env: functionEnv(emu), write: (line) => logs.push(line)});
	try {
		const response = await fetch(`${server.url}/healthz`, {headers: {'x-scf-remote-addr': '6.6.6.6'}});
		assert.is(response.status, 200);
		const line = parseLogs(logs).find((entry) => entry.message === 'http request');
		assert.is(line?.sourceIp, '127.0.0.1');
	} finally {
		await server.close();
		await emu.close();
	}
});

test('HTTP bind failures do not throw (the caller gets the results)', () =>
	withFunction({env: {BINDER_RETRIES: '0'}}, async ({emu, invoke}) => {
		emu.createBucket(`a-${APP}`, GZ);
		emu.setFaults({errorRates: {SlowDown: 1}});
		const reply = await invoke(events.url('POST', '/bind', {body: JSON.stringify({buckets: [`a-${APP}`], region: GZ})}));
		assert.is(reply.statusCode, 200);
		assert.is(json(reply).results[0].code, 'SlowDown');
	}));

test('the 401 reply, through a served function, says "missing or invalid bearer token"', async () => {
	const emulator = await startEmulator();
	const server = await serveFunction({env: functionEnv(emulator), write: () => undefined});
	try {
		for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`]) {
			const response = await fetch(`${server.url}/status?bucket=a-1250000000&region=ap-guangzhou`, {headers: authorization ? {authorization} : {}});
			assert.is(response.status, 401);
			const body = (await response.json()) as {error: {message: string}};
			assert.is(body.error.message, 'missing or invalid bearer token in the Authorization header');
		}
	} finally {
		await server.close();
		await emulator.close();
	}
});

test('the local runner answers a request target that is no URL with 400, and goes on serving', async () => {
	const emu = await startEmulator();
	const server = await serveFunction({env: functionEnv(emu), write: () => undefined});
	try {
		// Node's HTTP parser accepts this target; reading it as a URL throws (once an unhandled rejection that ended `serve`).
		const reply = await new Promise<string>((resolve, reject) => {
			let text = '';
			const socket = net.connect(server.port, '127.0.0.1', () => socket.end('GET http://[ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
			socket.setEncoding('utf8');
			socket.on('data', (chunk: string) => (text += chunk));
			socket.on('end', () => resolve(text));
			socket.on('error', reject);
		});
		assert.match(reply, /^HTTP\/1\.1 400 /);
		assert.match(reply, /"code":"InvalidRequest"/);
		assert.is((await fetch(`${server.url}/healthz`)).status, 200, 'still serving');
	} finally {
		await server.close();
		await emu.close();
	}
});

test.run();
