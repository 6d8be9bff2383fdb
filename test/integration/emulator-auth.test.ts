import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {getAuthorization} from '../../lib/signer/authorization.js';
import {tencentUrlEncode} from '../../lib/utils/url-encode.js';
import {DEMO_CREDENTIALS, type Emulator} from '../../lib/emulator/index.js';
import {
	BUCKET,
	REGION,
	SERVICE_HOST,
	accountCiHost,
	ciHost,
	cosHost,
	flipSignatureByte,
	rawRequest,
	signVirtual,
	signedFetch,
	tag,
	withEmulator,
	type Reply,
	type SignedRequest,
} from '../support/emulator.js';

const TEMPORARY = {secretId: 'AKIDTEMPORARY000000000000000000', secretKey: 'temporary-secret-key-00000000000', sessionToken: 'session-token-abc123'};

async function expectError(reply: Reply, status: number, code: string, message?: RegExp): Promise<void> {
	assert.is(reply.status, status, reply.body);
	assert.is(tag(reply.body, 'Code'), code, reply.body);
	if (message) {
		assert.match(tag(reply.body, 'Message') ?? '', message);
	}
}

async function statusRequest(emulator: Emulator, overrides: Partial<SignedRequest> = {}): Promise<Reply> {
	return signedFetch(emulator, {virtualHost: ciHost(), ...overrides});
}

const now = () => Math.floor(Date.now() / 1000);

test('a correctly signed request is accepted (baseline of every case below)', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		const reply = await statusRequest(emulator, {headers: {'x-ci-custom': 'value'}});
		assert.is(reply.status, 200, reply.body);
		assert.is(emulator.requests[0]!.secretId, DEMO_CREDENTIALS.secretId);
	});
});

test('no Authorization → 403 AccessDenied; malformed → AccessDenied; algorithm other than sha1 → AccessDenied', async () => {
	await withEmulator({}, async (emulator) => {
		const none = await fetch(`${emulator.url}/${ciHost()}/`);
		await expectError({status: none.status, headers: {}, body: await none.text()}, 403, 'AccessDenied');
		await expectError(await statusRequest(emulator, {tamper: () => 'garbage'}), 403, 'AccessDenied', /malformed/);
		await expectError(await statusRequest(emulator, {tamper: (value) => value.replace('q-signature=', 'q-signatur=')}), 403, 'AccessDenied');
		await expectError(await statusRequest(emulator, {tamper: (value) => value.replace('q-sign-algorithm=sha1', 'q-sign-algorithm=sha256')}), 403, 'AccessDenied', /sha1/);
	});
});

test('unknown key → 403 InvalidAccessKeyId; the log keeps only a prefix of an unknown id (it may be a misplaced key)', async () => {
	await withEmulator({}, async (emulator) => {
		await expectError(await statusRequest(emulator, {credential: {secretId: 'AKIDUNKNOWN', secretKey: 'x'}}), 403, 'InvalidAccessKeyId');
		// Id and key swapped by the client: the key travels as q-ak.
		await expectError(
			await statusRequest(emulator, {credential: {secretId: DEMO_CREDENTIALS.secretKey, secretKey: DEMO_CREDENTIALS.secretId}}),
			403,
			'InvalidAccessKeyId',
		);
		assert.equal(
			emulator.requests.map((entry) => entry.secretId),
			['AKID…(unknown)', 'emul…(unknown)'],
		);
		assert.not.ok(JSON.stringify(emulator.requests).includes(DEMO_CREDENTIALS.secretKey));
	});
});

test('wrong secret key, one signature byte changed → 403 SignatureDoesNotMatch', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		await expectError(await statusRequest(emulator, {credential: {secretId: DEMO_CREDENTIALS.secretId, secretKey: 'not-the-key'}}), 403, 'SignatureDoesNotMatch');
		await expectError(await statusRequest(emulator, {tamper: flipSignatureByte}), 403, 'SignatureDoesNotMatch');
		// A shorter signature must not crash timingSafeEqual.
		await expectError(await statusRequest(emulator, {tamper: (value) => value.replace(/q-signature=\w+/, 'q-signature=abc')}), 403, 'SignatureDoesNotMatch');
	});
});

