// The CLI's own API 3.0 client (lib/cloud-api/client.ts) against the strict loopback fake, which checks host,
// credential scope, signature, X-TC-Token and every parameter against the SDK's models.
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {isCloudApiError, isPermissionDenied, type CloudApiError} from '../../lib/cloud-api/cloud-api-error.js';
import {apiHost, createCloudApi, parseConnectTo, type CloudApiCredentials} from '../../lib/cloud-api/client.js';
import {startFakeTencentCloud, type FakeTencentCloud} from '../support/fake-tencentcloud-api.js';

const KEYS = {
	sub: {secretId: 'AKIDcloudapi00000001', secretKey: 'cloudapi-secret-0001', subAccountUin: '100000000002'},
	temporary: {secretId: 'AKIDcloudapitemp0001', secretKey: 'cloudapi-temp-secret-0001', token: 'cloudapi-session-token-0001'},
};
let fake: FakeTencentCloud;

const client = (credentials: CloudApiCredentials = KEYS.sub, extra: Partial<Parameters<typeof createCloudApi>[0]> = {}) =>
	createCloudApi({credentials, connectTo: parseConnectTo({TENCENTCLOUD_API_CONNECT_TO: fake.url}), sleep: async () => {}, ...extra});

async function failure(promise: Promise<unknown>): Promise<CloudApiError> {
	try {
		await promise;
	} catch (error) {
		assert.ok(isCloudApiError(error), `a CloudApiError, got ${String(error)}`);
		return error as CloudApiError;
	}

	throw new Error('expected the call to fail');
}

test.before(async () => {
	fake = await startFakeTencentCloud({credentials: [KEYS.sub, KEYS.temporary]});
});
test.after(async () => fake.close());

test('a signed call the fake accepts: STS GetCallerIdentity answers the main account and the sub-account', async () => {
	const identity = await client().call<{AccountId: string; UserId: string}>('sts', 'GetCallerIdentity', {}, {region: 'ap-guangzhou'});
	assert.is(identity.AccountId, fake.uin);
	assert.is(identity.UserId, '100000000002');
	assert.type(identity.RequestId, 'string');
	const call = fake.calls.at(-1)!;
	assert.equal([call.service, call.action, call.host, call.error], ['sts', 'GetCallerIdentity', 'sts.tencentcloudapi.com', undefined]);
});

test('CAM without a region; a temporary key sends its X-TC-Token (the fake refuses it otherwise)', async () => {
	const app = await client().call<{AppId: number; OwnerUin: string}>('cam', 'GetUserAppId');
	assert.equal([app.AppId, app.OwnerUin], [1_250_000_000, fake.uin]);
	const temporary = {secretId: KEYS.temporary.secretId, secretKey: KEYS.temporary.secretKey, sessionToken: KEYS.temporary.token};
	assert.is((await client(temporary).call<{AccountId: string}>('sts', 'GetCallerIdentity', {}, {region: 'ap-guangzhou'})).AccountId, fake.uin);
	const withoutToken = await failure(client({secretId: KEYS.temporary.secretId, secretKey: KEYS.temporary.secretKey}).call('sts', 'GetCallerIdentity', {}, {region: 'ap-guangzhou'}));
	assert.is(withoutToken.code, 'AuthFailure.TokenFailure');
});

test('a finance region is called on its own host', async () => {
	assert.is(apiHost('scf', 'ap-shanghai-fsi'), 'scf.ap-shanghai-fsi.tencentcloudapi.com');
	assert.is(apiHost('scf', 'ap-guangzhou'), 'scf.tencentcloudapi.com');
	const error = await failure(client().call('scf', 'GetFunction', {FunctionName: 'nothing-here', Namespace: 'default'}, {region: 'ap-shanghai-fsi'}));
	assert.is(error.code, 'ResourceNotFound.Function', 'the fake accepted host and scope, then found no function');
	assert.is(fake.calls.at(-1)!.host, 'scf.ap-shanghai-fsi.tencentcloudapi.com');
});

