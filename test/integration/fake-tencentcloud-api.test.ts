// The loopback fake of Tencent Cloud API 3.0 (test/support/fake-tencentcloud-api.ts) is only worth what its
// rules are: each strict rule here is exercised once, through the official SDK (via the plugin's TencentApi)
// or, for what the SDK never sends wrong, through hand-signed requests.
import {createHash, createHmac} from 'node:crypto';
import http from 'node:http';
import {createRequire} from 'node:module';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {createZip} from '../../deploy/zip.mjs';
import {ManualClock, startFakeTencentCloud, type FakeTencentCloud} from '../support/fake-tencentcloud-api.js';

const require = createRequire(import.meta.url);
type Api = {call: (service: string, action: string, params?: unknown) => Promise<any>; close: () => void};
const {TencentApi} = require('../../deploy/serverless-tencent/api.cjs') as {
	TencentApi: new (options: {region: string; credentials: {secretId: string; secretKey: string; token?: string}; env?: Record<string, string>; sleep?: (ms: number) => Promise<void>}) => Api;
};

const OWNER = '100000000001';
const SUB = '100000000002';
const KEYS = {
	sub: {secretId: 'AKIDfakesub00000001', secretKey: 'fake-sub-secret-0001', subAccountUin: SUB},
	root: {secretId: 'AKIDfakeroot0000001', secretKey: 'fake-root-secret-0001'},
	temporary: {secretId: 'AKIDfaketemp0000001', secretKey: 'fake-temp-secret-0001', token: 'fake-token-0001'},
};
const TIMES = {create: 4000, update: 3000, delete: 2000};
const clock = new ManualClock();
let fake: FakeTencentCloud;
const apis: Api[] = [];

/** The plugin's API client (the official SDK underneath), connected to the fake. */
function api(region = 'ap-guangzhou', key: {secretId: string; secretKey: string; token?: string} = KEYS.sub): Api {
	const client = new TencentApi({region, credentials: key, env: {TENCENTCLOUD_API_CONNECT_TO: fake.url}, sleep: async () => {}});
	apis.push(client);
	return client;
}

/** The error code of a call that must fail. */
async function codeOf(promise: Promise<unknown>): Promise<{code: string; message: string}> {
	try {
		await promise;
	} catch (error) {
		return {code: (error as {code: string}).code, message: (error as Error).message};
	}
	throw new Error('expected the call to fail');
}

const zipOf = (files: Record<string, string>) => createZip(Object.entries(files).map(([name, data]) => ({name, data}))).toString('base64');
const INDEX_ZIP = zipOf({'index.js': 'exports.main_handler = async () => 1;'});
let functionCount = 0;

/** Create a function and let its Creating time pass. */
async function activeFunction(client = api(), extra: Record<string, unknown> = {}): Promise<string> {
	const name = `fake-test-${++functionCount}`;
	await client.call('scf', 'CreateFunction', {FunctionName: name, Runtime: 'Nodejs18.15', Handler: 'index.main_handler', Code: {ZipFile: INDEX_ZIP}, ...extra});
	clock.advance(TIMES.create);
	return name;
}

type RawOptions = {
	host?: string;
	version?: string;
	action?: string;
	region?: string;
	body?: string;
	key?: {secretId: string; secretKey: string};
	scopeService?: string;
	signedHeaders?: string[];
	token?: string;
};