test('the path is signed: a request sent to another path (or signed for another host) is rejected', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		emulator.createBucket(`other-${BUCKET.split('-').at(-1)}`, REGION);
		await expectError(await signedFetch(emulator, {virtualHost: accountCiHost(), path: '/cibuckets', signPath: '/cibucket'}), 403, 'SignatureDoesNotMatch');
		// Signed for one bucket's host, replayed against another: the override path differs.
		const authorization = signVirtual({host: `127.0.0.1:${emulator.port}`, path: `/${ciHost()}/`});
		const replayed = await fetch(`${emulator.url}/${ciHost('other-1250000000')}/`, {headers: {authorization}});
		await expectError({status: replayed.status, headers: {}, body: await replayed.text()}, 403, 'SignatureDoesNotMatch');
	});
});

test('the signed path is the decoded one: the percent-encoded form does not verify', async () => {
	await withEmulator({}, async (emulator) => {
		const virtualHost = accountCiHost();
		// Sign the encoded path (a classic client bug): the emulator decodes before verifying, so this fails.
		const authorization = getAuthorization({
			...DEMO_CREDENTIALS,
			method: 'GET',
			pathname: `/${virtualHost}/ci%62uckets`,
			headers: {host: `127.0.0.1:${emulator.port}`},
		});
		const wrong = await fetch(`${emulator.url}/${virtualHost}/ci%62uckets`, {headers: {authorization}});
		assert.is(wrong.status, 403);
		assert.is(tag(await wrong.text(), 'Code'), 'SignatureDoesNotMatch');
		const right = await signedFetch(emulator, {virtualHost, path: '/cibuckets'});
		assert.is(right.status, 200, right.body);
	});
});

test('a signed header whose value changed → SignatureDoesNotMatch; a signed header missing → SignatureDoesNotMatch', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		await expectError(await statusRequest(emulator, {headers: {'x-ci-custom': 'one'}, sendHeaders: {'x-ci-custom': 'two'}}), 403, 'SignatureDoesNotMatch');
		await expectError(
			await statusRequest(emulator, {tamper: (value) => value.replace('q-header-list=host', 'q-header-list=host;x-ci-absent')}),
			403,
			'SignatureDoesNotMatch',
			/x-ci-absent/,
		);
	});
});

test('host not in q-header-list → 403 AccessDenied naming host', async () => {
	await withEmulator({}, async (emulator) => {
		await expectError(await statusRequest(emulator, {omitHost: true, headers: {'x-ci-custom': 'v'}}), 403, 'AccessDenied', /host/);
	});
});

test('a query parameter not in q-url-param-list → 403 AccessDenied naming it; a listed one missing → SignatureDoesNotMatch', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION, {bound: true});
		const base = {virtualHost: accountCiHost(), path: '/cibuckets'};
		await expectError(await signedFetch(emulator, {...base, query: {pageSize: '20'}, signQuery: {}}), 403, 'AccessDenied', /pageSize/);
		await expectError(await signedFetch(emulator, {...base, query: {pageSize: '20', bucketName: 'x'}, signQuery: {pageSize: '20'}}), 403, 'AccessDenied', /bucketName/);
		await expectError(await signedFetch(emulator, {...base, query: {}, signQuery: {pageSize: '20'}}), 403, 'SignatureDoesNotMatch', /pagesize/);
		// A changed value of a signed parameter.
		await expectError(await signedFetch(emulator, {...base, query: {pageSize: '20'}, signQuery: {pageSize: '21'}}), 403, 'SignatureDoesNotMatch');
		// `?unbind` signs as `unbind=`.
		const unbind = await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost(), query: {unbind: true}});
		assert.is(unbind.status, 200, unbind.body);
	});
});

test('query values are verified decoded: special characters and UTF-8 sign correctly', async () => {
	await withEmulator({}, async (emulator) => {
		const reply = await signedFetch(emulator, {virtualHost: accountCiHost(), path: '/cibuckets', query: {bucketName: "a b+c/é(腾讯云)!'*", tagKey: ''}});
		assert.is(reply.status, 200, reply.body);
		assert.equal(emulator.requests[0]!.query, {bucketName: "a b+c/é(腾讯云)!'*", tagKey: ''});
	});
});

test('a signature starting more than 60 s in the future → 403 RequestTimeTooSkewed', async () => {
	await withEmulator({}, async (emulator) => {
		await expectError(await statusRequest(emulator, {keyTime: `${now() + 300};${now() + 1200}`}), 403, 'RequestTimeTooSkewed');
		// Within the tolerance: accepted (NoSuchBucket means auth passed).
		await expectError(await statusRequest(emulator, {keyTime: `${now() + 30};${now() + 900}`}), 404, 'NoSuchBucket');
	});
});

