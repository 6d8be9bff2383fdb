// Units of the deploy tooling: the config planner, trigger comparison, credentials and endpoint resolution,
// error redaction, the CAM policies. The zip writer is checked by outside readers in test/e2e/deploy-zip.test.ts,
// the API client's retries in test/integration/deploy-converge.test.ts, the serverless runs in test/e2e/deploy.test.ts.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {test} from 'uvu';
import * as assert from 'uvu/assert';

const require = createRequire(import.meta.url);

type Plan = {
	region: string;
	stage: string;
	entry: string;
	functions: Array<{
		name: string;
		description: string;
		memorySize: number;
		timeout: number;
		role: string;
		environment: Record<string, string>;
		omittedEnvironment: string[];
		triggers: Array<Record<string, unknown>>;
		rules: Array<{name: string; enabled: boolean; pattern: unknown}>;
	}>;
};
const {buildPlan, ConfigError} = require('../../deploy/serverless-tencent/plan.cjs') as {
	buildPlan: (service: unknown, options?: {region?: string; stage?: string}) => Plan;
	ConfigError: new (problems: string[]) => Error & {problems: string[]};
};
const scf = require('../../deploy/serverless-tencent/scf.cjs') as {
	normalizeListed: (trigger: Record<string, unknown>) => Record<string, unknown>;
	normalizeDesired: (trigger: Record<string, unknown>) => Record<string, unknown>;
	functionUrl: (triggers: Array<Record<string, unknown>>) => string | undefined;
	configDifferences: (detail: Record<string, unknown>, fn: Record<string, unknown>, environment?: Record<string, string>) => string[];
	environmentRequest: (environment: Record<string, string>) => {Variables: Array<{Key: string; Value: string}>};
	checkRequestSize: (action: string, params: Record<string, unknown>, zip: Buffer) => void;
};
type DeployRecord = {v: number; by: string; zipSha256: string; codeSha256: string | null; triggers: string[]; rules: Array<{region: string; name: string}>};
const records = require('../../deploy/serverless-tencent/record.cjs') as {
	RECORD_VARIABLE: string;
	createRecord: (input: {zipSha256: string; codeSha256?: string | null; triggers?: string[]; rules?: Array<{region: string; name: string}>}) => DeployRecord;
	encodeRecord: (record: Partial<DeployRecord>) => string;
	decodeRecord: (text: unknown) => {record?: DeployRecord; error?: string};
	recordFromFunction: (detail: unknown) => {record?: DeployRecord; error?: string};
};
const api = require('../../deploy/serverless-tencent/api.cjs') as {
	resolveCredentials: (env: Record<string, string | undefined>) => {secretId: string; secretKey: string; token?: string; source: string};
	resolveEndpoint: (service: string, region: string, env: Record<string, string | undefined>) => {endpoint: string; protocol: string; connectTo?: {host: string; port: number}};
	TencentApi: new (options: {region: string; credentials: {secretId: string; secretKey: string; token?: string}; env?: Record<string, string>}) => {
		wrap: (service: string, action: string, error: unknown) => Error & {code?: string};
	};
};
const constants = require('../../deploy/serverless-tencent/constants.cjs') as {COS_PUT_BUCKET_PATTERN: unknown; CRON_PATTERN: string};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-units-'));

// --- plan --------------------------------------------------------------------------------------------

const baseService = () => ({
	service: 'cos-ci-binder',
	provider: {
		name: 'tencent',
		region: 'ap-guangzhou',
		stage: 'dev',
		role: 'CosCiBinderRole',
		environment: {BINDER_REGIONS: '', BINDER_CONCURRENCY: '8', BINDER_HTTP_TOKEN: 'x'.repeat(20)},
	},
	functions: {
		binder: {
			handler: 'index.main_handler',
			events: [{timer: {name: 'sweep', cron: '0 0 */6 * * * *'}}, {http: {name: 'url'}}, {eventbridge: {name: 'cos-ci-binder-dev-putbucket'}}],
		},
	},
});

