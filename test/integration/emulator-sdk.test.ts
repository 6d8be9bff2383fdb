// Fidelity: the official Node SDK (cos-nodejs-sdk-v5), pointed at the emulator through its `Proxy` option
// (plain-HTTP proxying sends absolute-form request targets), must be accepted as the real service would
// accept it, and the very requests it signed must be rejected once tampered with.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import COS from 'cos-nodejs-sdk-v5';
import {DEMO_CREDENTIALS, type Emulator} from '../../lib/emulator/index.js';
import {APP_ID, BUCKET, REGION, accountCiHost, ciHost, flipSignatureByte, rawRequest, tag, withEmulator, type Reply} from '../support/emulator.js';

type SentRequest = {method: string; url: string; headers: Record<string, string | number>; qs?: Record<string, string | number>};

function sdkFor(emulator: Emulator, extra: Partial<COS.COSOptions> = {}): {cos: COS; sent: SentRequest[]} {
	const cos = new COS({
		SecretId: DEMO_CREDENTIALS.secretId,
		SecretKey: DEMO_CREDENTIALS.secretKey,
		Proxy: emulator.url,
		Protocol: 'http:',
		KeepAlive: false,
		...extra,
	});
	const sent: SentRequest[] = [];
	// The SDK announces each request right before sending it: keep an exact copy to replay.
	cos.on('before-send', (options: SentRequest) => sent.push(structuredClone({method: options.method, url: options.url, headers: options.headers, qs: options.qs})));
	return {cos, sent};
}

