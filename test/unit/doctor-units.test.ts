// doctor's pure parts: the serverless.yml reader (test/e2e/doctor-config.test.ts holds it against the real
// serverless CLI's own resolution), the deploy record reader and the facts (against the plugin's copies), the CAM policy evaluation, and the canary on a clock
// the test owns.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import path from 'node:path';
import fc from 'fast-check';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {decide, globMatches, parsePolicy, trustAllows} from '../../lib/doctor/cam-policy.js';
import {bucketResultLine, runCanary, type CanaryDeps} from '../../lib/doctor/canary.js';
import {decodeRecord} from '../../lib/doctor/deploy-record.js';
import * as facts from '../../lib/doctor/facts.js';
import {readServiceConfig, ServiceConfigError} from '../../lib/doctor/service-config.js';
import {parseYaml, YamlError} from '../../lib/doctor/yaml-subset.js';
import {BinderError, serviceCode} from '../../lib/core/errors.js';
import {ROOT} from '../support/paths.js';
import {shippedPolicy, shippedTrust} from '../support/policies.js';

const require = createRequire(import.meta.url);
const record = require('../../deploy/serverless-tencent/record.cjs') as {encodeRecord: (record: unknown) => string; decodeRecord: (text: unknown) => {record?: unknown; error?: string}};
const constants = require('../../deploy/serverless-tencent/constants.cjs') as Record<string, unknown>;
const eventbridge = require('../../deploy/serverless-tencent/eventbridge.cjs') as {marker: (fn: unknown) => string; resourceDescription: (uin: string, fn: unknown) => string};

const repositoryYaml = () => fs.readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8');

// ---------------------------------------------------------------------------------------------------------
// serverless.yml
// ---------------------------------------------------------------------------------------------------------

test('variables: opt, env (empty counts), param by stage then default, self, sls:stage, quoted fallbacks; unresolvable ones name the field', () => {
	const yaml = `service: svc
provider:
  name: tencent
  stage: \${opt:stage, "dev"}
  region: \${env:REGION, 'ap-beijing'}
  role: \${param:role}
params:
  default:
    role: DefaultRole
  prod:
    role: ProdRole
functions:
  f:
    name: \${self:service}-\${sls:stage}-x
    handler: index.main_handler
    events:
      - timer:
          cron: '0 0 * * * * *'
`;
	const dev = readServiceConfig(yaml, {env: {}});
	assert.equal([dev.stage, dev.region, dev.role, dev.function.name, dev.function.timers[0]!.name], ['dev', 'ap-beijing', 'DefaultRole', 'svc-dev-x', 'timer']);
	const prod = readServiceConfig(yaml, {env: {REGION: 'ap-shanghai'}, stage: 'prod'});
	assert.equal([prod.region, prod.role, prod.function.name], ['ap-shanghai', 'ProdRole', 'svc-prod-x']);
	assert.throws(() => readServiceConfig(yaml.replace('${param:role}', '${env:NOPE}'), {env: {}}), (error: Error) => error instanceof ServiceConfigError && /provider\.role: \$\{env:NOPE\} has no value/.test(error.message));
	assert.throws(() => readServiceConfig(yaml.replace('${param:role}', '${ssm:/x}'), {env: {}}), /does not read the variable source "ssm:\/x"/);
	assert.throws(() => readServiceConfig(yaml, {env: {}, region: 'ap-mumbai'}), /"ap-mumbai" is not a region the deploy plugin deploys to/);
	assert.throws(() => readServiceConfig(yaml.replace('tencent', 'aws'), {env: {}}), /provider\.name: doctor checks deployments of the tencent provider/);
	const two = `${yaml}  g:\n    handler: index.main_handler\n`;
	assert.throws(() => readServiceConfig(two, {env: {}}), /defines f, g; name the one to check with --function/);
	assert.is(readServiceConfig(two, {env: {}, functionKey: 'g'}).function.name, 'svc-dev-g');
});

test('the eventbridge event outside ap-guangzhou is refused, as the deploy refuses it', () => {
	assert.throws(() => readServiceConfig(repositoryYaml(), {env: {}, region: 'ap-shanghai'}), /CloudAudit events arrive on the cloud-service event bus in ap-guangzhou only/);
});

