import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {createClient} from '../../lib/client/client.js';
import {ensureBound} from '../../lib/binder/ensure-bound.js';
import {isBinderError} from '../../lib/core/errors.js';
import {DEMO_CREDENTIALS, startEmulator} from '../../lib/emulator/index.js';
import * as root from '../../lib/index.js';
import {rejection, withClient} from '../support/client.js';
import {startReceiver} from '../support/receiver.js';

const APP = '1250000000';
const GZ = 'ap-guangzhou';

test('bind: an unbound bucket ends bound, in the emulator too', () =>
	withClient({}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const c = client();
		const result = await ensureBound(c, `photos-${APP}`, GZ);
		assert.is(result.outcome, 'bound');
		assert.is(result.requests, 2, 'status, then bind');
		assert.ok(result.requestId);
		assert.is(emu.bucket(`photos-${APP}`)?.ci, 'on');
		assert.is(emu.bucket(`photos-${APP}`)?.bindCount, 1);
		const bind = await c.bind(`photos-${APP}`, GZ);
		assert.is(bind.bucket, `photos-${APP}`);
		assert.is(bind.region, GZ);
	}));

test('already bound: status check short-cuts, no second bind', () =>
	withClient({}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ, {bound: true});
		const result = await ensureBound(client(), `photos-${APP}`, GZ);
		assert.is(result.outcome, 'already-bound');
		assert.is(result.requests, 1);
		assert.ok(!emu.requests.some((entry) => entry.operation === 'CreateCIBucket'));
	}));

for (const rebindAnswer of ['ok', 'error'] as const) {
	test(`forced rebind of a bound bucket when a second bind answers ${rebindAnswer}`, () =>
		withClient({faults: {rebindAnswer}}, async (emu, client) => {
			emu.createBucket(`photos-${APP}`, GZ, {bound: true});
			const result = await ensureBound(client(), `photos-${APP}`, GZ, {force: true});
			if (rebindAnswer === 'ok') {
				assert.is(result.outcome, 'bound');
				assert.is(result.requests, 1);
			} else {
				// The bind failed; the re-check found CI on, so the bucket is reported as already bound.
				assert.is(result.outcome, 'already-bound');
				assert.is(result.requests, 2);
				assert.match(result.message ?? '', /BucketAlreadyBound/);
			}
		}));
}

test('a bind that races another binder (error answer) is already-bound, not failed', () =>
	withClient({faults: {rebindAnswer: 'error'}}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const c = client();
		const [first, second] = await Promise.all([ensureBound(c, `photos-${APP}`, GZ), ensureBound(c, `photos-${APP}`, GZ)]);
		const outcomes = [first.outcome, second.outcome].sort();
		assert.equal(outcomes, ['already-bound', 'bound']);
	}));

test('NoSuchBucket: failed with the service code, not retried', () =>
	withClient({}, async (emu, client) => {
		const result = await ensureBound(client(), `ghost-${APP}`, GZ);
		assert.is(result.outcome, 'failed');
		assert.is(result.code, 'NoSuchBucket');
		assert.is(result.transient, false);
		assert.is(result.requests, 1);
		const error = await rejection(client().bind(`ghost-${APP}`, GZ));
		assert.is(error.code, 'NoSuchBucket');
		assert.is(error.status, 404);
		assert.is(error.operation, 'CreateCIBucket');
		assert.is(error.bucket, `ghost-${APP}`);
		assert.ok(error.requestId);
		assert.is(error.attempts, 1);
	}));

test('wrong key: InvalidAccessKeyId; wrong secret: SignatureDoesNotMatch; secrets never in the message', () =>
	withClient({}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const unknown = await rejection(client({credentials: {secretId: 'AKIDunknown000000', secretKey: 'nope-nope-nope'}}).getStatus(`photos-${APP}`, GZ));
		assert.is(unknown.code, 'InvalidAccessKeyId');
		assert.is(unknown.status, 403);
		const secretKey = 'the-wrong-secret-key-value';
		const wrong = await rejection(client({credentials: {secretId: DEMO_CREDENTIALS.secretId, secretKey}}).getStatus(`photos-${APP}`, GZ));
		assert.is(wrong.code, 'SignatureDoesNotMatch');
		assert.not.match(JSON.stringify(wrong) + wrong.message + String(wrong.stack), secretKey);
		assert.not.match(wrong.message, /q-signature=[0-9a-f]/);
	}));