/** A TC3-HMAC-SHA256 request signed by hand, so each part can be got wrong on purpose. */
function raw(options: RawOptions = {}): Promise<{Error?: {Code: string; Message: string}} & Record<string, unknown>> {
	const host = options.host ?? 'sts.tencentcloudapi.com';
	const body = options.body ?? '{}';
	const key = options.key ?? KEYS.sub;
	const timestamp = Math.floor(Date.now() / 1000);
	const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
	const scope = options.scopeService ?? host.split('.')[0]!;
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		host,
		'x-tc-action': options.action ?? 'GetCallerIdentity',
		'x-tc-version': options.version ?? '2018-08-13',
		'x-tc-timestamp': String(timestamp),
		'x-tc-region': options.region ?? 'ap-guangzhou',
		...(options.token ? {'x-tc-token': options.token} : {}),
	};
	const signed = options.signedHeaders ?? ['content-type', 'host'];
	const sha = (text: string) => createHash('sha256').update(text).digest('hex');
	// "头部 key 和 value 统一转成小写，并去掉首尾空格" (signature v3).
	const canonical = `POST\n/\n\n${signed.map((name) => `${name}:${(headers[name] ?? '').trim().toLowerCase()}\n`).join('')}\n${signed.join(';')}\n${sha(body)}`;
	const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${scope}/tc3_request\n${sha(canonical)}`;
	const hmac = (k: string | Buffer, data: string) => createHmac('sha256', k).update(data).digest();
	const signature = hmac(hmac(hmac(hmac(`TC3${key.secretKey}`, date), scope), 'tc3_request'), toSign).toString('hex');
	headers.authorization = `TC3-HMAC-SHA256 Credential=${key.secretId}/${date}/${scope}/tc3_request, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
	const url = new URL(fake.url);
	return new Promise((resolve, reject) => {
		const request = http.request({host: url.hostname, port: url.port, method: 'POST', path: '/', headers}, (response) => {
			let text = '';
			response.on('data', (chunk: Buffer) => (text += chunk.toString()));
			response.on('end', () => resolve((JSON.parse(text) as {Response: never}).Response));
		});
		request.on('error', reject);
		request.end(body);
	});
}

test.before(async () => {
	fake = await startFakeTencentCloud({credentials: [KEYS.sub, KEYS.root, KEYS.temporary], uin: OWNER, clock, transitionMs: TIMES});
});

test.after(async () => {
	for (const client of apis) client.close();
	await fake.close();
});

// --- parameters against the SDK models ---------------------------------------------------------------

test('an unknown parameter is UnknownParameter, citing the model: Publish on CreateFunction (UpdateFunctionCode has one)', async () => {
	const error = await codeOf(api().call('scf', 'CreateFunction', {FunctionName: 'with-publish', Handler: 'index.main_handler', Runtime: 'Nodejs18.15', Code: {ZipFile: INDEX_ZIP}, Publish: 'TRUE'}));
	assert.is(error.code, 'UnknownParameter');
	assert.match(error.message, /`Publish` is not recognized.*scf_models\.d\.ts:\d+ CreateFunctionRequest/);
	const name = await activeFunction();
	await api().call('scf', 'UpdateFunctionCode', {FunctionName: name, Code: {ZipFile: INDEX_ZIP}, Publish: 'FALSE'});
	assert.equal(fake.functions().find((fn) => fn.name === name)!.status, 'Updating', 'accepted: UpdateFunctionCodeRequest declares Publish');
	clock.advance(TIMES.update);
});

test('a missing required parameter is MissingParameter; a wrong type InvalidParameter; nested models are checked too', async () => {
	const name = await activeFunction();
	const missing = await codeOf(api().call('scf', 'CreateTrigger', {FunctionName: name, TriggerName: 'sweep', TriggerDesc: '0 0 * * * * *'}));
	assert.is(missing.code, 'MissingParameter');
	assert.match(missing.message, /`Type`.*CreateTriggerRequest\.Type/);
	const wrong = await codeOf(api().call('scf', 'UpdateFunctionConfiguration', {FunctionName: name, MemorySize: '256'}));
	assert.equal([wrong.code, /`MemorySize` must be a number/.test(wrong.message)], ['InvalidParameter', true]);
	const nested = await codeOf(api().call('scf', 'UpdateFunctionConfiguration', {FunctionName: name, Environment: {Variables: [{Key: 'A', Value: '1', Secret: true}]}}));
	assert.is(nested.code, 'UnknownParameter');
	assert.match(nested.message, /`Environment\.Variables\[0\]\.Secret`.*Variable/);
});