test('YAML subset: blocks, sequences of mappings, quotes, comments; unread constructs fail only when read, naming the line', () => {
	const node = parseYaml(`# comment
a: 1 # trailing
b: 'it''s'
c: "tab\\tand \\u00e9"
d:
- x: true
  y: ~
- plain text
e: [1, 2]
f: |
  block
g: {}
`);
	assert.is(node.kind, 'map');
	const entries = (node as {entries: Map<string, any>}).entries;
	assert.equal(entries.get('a'), {kind: 'scalar', line: 2, value: 1});
	assert.is(entries.get('b').value, "it's");
	assert.is(entries.get('c').value, 'tab\tand é');
	assert.equal(
		entries.get('d').items.map((item: any) => (item.kind === 'map' ? [...item.entries.keys()] : item.value)),
		[['x', 'y'], 'plain text'],
	);
	assert.is(entries.get('e').kind, 'unsupported');
	assert.is(entries.get('f').kind, 'unsupported');
	assert.equal(entries.get('g'), {kind: 'map', line: 12, entries: new Map()});
	for (const [bad, message] of [
		['a:\n\tb: 1', /line 2: a tab in the indentation/],
		['a: "open', /line 1: a quoted string that does not end/],
		['a: 1\na: 2', /line 2: the key "a" appears twice/],
		['a: 1\n  b: 2', /line 2: unexpected indentation/],
		['a: 1\n---\nb: 2', /line 2: more than one YAML document/],
	] as const) {
		assert.throws(() => parseYaml(bad), (error: Error) => error instanceof YamlError && message.test(error.message), bad);
	}

	const flowRole = repositoryYaml().replace('role: ${env:BINDER_ROLE, param:role}', 'role: [a, b]');
	assert.throws(() => readServiceConfig(flowRole, {env: {}}), /line \d+, provider\.role: doctor does not read a flow collection/);
	const flowElsewhere = repositoryYaml().replace('frameworkVersion: \'3\'', 'frameworkVersion: [3]');
	assert.is(readServiceConfig(flowElsewhere, {env: {}}).function.name, 'cos-ci-binder-dev-binder', 'a construct doctor never reads costs nothing');
});

// ---------------------------------------------------------------------------------------------------------
// Facts shared with the deploy plugin
// ---------------------------------------------------------------------------------------------------------

test('the deploy record reader agrees with the plugin\'s on generated records and on broken ones', () => {
	const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
	const trigger = fc.tuple(fc.constantFrom('timer', 'http', 'cos', 'eb'), fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/)).map(([type, name]) => `${type}/${name}`);
	const rule = fc.record({region: fc.constantFrom('ap-guangzhou', 'ap-shanghai-fsi'), name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,10}[A-Za-z0-9]$/)});
	fc.assert(
		fc.property(hex, fc.option(fc.oneof(hex, fc.constant('A'.repeat(43) + '=')), {nil: null}), fc.array(trigger, {maxLength: 4}), fc.array(rule, {maxLength: 3}), (zipSha256, codeSha256, triggers, rules) => {
			const text = record.encodeRecord({zipSha256, codeSha256, triggers, rules});
			assert.equal(decodeRecord(text).record, record.decodeRecord(text).record);
		}),
		{numRuns: 200, seed: 7},
	);
	for (const text of [undefined, '', 'nope', '[]', '{"v":2}', '{"v":1,"by":"someone"}', '{"v":1,"by":"serverless-tencent","zipSha256":"x"}', JSON.stringify({v: 1, by: 'serverless-tencent', zipSha256: '0'.repeat(64), codeSha256: null, triggers: ['BAD'], rules: []})]) {
		assert.is(decodeRecord(text).error, record.decodeRecord(text).error, String(text));
	}
});

test('the facts doctor compares with are the plugin\'s: regions, bus, pattern, rule marker, target resource, record variable', () => {
	const fn = {name: 'cos-ci-binder-dev-binder', namespace: 'default', region: 'ap-guangzhou'};
	assert.equal([...facts.SCF_REGIONS], constants.SCF_REGIONS);
	assert.equal([facts.CLOUD_BUS_REGION, facts.CLOUD_BUS_TYPE, facts.CLOUD_BUS_NAME, facts.HANDLER, facts.DEFAULT_RUNTIME, facts.QUALIFIER], [constants.CLOUD_BUS_REGION, constants.CLOUD_BUS_TYPE, constants.CLOUD_BUS_NAME, constants.HANDLER, constants.DEFAULT_RUNTIME, constants.QUALIFIER]);
	assert.equal(facts.COS_PUT_BUCKET_PATTERN, constants.COS_PUT_BUCKET_PATTERN);
	assert.is(facts.ruleMarker(fn), eventbridge.marker(fn));
	assert.is(facts.targetResource('100000000001', fn), eventbridge.resourceDescription('100000000001', fn));
	assert.is(facts.RECORD_VARIABLE, (require('../../deploy/serverless-tencent/record.cjs') as {RECORD_VARIABLE: string}).RECORD_VARIABLE);
	assert.is(facts.FUNCTION_NAME.source, (constants.FUNCTION_NAME as RegExp).source);
});

// ---------------------------------------------------------------------------------------------------------
// CAM
// ---------------------------------------------------------------------------------------------------------