/** Send a captured SDK request again, as the SDK's HTTP layer would (absolute-form target, Host = URL host). */
function replay(emulator: Emulator, request: SentRequest, change: {url?: string; headers?: Record<string, string | number>} = {}): Promise<Reply> {
	const url = change.url ?? request.url;
	const query = new URLSearchParams(Object.entries(request.qs ?? {}).map(([name, value]) => [name, String(value)])).toString();
	const target = query === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${query}`;
	return rawRequest(emulator, {method: request.method, target, headers: {...request.headers, host: new URL(url).host, ...change.headers}});
}

const ciUrl = (bucket = BUCKET, region = REGION) => `http://${ciHost(bucket, region)}/`;

test('SDK putBucket and getService are accepted (COS hosts, absolute-form through Proxy)', async () => {
	await withEmulator({}, async (emulator) => {
		const {cos} = sdkFor(emulator);
		const put = await cos.putBucket({Bucket: BUCKET, Region: REGION});
		assert.is(put.statusCode, 200);
		assert.is(emulator.bucket(BUCKET)!.region, REGION);
		await cos.putBucket({Bucket: `second-${APP_ID}`, Region: 'ap-beijing'});

		const all = await cos.getService({});
		assert.equal(
			all.Buckets.map((bucket) => [bucket.Name, bucket.Location]),
			[
				[BUCKET, REGION],
				[`second-${APP_ID}`, 'ap-beijing'],
			],
		);
		assert.is((all.Owner as {DisplayName?: string}).DisplayName, '100000000001');
		const regional = await cos.getService({Region: 'ap-beijing'});
		assert.equal(
			regional.Buckets.map((bucket) => bucket.Name),
			[`second-${APP_ID}`],
		);
		assert.equal(
			emulator.requests.map((entry) => [entry.operation, entry.host, entry.status]),
			[
				['PutBucket', `${BUCKET}.cos.${REGION}.myqcloud.com`, 200],
				['PutBucket', `second-${APP_ID}.cos.ap-beijing.myqcloud.com`, 200],
				['GetService', 'service.cos.myqcloud.com', 200],
				['GetService', 'cos.ap-beijing.myqcloud.com', 200],
			],
		);
	});
});

test('SDK errors parse as the SDK expects: putBucket twice → BucketAlreadyExists; CI call on a missing bucket → NoSuchBucket', async () => {
	await withEmulator({}, async (emulator) => {
		const {cos} = sdkFor(emulator);
		await cos.putBucket({Bucket: BUCKET, Region: REGION});
		const duplicate = await cos.putBucket({Bucket: BUCKET, Region: REGION}).then(
			() => undefined,
			(error: COS.CosError) => error,
		);
		assert.is(duplicate?.statusCode, 409);
		assert.is(duplicate?.code, 'BucketAlreadyExists');
		const missing = await cos.request({Method: 'GET', Url: ciUrl(`missing-${APP_ID}`)}).then(
			() => undefined,
			(error: COS.CosError) => error,
		);
		assert.is(missing?.statusCode, 404);
		assert.is(missing?.code, 'NoSuchBucket');
	});
});

test('SDK generic request drives every CI call: bind, status, DescribeCIBuckets, unbind', async () => {
	await withEmulator({faults: {unbindDelayMs: 0}}, async (emulator) => {
		const {cos} = sdkFor(emulator);
		emulator.createBucket(BUCKET, REGION);
		const bind = await cos.request({Method: 'PUT', Url: ciUrl()});
		assert.equal(bind.Response.CIBucket, {BucketId: BUCKET, Region: REGION});
		assert.is(emulator.bucket(BUCKET)!.ci, 'on');

		const status = await cos.request({Method: 'GET', Url: ciUrl()});
		assert.is(status.CIStatus, 'on');

		const list = await cos.request({Method: 'GET', Url: `http://${accountCiHost()}/cibuckets`, Query: {pageSize: 5, pageNumber: 1}});
		assert.is(list.Response.TotalCount, '1');
		assert.is(list.Response.CIBucketList.BucketId, BUCKET);

		const unbind = await cos.request({Method: 'PUT', Url: ciUrl(), Action: 'unbind'});
		assert.is(unbind.statusCode, 200);
		assert.is(emulator.bucket(BUCKET)!.ci, 'off');
		assert.equal(
			emulator.requests.map((entry) => [entry.operation, entry.status]),
			[
				['CreateCIBucket', 200],
				['DescribeCIBucketStatus', 200],
				['DescribeCIBuckets', 200],
				['DeleteCIBucket', 200],
			],
		);
	});
});

test('SDK with temporary keys: it sends x-ci-security-token to CI hosts and x-cos-security-token to COS hosts, both accepted', async () => {
	const temporary = {secretId: 'AKIDTEMPSDK', secretKey: 'temp-sdk-key', sessionToken: 'sdk-session-token'};
	await withEmulator({credentials: [temporary]}, async (emulator) => {
		const {cos, sent} = sdkFor(emulator, {SecretId: temporary.secretId, SecretKey: temporary.secretKey, SecurityToken: temporary.sessionToken});
		await cos.putBucket({Bucket: BUCKET, Region: REGION});
		await cos.request({Method: 'PUT', Url: ciUrl()});
		assert.is(sent[0]!.headers['x-cos-security-token'], temporary.sessionToken);
		assert.is(sent[1]!.headers['x-ci-security-token'], temporary.sessionToken);
		assert.is(emulator.bucket(BUCKET)!.ci, 'on');

		emulator.expireSessionToken(temporary.secretId);
		const expired = await cos.request({Method: 'GET', Url: ciUrl()}).then(
			() => undefined,
			(error: COS.CosError) => error,
		);
		assert.is(expired?.code, 'ExpiredToken');
	});
});

test('SDK clock-skew correction works against the emulator clock (RequestTimeTooSkewed / "Request has expired" + Date header)', async () => {
	// The SDK reports the correction on console.error; keep the test output clean.
	const originalError = console.error;
	console.error = () => undefined;
	try {
		for (const offset of [2 * 3600 * 1000, -2 * 3600 * 1000]) {
			await withEmulator({faults: {clockOffsetMs: offset}}, async (emulator) => {
				const {cos} = sdkFor(emulator);
				emulator.createBucket(BUCKET, REGION);
				const status = await cos.request({Method: 'GET', Url: ciUrl()});
				assert.is(status.CIStatus, 'off');
				const codes = emulator.requests.map((entry) => entry.code ?? entry.status);
				assert.equal(codes, [offset > 0 ? 'AccessDenied' : 'RequestTimeTooSkewed', 200]);
			});
		}
	} finally {
		console.error = originalError;
	}
});

test('SDK retries injected 5xx faults and then succeeds', async () => {
	await withEmulator({faults: {failNext: {count: 2, code: 'SlowDown'}}}, async (emulator) => {
		const {cos} = sdkFor(emulator);
		emulator.createBucket(BUCKET, REGION);
		const bind = await cos.request({Method: 'PUT', Url: ciUrl()});
		assert.is(bind.statusCode, 200);
		assert.equal(
			emulator.requests.map((entry) => entry.status),
			[503, 503, 200],
		);
	});
});

test('strictness: the request the SDK signed, replayed as is, passes; with one byte of signature, path, signed header or host changed, it is rejected', async () => {
	await withEmulator({}, async (emulator) => {
		const {cos, sent} = sdkFor(emulator);
		emulator.createBucket(BUCKET, REGION);
		emulator.createBucket(`other-${APP_ID}`, REGION);
		await cos.request({Method: 'GET', Url: ciUrl(), Headers: {'x-ci-trace': 'abc'}});
		await cos.request({Method: 'GET', Url: `http://${accountCiHost()}/cibuckets`, Query: {pageSize: 5}});
		const [status, list] = sent as [SentRequest, SentRequest];
		assert.match(String(status.headers.Authorization), /q-header-list=host;x-ci-trace/);

		// The faithful replay proves the harness sends exactly what the SDK sent.
		assert.is((await replay(emulator, status)).status, 200);
		assert.is((await replay(emulator, list)).status, 200);

		const code = (reply: Reply) => `${reply.status} ${tag(reply.body, 'Code')}`;
		const signature = await replay(emulator, status, {headers: {Authorization: flipSignatureByte(String(status.headers.Authorization))}});
		assert.is(code(signature), '403 SignatureDoesNotMatch');
		const path = await replay(emulator, status, {url: `${ciUrl()}b`});
		assert.is(code(path), '403 SignatureDoesNotMatch');
		const listPath = await replay(emulator, list, {url: `http://${accountCiHost()}/cibucketz`});
		assert.is(code(listPath), '403 SignatureDoesNotMatch');
		const header = await replay(emulator, status, {headers: {'x-ci-trace': 'abd'}});
		assert.is(code(header), '403 SignatureDoesNotMatch');
		const host = await replay(emulator, status, {url: ciUrl(`other-${APP_ID}`)});
		assert.is(code(host), '403 SignatureDoesNotMatch');
		const query = await replay(emulator, {...list, qs: {pageSize: 6}});
		assert.is(code(query), '403 SignatureDoesNotMatch');
		const extraParam = await replay(emulator, {...list, qs: {pageSize: 5, bucketName: 'x'}});
		assert.is(code(extraParam), '403 AccessDenied');
		const method = await replay(emulator, {...status, method: 'PUT'});
		assert.is(code(method), '403 SignatureDoesNotMatch');
		assert.is(emulator.bucket(BUCKET)!.ci, 'off', 'the tampered PUT must not bind');
	});
});

test.run();