test('buildPlan: defaults, dropped empty environment, events in order', () => {
	const plan = buildPlan(baseService());
	assert.is(plan.region, 'ap-guangzhou');
	assert.is(plan.entry, 'handlers/index.ts');
	const [fn] = plan.functions;
	assert.is(fn!.name, 'cos-ci-binder-dev-binder');
	assert.is(fn!.memorySize, 128);
	assert.is(fn!.timeout, 300);
	assert.equal(fn!.environment, {BINDER_CONCURRENCY: '8', BINDER_HTTP_TOKEN: 'x'.repeat(20)});
	assert.equal(fn!.omittedEnvironment, ['BINDER_REGIONS']);
	assert.equal(fn!.triggers, [
		{type: 'timer', name: 'sweep', cron: '0 0 */6 * * * *', enabled: true, argument: ''},
		{type: 'http', name: 'url', authType: 'NONE', enableExtranet: true, enableIntranet: false},
	]);
	assert.equal(fn!.rules, [{name: 'cos-ci-binder-dev-putbucket', enabled: true, pattern: constants.COS_PUT_BUCKET_PATTERN, eventBusId: undefined}]);
});

test('buildPlan: --region and --stage win over the file', () => {
	const service = baseService();
	service.functions.binder.events.pop(); // the EventBridge event needs ap-guangzhou (next test)
	const plan = buildPlan(service, {region: 'ap-shanghai', stage: 'prod'});
	assert.is(plan.region, 'ap-shanghai');
	assert.is(plan.functions[0]!.name, 'cos-ci-binder-prod-binder');
});

test('buildPlan: the EventBridge event only in ap-guangzhou, where CloudAudit events arrive', () => {
	assert.is(buildPlan(baseService(), {region: 'ap-guangzhou'}).functions[0]!.rules.length, 1);
	for (const region of ['ap-shanghai', 'ap-singapore', 'ap-shanghai-fsi']) {
		assert.throws(
			() => buildPlan(baseService(), {region}),
			(error: Error) => /events\[2\]\.eventbridge: CloudAudit events \(COS PutBucket\) arrive only on the cloud-service event bus in ap-guangzhou/.test(error.message) && error.message.includes(`a function in ${region}`),
			region,
		);
	}
});

test('buildPlan: regions are those CreateTrigger supports; ap-mumbai and na-toronto are refused with the source', () => {
	const service = baseService();
	service.functions.binder.events.pop();
	for (const region of ['ap-bangkok', 'ap-shanghai-fsi', 'sa-saopaulo', 'na-siliconvalley']) assert.is(buildPlan(service, {region}).region, region);
	for (const region of ['ap-mumbai', 'na-toronto', 'ap-beijing-1']) {
		assert.throws(() => buildPlan(service, {region}), new RegExp(`provider\\.region: "${region}" is not a region where SCF's CreateTrigger works \\(www\\.tencentcloud\\.com/document/api/583/18589`), region);
	}
});

test('buildPlan: cron fields are range-checked (583/9708): hour 24, day 0, year 1969, step 0 and junk are refused', () => {
	const cronOf = (cron: string) => {
		const service = baseService();
		service.functions.binder.events[0] = {timer: {name: 'sweep', cron}};
		return () => buildPlan(service);
	};
	for (const ok of ['0 0 */6 * * * *', '*/5 * * * * * *', '0 15 10 * * MON-FRI *', '0 0 10,14,16 * * * *', '0 1/10 9-17 1 JAN,dec * 2099', '59 59 23 31 12 6 1970']) {
		assert.not.throws(cronOf(ok), ok);
	}
	assert.throws(cronOf('0 0 24 * * * *'), /timer\.cron: cron field 3 \(hour, 0-23\): 24 is outside 0-23 \(583\/9708\)/);
	assert.throws(cronOf('0 0 0 0 * * *'), /cron field 4 \(day, 1-31\): 0 is outside 1-31/);
	assert.throws(cronOf('0 0 0 1 * * 1969'), /cron field 7 \(year, 1970-2099\): 1969 is outside/);
	assert.throws(cronOf('0 */0 * * * * *'), /cron field 2 \(minute, 0-59\): step 0 must be at least 1/);
	assert.throws(cronOf('0 0 0 * * FUNDAY *'), /cron field 6 \(weekday, 0-6 or MON-SUN\): "FUNDAY" is not a number or one of MON/);
	assert.throws(cronOf('0 0 0 * 13 * *'), /cron field 5 \(month, 1-12 or JAN-DEC\): 13 is outside 1-12/);
});

