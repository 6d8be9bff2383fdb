// serverless v3 + the tencent provider plugin, end to end, without Tencent Cloud: the real CLI runs as a
// child process against a loopback fake of the API 3.0 endpoint (test/support/fake-tencentcloud-api.ts).
// Tests run in order and share the fake's state: deploy → redeploy → changes → remove.
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {createZip, readZip} from '../../deploy/zip.mjs';
import {startFakeTencentCloud, type FakeCall, type FakeFunction, type FakeTencentCloud} from '../support/fake-tencentcloud-api.js';
import {ROOT} from '../support/paths.js';
import {runProcess, serverlessEnv, type Run as ProcessRun} from '../support/process.js';

const SERVERLESS = path.join(ROOT, 'node_modules/serverless/bin/serverless.js');
const FUNCTION = 'cos-ci-binder-dev-binder';
const RULE = 'cos-ci-binder-dev-putbucket';
/** The environment variable holding the plugin's deploy record (deploy/serverless-tencent/record.cjs). */
const RECORD = 'SERVERLESS_DEPLOY_RECORD';
const TEMPORARY_KEY = {secretId: 'AKIDfaketemporary001', secretKey: 'fake-temporary-secret-001', token: 'fake-session-token-0123456789abcdef'};
const HTTP_TOKEN = 'deploy-test-token-0123456789';
const STUB_HANDLER = `export const main_handler = async (event: unknown, context: {function_name?: string}) =>
	({ok: true, event, function: context.function_name, concurrency: process.env.BINDER_CONCURRENCY ?? null});
`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-e2e-'));
// One HOME for every run: no ~/.tencentcloud/credentials of the developer's can leak in, and serverless'
// schema-validator cache (under HOME) is shared between runs.
const home = path.join(work, 'home');
fs.mkdirSync(home);
let fake: FakeTencentCloud;

/** Can this machine give a child an empty network namespace? Then "offline" is proven, not assumed. */
const canUnshare = process.platform === 'linux' && spawnSync('unshare', ['-n', 'true'], {stdio: 'ignore'}).status === 0;

type Run = ProcessRun & {output: string};

/**
Run the serverless CLI. The environment is built from scratch (never inherited) so a developer's real
TENCENTCLOUD_* keys cannot reach a test; `offline` runs it in an empty network namespace when possible.
*/
async function sls(cwd: string, args: string[], options: {env?: Record<string, string>; credentials?: boolean; offline?: boolean} = {}): Promise<Run> {
	const env: Record<string, string> = {
		...serverlessEnv(home),
		BINDER_HTTP_TOKEN: HTTP_TOKEN,
		...(fake ? {TENCENTCLOUD_API_CONNECT_TO: fake.url} : {}),
		...(options.credentials === false || !fake ? {} : {TENCENTCLOUD_SECRET_ID: fake.credentials[0]!.secretId, TENCENTCLOUD_SECRET_KEY: fake.credentials[0]!.secretKey}),
		...options.env,
	};
	const [command, commandArgs] = options.offline && canUnshare ? ['unshare', ['-n', process.execPath, SERVERLESS, ...args]] : [process.execPath, [SERVERLESS, ...args]];
	const run = await runProcess(command as string, commandArgs as string[], {cwd, env});
	return {...run, output: run.stdout + run.stderr};
}

