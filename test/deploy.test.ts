// serverless v3 + the tencent provider plugin, end to end, without Tencent Cloud: the real CLI runs as a
// child process against a loopback fake of the API 3.0 endpoint (test/support/fake-tencentcloud-api.ts).
// Tests run in order and share the fake's state: deploy → redeploy → changes → remove.
import {spawn, spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {readZip} from '../deploy/zip.mjs';
import {startFakeTencentCloud, type FakeCall, type FakeTencentCloud} from './support/fake-tencentcloud-api.js';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const SERVERLESS = path.join(ROOT, 'node_modules/serverless/bin/serverless.js');
const FUNCTION = 'cos-ci-binder-dev-binder';
const RULE = 'cos-ci-binder-dev-putbucket';
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

type Run = {code: number | null; stdout: string; stderr: string; output: string};

/**
Run the serverless CLI. The environment is built from scratch (never inherited) so a developer's real
TENCENTCLOUD_* keys cannot reach a test; `offline` runs it in an empty network namespace when possible.
*/
function sls(cwd: string, args: string[], options: {env?: Record<string, string>; credentials?: boolean; offline?: boolean} = {}): Promise<Run> {
	const env: Record<string, string> = {
		PATH: process.env.PATH ?? '/usr/bin:/bin',
		HOME: home,
		LANG: 'C.UTF-8',
		FORCE_COLOR: '0',
		SLS_TELEMETRY_DISABLED: '1',
		SLS_NOTIFICATIONS_MODE: 'off',
		SERVERLESS_TENCENT_POLL_MS: '5',
		SERVERLESS_TENCENT_WAIT_SECONDS: '10',
		BINDER_HTTP_TOKEN: HTTP_TOKEN,
		...(fake ? {TENCENTCLOUD_API_ENDPOINT: fake.url} : {}),
		...(options.credentials === false || !fake ? {} : {TENCENTCLOUD_SECRET_ID: fake.credentials[0]!.secretId, TENCENTCLOUD_SECRET_KEY: fake.credentials[0]!.secretKey}),
		...options.env,
	};
	const [command, commandArgs] = options.offline && canUnshare ? ['unshare', ['-n', process.execPath, SERVERLESS, ...args]] : [process.execPath, [SERVERLESS, ...args]];
	return new Promise((resolve, reject) => {
		const child = spawn(command as string, commandArgs as string[], {cwd, env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({code, stdout, stderr, output: stdout + stderr});
		});
	});
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

const actions = (calls: FakeCall[]) => calls.map((call) => `${call.service}:${call.action}`);
const expectOk = (run: Run) => assert.is(run.code, 0, `serverless exited ${run.code}:\n${run.output}`);
const expectFailure = (run: Run) => assert.is.not(run.code, 0, `serverless should have failed:\n${run.output}`);
const noSecrets = (run: Run) => {
	assert.not.ok(run.output.includes(fake.credentials[0]!.secretKey), 'the secret key is never printed');
	assert.not.ok(run.output.includes(HTTP_TOKEN), 'environment values are never printed');
};

let service: string;

test.before(async () => {
	fake = await startFakeTencentCloud();
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
	const run = await sls(ROOT, ['print', '--format', 'json', '--stage', 'prod', '--region', 'ap-shanghai', '--param', 'memorySize=64'], {
		offline: true,
		credentials: false,
		env: {BINDER_ROLE: 'OtherRole', BINDER_SWEEP_SCHEDULE: '0 30 2 * * * *'},
	});
	expectOk(run);
	const config = JSON.parse(run.stdout) as any;
	assert.equal([config.provider.stage, config.provider.region, config.provider.memorySize, config.provider.role], ['prod', 'ap-shanghai', 64, 'OtherRole']);
	assert.is(config.provider.environment.BINDER_LOG_LEVEL, 'warn', 'params.prod');
	assert.is(config.functions.binder.events[0].timer.cron, '0 30 2 * * * *');
	assert.is(config.functions.binder.events[2].eventbridge.name, 'cos-ci-binder-prod-putbucket');
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

test('missing credentials: a clear message naming the variables, before bundling and before any call', async () => {
	const run = await sls(service, ['deploy'], {credentials: false});
	expectFailure(run);
	assert.match(run.output, /No Tencent Cloud credentials\. Set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY/);
	assert.match(run.output, /~\/\.tencentcloud\/credentials/);
	assert.not.match(run.output, /bundle:/);
	assert.equal(fake.calls, []);
});

test('deploy: creates the function, waits for Active, then triggers and the EventBridge rule — exactly these calls', async () => {
	const run = await sls(service, ['deploy']);
	expectOk(run);
	noSecrets(run);
	assert.equal(actions(fake.calls), [
		'scf:GetFunction',
		'scf:CreateFunction',
		'scf:GetFunction', // Creating
		'scf:GetFunction', // Active
		'scf:ListTriggers',
		'scf:CreateTrigger',
		'scf:CreateTrigger',
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
	assert.equal(
		fake.calls.map((call) => call.error ?? 'ok'),
		['ResourceNotFound.Function', ...Array.from({length: fake.calls.length - 1}, () => 'ok')],
		'only the first look-up fails: the function does not exist yet',
	);

	const byAction = (action: string) => fake.calls.filter((call) => call.action === action).map((call) => call.params);
	const zip = fs.readFileSync(path.join(service, '.serverless/cos-ci-binder.zip'));
	const [create] = byAction('CreateFunction');
	assert.equal(create, {
		FunctionName: FUNCTION,
		Namespace: 'default',
		Runtime: 'Nodejs18.15',
		Handler: 'index.main_handler',
		Code: {ZipFile: `<zip ${zip.length} bytes sha256 ${createHash('sha256').update(zip).digest('hex')}>`},
		CodeSource: 'ZipFile',
		Type: 'Event',
		MemorySize: 128,
		Timeout: 300,
		Role: 'CosCiBinderRole',
		Description: 'Binds new COS buckets to Cloud Infinite.',
		Environment: {
			Variables: [
				{Key: 'BINDER_CONCURRENCY', Value: '8'},
				{Key: 'BINDER_HTTP_TOKEN', Value: HTTP_TOKEN},
				{Key: 'BINDER_LOG_LEVEL', Value: 'info'},
				{Key: 'BINDER_WEBHOOK_FORMAT', Value: 'standard'},
			],
		},
	});
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
		type: ['cos:CloudEvent:ApiCall', 'cos:CloudEvent:ConsoleCall'],
		data: {eventName: ['PutBucket']},
	});
	const [bus] = byAction('ListEventBuses');
	assert.equal(bus!.Filters, [{Name: 'Type', Values: ['Cloud']}]);
	const [target] = byAction('CreateTarget');
	assert.equal(target!.TargetDescription, {ResourceDescription: `qcs::scf:ap-guangzhou:uin/${fake.uin}:namespace/default/function/${FUNCTION}/$LATEST`});
	assert.is(target!.Type, 'scf');
	assert.match(run.stdout, /binder: https:\/\/1250000000-[0-9a-f]+\.ap-guangzhou\.tencentscf\.com/);

	const [fn] = fake.functions();
	assert.is(fn!.status, 'Active');
	assert.equal(
		fn!.triggers.map((trigger) => trigger.name),
		['sweep', 'url'],
	);
	assert.is(fake.rules().length, 1);
	assert.is(fake.targets().length, 1);
});

test('redeploy with nothing changed makes no mutating call', async () => {
	fake.clearCalls();
	const run = await sls(service, ['deploy']);
	expectOk(run);
	assert.equal(fake.mutatingCalls(), []);
	assert.match(run.output, /No changes: cos-ci-binder in ap-guangzhou is up to date/);
	assert.ok(actions(fake.calls).includes('scf:GetFunctionAddress'), 'the code is compared, not re-uploaded');
});

test('info: function state, triggers, URL and rule', async () => {
	const run = await sls(service, ['info']);
	expectOk(run);
	assert.match(run.stdout, new RegExp(`binder: ${FUNCTION} \\(Active, Nodejs18\\.15, 128 MB, 300 s`));
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

test('a changed handler source: only UpdateFunctionCode', async () => {
	fs.writeFileSync(path.join(service, 'handlers/index.ts'), `${STUB_HANDLER}// changed\nexport const version = 2;\n`);
	fake.clearCalls();
	const run = await sls(service, ['deploy']);
	expectOk(run);
	assert.equal(actions(fake.mutatingCalls()), ['scf:UpdateFunctionCode']);
	assert.is(fake.mutatingCalls()[0]!.params.Handler, 'index.main_handler');
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

test('the timer removed from serverless.yml: only DeleteTrigger', async () => {
	fs.writeFileSync(path.join(service, 'serverless.yml'), withoutTimer(fs.readFileSync(path.join(service, 'serverless.yml'), 'utf8')));
	fake.clearCalls();
	const run = await sls(service, ['deploy'], {env: {BINDER_CONCURRENCY: '4'}});
	expectOk(run);
	const mutating = fake.mutatingCalls();
	assert.equal(actions(mutating), ['scf:DeleteTrigger']);
	assert.equal(
		{TriggerName: mutating[0]!.params.TriggerName, Type: mutating[0]!.params.Type},
		{TriggerName: 'sweep', Type: 'timer'},
	);
	assert.equal(
		fake.functions()[0]!.triggers.map((trigger) => trigger.name),
		['url'],
	);
});

test('remove: targets, rule, triggers and function are deleted, in that order', async () => {
	fake.clearCalls();
	const run = await sls(service, ['remove']);
	expectOk(run);
	assert.equal(actions(fake.mutatingCalls()), ['eb:DeleteTarget', 'eb:DeleteRule', 'scf:DeleteTrigger', 'scf:DeleteFunction']);
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

test.run();