test('session token: sent in x-ci-security-token to CI and x-cos-security-token to COS; wrong or missing refused', async () => {
	const temp = {secretId: 'AKIDTEMPORARY0000000001', secretKey: 'temporary-secret-key-0001', sessionToken: 'session-token-value-0001'};
	await withClient({credentials: [temp]}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const ok = client({credentials: temp});
		assert.is((await ensureBound(ok, `photos-${APP}`, GZ)).outcome, 'bound');
		assert.is((await ok.listBuckets()).length, 1, 'COS host accepts the token in x-cos-security-token');
		const missing = await rejection(client({credentials: {secretId: temp.secretId, secretKey: temp.secretKey}}).getStatus(`photos-${APP}`, GZ));
		assert.is(missing.status, 403);
		const wrongToken = 'not-the-session-token';
		const wrong = await rejection(client({credentials: {...temp, sessionToken: wrongToken}}).getStatus(`photos-${APP}`, GZ));
		assert.is(wrong.status, 403);
		assert.not.match(wrong.message, wrongToken);
		emu.expireSessionToken(temp.secretId);
		const expired = await rejection(ok.getStatus(`photos-${APP}`, GZ));
		assert.is(expired.code, 'ExpiredToken');
		// SCF refreshes the role's keys: worth the platform's retry.
		assert.is(expired.transient, true);
	});
});

test('credentials are read from the environment per call (rotation is picked up)', () =>
	withClient({}, async (emu) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const env: Record<string, string | undefined> = {BINDER_ENDPOINT: emu.url};
		const client = createClient({env});
		const missing = await rejection(client.getStatus(`photos-${APP}`, GZ));
		assert.is(missing.code, 'MissingCredentials');
		assert.is(emu.requests.length, 0);
		env.TENCENTCLOUD_SECRETID = DEMO_CREDENTIALS.secretId;
		env.TENCENTCLOUD_SECRETKEY = DEMO_CREDENTIALS.secretKey;
		assert.is((await client.getStatus(`photos-${APP}`, GZ)).status, 'off');
	}));

for (const offsetMs of [-3_600_000, 3_600_000]) {
	test(`clock skew of ${offsetMs / 60_000} min: corrected from the Date header and retried once`, () =>
		withClient({faults: {clockOffsetMs: offsetMs}}, async (emu, client) => {
			emu.createBucket(`photos-${APP}`, GZ);
			const c = client({retry: {retries: 0}});
			const result = await ensureBound(c, `photos-${APP}`, GZ);
			assert.is(result.outcome, 'bound', JSON.stringify(result));
			assert.ok(Math.abs(c.clockOffsetMs - offsetMs) < 3000, `learnt offset ${c.clockOffsetMs}`);
			const codes = emu.requests.map((entry) => entry.code ?? entry.status);
			assert.equal(codes.slice(0, 2), [offsetMs < 0 ? 'RequestTimeTooSkewed' : 'AccessDenied', 200]);
			// Learnt once: later calls are signed right the first time.
			assert.is((await c.getStatus(`photos-${APP}`, GZ)).status, 'on');
			assert.is(emu.requests.at(-1)?.status, 200);
		}));
}

test('503 then success: retried with backoff, bound', () =>
	withClient({faults: {failNext: {count: 2, code: 'SlowDown'}}}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const retries: number[] = [];
		const result = await ensureBound(client({onRetry: ({attempt}) => retries.push(attempt)}), `photos-${APP}`, GZ);
		assert.is(result.outcome, 'bound');
		assert.equal(retries, [1, 2]);
		assert.is(result.requests, 4);
	}));