test('an expired signature → 403 AccessDenied "Request has expired" (the exact text the SDKs match)', async () => {
	await withEmulator({}, async (emulator) => {
		const reply = await statusRequest(emulator, {keyTime: `${now() - 1000};${now() - 100}`});
		await expectError(reply, 403, 'AccessDenied');
		assert.is(tag(reply.body, 'Message'), 'Request has expired');
	});
});

test('malformed sign times → AccessDenied: start ≥ end, non-numeric, q-sign-time ≠ q-key-time', async () => {
	await withEmulator({}, async (emulator) => {
		await expectError(await statusRequest(emulator, {keyTime: `${now() + 10};${now() - 10}`}), 403, 'AccessDenied', /start < end/);
		await expectError(await statusRequest(emulator, {keyTime: 'abc;def'}), 403, 'AccessDenied');
		await expectError(
			await statusRequest(emulator, {tamper: (value) => value.replace(/q-key-time=(\d+);/, (_, start: string) => `q-key-time=${Number(start) - 1};`)}),
			403,
			'AccessDenied',
			/differ/,
		);
	});
});

test('clockOffsetMs moves the emulator clock: a client that corrects from the Date header succeeds', async () => {
	const offset = 2 * 3600 * 1000;
	await withEmulator({faults: {clockOffsetMs: offset}}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		// Signed by our (2 h behind) clock: the window ended long ago from the emulator's point of view.
		const first = await statusRequest(emulator);
		assert.is(first.status, 403);
		assert.is(tag(first.body, 'Message'), 'Request has expired');
		const skew = Date.parse(first.headers.date as string) - Date.now();
		const second = await statusRequest(emulator, {clockOffsetMs: skew});
		assert.is(second.status, 200, second.body);
	});
	await withEmulator({faults: {clockOffsetMs: -offset}}, async (emulator) => {
		await expectError(await statusRequest(emulator), 403, 'RequestTimeTooSkewed');
	});
});

test('pre-signed URL: q-sign-* in the query are accepted and are not signed parameters themselves', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION, {bound: true});
		const virtualHost = accountCiHost();
		const authorization = getAuthorization({
			...DEMO_CREDENTIALS,
			pathname: `/${virtualHost}/cibuckets`,
			query: {pageSize: '5'},
			headers: {host: `127.0.0.1:${emulator.port}`},
		});
		const presigned = authorization
			.split('&')
			.map((field) => {
				const index = field.indexOf('=');
				return `${field.slice(0, index)}=${tencentUrlEncode(field.slice(index + 1))}`;
			})
			.join('&');
		const response = await fetch(`${emulator.url}/${virtualHost}/cibuckets?pageSize=5&${presigned}`);
		const body = await response.text();
		assert.is(response.status, 200, body);
		assert.is(tag(body, 'TotalCount'), '1');
		const logged = JSON.stringify(emulator.requests);
		assert.not.ok(logged.includes('q-signature'), 'the signature leaked into the log');
		assert.equal(emulator.requests[0]!.query, {pageSize: '5'});
		// One byte of the pre-signed signature changed.
		const tampered = await fetch(`${emulator.url}/${virtualHost}/cibuckets?pageSize=5&${flipSignatureByte(presigned)}`);
		assert.is(tag(await tampered.text(), 'Code'), 'SignatureDoesNotMatch');
	});
});

test('session token: missing or wrong → 403 InvalidAccessKeyId naming the header; right → 200; expired → 400 ExpiredToken', async () => {
	await withEmulator({credentials: [DEMO_CREDENTIALS, TEMPORARY]}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		await expectError(await statusRequest(emulator, {credential: TEMPORARY}), 403, 'InvalidAccessKeyId', /missing.*x-ci-security-token/);
		await expectError(
			await statusRequest(emulator, {credential: TEMPORARY, headers: {'x-ci-security-token': 'wrong-token'}}),
			403,
			'InvalidAccessKeyId',
			/invalid/,
		);
		const right = await statusRequest(emulator, {credential: TEMPORARY, headers: {'x-ci-security-token': TEMPORARY.sessionToken}});
		assert.is(right.status, 200, right.body);
		// CI hosts accept the COS header too.
		const cosHeader = await statusRequest(emulator, {credential: TEMPORARY, headers: {'x-cos-security-token': TEMPORARY.sessionToken}});
		assert.is(cosHeader.status, 200, cosHeader.body);
		// The token travels unsigned as well (the signature does not have to cover it).
		const unsigned = await statusRequest(emulator, {credential: TEMPORARY, unsignedHeaders: {'x-ci-security-token': TEMPORARY.sessionToken}});
		assert.is(unsigned.status, 200, unsigned.body);

		emulator.expireSessionToken(TEMPORARY.secretId);
		await expectError(await statusRequest(emulator, {credential: TEMPORARY, headers: {'x-ci-security-token': TEMPORARY.sessionToken}}), 400, 'ExpiredToken');
		// Permanent keys are unaffected, and ignore a token header.
		const permanent = await statusRequest(emulator, {headers: {'x-ci-security-token': 'anything'}});
		assert.is(permanent.status, 200, permanent.body);
		assert.throws(() => emulator.expireSessionToken('AKIDNOPE'), /unknown secretId/);
	});
});