const CI_RESOURCE = 'qcs::ci:ap-guangzhou:uid/1250000000:bucket/photos-1250000000/*';

test('the shipped policy allows what binding needs; the shipped trust policy lets SCF assume the role', () => {
	const policies = [parsePolicy('CosCiBinderPolicy', shippedPolicy())];
	for (const permission of facts.REQUIRED_PERMISSIONS) {
		assert.equal(decide(policies, permission.action, permission.resource('ap-guangzhou', '1250000000', 'photos-1250000000')), {decision: 'allow', policy: 'CosCiBinderPolicy'}, permission.action);
	}

	assert.equal(decide(policies, 'ci:CreateCIBucket', 'qcs::ci:ap-guangzhou:uid/1300000000:bucket/theirs-1300000000/*'), {decision: 'none'}, 'another account\'s bucket');
	assert.equal(decide(policies, 'ci:DeleteCIBucket', CI_RESOURCE), {decision: 'none'});
	assert.ok(trustAllows(parsePolicy('trust', shippedTrust()), 'scf.qcloud.com'));
	assert.not.ok(trustAllows(parsePolicy('trust', shippedTrust().replace('scf.qcloud.com', 'cvm.qcloud.com')), 'scf.qcloud.com'));
});

test('CAM evaluation: a deny wins, wildcards and name/ prefixes match, conditions and notAction are undecided, unreadable documents say so', () => {
	const allowAll = parsePolicy('QcloudCIFullAccess', {version: '2.0', statement: [{effect: 'allow', action: ['ci:*'], resource: '*'}]});
	const denyCreate = parsePolicy('NoBind', JSON.stringify({version: '2.0', statement: {effect: 'deny', action: 'name/ci:CreateCIBucket', resource: 'qcs::ci:*:uid/1250000000:bucket/photos-*'}}));
	assert.equal(decide([allowAll], 'ci:CreateCIBucket', CI_RESOURCE), {decision: 'allow', policy: 'QcloudCIFullAccess'});
	assert.equal(decide([allowAll, denyCreate], 'ci:CreateCIBucket', CI_RESOURCE), {decision: 'deny', policy: 'NoBind'});
	assert.equal(decide([denyCreate, allowAll], 'ci:CreateCIBucket', CI_RESOURCE.replace('photos', 'videos')), {decision: 'allow', policy: 'QcloudCIFullAccess'});
	const conditional = parsePolicy('OnlyFromVpc', {statement: [{effect: 'allow', action: '*', resource: '*', condition: {ip_equal: {'qcs:ip': '10.0.0.0/8'}}}]});
	assert.equal(decide([conditional], 'cos:GetService', '*'), {decision: 'undecided', policy: 'OnlyFromVpc', why: 'a statement with condition'});
	const notAction = parsePolicy('Odd', {statement: [{effect: 'deny', notAction: 'ci:Describe*', resource: '*'}]});
	assert.is(decide([allowAll, notAction], 'ci:CreateCIBucket', CI_RESOURCE).decision, 'undecided');
	assert.equal(parsePolicy('Broken', 'not json'), {name: 'Broken', error: 'the policy document is not JSON'});
	assert.equal(parsePolicy('Encoded', encodeURIComponent(shippedPolicy())).statements?.length, 2, 'a percent-encoded document is read too');
	assert.ok(globMatches('qcs::ci:*:uid/1250000000:bucket/*', CI_RESOURCE));
	assert.not.ok(globMatches('ci:Describe*', 'ci:CreateCIBucket'));
	assert.not.ok(globMatches('a.c', 'abc'), 'dots are literal');
});

// ---------------------------------------------------------------------------------------------------------
// The canary, on the test's clock
// ---------------------------------------------------------------------------------------------------------

type World = {status: string[]; calls: string[]; clock: number; sleeps: number[]};

function canaryDeps(world: World, overrides: Partial<CanaryDeps> = {}): CanaryDeps {
	return {
		putBucket: async (bucket) => void world.calls.push(`put ${bucket}`),
		deleteBucket: async (bucket) => void world.calls.push(`delete ${bucket}`),
		getStatus: async () => {
			world.calls.push('status');
			return (world.status.shift() ?? 'off') as 'on' | 'off';
		},
		now: () => world.clock,
		wallNow: () => 1_700_000_000_000 + world.clock,
		sleep: async (ms, signal) => {
			world.sleeps.push(ms);
			world.clock += ms;
			signal.throwIfAborted();
		},
		...overrides,
	};
}

const options = (signal = new AbortController().signal) => ({bucket: 'ccb-canary-abc-1250000000', region: 'ap-guangzhou', timeoutMs: 20_000, logWaitMs: 5000, signal});