test('429 and 500 are retried too; 400-class errors are not', () =>
	withClient({}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		emu.updateFaults({failNext: {count: 1, code: 'TooManyRequests'}});
		assert.is((await client().getStatus(`photos-${APP}`, GZ)).status, 'off');
		emu.updateFaults({failNext: {count: 1, code: 'InternalError'}});
		assert.is((await client().getStatus(`photos-${APP}`, GZ)).status, 'off');
		emu.clearRequests();
		await rejection(client().getStatus(`ghost-${APP}`, GZ));
		assert.is(emu.requests.length, 1);
	}));

test('503 forever: failed with the code after the configured attempts', () =>
	withClient({faults: {errorRates: {SlowDown: 1}}}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const result = await ensureBound(client({retry: {retries: 2, baseDelayMs: 1}}), `photos-${APP}`, GZ);
		assert.is(result.outcome, 'failed');
		assert.is(result.code, 'SlowDown');
		assert.is(result.transient, true);
		assert.is(result.requests, 3);
		const error = await rejection(client({retry: {retries: 4, baseDelayMs: 1}}).bind(`photos-${APP}`, GZ));
		assert.is(error.attempts, 5);
		assert.is(error.status, 503);
	}));

test('HTML error page from a proxy: a clear InvalidResponse, retried as a 5xx, no crash', () =>
	withClient({faults: {bodyFaults: {html: 1}}}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const error = await rejection(client({retry: {retries: 1, baseDelayMs: 1}}).getStatus(`photos-${APP}`, GZ));
		assert.is(error.code, 'InvalidResponse');
		assert.is(error.status, 502);
		assert.match(error.message, /text\/html/);
		assert.is(error.attempts, 2);
	}));

for (const kind of ['truncated', 'deepNesting', 'protoTags'] as const) {
	test(`hostile XML (${kind}) on a list call: InvalidResponse, never a crash or a polluted prototype`, () =>
		withClient({faults: {bodyFaults: {[kind]: 1}, operations: ['GetService', 'DescribeCIBuckets']}}, async (emu, client) => {
			emu.createBucket(`photos-${APP}`, GZ, {bound: true});
			const c = client({retry: {retries: 0}});
			const service = await rejection(c.listBuckets());
			assert.is(service.code, 'InvalidResponse', service.message);
			const bound = await rejection(c.listBound());
			assert.is(bound.code, 'InvalidResponse', bound.message);

			assert.is(({} as Record<string, unknown>).polluted, undefined);
		}));
}

test('hostile XML cannot stall the parser: a body full of unclosed tags is refused quickly', async () => {
	const {parseXml} = await import('../../lib/utils/xml.js');
	// Quadratic scanning made 480 KB of "<a " take 16 s; linear, 3 MB is refused at once.
	assert.throws(() => parseXml(`<Response>${'<a '.repeat(1_000_000)}`), /truncated|malformed/);
	assert.throws(() => parseXml(`<r>${'<a x="/>">'.repeat(20_000)}${'</a>'.repeat(20_000)}</r>`), /malformed|deeper/);
	assert.is(parseXml('<Response><A>1</A></Response >\n<!-- trailing -->\n').name, 'Response');
});

test('a credential with a newline: a clear permanent error that does not quote it', () =>
	withClient({}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const token = 'SESSION-TOKEN-SECRET\nx';
		const error = await rejection(client({credentials: {...DEMO_CREDENTIALS, sessionToken: token}}).getStatus(`photos-${APP}`, GZ));
		assert.is(error.code, 'InvalidCredentials');
		assert.is(error.attempts, 1);
		assert.not.match(error.message + JSON.stringify(error), /SESSION-TOKEN-SECRET/);
	}));

test('a service error message echoing the secret key or token is redacted', async () => {
	const secretKey = 'SECRET-KEY-VALUE-123';
	const sessionToken = 'SESSION-TOKEN-VALUE-456';
	const echo: typeof fetch = async () =>
		new Response(`<Error><Code>AccessDenied</Code><Message>bad key ${secretKey} token ${sessionToken}</Message></Error>`, {status: 403, headers: {'content-type': 'application/xml'}});
	const c = createClient({credentials: {secretId: 'AKIDX', secretKey, sessionToken}, endpoint: 'http://127.0.0.1:9', fetch: echo, env: {}});
	const error = await rejection(c.getStatus(`photos-${APP}`, GZ));
	assert.is(error.code, 'AccessDenied');
	assert.not.match(error.message, secretKey);
	assert.not.match(error.message, sessionToken);
});