test('environment: an empty {Key:"",Value:""} pair, reserved names and more than 4 KB are refused', async () => {
	const name = await activeFunction();
	const empty = await codeOf(api().call('scf', 'UpdateFunctionConfiguration', {FunctionName: name, Environment: {Variables: [{Key: '', Value: ''}]}}));
	assert.is(empty.code, 'InvalidParameterValue.Environment');
	assert.match(empty.message, /不可为空字符/);
	const reserved = await codeOf(api().call('scf', 'UpdateFunctionConfiguration', {FunctionName: name, Environment: {Variables: [{Key: 'SCF_NAMESPACE', Value: 'x'}]}}));
	assert.is(reserved.code, 'InvalidParameterValue.EnvironmentSystemProtect');
	const large = await codeOf(api().call('scf', 'UpdateFunctionConfiguration', {FunctionName: name, Environment: {Variables: [{Key: 'A', Value: 'x'.repeat(4096)}]}}));
	assert.is(large.code, 'InvalidParameterValue.EnvironmentExceededLimit');
	await api().call('scf', 'UpdateFunctionConfiguration', {FunctionName: name, Environment: {Variables: [{Key: 'A', Value: 'x'.repeat(4095)}]}});
	clock.advance(TIMES.update);
});

test('descriptions: a newline passes CreateFunction and fails UpdateFunctionConfiguration, as their models say', async () => {
	const name = await activeFunction(api(), {Description: 'line one.\nline two.'});
	const error = await codeOf(api().call('scf', 'UpdateFunctionConfiguration', {FunctionName: name, Description: 'line one.\nline two.'}));
	assert.is(error.code, 'InvalidParameterValue.Description');
	assert.match(error.message, /no newlines \(UpdateFunctionConfigurationRequest\.Description\)/);
});

// --- signature, host, token, size ----------------------------------------------------------------------

test('the SDK through TENCENTCLOUD_API_CONNECT_TO is accepted: real host, matching scope', async () => {
	const answer = await raw();
	assert.is(answer.Error, undefined, JSON.stringify(answer.Error));
	assert.ok(fake.calls.some((call) => call.action === 'GetCallerIdentity' && call.host === 'sts.tencentcloudapi.com'));
});

test('credential scope: a service other than the host\'s product is refused (the SDK pointed at 127.0.0.1 signs "127")', async () => {
	const answer = await raw({scopeService: '127'});
	assert.is(answer.Error?.Code, 'AuthFailure.InvalidAuthorization');
	assert.match(answer.Error!.Message, /credential scope names service "127"; this is the sts API/);
	assert.is((await raw({scopeService: 'scf'})).Error?.Code, 'AuthFailure.InvalidAuthorization');
});

test('host: another product\'s host is InvalidAction; a finance region needs its own host', async () => {
	assert.is((await raw({host: 'scf.tencentcloudapi.com', scopeService: 'scf'})).Error?.Code, 'InvalidAction');
	assert.is((await raw({host: '127.0.0.1'})).Error?.Code, 'InvalidAction');
	const finance = await raw({host: 'sts.tencentcloudapi.com', region: 'ap-shanghai-fsi'});
	assert.is(finance.Error?.Code, 'UnsupportedRegion');
	assert.match(finance.Error!.Message, /send to sts\.ap-shanghai-fsi\.tencentcloudapi\.com/);
	assert.is((await raw({host: 'sts.ap-shanghai-fsi.tencentcloudapi.com', region: 'ap-shanghai-fsi'})).Error, undefined);
});

test('SignedHeaders: content-type and host are required, sorted, and present; more signed headers are fine', async () => {
	assert.is((await raw({signedHeaders: ['host']})).Error?.Code, 'AuthFailure.InvalidAuthorization');
	assert.is((await raw({signedHeaders: ['content-type']})).Error?.Code, 'AuthFailure.InvalidAuthorization');
	assert.is((await raw({signedHeaders: ['host', 'content-type']})).Error?.Code, 'AuthFailure.InvalidAuthorization');
	assert.is((await raw({signedHeaders: ['content-type', 'host', 'x-tc-missing']})).Error?.Code, 'AuthFailure.InvalidAuthorization');
	assert.is((await raw({signedHeaders: ['content-type', 'host', 'x-tc-action']})).Error, undefined);
	assert.is((await raw({key: {...KEYS.sub, secretKey: 'wrong'}})).Error?.Code, 'AuthFailure.SignatureFailure');
});