test('buildPlan: a description with a newline is refused (UpdateFunctionConfiguration takes none), Chinese and periods pass', () => {
	const service = baseService() as any;
	service.provider.description = '绑定新存储桶. Binds buckets, always.';
	assert.is(buildPlan(service).functions[0]!.description, '绑定新存储桶. Binds buckets, always.');
	service.provider.description = 'line one.\nline two.';
	assert.throws(() => buildPlan(service), /description: .*no newlines, which UpdateFunctionConfiguration refuses/);
});

test('buildPlan: the environment and the deploy record must fit SCF\'s 4 KB; the record\'s name is reserved', () => {
	const service = baseService() as any;
	service.provider.environment.BIG = 'x'.repeat(3600);
	assert.not.throws(() => buildPlan(service));
	service.provider.environment.BIG = 'x'.repeat(3900);
	assert.throws(() => buildPlan(service), /environment: \d+ bytes of names and values plus \d+ for the deploy record \(SERVERLESS_DEPLOY_RECORD\) exceed SCF's 4096/);
	delete service.provider.environment.BIG;
	service.provider.environment.SERVERLESS_DEPLOY_RECORD = '{}';
	assert.throws(() => buildPlan(service), /environment\.SERVERLESS_DEPLOY_RECORD: reserved for the deploy record/);
});

test('buildPlan: a 5-field cron fails naming the 7 fields', () => {
	const service = baseService();
	service.functions.binder.events[0] = {timer: {name: 'sweep', cron: '0 */6 * * *'}};
	try {
		buildPlan(service);
		assert.unreachable('should have thrown');
	} catch (error) {
		assert.instance(error, ConfigError);
		assert.match((error as Error).message, /functions\.binder\.events\[0\]\.timer\.cron: a timer cron needs 7 fields \(second minute hour day month weekday year\), got 5/);
	}
});

test('buildPlan: every problem at once — role, region, memory, timeout, reserved variable, bad names', () => {
	const service = baseService() as any;
	delete service.provider.role;
	service.provider.region = 'mars-north-1';
	service.provider.memorySize = 100;
	service.provider.timeout = 901;
	service.provider.environment.TENCENTCLOUD_SECRETKEY = 'nope';
	service.functions.binder.name = '9starts-with-digit';
	service.functions.binder.events.push({http: {name: 'second'}});
	service.functions.binder.events.push({sqs: {}});
	try {
		buildPlan(service);
		assert.unreachable('should have thrown');
	} catch (error) {
		const message = (error as Error).message;
		for (const expected of [
			/provider\.role: required/,
			/provider\.region: "mars-north-1" is not a region where SCF's CreateTrigger works/,
			/memorySize: must be 64 or a multiple of 128/,
			/timeout: must be a whole number of seconds from 1 to 900/,
			/TENCENTCLOUD_SECRETKEY: names starting TENCENTCLOUD_ are reserved/,
			/SCF function names are 2-60/,
			/at most one function URL/,
			/unsupported event "sqs"/,
		]) {
			assert.match(message, expected);
		}
		assert.not.match(message, /nope/, 'values are not echoed');
	}
});

test('buildPlan: booleans given as strings (--param) are read as booleans, anything else is refused', () => {
	const service = baseService() as any;
	service.functions.binder.events[0].timer.enabled = 'false';
	service.functions.binder.events[2].eventbridge.enabled = 'true';
	const plan = buildPlan(service);
	assert.is(plan.functions[0]!.triggers[0]!.enabled, false);
	assert.is(plan.functions[0]!.rules[0]!.enabled, true);
	service.functions.binder.events[0].timer.enabled = 'no';
	assert.throws(() => buildPlan(service), /timer\.enabled: must be true or false, got "no"/);
});

test('the schema cron pattern agrees with the planner: 7 fields pass, 5 and 8 fail', () => {
	const pattern = new RegExp(constants.CRON_PATTERN, 'u');
	assert.ok(pattern.test('0 0 */6 * * * *'));
	assert.ok(pattern.test(' 0  0 2 1 * MON-FRI 2026 '));
	assert.not.ok(pattern.test('0 */6 * * *'));
	assert.not.ok(pattern.test('0 0 */6 * * * * *'));
	assert.match(constants.CRON_PATTERN, /\(\?<second>.*\(\?<year>/, 'the pattern names the fields for the error message');
});

// --- trigger comparison --------------------------------------------------------------------------------

test('listed triggers compare equal to the configuration despite the shapes ListTriggers uses', () => {
	const timer = {type: 'timer', name: 'sweep', cron: '0 0 */6 * * * *', enabled: true, argument: '{"dryRun":true}'};
	assert.equal(scf.normalizeListed({Type: 'timer', TriggerName: 'sweep', TriggerDesc: '{"cron":"0 0 */6 * * * *"}', Enable: 1, Qualifier: '$LATEST', CustomArgument: '{"dryRun":true}'}), scf.normalizeDesired(timer));
	assert.equal(scf.normalizeListed({Type: 'timer', TriggerName: 'sweep', TriggerDesc: '0 0 */6 * * * *', Enable: 'OPEN', CustomArgument: '{"dryRun":true}'}), scf.normalizeDesired(timer));
	assert.not.equal(scf.normalizeListed({Type: 'timer', TriggerName: 'sweep', TriggerDesc: '{"cron":"0 0 */6 * * * *"}', Enable: 0, CustomArgument: '{"dryRun":true}'}), scf.normalizeDesired(timer));

	const url = 'https://1250000000-abc.ap-guangzhou.tencentscf.com';
	const listedHttp = {Type: 'http', TriggerName: 'url', Enable: 1, Qualifier: '$LATEST', TriggerDesc: JSON.stringify({AuthType: 'NONE', NetConfig: {EnableIntranet: false, EnableExtranet: true, ExtranetUrl: url}})};
	assert.equal(scf.normalizeListed(listedHttp), scf.normalizeDesired({type: 'http', name: 'url', authType: 'NONE', enableExtranet: true, enableIntranet: false}));
	assert.is(scf.functionUrl([{Type: 'timer', TriggerDesc: '{}'}, listedHttp]), url);
	assert.is(scf.functionUrl([{Type: 'http', TriggerDesc: '{"Other":{"Url":"https://x.example/"}}'}]), 'https://x.example/');
	assert.is(scf.functionUrl([]), undefined);
});

test('configDifferences: SCF-reserved variables are ignored, a role is compared by name', () => {
	const fn = {memorySize: 128, timeout: 300, description: 'd', role: 'CosCiBinderRole', environment: {A: '1'}};
	const detail = {MemorySize: 128, Timeout: 300, Description: 'd', Role: 'qcs::cam::uin/1:roleName/CosCiBinderRole', Environment: {Variables: [{Key: 'A', Value: '1'}, {Key: 'SCF_NAMESPACE', Value: 'default'}]}};
	assert.equal(scf.configDifferences(detail, fn), []);
	assert.equal(scf.configDifferences({...detail, Timeout: 3, Environment: {Variables: []}}, fn), ['timeout', 'environment']);
});

// --- deploy record ---------------------------------------------------------------------------------

const SHA = 'ab'.repeat(32);

test('deploy record: canonical (order-independent), round-trips, keeps a CodeSha256 verbatim in hex or base64', () => {
	const a = records.encodeRecord({zipSha256: SHA, codeSha256: null, triggers: ['timer/sweep', 'http/url'], rules: [{region: 'ap-guangzhou', name: 'b-rule'}, {region: 'ap-guangzhou', name: 'a-rule'}]});
	const b = records.encodeRecord({zipSha256: SHA, codeSha256: null, triggers: ['http/url', 'timer/sweep', 'http/url'], rules: [{region: 'ap-guangzhou', name: 'a-rule'}, {region: 'ap-guangzhou', name: 'b-rule'}]});
	assert.is(a, b);
	assert.is(a, '{"v":1,"by":"serverless-tencent","zipSha256":"' + SHA + '","codeSha256":null,"triggers":["http/url","timer/sweep"],"rules":[{"region":"ap-guangzhou","name":"a-rule"},{"region":"ap-guangzhou","name":"b-rule"}]}');
	assert.equal(records.decodeRecord(a).record, JSON.parse(a));
	const base64 = Buffer.from(SHA, 'hex').toString('base64');
	assert.is(records.decodeRecord(records.encodeRecord({zipSha256: SHA, codeSha256: base64})).record!.codeSha256, base64);
	assert.is(records.createRecord({zipSha256: SHA, codeSha256: 'not a hash'}).codeSha256, null, 'an unrecognisable CodeSha256 is not kept');
	const detail = {Environment: {Variables: [{Key: 'A', Value: '1'}, {Key: records.RECORD_VARIABLE, Value: a}]}};
	assert.equal(records.recordFromFunction(detail).record!.triggers, ['http/url', 'timer/sweep']);
	assert.equal(records.recordFromFunction({Environment: {Variables: []}}), {error: 'absent'});
});

test('deploy record: outside input, so every malformed value is an error naming the problem, never a throw', () => {
	const valid = JSON.parse(records.encodeRecord({zipSha256: SHA, triggers: ['timer/sweep'], rules: [{region: 'ap-guangzhou', name: 'my-rule'}]})) as Record<string, unknown>;
	const cases: Array<[unknown, RegExp]> = [
		[undefined, /absent/],
		['', /absent/],
		['{', /not JSON/],
		['[]', /not an object/],
		['null', /not an object/],
		[JSON.stringify({...valid, v: 2}), /unknown version 2/],
		[JSON.stringify({...valid, by: 'terraform'}), /written by "terraform"/],
		[JSON.stringify({...valid, zipSha256: 'AB'.repeat(32)}), /zipSha256/],
		[JSON.stringify({...valid, codeSha256: 42}), /codeSha256/],
		[JSON.stringify({...valid, triggers: ['timer']}), /triggers/],
		[JSON.stringify({...valid, triggers: 'timer/sweep'}), /triggers/],
		[JSON.stringify({...valid, rules: [{region: 'x', name: 'my-rule'}]}), /rules/],
		[JSON.stringify({...valid, rules: [{region: 'ap-guangzhou'}]}), /rules/],
	];
	for (const [text, expected] of cases) {
		const {record, error} = records.decodeRecord(text);
		assert.is(record, undefined, String(text));
		assert.match(error!, expected, String(text));
	}
});

test('configDifferences: the deploy record is compared as one more variable, named on its own', () => {
	const fn = {memorySize: 128, timeout: 300, description: 'd', role: 'R', environment: {A: '1'}};
	const record = records.encodeRecord({zipSha256: SHA});
	const detail = {MemorySize: 128, Timeout: 300, Description: 'd', Role: 'R', Environment: {Variables: [{Key: 'A', Value: '1'}, {Key: records.RECORD_VARIABLE, Value: record}]}};
	assert.equal(scf.configDifferences(detail, fn, {A: '1', [records.RECORD_VARIABLE]: record}), []);
	assert.equal(scf.configDifferences(detail, fn, {A: '1', [records.RECORD_VARIABLE]: records.encodeRecord({zipSha256: 'cd'.repeat(32)})}), ['deploy record']);
	assert.equal(scf.configDifferences(detail, fn, {A: '2', [records.RECORD_VARIABLE]: record}), ['environment']);
});

test('environmentRequest: sorted pairs, never an empty pair, never over 4 KB', () => {
	assert.equal(scf.environmentRequest({B: '2', A: '1'}), {Variables: [{Key: 'A', Value: '1'}, {Key: 'B', Value: '2'}]});
	assert.throws(() => scf.environmentRequest({}), /internal: an environment without the deploy record/);
	assert.throws(() => scf.environmentRequest({A: ''}), /internal/);
	assert.throws(() => scf.environmentRequest({A: 'x'.repeat(4096)}), /4097 bytes of names and values; SCF accepts at most 4096/);
});

test('checkRequestSize: the JSON body, zip as base64 included, is compared with 10,000,000 bytes', () => {
	const params = (bytes: number) => ({FunctionName: 'f', Code: {ZipFile: 'A'.repeat(bytes)}});
	const overhead = Buffer.byteLength(JSON.stringify(params(0)));
	assert.not.throws(() => scf.checkRequestSize('UpdateFunctionCode', params(10_000_000 - overhead), Buffer.alloc(1)));
	assert.throws(() => scf.checkRequestSize('UpdateFunctionCode', params(10_000_001 - overhead), Buffer.alloc(7)), /The code package is 7 bytes \(\d+ as base64\), which makes the UpdateFunctionCode request 10000001 bytes/);
});

// --- credentials, endpoint, errors -------------------------------------------------------------------

test('credentials: both environment spellings; a half-set pair is an error naming the variables', () => {
	assert.is(api.resolveCredentials({TENCENTCLOUD_SECRET_ID: 'AKID1', TENCENTCLOUD_SECRET_KEY: 'k1'}).secretId, 'AKID1');
	const scfStyle = api.resolveCredentials({TENCENTCLOUD_SECRETID: 'AKID2', TENCENTCLOUD_SECRETKEY: 'k2', TENCENTCLOUD_SESSIONTOKEN: 't2'});
	assert.equal([scfStyle.secretId, scfStyle.secretKey, scfStyle.token], ['AKID2', 'k2', 't2']);
	assert.throws(() => api.resolveCredentials({TENCENTCLOUD_SECRET_ID: 'AKID3', TENCENTCLOUD_CREDENTIALS_FILE: path.join(tmp, 'none')}), /secret id is set but no secret key.*TENCENTCLOUD_SECRET_KEY/s);
	assert.throws(() => api.resolveCredentials({TENCENTCLOUD_CREDENTIALS_FILE: path.join(tmp, 'none')}), /No Tencent Cloud credentials\. Set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY/);
});

test('credentials: the SDK profile file, [default] or TENCENTCLOUD_PROFILE', () => {
	const file = path.join(tmp, 'credentials');
	fs.writeFileSync(file, '# comment\n[default]\nsecret_id = AKIDfile\nsecret_key = "file-key"\n\n[ci]\nsecret_id=AKIDci\nsecret_key=ci-key\ntoken=ci-token\n');
	const fromDefault = api.resolveCredentials({TENCENTCLOUD_CREDENTIALS_FILE: file});
	assert.equal([fromDefault.secretId, fromDefault.secretKey], ['AKIDfile', 'file-key']);
	const fromCi = api.resolveCredentials({TENCENTCLOUD_CREDENTIALS_FILE: file, TENCENTCLOUD_PROFILE: 'ci'});
	assert.equal([fromCi.secretId, fromCi.secretKey, fromCi.token], ['AKIDci', 'ci-key', 'ci-token']);
	assert.throws(() => api.resolveCredentials({TENCENTCLOUD_CREDENTIALS_FILE: file, TENCENTCLOUD_PROFILE: 'missing'}), /no secret_id and secret_key under \[missing\]/);
});

test('endpoint: each product\'s own host, the finance regions\' own; connect-to keeps the host; anything else refused', () => {
	assert.equal(api.resolveEndpoint('scf', 'ap-guangzhou', {}), {endpoint: 'scf.tencentcloudapi.com', protocol: 'https://'});
	assert.equal(api.resolveEndpoint('eb', 'ap-guangzhou', {}), {endpoint: 'eb.tencentcloudapi.com', protocol: 'https://'});
	assert.equal(api.resolveEndpoint('scf', 'ap-shanghai-fsi', {}), {endpoint: 'scf.ap-shanghai-fsi.tencentcloudapi.com', protocol: 'https://'});
	assert.equal(api.resolveEndpoint('scf', 'ap-shenzhen-fsi', {}), {endpoint: 'scf.ap-shenzhen-fsi.tencentcloudapi.com', protocol: 'https://'});
	assert.equal(api.resolveEndpoint('eb', 'ap-guangzhou', {TENCENTCLOUD_API_CONNECT_TO: 'http://127.0.0.1:9000'}), {endpoint: 'eb.tencentcloudapi.com', protocol: 'http://', connectTo: {host: '127.0.0.1', port: 9000}});
	for (const bad of ['http://127.0.0.1:9000/path', 'ftp://x:1', 'https://127.0.0.1:9000', 'http://127.0.0.1', 'proxy.example:8443']) {
		assert.throws(() => api.resolveEndpoint('scf', 'ap-guangzhou', {TENCENTCLOUD_API_CONNECT_TO: bad}), /TENCENTCLOUD_API_CONNECT_TO/, bad);
	}
	assert.throws(() => api.resolveEndpoint('scf', 'ap-guangzhou', {TENCENTCLOUD_API_ENDPOINT: 'http://127.0.0.1:9000'}), /TENCENTCLOUD_API_ENDPOINT is no longer read.*TENCENTCLOUD_API_CONNECT_TO/);
});

test('API errors name service, action, code and request id, and never carry the key or token', () => {
	const client = new api.TencentApi({region: 'ap-guangzhou', credentials: {secretId: 'AKIDx', secretKey: 'super-secret-key', token: 'session-token-value'}});
	const error = client.wrap('scf', 'CreateFunction', Object.assign(new Error('bad super-secret-key and session-token-value'), {code: 'FailedOperation.CreateFunction', requestId: 'req-1'}));
	assert.is(error.message, 'Tencent Cloud scf CreateFunction failed in ap-guangzhou: FailedOperation.CreateFunction: bad *** and *** (RequestId req-1)');
	assert.is(error.code, 'FailedOperation.CreateFunction');
	const network = client.wrap('eb', 'ListRules', new Error('connect ECONNREFUSED 127.0.0.1:1'));
	assert.match(network.message, /eb ListRules failed in ap-guangzhou: request failed: connect ECONNREFUSED/);
});

// --- CAM policies ------------------------------------------------------------------------------------

const policy = (name: string) => JSON.parse(fs.readFileSync(new URL(`../../deploy/${name}`, import.meta.url), 'utf8')) as {version: string; statement: Array<{effect: string; action: string | string[]; resource?: string[]; principal?: unknown}>};
const actionsOf = (name: string) => policy(name).statement.flatMap((statement) => [statement.action].flat()).sort();

test('CAM: the execution role gets exactly bind + status + list, and unbind only in the second variant', () => {
	assert.equal(actionsOf('cam-policy.json'), ['name/ci:CreateCIBucket', 'name/ci:DescribeCIBuckets', 'name/cos:GetService']);
	assert.equal(actionsOf('cam-policy-unbind.json'), ['name/ci:CreateCIBucket', 'name/ci:DeleteCIBucket', 'name/ci:DescribeCIBuckets', 'name/cos:GetService']);
	for (const name of ['cam-policy.json', 'cam-policy-unbind.json', 'cam-trust-policy.json', 'cam-deployer-policy.json']) {
		const document = policy(name);
		assert.is(document.version, '2.0', name);
		assert.ok(document.statement.every((statement) => statement.effect === 'allow'), name);
	}
	// Bucket-level actions are scoped to the account's buckets; CI and COS accept only "*" for the listing ones.
	const [bind, read] = policy('cam-policy.json').statement;
	assert.equal(bind!.resource, ['qcs::ci:*:uid/APPID:bucket/*']);
	assert.equal(read!.resource, ['*']);
	assert.equal(policy('cam-trust-policy.json').statement[0]!.principal, {service: ['scf.qcloud.com']});
	assert.equal(actionsOf('cam-trust-policy.json'), ['name/sts:AssumeRole']);
});

test('CAM: the deployer policy covers every action the plugin calls', () => {
	const allowed = new Set(actionsOf('cam-deployer-policy.json').map((action) => action.replace(/^name\//, '')));
	const folder = new URL('../../deploy/serverless-tencent/', import.meta.url);
	const source = fs
		.readdirSync(folder)
		.filter((file) => file.endsWith('.cjs'))
		.map((file) => fs.readFileSync(new URL(file, folder), 'utf8'))
		.join('\n');
	const called = new Set<string>();
	for (const match of source.matchAll(/call\('(scf|eb|sts)', '([A-Za-z]+)'/g)) called.add(`${match[1]}:${match[2]}`);
	for (const match of source.matchAll(/listAll\(api, '([A-Za-z]+)'/g)) called.add(`eb:${match[1]}`);
	assert.ok(called.size >= 15, `found ${called.size} actions`);
	assert.ok(called.has('sts:GetCallerIdentity') && called.has('scf:GetFunctionAddress'), 'converge.cjs and scf.cjs are scanned');
	for (const action of called) assert.ok(allowed.has(action), `${action} is missing from cam-deployer-policy.json`);
});

test.after(() => {
	fs.rmSync(tmp, {recursive: true, force: true});
});

test.run();