test('status answers: JSON, JSON in a Response wrapper, XML; DescribeCIBuckets without TotalCount stops at a short page', async () => {
	const answers: Record<string, string> = {};
	const fake: typeof fetch = async (input) => {
		const url = String(input instanceof Request ? input.url : input);
		const key = Object.keys(answers).find((part) => url.includes(part))!;
		return new Response(answers[key], {status: 200});
	};

	const c = createClient({credentials: DEMO_CREDENTIALS, endpoint: 'http://127.0.0.1:9', fetch: fake, env: {}});
	for (const body of ['{"CIStatus":"on"}', '{"Response":{"CIStatus":"on"}}', '{"cistatus":"on"}', '<Response><CIStatus>on</CIStatus></Response>', '<CIStatus>on</CIStatus>']) {
		answers['.ci.'] = body;
		assert.is((await c.getStatus(`photos-${APP}`, GZ)).status, 'on', body);
	}

	answers['/cibuckets'] = `<Response><RequestId>r</RequestId><CIBucketList><BucketId>a-${APP}</BucketId><Region>${GZ}</Region><Status>on</Status></CIBucketList></Response>`;
	assert.equal((await c.listBound({pageSize: 20})).map((item) => item.bucketId), [`a-${APP}`]);
});

test('huge body: refused without buffering it (ResponseTooLarge)', () =>
	withClient({faults: {bodyFaults: {huge: 1}, operations: ['GetService']}}, async (emu, client) => {
		const error = await rejection(client({retry: {retries: 0}, maxResponseBytes: 1024 * 1024}).listBuckets());
		assert.is(error.code, 'ResponseTooLarge');
	}));

test('timeout per attempt, then network errors: transient, retried, reported with a code', () =>
	withClient({faults: {latencyMs: 400}}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const slow = await ensureBound(client({timeoutMs: 100, retry: {retries: 1, baseDelayMs: 1}}), `photos-${APP}`, GZ);
		assert.is(slow.outcome, 'failed');
		assert.is(slow.code, 'Timeout');
		assert.is(slow.transient, true);
		emu.setFaults({resetRate: 1});
		const reset = await rejection(client({retry: {retries: 1, baseDelayMs: 1}}).getStatus(`photos-${APP}`, GZ));
		assert.is(reset.code, 'NetworkError');
		assert.is(reset.attempts, 2);
	}));

test('an aborted client stops at once with code Aborted', () =>
	withClient({faults: {latencyMs: 2000}}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 50);
		const started = Date.now();
		const error = await rejection(client({signal: controller.signal}).getStatus(`photos-${APP}`, GZ));
		assert.is(error.code, 'Aborted');
		assert.ok(Date.now() - started < 1500);
	}));

test('invalid bucket ids and regions are refused before any request', () =>
	withClient({}, async (emu, client) => {
		const c = client();
		for (const bad of ['', 'nodash', 'UPPER-1250000000', '-lead-1250000000', 'trail--1250000000x', 'name-abc', `${'a'.repeat(60)}-1250000000`]) {
			const result = await ensureBound(c, bad, GZ);
			assert.is(result.outcome, 'failed', bad);
			assert.is(result.code, 'InvalidBucketId', bad);
			assert.match(result.message ?? '', /bucket/);
		}

		const region = await ensureBound(c, `photos-${APP}`, 'Guangzhou');
		assert.is(region.code, 'InvalidRegion');
		await rejection(c.listBuckets({region: 'nowhere'}));
		assert.is(emu.requests.length, 0);
	}));