test('X-TC-Token: a temporary key needs its token, a long-term key takes none', async () => {
	assert.is((await raw({key: KEYS.temporary})).Error?.Code, 'AuthFailure.TokenFailure');
	assert.is((await raw({key: KEYS.temporary, token: 'wrong'})).Error?.Code, 'AuthFailure.TokenFailure');
	assert.is((await raw({key: KEYS.temporary, token: KEYS.temporary.token})).Error, undefined);
	assert.is((await raw({key: KEYS.sub, token: 'stray'})).Error?.Code, 'AuthFailure.TokenFailure');
	const sdk = await api('ap-guangzhou', KEYS.temporary).call('sts', 'GetCallerIdentity', {});
	assert.is(sdk.AccountId, OWNER, 'the SDK sends the token of temporary keys');
});

test('a body over 10 MB is refused before anything else is looked at', async () => {
	const answer = await raw({body: JSON.stringify({pad: 'x'.repeat(10_000_000)})});
	assert.is(answer.Error?.Code, 'RequestSizeLimitExceeded');
	assert.match(answer.Error!.Message, /at most 10 MB/);
});

test('GetCallerIdentity: a sub-account key is answered as the sub-account, with the owner as AccountId', async () => {
	const sub = await api().call('sts', 'GetCallerIdentity', {});
	assert.equal([sub.AccountId, sub.UserId, sub.PrincipalId, sub.Type, sub.Arn], [OWNER, SUB, SUB, 'CAMUser', `qcs::cam::uin/${OWNER}:uin/${SUB}`]);
	const root = await api('ap-guangzhou', KEYS.root).call('sts', 'GetCallerIdentity', {});
	assert.equal([root.AccountId, root.UserId, root.Type], [OWNER, OWNER, 'RootAccount']);
});

// --- function states on the injected clock -------------------------------------------------------------

test('states take clock time, not polls: Creating until create time has passed, however often it is asked', async () => {
	const client = api();
	await client.call('scf', 'CreateFunction', {FunctionName: 'slow-create', Runtime: 'Nodejs18.15', Handler: 'index.main_handler', Code: {ZipFile: INDEX_ZIP}});
	for (let poll = 0; poll < 20; poll++) assert.is((await client.call('scf', 'GetFunction', {FunctionName: 'slow-create'})).Status, 'Creating');
	const early = await codeOf(client.call('scf', 'CreateTrigger', {FunctionName: 'slow-create', TriggerName: 't', Type: 'timer', TriggerDesc: '0 0 * * * * *'}));
	assert.is(early.code, 'FailedOperation.CreateTrigger');
	clock.advance(TIMES.create - 1);
	assert.is((await client.call('scf', 'GetFunction', {FunctionName: 'slow-create'})).Status, 'Creating');
	clock.advance(1);
	assert.is((await client.call('scf', 'GetFunction', {FunctionName: 'slow-create'})).Status, 'Active');
	await client.call('scf', 'DeleteFunction', {FunctionName: 'slow-create'});
	assert.is((await client.call('scf', 'GetFunction', {FunctionName: 'slow-create'})).Status, 'Deleting');
	clock.advance(TIMES.delete);
	assert.is((await codeOf(client.call('scf', 'GetFunction', {FunctionName: 'slow-create'}))).code, 'ResourceNotFound.Function');
});

// --- per-action rules -----------------------------------------------------------------------------------

