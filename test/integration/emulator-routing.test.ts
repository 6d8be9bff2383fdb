import {connect} from 'node:net';
import {request as httpRequest} from 'node:http';
import fc from 'fast-check';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {
	BUCKET,
	REGION,
	SERVICE_HOST,
	accountCiHost,
	ciHost,
	cosHost,
	rawRequest,
	signOverride,
	signVirtual,
	signedFetch,
	tag,
	withEmulator,
} from '../support/emulator.js';

test('override rule: http://127.0.0.1:PORT/<host>/<path> routes to the virtual host', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION, {bound: true});
		const reply = await signedFetch(emulator, {virtualHost: ciHost()});
		assert.is(reply.status, 200, reply.body);
		assert.equal(JSON.parse(reply.body), {CIStatus: 'on'});
		const [entry] = emulator.requests;
		assert.is(entry!.host, ciHost());
		assert.is(entry!.path, '/');
		assert.is(entry!.operation, 'DescribeCIBucketStatus');
	});
});

test('override rule: /<host> with nothing after is the path /', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		const authorization = signOverride(emulator, {virtualHost: SERVICE_HOST, signPath: ''});
		const response = await fetch(`${emulator.url}/${SERVICE_HOST}`, {headers: {authorization}});
		const body = await response.text();
		assert.is(response.status, 200, body);
		assert.is(tag(body, 'Name'), BUCKET);
		assert.is(emulator.requests[0]!.operation, 'GetService');
	});
});

test('Host routing: a *.myqcloud.com Host header (port stripped) routes, signed with the virtual host', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		const host = ciHost();
		const reply = await rawRequest(emulator, {
			method: 'PUT',
			target: '/',
			headers: {host: `${host}:443`, authorization: signVirtual({method: 'PUT', host: `${host}:443`})},
		});
		assert.is(reply.status, 200, reply.body);
		assert.is(tag(reply.body, 'BucketId'), BUCKET);
		assert.is(emulator.bucket(BUCKET)!.ci, 'on');
		assert.is(emulator.requests[0]!.host, host);
	});
});

test('absolute-form request target (what a proxy receives) routes by the URL host', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION, {bound: true});
		const host = accountCiHost();
		const reply = await rawRequest(emulator, {
			target: `http://${host}/cibuckets?pageSize=5`,
			headers: {host, authorization: signVirtual({host, path: '/cibuckets', query: {pageSize: '5'}})},
		});
		assert.is(reply.status, 200, reply.body);
		assert.is(tag(reply.body, 'TotalCount'), '1');
		assert.is(tag(reply.body, 'PageSize'), '5');
		assert.is(emulator.requests[0]!.operation, 'DescribeCIBuckets');
		assert.equal(emulator.requests[0]!.query, {pageSize: '5'});
	});
});

test('every virtual host kind routes to its operation (bucket CI, legacy .pic., account CI, service, regional service, bucket COS)', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION, {bound: true});
		const cases: Array<[string, string, string, string]> = [
			['GET', ciHost(), '/', 'DescribeCIBucketStatus'],
			['GET', `${BUCKET}.pic.${REGION}.myqcloud.com`, '/', 'DescribeCIBucketStatus'],
			['GET', accountCiHost('ap-beijing'), '/cibuckets', 'DescribeCIBuckets'],
			['GET', SERVICE_HOST, '/', 'GetService'],
			['GET', `cos.${REGION}.myqcloud.com`, '/', 'GetService'],
			['PUT', cosHost(`other-1250000000`), '/', 'PutBucket'],
		];
		for (const [method, virtualHost, path, operation] of cases) {
			const reply = await signedFetch(emulator, {method, virtualHost, path});
			assert.is(reply.status, 200, `${virtualHost}: ${reply.body}`);
			assert.is(emulator.requests.at(-1)!.operation, operation);
		}
	});
});

test('unknown hosts answer 404 InvalidURI as COS XML without authentication, never crash', async () => {
	await withEmulator({}, async (emulator) => {
		for (const target of ['/', '/example.com/', '/favicon.ico', '/nowhere.myqcloud.com/']) {
			const response = await fetch(`${emulator.url}${target}`);
			const body = await response.text();
			assert.is(response.status, 404, target);
			assert.is(tag(body, 'Code'), 'InvalidURI', target);
			assert.ok(body.startsWith("<?xml version='1.0' encoding='utf-8' ?>"));
			assert.ok(response.headers.get('x-cos-request-id'));
		}
	});
});