test('GetService with 2,500 buckets: every page followed via NextMarker; region filter', () =>
	withClient({}, async (emu, client) => {
		for (let index = 0; index < 2500; index++) {
			emu.createBucket(`b${String(index).padStart(4, '0')}-${APP}`, index % 3 === 0 ? 'ap-shanghai' : GZ);
		}

		const c = client();
		const all = await c.listBuckets({pageSize: 1000});
		assert.is(all.length, 2500);
		assert.is(new Set(all.map((bucket) => bucket.bucket)).size, 2500);
		assert.is(emu.requests.filter((entry) => entry.operation === 'GetService').length, 3);
		const defaultPaging = await c.listBuckets();
		assert.is(defaultPaging.length, 2500);
		const shanghai = await c.listBuckets({region: 'ap-shanghai'});
		assert.is(shanghai.length, 834);
		assert.ok(shanghai.every((bucket) => bucket.region === 'ap-shanghai'));
	}));

test('DescribeCIBuckets: 45 bound buckets with page size 20 → 3 pages, all 45', () =>
	withClient({}, async (emu, client) => {
		for (let index = 0; index < 60; index++) {
			emu.createBucket(`img${String(index).padStart(2, '0')}-${APP}`, index % 2 ? GZ : 'ap-beijing', {bound: index < 45});
		}

		const bound = await client().listBound({pageSize: 20});
		assert.is(bound.length, 45);
		assert.is(new Set(bound.map((item) => item.bucketId)).size, 45);
		assert.ok(bound.every((item) => item.status === 'on' && item.appId === APP && item.region !== ''));
		assert.equal(
			emu.requests.filter((entry) => entry.operation === 'DescribeCIBuckets').map((entry) => entry.query.pageNumber),
			['1', '2', '3'],
		);
		const prefixed = await client().listBound({bucketNamePrefix: 'img0'});
		assert.is(prefixed.length, 10);
	}));

test('unbind: status goes unbinding then off; ensureBound reports unbinding as a transient failure', () =>
	withClient({faults: {unbindDelayMs: 150}}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ, {bound: true});
		const c = client();
		await c.unbind(`photos-${APP}`, GZ);
		assert.is((await c.getStatus(`photos-${APP}`, GZ)).status, 'unbinding');
		const during = await ensureBound(c, `photos-${APP}`, GZ);
		assert.is(during.code, 'BucketUnbinding');
		assert.is(during.transient, true);
		await new Promise((resolve) => setTimeout(resolve, 200));
		assert.is((await c.getStatus(`photos-${APP}`, GZ)).status, 'off');
		assert.is((await ensureBound(c, `photos-${APP}`, GZ)).outcome, 'bound');
	}));

test('requests are counted per bucket, even with many buckets in flight at once', () =>
	withClient({faults: {latencyMs: 20}}, async (emu, client) => {
		for (let index = 0; index < 20; index++) {
			emu.createBucket(`c${index}-${APP}`, GZ, {bound: index % 2 === 0});
		}

		const c = client();
		const results = await Promise.all(Array.from({length: 20}, (_, index) => ensureBound(c, `c${index}-${APP}`, GZ)));
		assert.equal(
			results.map((result) => result.requests),
			Array.from({length: 20}, (_, index) => (index % 2 === 0 ? 1 : 2)),
		);
		assert.is(c.requestCount, 30);
		assert.is(emu.requests.length, 30);
	}));

test('dry run reports would-bind and binds nothing', () =>
	withClient({}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const result = await ensureBound(client(), `photos-${APP}`, GZ, {dryRun: true});
		assert.is(result.outcome, 'would-bind');
		assert.is(emu.bucket(`photos-${APP}`)?.ci, 'off');
	}));