/** A service folder like a fresh clone: serverless.yml (optionally edited), deploy/, node_modules link, a stub handler. */
function makeService(name: string, editYaml: (yaml: string) => string = (yaml) => yaml): string {
	const dir = path.join(work, name);
	fs.mkdirSync(path.join(dir, 'handlers'), {recursive: true});
	fs.writeFileSync(path.join(dir, 'serverless.yml'), editYaml(fs.readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8')));
	fs.cpSync(path.join(ROOT, 'deploy'), path.join(dir, 'deploy'), {recursive: true});
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
	fs.writeFileSync(path.join(dir, 'handlers/index.ts'), STUB_HANDLER);
	return dir;
}

function replaceOnce(text: string, search: string | RegExp, replacement: string): string {
	const result = text.replace(search, replacement);
	if (result === text) throw new Error(`serverless.yml edit did not apply: ${String(search)}`);
	return result;
}

const withoutTimer = (yaml: string) => replaceOnce(yaml, /\n\s+# Periodic sweep[^\n]*\n\s+- timer:\n(?:\s{10}[^\n]*\n)+/, '\n');
const withoutEventBridge = (yaml: string) => replaceOnce(yaml, /\n\s+# New buckets:[^\n]*\n(?:\s+#[^\n]*\n)*\s+- eventbridge:\n(?:\s{10}[^\n]*\n?)+/, '\n');

const recordOf = (fn: FakeFunction) => JSON.parse(fn.environment.find((variable) => variable.Key === RECORD)!.Value) as {zipSha256: string; codeSha256: string | null; triggers: string[]};
/** A package someone uploads in the console. */
const consoleZip = () => createZip([{name: 'index.js', data: 'exports.main_handler = async () => "edited in the console";'}]);

const actions = (calls: FakeCall[]) => calls.map((call) => `${call.service}:${call.action}`);
const expectOk = (run: Run) => assert.is(run.code, 0, `serverless exited ${run.code}:\n${run.output}`);
const expectFailure = (run: Run) => assert.is.not(run.code, 0, `serverless should have failed:\n${run.output}`);
const noSecrets = (run: Run) => {
	assert.not.ok(run.output.includes(fake.credentials[0]!.secretKey), 'the secret key is never printed');
	assert.not.ok(run.output.includes(HTTP_TOKEN), 'environment values are never printed');
};

let service: string;

test.before(async () => {
	fake = await startFakeTencentCloud({
		credentials: [{secretId: 'AKIDfakedeploy0001', secretKey: 'fake-secret-key-0001', subAccountUin: '100000000002'}, TEMPORARY_KEY],
	});
	service = makeService('service');
});

test.after(async () => {
	await fake?.close();
	fs.rmSync(work, {recursive: true, force: true});
});

test(`serverless print passes offline on the repository itself${canUnshare ? ' (empty network namespace)' : ''}`, async () => {
	const run = await sls(ROOT, ['print', '--format', 'json'], {offline: true, credentials: false});
	expectOk(run);
	const config = JSON.parse(run.stdout) as any;
	assert.is(config.provider.name, 'tencent');
	assert.is(config.provider.runtime, 'Nodejs18.15');
	assert.is(config.provider.region, 'ap-guangzhou');
	assert.is(config.provider.role, 'CosCiBinderRole');
	assert.is(config.provider.timeout, 300);
	assert.is(config.provider.environment.BINDER_HTTP_TOKEN, HTTP_TOKEN, 'taken from the environment');
	const [timer, http, eventbridge] = config.functions.binder.events;
	assert.equal(timer, {timer: {name: 'sweep', cron: '0 0 */6 * * * *', enabled: true, argument: ''}});
	assert.equal(http, {http: {name: 'url', authType: 'NONE'}});
	assert.equal(eventbridge, {eventbridge: {name: RULE, enabled: true}});
});

test('print: stage, region and params are overridable from the command line and environment', async () => {
	const dir = makeService('print-shanghai', withoutEventBridge);
	const run = await sls(dir, ['print', '--format', 'json', '--stage', 'prod', '--region', 'ap-shanghai', '--param', 'memorySize=64'], {
		offline: true,
		credentials: false,
		env: {BINDER_ROLE: 'OtherRole', BINDER_SWEEP_SCHEDULE: '0 30 2 * * * *'},
	});
	expectOk(run);
	const config = JSON.parse(run.stdout) as any;
	assert.equal([config.provider.stage, config.provider.region, config.provider.memorySize, config.provider.role], ['prod', 'ap-shanghai', 64, 'OtherRole']);
	assert.is(config.provider.environment.BINDER_LOG_LEVEL, 'warn', 'params.prod');
	assert.is(config.functions.binder.events[0].timer.cron, '0 30 2 * * * *');
	const prod = await sls(ROOT, ['print', '--format', 'json', '--stage', 'prod'], {offline: true, credentials: false});
	expectOk(prod);
	assert.is((JSON.parse(prod.stdout) as any).functions.binder.events[2].eventbridge.name, 'cos-ci-binder-prod-putbucket');
});

test('the EventBridge event outside ap-guangzhou is refused before any call, saying where CloudAudit events arrive', async () => {
	fake.clearCalls();
	const run = await sls(service, ['deploy', '--region', 'ap-shanghai']);
	expectFailure(run);
	assert.match(run.output, /functions\.binder\.events\[2\]\.eventbridge: CloudAudit events \(COS PutBucket\) arrive only on the cloud-service event bus in ap-guangzhou/);
	assert.match(run.output, /1108\/42284/);
	assert.match(run.output, /remove this event and rely on the timer sweep/);
	assert.not.match(run.output, /bundle:/, 'refused before bundling');
	assert.equal(fake.calls, []);
});

test(`serverless package passes offline and writes .serverless/cos-ci-binder.zip with only index.js${canUnshare ? ' (empty network namespace)' : ''}`, async () => {
	const dir = makeService('package');
	const run = await sls(dir, ['package'], {offline: true, credentials: false});
	expectOk(run);
	assert.match(run.output, /bundle: \.serverless\/index\.js .* raw, \.serverless\/cos-ci-binder\.zip .* zipped/);
	const zip = fs.readFileSync(path.join(dir, '.serverless/cos-ci-binder.zip'));
	const entries = readZip(zip);
	assert.equal(
		entries.map((entry) => entry.name),
		['index.js'],
	);
	assert.match(entries[0]!.data.toString(), /main_handler/);
	const sizes = JSON.parse(fs.readFileSync(path.join(dir, '.serverless/size.json'), 'utf8')) as Record<string, unknown>;
	assert.is(sizes['cos-ci-binder.zip'], zip.length);
	assert.is(sizes.sha256, createHash('sha256').update(zip).digest('hex'));
	assert.not.ok(fs.existsSync(path.join(dir, 'handlers/index.js')), 'nothing written next to the sources');
});

test('invalid serverless.yml: an unknown key fails, naming it', async () => {
	const dir = makeService('unknown-key', (yaml) => replaceOnce(yaml, '  runtime: Nodejs18.15\n', '  runtime: Nodejs18.15\n  memorysize: 256\n'));
	const run = await sls(dir, ['print'], {offline: true, credentials: false});
	expectFailure(run);
	assert.match(run.output, /at 'provider': unrecognized property 'memorysize'/);
});

test('invalid serverless.yml: a 5-field cron fails, and the message lists the 7 fields', async () => {
	const dir = makeService('cron5', (yaml) => replaceOnce(yaml, 'sweepSchedule: \'0 0 */6 * * * *\'', "sweepSchedule: '0 */6 * * *'"));
	const run = await sls(dir, ['print'], {offline: true, credentials: false});
	expectFailure(run);
	assert.match(run.output, /at 'functions\.binder\.events\.0\.timer\.cron': must match pattern/);
	assert.match(run.output, /second.*minute.*hour.*day.*month.*weekday.*year/);
});

test('with schema validation off, the plugin still refuses a 5-field cron with its own message', async () => {
	const dir = makeService('cron5-off', (yaml) =>
		replaceOnce(replaceOnce(yaml, 'configValidationMode: error', 'configValidationMode: off'), 'sweepSchedule: \'0 0 */6 * * * *\'', "sweepSchedule: '0 */6 * * *'"),
	);
	const run = await sls(dir, ['package'], {offline: true, credentials: false});
	expectFailure(run);
	assert.match(run.output, /functions\.binder\.events\[0\]\.timer\.cron: a timer cron needs 7 fields \(second minute hour day month weekday year\), got 5/);
});

test('invalid serverless.yml: a missing role fails, naming it', async () => {
	const dir = makeService('no-role', (yaml) => replaceOnce(yaml, /\n {2}role: \$\{env:BINDER_ROLE, param:role\}\n/, '\n'));
	const run = await sls(dir, ['print'], {offline: true, credentials: false});
	expectFailure(run);
	assert.match(run.output, /at 'provider': must have required property 'role'/);
});

test('invalid region: refused before any call, listing the known regions', async () => {
	const run = await sls(service, ['deploy', '--region', 'mars-north-1']);
	expectFailure(run);
	assert.match(run.output, /provider\.region/);
	assert.match(run.output, /ap-guangzhou/);
	assert.equal(fake.calls, []);
});

test('a region CreateTrigger does not support (ap-mumbai, na-toronto) is refused before any call, citing the list', async () => {
	const dir = makeService('mumbai', withoutEventBridge);
	for (const region of ['ap-mumbai', 'na-toronto']) {
		const run = await sls(dir, ['deploy', '--region', region]);
		expectFailure(run);
		assert.match(run.output, new RegExp(`provider\\.region: "${region}" is not a region where SCF's CreateTrigger works \\(www\\.tencentcloud\\.com/document/api/583/18589 lists:`));
	}
	assert.equal(fake.calls, []);
});

test('missing credentials: a clear message naming the variables, before bundling and before any call', async () => {
	const run = await sls(service, ['deploy'], {credentials: false});
	expectFailure(run);
	assert.match(run.output, /No Tencent Cloud credentials\. Set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY/);
	assert.match(run.output, /~\/\.tencentcloud\/credentials/);
	assert.not.match(run.output, /bundle:/);
	assert.equal(fake.calls, []);
});

test('deploy: creates the function, waits for Active, then triggers, the deploy record and the EventBridge rule — exactly these calls', async () => {
	const run = await sls(service, ['deploy']);
	expectOk(run);
	noSecrets(run);
	assert.equal(actions(fake.calls), [
		'scf:GetFunction',
		'scf:CreateFunction',
		'scf:GetFunction', // Active (the fake's create time is 0 here; deploy-converge.test.ts waits on a clock)
		'scf:GetFunctionAddress', // SCF's CodeSha256 of what we uploaded, for the record
		'scf:ListTriggers',
		'scf:CreateTrigger',
		'scf:CreateTrigger',
		'scf:UpdateFunctionConfiguration', // the deploy record, now complete
		'scf:GetFunction',
		'eb:ListEventBuses',
		'eb:ListRules',
		'eb:CreateRule',
		'sts:GetCallerIdentity',
		'eb:CreateTarget',
		'scf:ListTriggers', // the URL, for the summary
	]);
	assert.ok(
		fake.calls.every((call) => call.region === 'ap-guangzhou' && call.secretId === fake.credentials[0]!.secretId),
		'every call signed with the key, in the region',
	);
	assert.equal([...new Set(fake.calls.map((call) => call.host))].sort(), ['eb.tencentcloudapi.com', 'scf.tencentcloudapi.com', 'sts.tencentcloudapi.com'], "each product's own host, as the credential scope says");
	assert.equal(
		fake.calls.map((call) => call.error ?? 'ok'),
		['ResourceNotFound.Function', ...Array.from({length: fake.calls.length - 1}, () => 'ok')],
		'only the first look-up fails: the function does not exist yet',
	);

	const byAction = (action: string) => fake.calls.filter((call) => call.action === action).map((call) => call.params);
	const zip = fs.readFileSync(path.join(service, '.serverless/cos-ci-binder.zip'));
	const zipSha256 = createHash('sha256').update(zip).digest('hex');
	const [create] = byAction('CreateFunction');
	const variables = (create!.Environment as {Variables: Array<{Key: string; Value: string}>}).Variables;
	assert.equal({...create, Environment: undefined}, {
		FunctionName: FUNCTION,
		Namespace: 'default',
		Runtime: 'Nodejs18.15',
		Handler: 'index.main_handler',
		Code: {ZipFile: `<zip ${zip.length} bytes sha256 ${zipSha256}>`},
		CodeSource: 'ZipFile',
		Type: 'Event',
		MemorySize: 128,
		Timeout: 300,
		Role: 'CosCiBinderRole',
		Description: 'Binds new COS buckets to Cloud Infinite.',
		Environment: undefined,
	});
	assert.equal(
		variables.filter((variable) => variable.Key !== RECORD),
		[
			{Key: 'BINDER_CONCURRENCY', Value: '8'},
			{Key: 'BINDER_HTTP_TOKEN', Value: HTTP_TOKEN},
			{Key: 'BINDER_LOG_LEVEL', Value: 'info'},
			{Key: 'BINDER_WEBHOOK_FORMAT', Value: 'standard'},
		],
	);
	assert.ok(variables.every((variable) => variable.Key !== '' && variable.Value !== ''), 'no empty pair');
	const firstRecord = JSON.parse(variables.find((variable) => variable.Key === RECORD)!.Value);
	assert.equal(firstRecord, {v: 1, by: 'serverless-tencent', zipSha256, codeSha256: null, triggers: ['http/url', 'timer/sweep'], rules: [{region: 'ap-guangzhou', name: RULE}]});
	const [timer, http] = byAction('CreateTrigger');
	assert.equal(timer, {FunctionName: FUNCTION, Namespace: 'default', TriggerName: 'sweep', Type: 'timer', TriggerDesc: '0 0 */6 * * * *', Qualifier: '$LATEST', Enable: 'OPEN'});
	assert.equal(http, {
		FunctionName: FUNCTION,
		Namespace: 'default',
		TriggerName: 'url',
		Type: 'http',
		TriggerDesc: '{"AuthType":"NONE","NetConfig":{"EnableIntranet":false,"EnableExtranet":true}}',
		Qualifier: '$LATEST',
		Enable: 'OPEN',
	});
	const [rule] = byAction('CreateRule');
	assert.is(rule!.RuleName, RULE);
	assert.is(rule!.Enable, true);
	assert.equal(JSON.parse(rule!.EventPattern as string), {
		source: 'cos.cloud.tencent',
		type: ['cos:CloudEvent:ApiCall', 'cos:CloudEvent:ConsoleCall', 'cos:CloudEvent:MiniProgramCall'],
		data: {eventName: ['PutBucket']},
	});
	const [bus] = byAction('ListEventBuses');
	assert.equal(bus!.Filters, [{Name: 'Type', Values: ['Cloud']}]);
	const [target] = byAction('CreateTarget');
	assert.equal(target!.TargetDescription, {ResourceDescription: `qcs::scf:ap-guangzhou:uin/${fake.uin}:namespace/default/function/${FUNCTION}/$LATEST`}, "the account owner's UIN, though a sub-account's key deployed");
	assert.is.not(fake.credentials[0]!.subAccountUin, fake.uin);
	assert.is(target!.Type, 'scf');
	assert.match(run.stdout, /binder: https:\/\/1250000000-[0-9a-f]+\.ap-guangzhou\.tencentscf\.com/);

	const [fn] = fake.functions();
	assert.is(fn!.status, 'Active');
	assert.equal(
		fn!.triggers.map((trigger) => `${trigger.type}/${trigger.name}`),
		['timer/sweep', 'http/url', `eb/eb-${fake.targets()[0]!.TargetId}`],
		'the EventBridge target shows up as a trigger of type eb',
	);
	const record = JSON.parse(fn!.environment.find((variable) => variable.Key === RECORD)!.Value);
	assert.equal(record.zipSha256, zipSha256);
	assert.match(record.codeSha256, /^[0-9a-f]{64}$/, "SCF's CodeSha256, verbatim");
	assert.is.not(record.codeSha256, zipSha256, 'the fake reports a hash of something else by default, so nothing may depend on them being equal');
	assert.is(fake.rules().length, 1);
	assert.is(fake.targets().length, 1);
});

test('redeploy with nothing changed makes no mutating call, though CodeSha256 is not our zip\'s hash', async () => {
	fake.clearCalls();
	const run = await sls(service, ['deploy']);
	expectOk(run);
	assert.equal(fake.mutatingCalls(), []);
	assert.match(run.output, /No changes: cos-ci-binder in ap-guangzhou is up to date/);
	assert.ok(actions(fake.calls).includes('scf:GetFunctionAddress'), 'CodeSha256 is compared with the recorded one');
});

test('triggers added by hand, and the EventBridge target\'s eb trigger, are left alone on redeploy', async () => {
	fake.consoleAddTrigger({region: 'ap-guangzhou', name: FUNCTION}, {type: 'timer', name: 'manual', desc: JSON.stringify({cron: '0 0 3 * * * *'})});
	fake.clearCalls();
	const run = await sls(service, ['deploy']);
	expectOk(run);
	assert.equal(fake.mutatingCalls(), []);
	assert.match(run.output, /left alone, not created by serverless: eb\/eb-target-\w+, timer\/manual/);
	assert.equal(
		fake.functions()[0]!.triggers.map((trigger) => trigger.type).sort(),
		['eb', 'http', 'timer', 'timer'],
	);
});

test('info: function state, triggers, URL and rule', async () => {
	const run = await sls(service, ['info']);
	expectOk(run);
	assert.match(run.stdout, new RegExp(`binder: ${FUNCTION} \\(Active, Nodejs18\\.15, 128 MB, 300 s`));
	assert.match(run.stdout, new RegExp(`deploy record: zip sha256 [0-9a-f]{12}…, CodeSha256 [0-9a-f]{12}…, triggers http/url, timer/sweep, rules ap-guangzhou/${RULE}`));
	assert.match(run.stdout, /timer sweep: cron 0 0 \*\/6 \* \* \* \* \(enabled\)/);
	assert.match(run.stdout, /http url: https:\/\/\S+ \(enabled\)/);
	assert.match(run.stdout, new RegExp(`eventbridge ${RULE} on eb-\\w+: enabled, targets qcs::scf:ap-guangzhou:uin/${fake.uin}:namespace/default/function/${FUNCTION}/\\$LATEST`));
});

test('invoke local: runs the bundled handler on an event file with the configured environment; stdout is the result', async () => {
	fs.writeFileSync(path.join(service, 'event.json'), JSON.stringify({Type: 'Timer', TriggerName: 'sweep', Message: ''}));
	const run = await sls(service, ['invoke', 'local', '-f', 'binder', '--path', 'event.json'], {credentials: false});
	expectOk(run);
	assert.equal(JSON.parse(run.stdout), {ok: true, event: {Type: 'Timer', TriggerName: 'sweep', Message: ''}, function: FUNCTION, concurrency: '8'});
});

test('a changed handler source: UpdateFunctionCode, then the deploy record', async () => {
	fs.writeFileSync(path.join(service, 'handlers/index.ts'), `${STUB_HANDLER}// changed\nexport const version = 2;\n`);
	fake.clearCalls();
	const run = await sls(service, ['deploy']);
	expectOk(run);
	assert.equal(actions(fake.mutatingCalls()), ['scf:UpdateFunctionCode', 'scf:UpdateFunctionConfiguration']);
	assert.is(fake.mutatingCalls()[0]!.params.Handler, 'index.main_handler');
	assert.match(run.output, /Updating code of cos-ci-binder-dev-binder \(the code package changed\)/);
	assert.match(run.output, /Updating configuration of cos-ci-binder-dev-binder \(deploy record\)/);
	const zip = fs.readFileSync(path.join(service, '.serverless/cos-ci-binder.zip'));
	assert.is(recordOf(fake.functions()[0]!).zipSha256, createHash('sha256').update(zip).digest('hex'));
});

test('code replaced in the console is noticed (CodeSha256 differs from the record) and uploaded again', async () => {
	fake.consoleUpdateCode({region: 'ap-guangzhou', name: FUNCTION}, consoleZip());
	fake.clearCalls();
	const run = await sls(service, ['deploy']);
	expectOk(run);
	// Our zip again, so SCF's CodeSha256 is again the recorded one: the record needs no update.
	assert.equal(actions(fake.mutatingCalls()), ['scf:UpdateFunctionCode']);
	assert.match(run.output, /Updating code of cos-ci-binder-dev-binder \(the code was replaced outside serverless/);
});

test('an unreadable deploy record is reported and replaced: one upload, then converged again', async () => {
	fake.consoleSetVariable({region: 'ap-guangzhou', name: FUNCTION}, RECORD, '{"v":1,"by":"someone else"}');
	fake.clearCalls();
	const run = await sls(service, ['deploy']);
	expectOk(run);
	assert.match(run.output, /the deploy record SERVERLESS_DEPLOY_RECORD is unreadable \(written by "someone else"\); treating it as absent/);
	assert.equal(actions(fake.mutatingCalls()), ['scf:UpdateFunctionCode', 'scf:UpdateFunctionConfiguration']);
	fake.clearCalls();
	expectOk(await sls(service, ['deploy']));
	assert.equal(fake.mutatingCalls(), []);
});

test('a changed environment variable: only UpdateFunctionConfiguration', async () => {
	fake.clearCalls();
	const run = await sls(service, ['deploy'], {env: {BINDER_CONCURRENCY: '4'}});
	expectOk(run);
	noSecrets(run);
	const mutating = fake.mutatingCalls();
	assert.equal(actions(mutating), ['scf:UpdateFunctionConfiguration']);
	assert.ok((mutating[0]!.params.Environment as {Variables: unknown[]}).Variables.some((variable) => JSON.stringify(variable) === '{"Key":"BINDER_CONCURRENCY","Value":"4"}'));
});

test('the timer removed from serverless.yml: it is deleted (it is in the record), the hand-made one stays', async () => {
	fs.writeFileSync(path.join(service, 'serverless.yml'), withoutTimer(fs.readFileSync(path.join(service, 'serverless.yml'), 'utf8')));
	fake.clearCalls();
	const run = await sls(service, ['deploy'], {env: {BINDER_CONCURRENCY: '4'}});
	expectOk(run);
	const mutating = fake.mutatingCalls();
	assert.equal(actions(mutating), ['scf:DeleteTrigger', 'scf:UpdateFunctionConfiguration']);
	assert.equal(
		{TriggerName: mutating[0]!.params.TriggerName, Type: mutating[0]!.params.Type},
		{TriggerName: 'sweep', Type: 'timer'},
	);
	assert.equal(
		fake.functions()[0]!.triggers.map((trigger) => `${trigger.type}/${trigger.name}`).filter((key) => !key.startsWith('eb/')),
		['http/url', 'timer/manual'],
	);
	assert.equal(recordOf(fake.functions()[0]!).triggers, ['http/url']);
});

test('remove: target, rule, the triggers serverless manages and the function are deleted, in that order', async () => {
	fake.clearCalls();
	const run = await sls(service, ['remove']);
	expectOk(run);
	assert.equal(actions(fake.mutatingCalls()), ['eb:DeleteTarget', 'eb:DeleteRule', 'scf:DeleteTrigger', 'scf:DeleteFunction']);
	assert.equal(fake.mutatingCalls()[2]!.params.TriggerName, 'url', 'not the hand-made timer, not the eb trigger (gone with its target)');
	assert.equal(fake.functions(), []);
	assert.equal(fake.rules(), []);
	assert.equal(fake.targets(), []);
	fake.clearCalls();
	const again = await sls(service, ['remove']);
	expectOk(again);
	assert.equal(fake.mutatingCalls(), [], 'removing twice is harmless');
	assert.match(again.output, /Nothing to remove/);
});

test('an API error is surfaced with action, code, message and request id — and no secret', async () => {
	fake.injectError('CreateFunction', {code: 'FailedOperation.CreateFunction', message: 'quota exceeded for namespace default'});
	fake.clearCalls();
	const run = await sls(service, ['deploy']);
	expectFailure(run);
	noSecrets(run);
	assert.match(run.output, /Tencent Cloud scf CreateFunction failed in ap-guangzhou: FailedOperation\.CreateFunction: quota exceeded for namespace default \(RequestId fake-[0-9a-f-]+\)/);
	assert.equal(actions(fake.calls), ['scf:GetFunction', 'scf:CreateFunction']);
});

test('a wrong secret key is refused by signature check, and the error says so without echoing the key', async () => {
	fake.clearCalls();
	const run = await sls(service, ['deploy'], {env: {TENCENTCLOUD_SECRET_KEY: 'not-the-right-key-at-all'}});
	expectFailure(run);
	assert.match(run.output, /scf GetFunction failed in ap-guangzhou: AuthFailure\.SignatureFailure/);
	assert.not.ok(run.output.includes('not-the-right-key-at-all'));
	assert.equal(fake.mutatingCalls(), []);
});

test('temporary keys: the session token is sent as X-TC-Token; a wrong one fails as TokenFailure without being printed', async () => {
	const dir = makeService('temporary', withoutEventBridge);
	const keys = {TENCENTCLOUD_SECRET_ID: TEMPORARY_KEY.secretId, TENCENTCLOUD_SECRET_KEY: TEMPORARY_KEY.secretKey};
	fake.clearCalls();
	const wrong = await sls(dir, ['deploy'], {env: {...keys, TENCENTCLOUD_SESSION_TOKEN: 'not-the-session-token-at-all'}});
	expectFailure(wrong);
	assert.match(wrong.output, /scf GetFunction failed in ap-guangzhou: AuthFailure\.TokenFailure/);
	assert.not.ok(wrong.output.includes('not-the-session-token-at-all'));
	const missing = await sls(dir, ['deploy'], {env: keys});
	expectFailure(missing);
	assert.match(missing.output, /AuthFailure\.TokenFailure/);
	assert.equal(fake.mutatingCalls(), []);
	const run = await sls(dir, ['deploy'], {env: {...keys, TENCENTCLOUD_SESSION_TOKEN: TEMPORARY_KEY.token}});
	expectOk(run);
	assert.not.ok(run.output.includes(TEMPORARY_KEY.token));
	assert.not.ok(run.output.includes(TEMPORARY_KEY.secretKey));
	expectOk(await sls(dir, ['remove'], {env: {...keys, TENCENTCLOUD_SESSION_TOKEN: TEMPORARY_KEY.token}}));
});

test('a finance region is deployed through its own API host, and without EventBridge no eb or sts call is made', async () => {
	const dir = makeService('finance', withoutEventBridge);
	fake.clearCalls();
	const run = await sls(dir, ['deploy', '--region', 'ap-shanghai-fsi']);
	expectOk(run);
	assert.ok(fake.calls.length > 5);
	assert.equal([...new Set(fake.calls.map((call) => `${call.service} ${call.host} ${call.region}`))], ['scf scf.ap-shanghai-fsi.tencentcloudapi.com ap-shanghai-fsi']);
	assert.equal(fake.functions().find((fn) => fn.region === 'ap-shanghai-fsi')!.status, 'Active');
	fake.clearCalls();
	expectOk(await sls(dir, ['deploy', '--region', 'ap-shanghai-fsi']));
	assert.equal(fake.mutatingCalls(), []);
	expectOk(await sls(dir, ['remove', '--region', 'ap-shanghai-fsi']));
	assert.not.ok(fake.functions().some((fn) => fn.region === 'ap-shanghai-fsi'));
});

test('a package over the 10 MB request limit is refused before the first call', async () => {
	const dir = makeService('oversized', (yaml) => replaceOnce(withoutEventBridge(yaml), 'plugins:\n', 'package:\n  artifact: big.zip\n\nplugins:\n'));
	// 7.6 MB that do not compress: as base64 (4/3) the request body passes 10,000,000 bytes.
	const noise = Buffer.alloc(7_600_000);
	for (let at = 0; at < noise.length; at += 64) createHash('sha512').update(String(at)).digest().copy(noise, at);
	fs.writeFileSync(path.join(dir, 'big.zip'), createZip([{name: 'index.js', data: 'exports.main_handler = async () => 1;'}, {name: 'noise.bin', data: noise}]));
	fake.clearCalls();
	const run = await sls(dir, ['deploy']);
	expectFailure(run);
	assert.match(run.output, /makes the CreateFunction request \d+ bytes; Tencent Cloud API 3\.0 accepts at most 10000000 bytes per TC3-signed POST/);
	assert.equal(fake.calls, []);
});

test('a package without index.js at its root is refused before the first call', async () => {
	const dir = makeService('no-index', (yaml) => replaceOnce(withoutEventBridge(yaml), 'plugins:\n', 'package:\n  artifact: wrong.zip\n\nplugins:\n'));
	fs.writeFileSync(path.join(dir, 'wrong.zip'), createZip([{name: 'dist/index.js', data: 'exports.main_handler = async () => 1;'}]));
	fake.clearCalls();
	const run = await sls(dir, ['deploy']);
	expectFailure(run);
	assert.match(run.output, /The code package has no index\.js at its root, which handler index\.main_handler of binder needs \(it holds: dist\/index\.js\)/);
	assert.equal(fake.calls, []);
});

test.run();