test('Handler: its file must be at the root of the package, at create and at code update', async () => {
	const create = await codeOf(api().call('scf', 'CreateFunction', {FunctionName: 'no-index', Runtime: 'Nodejs18.15', Handler: 'index.main_handler', Code: {ZipFile: zipOf({'src/index.js': 'x'})}}));
	assert.is(create.code, 'InvalidParameterValue.Handler');
	assert.match(create.message, /index\.js is not at the root of the package \(it holds src\/index\.js\)/);
	const name = await activeFunction();
	const update = await codeOf(api().call('scf', 'UpdateFunctionCode', {FunctionName: name, Handler: 'app.main_handler', Code: {ZipFile: INDEX_ZIP}}));
	assert.is(update.code, 'InvalidParameterValue.Handler');
	assert.is((await codeOf(api().call('scf', 'UpdateFunctionCode', {FunctionName: name, Code: {ZipFile: Buffer.from('not a zip').toString('base64')}}))).code, 'InvalidParameterValue.ZipFile');
});

test('CreateTrigger: cron fields in range (hour 24 refused), a function URL needs NetConfig, regions per 583/18589', async () => {
	const name = await activeFunction();
	const timer = (cron: string) => api().call('scf', 'CreateTrigger', {FunctionName: name, TriggerName: `t${cron.replace(/\W/g, '')}`.slice(0, 50), Type: 'timer', TriggerDesc: cron});
	const hour = await codeOf(timer('0 0 24 * * * *'));
	assert.is(hour.code, 'InvalidParameterValue.TriggerDesc');
	assert.match(hour.message, /cron field hour "24" is outside 0-23/);
	for (const bad of ['0 0 0 0 * * *', '0 0 0 * 13 * *', '0 0 0 * * 7 *', '0 0 0 * * * 1969', '0 */0 * * * * *', '0 0 */6 * *']) assert.is((await codeOf(timer(bad))).code, 'InvalidParameterValue.TriggerDesc', bad);
	await timer('0 15 10 * * MON-FRI *');
	const url = (desc: unknown) => api().call('scf', 'CreateTrigger', {FunctionName: name, TriggerName: 'url', Type: 'http', TriggerDesc: JSON.stringify(desc)});
	const noNet = await codeOf(url({AuthType: 'NONE'}));
	assert.is(noNet.code, 'InvalidParameterValue.TriggerDesc');
	assert.match(noNet.message, /NetConfig/);
	assert.is((await codeOf(url({AuthType: 'NONE', NetConfig: {EnableExtranet: true}}))).code, 'InvalidParameterValue.TriggerDesc');
	await url({AuthType: 'NONE', NetConfig: {EnableIntranet: false, EnableExtranet: true}});
	const mumbai = await codeOf(api('ap-mumbai').call('scf', 'CreateTrigger', {FunctionName: name, TriggerName: 't', Type: 'timer', TriggerDesc: '0 0 * * * * *'}));
	assert.is(mumbai.code, 'UnsupportedRegion');
	assert.match(mumbai.message, /583\/18589/);
});

test('EventBridge: the cloud bus is in ap-guangzhou only; an unknown pattern operator is refused, the documented ones pass', async () => {
	const cloud = (region: string) => api(region).call('eb', 'ListEventBuses', {Filters: [{Name: 'Type', Values: ['Cloud']}]});
	assert.is((await cloud('ap-guangzhou')).TotalCount, 1);
	assert.is((await cloud('ap-shanghai')).TotalCount, 0);
	const busId = (await cloud('ap-guangzhou')).EventBuses[0].EventBusId as string;
	const rule = (name: string, pattern: unknown) => api().call('eb', 'CreateRule', {EventBusId: busId, RuleName: name, EventPattern: JSON.stringify(pattern)});
	const unknown = await codeOf(rule('bad-operator', {source: 'cos.cloud.tencent', data: {eventName: [{'starts-with': 'Put'}]}}));
	assert.is(unknown.code, 'InvalidParameterValue.EventPattern');
	assert.match(unknown.message, /unknown operator "starts-with"/);
	assert.is((await codeOf(rule('bad-prefix', {data: {eventName: [{prefix: 1}]}}))).code, 'InvalidParameterValue.EventPattern');
	assert.is((await codeOf(rule('two-keys', {data: {eventName: [{prefix: 'a', suffix: 'b'}]}}))).code, 'InvalidParameterValue.EventPattern');
	await rule('good-operators', {
		source: 'cos.cloud.tencent',
		data: {eventName: ['PutBucket', {prefix: 'Put'}, {suffix: 'Bucket'}, {'anything-but': {prefix: 'Delete'}}, {contain: ['Bucket']}, {array: '{"a":1}'}], sourceIPAddress: [{cidr: '10.0.0.0/24'}]},
	});
});