test('bindFirst (a bucket just created): one request when the bind succeeds; a failed bind is followed by the status read', () =>
	withClient({faults: {rebindAnswer: 'error'}}, async (emu, client) => {
		emu.createBucket(`new-${APP}`, GZ);
		const c = client();
		emu.clearRequests();
		const fresh = await ensureBound(c, `new-${APP}`, GZ, {bindFirst: true});
		assert.is(fresh.outcome, 'bound');
		assert.is(fresh.requests, 1);
		assert.equal(emu.requests.map((request) => request.operation), ['CreateCIBucket']);
		// A replay: the bind is refused, the status read says on → already-bound, nothing failed.
		emu.clearRequests();
		const replay = await ensureBound(c, `new-${APP}`, GZ, {bindFirst: true});
		assert.is(replay.outcome, 'already-bound');
		assert.is(replay.requests, 2);
		assert.equal(emu.requests.map((request) => request.operation), ['CreateCIBucket', 'DescribeCIBucketStatus']);
		assert.is(emu.bucket(`new-${APP}`)?.bindCount, 1);
		// Not there (yet): NoSuchBucket straight from the bind, no status read, permanent.
		emu.clearRequests();
		const ghost = await ensureBound(c, `ghost-${APP}`, GZ, {bindFirst: true});
		assert.is(ghost.code, 'NoSuchBucket');
		assert.is(ghost.transient, false);
		assert.equal(emu.requests.map((request) => request.operation), ['CreateCIBucket']);
	}));

test('bindFirst in a dry run reads the status first (nothing is sent that could answer), like a plain call', () =>
	withClient({}, async (emu, client) => {
		emu.createBucket(`a-${APP}`, GZ, {bound: true});
		emu.createBucket(`b-${APP}`, GZ);
		const c = client();
		assert.is((await ensureBound(c, `a-${APP}`, GZ, {bindFirst: true, dryRun: true})).outcome, 'already-bound');
		assert.is((await ensureBound(c, `b-${APP}`, GZ, {bindFirst: true, dryRun: true})).outcome, 'would-bind');
		assert.is(emu.bucket(`b-${APP}`)?.bindCount, 0);
	}));

test('bindFirst: a bind refused and a status read refused (AccessDenied twice) is permanent; a status read failing with a 5xx leaves it transient', async () => {
	const xmlError = (code: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`;
	// A loopback server answering the bind (PUT) and the status read (GET) as told.
	const answer = (get: number) => startReceiver((request) => (request.method === 'PUT' ? {status: 403, body: xmlError('AccessDenied')} : {status: get, body: xmlError(get === 403 ? 'AccessDenied' : 'InternalError')}));
	for (const [get, transient] of [[403, false], [500, true]] as const) {
		const server = await answer(get);
		try {
			const c = createClient({endpoint: server.url, credentials: DEMO_CREDENTIALS, env: {}, retry: {retries: 0}});
			const result = await ensureBound(c, `a-${APP}`, GZ, {bindFirst: true});
			assert.is(result.code, 'AccessDenied', String(get));
			assert.is(result.transient, transient, String(get));
			assert.equal(server.received.map((request) => request.method), ['PUT', 'GET']);
		} finally {
			await server.close();
		}
	}
});

test('BINDER_ENDPOINT must be a plain http(s) origin', () => {
	for (const endpoint of ['ftp://x', 'not a url', 'http://user:pw@127.0.0.1:1', 'http://127.0.0.1:1/?q=1']) {
		try {
			createClient({env: {BINDER_ENDPOINT: endpoint}});
			assert.unreachable(endpoint);
		} catch (error) {
			assert.ok(isBinderError(error));
			assert.match((error as Error).message, /^BINDER_ENDPOINT/);
			assert.not.match((error as Error).message, /pw/);
		}
	}
});

test('through the root entry: ensureBound on a client binds a bucket once, then finds it bound', async () => {
	const emu = await startEmulator();
	try {
		emu.createBucket(`photos-${APP}`, GZ);
		const client = root.createClient({endpoint: emu.url, credentials: DEMO_CREDENTIALS, env: {}});
		const first = await root.ensureBound(client, `photos-${APP}`, GZ);
		const second = await root.ensureBound(client, `photos-${APP}`, GZ);
		assert.equal([first.outcome, second.outcome], ['bound', 'already-bound']);
		assert.is(emu.bucket(`photos-${APP}`)?.bindCount, 1);
		assert.ok(root.allSettled([first, second]));
	} finally {
		await emu.close();
	}
});

test.run();