test('canary: polls fast then every 5 s until on; the log line is looked for; the bucket is deleted', async () => {
	const world: World = {status: ['off', 'off', 'off', 'off', 'on'], calls: [], clock: 0, sleeps: []};
	const found: number[] = [];
	const outcome = await runCanary(
		options(),
		canaryDeps(world, {
			findLog: async (_bucket, since) => {
				found.push(since);
				return found.length < 2 ? undefined : {line: '{"message":"bucket result"}', trigger: 'cloudaudit', outcome: 'bound'};
			},
		}),
	);
	assert.equal(world.sleeps, [1000, 2000, 4000, 5000, 1000], 'status polls at 1, 2, 4, 5 s; then one log retry after 1 s');
	assert.equal([outcome.bound, outcome.boundAfterMs, outcome.timedOut, outcome.interrupted], [true, 12_000, false, false]);
	assert.equal(found, [1_700_000_000_000, 1_700_000_000_000], 'logs are searched from the bucket\'s creation');
	assert.equal(outcome.log, {line: '{"message":"bucket result"}', trigger: 'cloudaudit', outcome: 'bound'});
	assert.equal(world.calls.at(0), 'put ccb-canary-abc-1250000000');
	assert.equal(world.calls.at(-1), 'delete ccb-canary-abc-1250000000');
	assert.equal(outcome.cleanup, {deleted: true});
});

test('canary: gives up at the timeout exactly, and still deletes', async () => {
	const world: World = {status: [], calls: [], clock: 0, sleeps: []};
	const outcome = await runCanary(options(), canaryDeps(world));
	assert.equal([outcome.bound, outcome.timedOut, outcome.lastStatus], [false, true, 'off']);
	assert.is(world.clock, 20_000);
	assert.equal(world.sleeps, [1000, 2000, 4000, 5000, 5000, 3000], 'the last wait is cut to end at the timeout');
	assert.equal(outcome.cleanup, {deleted: true});
});

test('canary: Ctrl-C during the wait stops it at once and deletes the bucket', async () => {
	const world: World = {status: [], calls: [], clock: 0, sleeps: []};
	const controller = new AbortController();
	const outcome = await runCanary(options(controller.signal), {
		...canaryDeps(world),
		sleep: async (ms, signal) => {
			world.sleeps.push(ms);
			if (world.sleeps.length === 2) {
				controller.abort();
			}

			signal.throwIfAborted();
		},
	});
	assert.equal([outcome.interrupted, outcome.bound], [true, false]);
	assert.is(world.calls.filter((call) => call === 'status').length, 2);
	assert.equal(world.calls.at(-1), 'delete ccb-canary-abc-1250000000');
});

test('canary: a failed create deletes only a bucket that may be ours; a failed delete is reported', async () => {
	const refused = (code: string) => async () => {
		throw new BinderError(`PutBucket: ${code}`, {code: serviceCode(code)});
	};

	for (const [code, deleted] of [
		['BucketAlreadyExists', false],
		['AccessDenied', false],
		['Timeout', true],
		['NetworkError', true],
	] as const) {
		const world: World = {status: [], calls: [], clock: 0, sleeps: []};
		const outcome = await runCanary(options(), canaryDeps(world, {putBucket: refused(code)}));
		assert.equal([outcome.created, outcome.createError?.code], [false, code]);
		assert.is(world.calls.includes('delete ccb-canary-abc-1250000000'), deleted, code);
	}

	const world: World = {status: ['on'], calls: [], clock: 0, sleeps: []};
	const outcome = await runCanary(options(), canaryDeps(world, {deleteBucket: refused('AccessDenied')}));
	assert.equal(outcome.cleanup, {deleted: false, error: 'AccessDenied: PutBucket: AccessDenied'});
	const lost: World = {status: [], calls: [], clock: 0, sleeps: []};
	const never = await runCanary(options(), canaryDeps(lost, {putBucket: refused('Timeout'), deleteBucket: refused('NoSuchBucket')}));
	assert.equal(never.cleanup, {deleted: false, skipped: 'it was never created'});
});

test('bucketResultLine picks the function\'s bound line for the bucket among other log lines', () => {
	const bucket = 'ccb-canary-abc-1250000000';
	const line = JSON.stringify({level: 'info', message: 'bucket result', trigger: 'cloudaudit', bucket, outcome: 'bound'});
	assert.equal(bucketResultLine(['START RequestId: 1', JSON.stringify({message: 'bucket result', bucket: 'other-1250000000', outcome: 'bound'}), `${JSON.stringify({message: 'invocation summary'})}\n${line}`], bucket), {line, trigger: 'cloudaudit', outcome: 'bound'});
	assert.is(bucketResultLine([JSON.stringify({message: 'bucket result', bucket, outcome: 'failed'})], bucket), undefined);
});

test.run();