test('CreateTarget: refused while the function is Creating; the target then shows up as a trigger of type eb, which DeleteTrigger refuses', async () => {
	const client = api();
	const busId = (await client.call('eb', 'ListEventBuses', {Filters: [{Name: 'Type', Values: ['Cloud']}]})).EventBuses[0].EventBusId as string;
	const {RuleId: ruleId} = await client.call('eb', 'CreateRule', {EventBusId: busId, RuleName: 'target-rule', EventPattern: '{"source":"cos.cloud.tencent"}'});
	await client.call('scf', 'CreateFunction', {FunctionName: 'target-fn', Runtime: 'Nodejs18.15', Handler: 'index.main_handler', Code: {ZipFile: INDEX_ZIP}});
	const resource = (uin: string) => ({ResourceDescription: `qcs::scf:ap-guangzhou:uin/${uin}:namespace/default/function/target-fn/$LATEST`});
	const creating = await codeOf(client.call('eb', 'CreateTarget', {EventBusId: busId, RuleId: ruleId, Type: 'scf', TargetDescription: resource(OWNER)}));
	assert.is(creating.code, 'FailedOperation.CreateTrigger');
	assert.match(creating.message, /请检查函数状态.*Creating/);
	clock.advance(TIMES.create);
	const subUin = await codeOf(client.call('eb', 'CreateTarget', {EventBusId: busId, RuleId: ruleId, Type: 'scf', TargetDescription: resource(SUB)}));
	assert.is(subUin.code, 'ResourceNotFound.Function', "a sub-account's UIN names no function");
	const {TargetId: targetId} = await client.call('eb', 'CreateTarget', {EventBusId: busId, RuleId: ruleId, Type: 'scf', TargetDescription: resource(OWNER)});
	const listed = (await client.call('scf', 'ListTriggers', {FunctionName: 'target-fn'})).Triggers as Array<{Type: string; TriggerName: string}>;
	assert.equal(listed.map((trigger) => `${trigger.Type}/${trigger.TriggerName}`), [`eb/eb-${targetId}`]);
	const deleteEb = await codeOf(client.call('scf', 'DeleteTrigger', {FunctionName: 'target-fn', Type: 'eb', TriggerName: `eb-${targetId}`}));
	assert.is(deleteEb.code, 'InvalidParameterValue.Type');
	assert.match(deleteEb.message, /DeleteTriggerRequest\.Type/);
	assert.is((await codeOf(client.call('eb', 'DeleteRule', {EventBusId: busId, RuleId: ruleId}))).code, 'ResourceInUse.Rule');
	await client.call('eb', 'DeleteTarget', {EventBusId: busId, RuleId: ruleId, TargetId: targetId});
	assert.equal((await client.call('scf', 'ListTriggers', {FunctionName: 'target-fn'})).Triggers, [], 'the eb trigger goes with its target');
	await client.call('eb', 'DeleteRule', {EventBusId: busId, RuleId: ruleId});
});

test('GetFunctionAddress reports CodeSha256 as configured: by default a hash that is not of the uploaded zip', async () => {
	const name = await activeFunction();
	const {CodeSha256: reported} = await api().call('scf', 'GetFunctionAddress', {FunctionName: name});
	const zipHash = createHash('sha256').update(Buffer.from(INDEX_ZIP, 'base64')).digest('hex');
	assert.match(reported, /^[0-9a-f]{64}$/);
	assert.is.not(reported, zipHash);
	assert.is(fake.functions().find((fn) => fn.name === name)!.zipSha256, zipHash);
});

test.run();