test('unknown paths on known hosts: 403 when unsigned (authentication comes first), 404 InvalidURI when signed', async () => {
	await withEmulator({}, async (emulator) => {
		for (const [host, path] of [
			[ciHost(), '/some/object.jpg'],
			[accountCiHost(), '/mediaqueue'],
			[SERVICE_HOST, '/x'],
			[cosHost(), '/object.txt'],
		] as const) {
			const unsigned = await fetch(`${emulator.url}/${host}${path}`);
			assert.is(unsigned.status, 403, `${host}${path}`);
			assert.is(tag(await unsigned.text(), 'Code'), 'AccessDenied');
			const signed = await signedFetch(emulator, {virtualHost: host, path});
			assert.is(signed.status, 404, `${host}${path}`);
			assert.is(tag(signed.body, 'Code'), 'InvalidURI');
			assert.is(emulator.requests.at(-1)!.operation, 'Unknown');
		}
	});
});

test('an unsupported method on a route answers 405 MethodNotAllowed (after authentication)', async () => {
	await withEmulator({}, async (emulator) => {
		const cases: Array<[string, string, string, Record<string, true>]> = [
			['DELETE', ciHost(), '/', {}],
			['POST', accountCiHost(), '/cibuckets', {}],
			['PUT', SERVICE_HOST, '/', {}],
			['GET', cosHost(), '/', {}],
			['POST', ciHost(), '/', {unbind: true}],
		];
		for (const [method, host, path, query] of cases) {
			const reply = await signedFetch(emulator, {method, virtualHost: host, path, query});
			assert.is(reply.status, 405, `${method} ${host}${path}`);
			assert.is(tag(reply.body, 'Code'), 'MethodNotAllowed');
			const unsigned = await fetch(`${emulator.url}/${host}${path}`, {method});
			assert.is(unsigned.status, 403);
		}
	});
});

test('CI hosts answer CI-flavoured errors (no Resource, x-ci-request-id), COS hosts COS-flavoured ones', async () => {
	await withEmulator({}, async (emulator) => {
		const ci = await fetch(`${emulator.url}/${ciHost()}/`);
		const ciBody = await ci.text();
		assert.is(ci.status, 403);
		assert.is(tag(ciBody, 'Code'), 'AccessDenied');
		assert.not.ok(ciBody.includes('<Resource>'));
		assert.ok(tag(ciBody, 'TraceId'));
		assert.is(ci.headers.get('x-ci-request-id'), tag(ciBody, 'RequestId'));
		assert.is(ci.headers.get('content-type'), 'application/xml');

		const cos = await fetch(`${emulator.url}/${SERVICE_HOST}/`);
		const cosBody = await cos.text();
		assert.is(cos.status, 403);
		assert.is(tag(cosBody, 'Resource'), `${SERVICE_HOST}/`);
		assert.is(cos.headers.get('x-cos-request-id'), tag(cosBody, 'RequestId'));
	});
});

test('request ids are unique and every answer carries a Date header from the emulator clock', async () => {
	await withEmulator({faults: {clockOffsetMs: 3_600_000}}, async (emulator) => {
		const ids = new Set<string>();
		for (let index = 0; index < 5; index++) {
			const response = await fetch(`${emulator.url}/${SERVICE_HOST}/`);
			await response.text();
			ids.add(response.headers.get('x-cos-request-id')!);
			const skew = Date.parse(response.headers.get('date')!) - Date.now();
			assert.ok(skew > 3_590_000 && skew < 3_610_000, `Date header skew ${skew}`);
		}

		assert.is(ids.size, 5);
	});
});

test('bodies over 1 MB are refused with EntityTooLarge, never buffered', async () => {
	await withEmulator({}, async (emulator) => {
		// Declared too large: refused before reading a byte.
		const declared = await new Promise<{status: number; body: string}>((resolve, reject) => {
			const request = httpRequest(
				{host: '127.0.0.1', port: emulator.port, method: 'PUT', path: `/${ciHost()}/`, headers: {'content-length': 5 * 1024 * 1024}},
				(response) => {
					let body = '';
					response.on('data', (chunk: Buffer) => (body += chunk.toString()));
					response.on('end', () => resolve({status: response.statusCode!, body}));
				},
			);
			request.on('error', reject);
			request.write(Buffer.alloc(64 * 1024));
		});
		assert.is(declared.status, 400);
		assert.is(tag(declared.body, 'Code'), 'EntityTooLarge');

		// Chunked, no length: cut off once past the limit.
		const chunked = await new Promise<{status: number; body: string}>((resolve, reject) => {
			const request = httpRequest({host: '127.0.0.1', port: emulator.port, method: 'PUT', path: `/${ciHost()}/`, headers: {'transfer-encoding': 'chunked'}}, (response) => {
				let body = '';
				response.on('data', (chunk: Buffer) => (body += chunk.toString()));
				response.on('end', () => resolve({status: response.statusCode!, body}));
			});
			request.on('error', () => undefined);
			request.on('close', () => reject(new Error('closed without an answer')));
			const chunk = Buffer.alloc(256 * 1024, 'x');
			for (let index = 0; index < 6; index++) {
				request.write(chunk);
			}
		});
		assert.is(chunked.status, 400);
		assert.is(tag(chunked.body, 'Code'), 'EntityTooLarge');
		assert.is(emulator.requests.at(-1)!.code, 'EntityTooLarge');
	});
});