test('session token in the wrong header: COS hosts only take x-cos-security-token', async () => {
	await withEmulator({credentials: [TEMPORARY]}, async (emulator) => {
		const wrongHeader = await signedFetch(emulator, {
			virtualHost: SERVICE_HOST,
			credential: TEMPORARY,
			headers: {'x-ci-security-token': TEMPORARY.sessionToken},
		});
		await expectError(wrongHeader, 403, 'InvalidAccessKeyId', /x-cos-security-token/);
		const right = await signedFetch(emulator, {virtualHost: SERVICE_HOST, credential: TEMPORARY, headers: {'x-cos-security-token': TEMPORARY.sessionToken}});
		assert.is(right.status, 200, right.body);
		const put = await signedFetch(emulator, {method: 'PUT', virtualHost: cosHost(), credential: TEMPORARY, headers: {'x-cos-security-token': TEMPORARY.sessionToken}});
		assert.is(put.status, 200, put.body);
	});
});

test('addCredential adds (or replaces) a key at run time', async () => {
	await withEmulator({}, async (emulator) => {
		const extra = {secretId: 'AKIDEXTRA', secretKey: 'extra-key'};
		await expectError(await statusRequest(emulator, {credential: extra}), 403, 'InvalidAccessKeyId');
		emulator.addCredential(extra);
		await expectError(await statusRequest(emulator, {credential: extra}), 404, 'NoSuchBucket');
		assert.throws(() => emulator.addCredential({secretId: '', secretKey: 'x'}), /secretId/);
	});
});

test('Host-routed requests must sign the virtual host, not the emulator address', async () => {
	await withEmulator({}, async (emulator) => {
		const host = SERVICE_HOST;
		const good = await rawRequest(emulator, {target: '/', headers: {host, authorization: signVirtual({host})}});
		assert.is(good.status, 200, good.body);
		const bad = await rawRequest(emulator, {target: '/', headers: {host, authorization: signVirtual({host: `127.0.0.1:${emulator.port}`})}});
		assert.is(tag(bad.body, 'Code'), 'SignatureDoesNotMatch');
	});
});

test('the request log never holds the Authorization header, the signature, tokens or secret keys', async () => {
	await withEmulator({credentials: [DEMO_CREDENTIALS, TEMPORARY]}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		const authorizations: string[] = [];
		await statusRequest(emulator, {tamper: (value) => (authorizations.push(value), value)});
		await statusRequest(emulator, {credential: TEMPORARY, headers: {'x-ci-security-token': TEMPORARY.sessionToken}, tamper: (value) => (authorizations.push(value), value)});
		await statusRequest(emulator, {tamper: (value) => flipSignatureByte((authorizations.push(value), value))});
		await signedFetch(emulator, {virtualHost: SERVICE_HOST, query: {'x-cos-security-token': TEMPORARY.sessionToken}});
		const log = JSON.stringify(emulator.requests);
		const adminLog = await (await fetch(`${emulator.url}/_emulator/requests`)).text();
		for (const text of [log, adminLog]) {
			assert.not.ok(text.includes(DEMO_CREDENTIALS.secretKey));
			assert.not.ok(text.includes(TEMPORARY.secretKey));
			assert.not.ok(text.includes(TEMPORARY.sessionToken));
			assert.not.ok(/authorization|q-signature|q-sign-time/i.test(text));
			for (const authorization of authorizations) {
				assert.not.ok(text.includes(/q-signature=(\w+)/.exec(authorization)![1]!));
			}
		}

		assert.ok(emulator.requests.length >= 4);
	});
});

test.run();