test('an API error is data: code, service, action, region, request id; a wrong key is AuthFailure', async () => {
	const error = await failure(client().call('scf', 'GetFunction', {FunctionName: 'missing-fn', Namespace: 'default'}, {region: 'ap-guangzhou'}));
	assert.equal([error.code, error.service, error.action, error.region], ['ResourceNotFound.Function', 'scf', 'GetFunction', 'ap-guangzhou']);
	assert.match(error.requestId ?? '', /^fake-/);
	assert.match(error.message, /^scf GetFunction \(ap-guangzhou\): ResourceNotFound\.Function: .*\(RequestId fake-/);
	const wrongKey = await failure(client({secretId: KEYS.sub.secretId, secretKey: 'not-the-key'}).call('sts', 'GetCallerIdentity', {}, {region: 'ap-guangzhou'}));
	assert.is(wrongKey.code, 'AuthFailure.SignatureFailure');
	const unknown = await failure(client().call('scf', 'GetFunction', {FunctionName: 'x', Bogus: 1}, {region: 'ap-guangzhou'}));
	assert.is(unknown.code, 'UnknownParameter', 'parameters are checked against the SDK models');
});

test('reads are retried after a transient error, writes never; permission errors are recognised', async () => {
	const slept: number[] = [];
	const api = client(KEYS.sub, {sleep: async (ms) => void slept.push(ms)});
	fake.injectError('ListEventBuses', {code: 'InternalError', times: 2});
	const buses = await api.call<{EventBuses: unknown[]}>('eb', 'ListEventBuses', {}, {region: 'ap-guangzhou'});
	assert.ok(buses.EventBuses.length > 0);
	assert.equal(slept, [500, 1000]);
	fake.injectError('ListEventBuses', {code: 'InternalError', times: 3});
	assert.is((await failure(api.call('eb', 'ListEventBuses', {}, {region: 'ap-guangzhou'}))).code, 'InternalError', 'two retries, then the error');
	fake.clearCalls();
	fake.injectError('CreateRule', {code: 'InternalError', times: 1});
	const write = await failure(api.call('eb', 'CreateRule', {EventBusId: 'eb-cloudgz01', RuleName: 'r1x', EventPattern: '{"source":["x"]}'}, {region: 'ap-guangzhou'}));
	assert.is(write.code, 'InternalError');
	assert.is(fake.calls.filter((call) => call.action === 'CreateRule').length, 1, 'a write is sent once');
	fake.injectError('GetRole', {code: 'AuthFailure.UnauthorizedOperation'});
	assert.ok(isPermissionDenied(await failure(api.call('cam', 'GetRole', {RoleName: 'x'}))));
});

test('a server that never answers times out; a body that is not JSON is InvalidResponse; a secret echoed back is scrubbed', async () => {
	let mode: 'silent' | 'html' | 'echo' = 'silent';
	const server = http.createServer((request, response) => {
		if (mode === 'silent') return;
		if (mode === 'html') {
			response.writeHead(502, {'content-type': 'text/html'}).end('<html>bad gateway</html>');
			return;
		}

		response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({Response: {Error: {Code: 'InvalidParameter', Message: `key ${KEYS.sub.secretKey} and token cloudapi-session-token-0001`}, RequestId: 'r-1'}}));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const connectTo = {host: '127.0.0.1', port: (server.address() as AddressInfo).port};
	try {
		const api = createCloudApi({credentials: {...KEYS.sub, sessionToken: 'cloudapi-session-token-0001'}, connectTo, timeoutMs: 200, retries: 0});
		assert.is((await failure(api.call('sts', 'GetCallerIdentity', {}, {region: 'ap-guangzhou'}))).code, 'Timeout');
		mode = 'html';
		const html = await failure(api.call('sts', 'GetCallerIdentity', {}, {region: 'ap-guangzhou'}));
		assert.equal([html.code, html.transient], ['InvalidResponse', true]);
		mode = 'echo';
		const echoed = await failure(api.call('sts', 'GetCallerIdentity', {}, {region: 'ap-guangzhou'}));
		assert.not.ok(echoed.message.includes(KEYS.sub.secretKey));
		assert.not.ok(echoed.message.includes('cloudapi-session-token-0001'));
		assert.match(echoed.message, /key \[REDACTED\] and token \[REDACTED\]/);
	} finally {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}
});

test('TENCENTCLOUD_API_CONNECT_TO: http://HOST:PORT only; TENCENTCLOUD_API_ENDPOINT is refused, naming why', () => {
	assert.equal(parseConnectTo({TENCENTCLOUD_API_CONNECT_TO: 'http://127.0.0.1:9443'}), {host: '127.0.0.1', port: 9443});
	assert.equal(parseConnectTo({TENCENTCLOUD_API_CONNECT_TO: 'http://[::1]:9443'}), {host: '::1', port: 9443});
	assert.is(parseConnectTo({}), undefined);
	for (const bad of ['https://127.0.0.1:9443', 'http://127.0.0.1', 'http://127.0.0.1:9443/path', 'http://u:p@127.0.0.1:1', 'not a url']) {
		assert.throws(() => parseConnectTo({TENCENTCLOUD_API_CONNECT_TO: bad}), (error: Error & {code?: string}) => error.code === 'InvalidConfig' && error.message.startsWith('TENCENTCLOUD_API_CONNECT_TO'), bad);
	}

	assert.throws(() => parseConnectTo({TENCENTCLOUD_API_ENDPOINT: 'scf.tencentcloudapi.com'}), /TENCENTCLOUD_API_ENDPOINT is not read/);
});

test.run();