test('hostile request targets answer an error, never crash the emulator', async () => {
	await withEmulator({}, async (emulator) => {
		const targets = [
			`/${ciHost()}/%E0%A4%A`,
			`/${SERVICE_HOST}/?marker=%ZZ`,
			'/%00/',
			`/${'a'.repeat(5000)}.myqcloud.com/`,
			`/${SERVICE_HOST}/?${'x=1&'.repeat(500)}`,
			`/${SERVICE_HOST}/?__proto__=1&constructor=2`,
			'*',
		];
		for (const target of targets) {
			const reply = await rawRequest(emulator, {target, headers: {host: '127.0.0.1'}});
			assert.ok(reply.status >= 400 && reply.status < 500, `${target.slice(0, 60)} → ${reply.status}`);
			assert.ok(tag(reply.body, 'Code'), reply.body);
		}

		// A request line that is not HTTP at all.
		await new Promise<void>((resolve) => {
			const socket = connect(emulator.port, '127.0.0.1', () => socket.end('\u0000\u0001 garbage\r\n\r\n'));
			socket.on('data', () => undefined);
			socket.on('close', () => resolve());
			socket.on('error', () => resolve());
		});
		const health = await fetch(`${emulator.url}/_emulator/healthz`);
		assert.is(health.status, 200);
	});
});

test('fuzz: arbitrary targets, methods and Authorization values never answer 500 nor crash', async () => {
	const pieces = [
		'/', '%', '%2', '%ZZ', '%E0%A4%A', '%00', '%2F', '?', '&', '=', '#', '..', 'a', '__proto__', 'constructor', 'unbind',
		'q-signature=', 'q-ak=AKID', 'q-sign-time=1;2', 'pageSize=', 'max-keys=', 'marker=', '_emulator', 'healthz', 'cibuckets',
		SERVICE_HOST, accountCiHost(), ciHost(), cosHost(), `${BUCKET}.pic.x.myqcloud.com`, 'cos..myqcloud.com', '%E8%85%BE',
	];
	const authorization = fc.oneof(
		fc.constant(undefined),
		fc.string(),
		fc.array(fc.constantFrom('q-sign-algorithm=sha1', 'q-ak=AKIDEMULATORDEMO0000000000000000', 'q-sign-time=1;9999999999', 'q-key-time=1;9999999999', 'q-header-list=host', 'q-url-param-list=', 'q-signature=00', '&', '='), {maxLength: 8}).map((parts) => parts.join('&')),
	);
	await withEmulator({}, async (emulator) => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.constantFrom(...pieces), {maxLength: 12}),
				fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'),
				authorization,
				async (parts, method, auth) => {
					const target = `/${parts.join('')}`;
					const headers: Record<string, string> = {host: `127.0.0.1:${emulator.port}`};
					if (auth !== undefined) {
						headers.authorization = auth.replace(/[^\x20-\x7e]/g, '');
					}

					const reply = await rawRequest(emulator, {method, target, headers});
					assert.ok(reply.status >= 200 && reply.status < 500, `${method} ${target} → ${reply.status} ${reply.body.slice(0, 200)}`);
				},
			),
			{numRuns: 400, seed: 20_240_601},
		);
		assert.is((await fetch(`${emulator.url}/_emulator/healthz`)).status, 200);
		assert.not.ok(emulator.requests.some((entry) => entry.status >= 500));
	});
});

test('close() is prompt even with keep-alive sockets and pending latency', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.updateFaults({latencyMs: 60_000});
		const pending = fetch(`${emulator.url}/${SERVICE_HOST}/`).then(
			() => 'answered',
			() => 'failed',
		);
		await new Promise((resolve) => setTimeout(resolve, 50));
		const started = Date.now();
		await emulator.close();
		assert.ok(Date.now() - started < 1000, 'close took too long');
		assert.is(await pending, 'failed');
	});
});

test.run();
