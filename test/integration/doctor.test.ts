// `cos-ci-binder doctor` against a whole deployment on loopback (test/support/doctor-harness.ts): every check
// passing, and every check failing the way a real account fails, with the fix it prints. Time is the test's:
// the canary sleeps by advancing a counter once the function has handled what was delivered.
import {readFileSync} from 'node:fs';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {main} from '../../lib/cli/main.js';
import type {CliIo} from '../../lib/cli/output.js';
import {createCloudApi, parseConnectTo} from '../../lib/cloud-api/client.js';
import {decide, parsePolicy} from '../../lib/doctor/cam-policy.js';
import type {CheckResult} from '../../lib/doctor/checks.js';
import {runDoctor} from '../../lib/doctor/command.js';
import {ManualClock} from '../support/fake-tencentcloud-api.js';
import {APP_ID, DEPLOYER, FUNCTION, HOME, HTTP_TOKEN, REF, REGION, ROLE_KEY, RULE, serviceFile, startDeployment, type Deployment, type DeploymentOptions} from '../support/doctor-harness.js';
import {ROOT} from '../support/paths.js';
import {shippedPolicy} from '../support/policies.js';

const ORDER = ['keys', 'function', 'runtime', 'code', 'role', 'timer-trigger', 'url-trigger', 'eventbridge-rule', 'healthz', 'status', 'role-policy', 'cloudaudit-delivery'];
const WITH_CANARY = [...ORDER.slice(0, 10), 'canary', ...ORDER.slice(10)];

type Run = {code: number; results: CheckResult[]; byCheck: Record<string, CheckResult>; stdout: string; stderr: string; clock: number};

/** Run doctor in-process with --json on the test's clock; `signal` stands for Ctrl-C. */
async function doctor(deployment: Deployment, args: string[] = [], options: {file?: string; env?: Record<string, string | undefined>; json?: boolean; signal?: AbortSignal; onSleep?: (count: number) => void; progress?: (text: string) => void} = {}): Promise<Run> {
	const out: string[] = [];
	const err: string[] = [];
	let clock = 0;
	let sleeps = 0;
	const env = Object.fromEntries(Object.entries({...deployment.env, ...options.env}).filter(([, value]) => value !== undefined)) as Record<string, string>;
	const code = await runDoctor({
		args: ['--config', options.file ?? serviceFile(), ...(options.json === false ? [] : ['--json']), ...args],
		runEnv: env,
		io: {
			line: (text) => out.push(text),
			errorLine: (text) => err.push(text),
			now: () => clock,
			wallNow: () => Date.now(),
			sleep: async (ms, signal) => {
				options.onSleep?.(++sleeps);
				// Whatever the canary's bucket set off runs to its end before time moves on.
				await deployment.settled();
				clock += ms;
				signal.throwIfAborted();
			},
			signal: options.signal,
			progress: options.progress,
		},
	});
	const stdout = out.join('\n');
	const results = options.json === false ? [] : out.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as CheckResult);
	return {code, results, byCheck: Object.fromEntries(results.map((result) => [result.check, result])), stdout, stderr: err.join('\n'), clock};
}

async function withDeployment(options: DeploymentOptions, run: (deployment: Deployment) => Promise<void>): Promise<void> {
	const deployment = await startDeployment(options);
	try {
		await run(deployment);
	} finally {
		await deployment.close();
	}
}

const failing = (run: Run) => run.results.filter((result) => !result.ok).map((result) => result.check);
const expectOnly = (run: Run, checks: string[], message?: string) => assert.equal(failing(run), checks, message ?? `failing checks:\n${run.stdout}`);
/** API 3.0 calls made by doctor itself, as `service:Action`. */
const apiCalls = (deployment: Deployment) => deployment.fake.calls.map((call) => `${call.service}:${call.action}`);
/** A raw API client on the fake, to change the deployment behind doctor's back. */
const raw = (deployment: Deployment) => createCloudApi({credentials: DEPLOYER, connectTo: parseConnectTo({TENCENTCLOUD_API_CONNECT_TO: deployment.fake.url})});

test('a healthy deployment: every check passes except cloudaudit-delivery, which no API shows (unverified: exit 1); nothing is changed', async () => {
	await withDeployment({}, async (deployment) => {
		deployment.fake.clearCalls();
		deployment.emulator.clearRequests();
		const run = await doctor(deployment);
		assert.equal(run.results.map((result) => result.check), ORDER);
		expectOnly(run, ['cloudaudit-delivery']);
		assert.is(run.code, 1);
		const audit = run.byCheck['cloudaudit-delivery']!;
		assert.equal([audit.ok, audit.unverified], [false, true]);
		assert.match(audit.detail, /no API reports/);
		assert.match(String(audit.fix), /doctor --canary/);
		assert.match(String(audit.fix), /enable the CloudAudit event source/);
		for (const result of run.results) {
			assert.equal(Object.keys(result).filter((key) => key !== 'unverified'), ['check', 'ok', 'detail', 'fix'], result.check);
			assert.type(result.detail, 'string');
		}

		assert.match(run.byCheck.code!.detail, /the package of the last deploy/);
		assert.match(run.byCheck['eventbridge-rule']!.detail, new RegExp(`${RULE} on eb-cloudgz01 → ${FUNCTION}`));
		assert.match(run.byCheck['role-policy']!.detail, /allows ci:CreateCIBucket on qcs::ci:ap-guangzhou:uid\/1250000000:bucket\/examplebucket-1250000000\/\*, ci:DescribeCIBuckets, cos:GetService \(CosCiBinderPolicy\)/);
		assert.match(run.stderr, /doctor: 11 passed, 0 failed, 1 not verified \(--canary proves the event path\)/);
		assert.equal(deployment.fake.mutatingCalls(), [], 'doctor only reads through API 3.0');
		assert.ok(apiCalls(deployment).every((call) => /:(Get|List|Search)/.test(call)), apiCalls(deployment).join(' '));
		assert.equal([...new Set(deployment.emulator.requests.map((entry) => entry.operation))].sort(), ['DescribeCIBucketStatus', 'GetService'], 'and only reads COS/CI');
	});
});

test('--canary on a healthy deployment: the CloudAudit event binds the bucket, its log line is shown, the bucket is deleted; all 13 pass, exit 0', async () => {
	await withDeployment({}, async (deployment) => {
		const run = await doctor(deployment, ['--canary']);
		assert.equal(run.results.map((result) => result.check), WITH_CANARY);
		expectOnly(run, []);
		assert.is(run.code, 0);
		const canary = run.byCheck.canary!;
		assert.match(String(canary.bucket), new RegExp(`^ccb-canary-[a-z0-9]{8}-${APP_ID}$`));
		assert.is(canary.boundAfterMs, 1000, 'bound at the second read: one poll interval on the test clock');
		assert.match(String(canary.logLine), /"message":"bucket result"/);
		assert.match(String(canary.logLine), /"trigger":"cloudaudit"/);
		assert.match(canary.detail, /was bound in 1\.0 s; function log: .*; bucket deleted afterwards$/);
		assert.match(run.byCheck['cloudaudit-delivery']!.detail, /CloudAudit PutBucket event reached the function/);
		assert.match(run.byCheck['role-policy']!.detail, new RegExp(`bucket/${String(canary.bucket)}/\\*`), 'the policy is evaluated for the canary bucket');
		assert.is(deployment.emulator.bucket(String(canary.bucket)), undefined, 'deleted');
		const own = deployment.emulator.requests.filter((entry) => entry.host.startsWith(String(canary.bucket)));
		assert.equal(
			own.filter((entry) => entry.operation === 'PutBucket' || entry.operation === 'DeleteBucket').map((entry) => [entry.operation, entry.status, entry.secretId]),
			[
				['PutBucket', 200, DEPLOYER.secretId],
				['DeleteBucket', 204, DEPLOYER.secretId],
			],
		);
		assert.ok(own.some((entry) => entry.operation === 'CreateCIBucket' && entry.secretId === ROLE_KEY.secretId), 'bound by the function, with the role\'s keys');
		assert.ok(apiCalls(deployment).includes('cls:SearchLog'));
	});
});

test('deploy/cam-doctor-policy.json allows every call doctor --canary makes, API 3.0 and COS/CI alike', async () => {
	const policy = parsePolicy('doctor', readFileSync(`${ROOT}/deploy/cam-doctor-policy.json`, 'utf8').replaceAll('UIN', '100000000001').replaceAll('APPID', APP_ID));
	await withDeployment({}, async (deployment) => {
		deployment.fake.clearCalls();
		deployment.emulator.clearRequests();
		const run = await doctor(deployment, ['--canary']);
		expectOnly(run, []);
		const fnResource = `qcs::scf:${REGION}:uin/100000000001:namespace/default/function/${FUNCTION}`;
		const calls = new Set(apiCalls(deployment));
		assert.equal(
			[...calls].sort(),
			['cam:GetPolicy', 'cam:GetRole', 'cam:GetUserAppId', 'cam:ListAttachedRolePolicies', 'cls:SearchLog', 'eb:GetRule', 'eb:ListEventBuses', 'eb:ListRules', 'eb:ListTargets', 'scf:GetFunction', 'scf:GetFunctionAddress', 'scf:ListTriggers', 'sts:GetCallerIdentity'],
		);
		for (const call of calls) {
			const resource = call.startsWith('scf:') ? fnResource : '*';
			assert.is(decide([policy], call, resource).decision, 'allow', call);
		}

		// CI reads the status for ci:DescribeCIBuckets (460/97481); COS bucket resources are `<bucket-appid>/*` (598/69901).
		const cosAction: Record<string, string> = {GetService: 'cos:GetService', PutBucket: 'cos:PutBucket', DeleteBucket: 'cos:DeleteBucket', DescribeCIBucketStatus: 'ci:DescribeCIBuckets'};
		const own = deployment.emulator.requests.filter((entry) => entry.secretId === DEPLOYER.secretId);
		assert.equal([...new Set(own.map((entry) => entry.operation))].sort(), ['DeleteBucket', 'DescribeCIBucketStatus', 'GetService', 'PutBucket']);
		for (const entry of own) {
			const bucket = entry.host.split('.')[0]!;
			const resource = entry.operation === 'PutBucket' || entry.operation === 'DeleteBucket' ? `qcs::cos:${REGION}:uid/${APP_ID}:${bucket}/*` : '*';
			assert.is(decide([policy], cosAction[entry.operation]!, resource).decision, 'allow', entry.operation);
		}

		assert.is(decide([policy], 'cos:DeleteBucket', `qcs::cos:${REGION}:uid/${APP_ID}:photos-${APP_ID}/*`).decision, 'none', 'only canary buckets can be deleted');
	});
});

test('human output: one line per check with ✔/✘/?, the fix under it, the summary on stderr; no secret anywhere', async () => {
	await withDeployment({}, async (deployment) => {
		deployment.fake.consoleSetVariable(REF, 'SERVERLESS_DEPLOY_RECORD', undefined);
		const human = await doctor(deployment, [], {json: false, env: {BINDER_WEBHOOK_SECRET: 'whsec_doctorwebhooksecret000'}});
		const lines = human.stdout.split('\n');
		assert.match(lines[0]!, /^✔ keys {17}sub-account 100000000002 of account 100000000001, APPID 1250000000$/);
		const code = lines.findIndex((line) => line.startsWith('✘ code'));
		assert.match(lines[code]!, /^✘ code {17}no deploy record \(SERVERLESS_DEPLOY_RECORD\) on the function/);
		assert.match(lines[code + 1]!, /^ {23}fix: npx serverless deploy --stage dev --region ap-guangzhou$/);
		assert.ok(lines.some((line) => line.startsWith('? cloudaudit-delivery')));
		assert.match(human.stderr, /^doctor: default\/cos-ci-binder-dev-binder in ap-guangzhou \(stage dev\), keys from the environment/);
		const json = await doctor(deployment, ['--canary']);
		for (const output of [human.stdout + human.stderr, json.stdout + json.stderr]) {
			for (const secret of [HTTP_TOKEN, DEPLOYER.secretKey, ROLE_KEY.secretKey, ROLE_KEY.sessionToken, 'whsec_doctorwebhooksecret000']) {
				assert.not.ok(output.includes(secret), `${secret} printed`);
			}
		}
	});
});

test('keys: a wrong secret key fails at the first call; nothing else is asked and every other check says why', async () => {
	await withDeployment({}, async (deployment) => {
		deployment.fake.clearCalls();
		const run = await doctor(deployment, [], {env: {TENCENTCLOUD_SECRET_KEY: 'not-the-secret-key-000'}});
		assert.is(run.code, 1);
		assert.match(run.byCheck.keys!.detail, /sts GetCallerIdentity \(ap-guangzhou\): AuthFailure\.SignatureFailure/);
		assert.match(String(run.byCheck.keys!.fix), /TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY/);
		for (const check of ORDER.slice(1)) {
			assert.equal([run.byCheck[check]!.ok, run.byCheck[check]!.detail], [false, 'not checked: the keys were refused (see keys)'], check);
		}

		assert.equal(apiCalls(deployment), ['sts:GetCallerIdentity']);
		assert.not.ok(run.stdout.includes('not-the-secret-key-000'));
	});
});

test('function: missing for the stage asked; its checks say so and the fix names the deploy command', async () => {
	await withDeployment({}, async (deployment) => {
		const run = await doctor(deployment, ['--stage', 'prod']);
		assert.match(run.byCheck.function!.detail, /^no function default\/cos-ci-binder-prod-binder \(ap-guangzhou\)$/);
		assert.match(String(run.byCheck.function!.fix), /npx serverless deploy --stage prod --region ap-guangzhou/);
		for (const check of ['runtime', 'code', 'role', 'timer-trigger', 'url-trigger', 'healthz', 'status', 'role-policy']) {
			assert.match(run.byCheck[check]!.detail, /not checked: there is no function default\/cos-ci-binder-prod-binder/, check);
		}

		assert.match(run.byCheck['eventbridge-rule']!.detail, /rule cos-ci-binder-prod-putbucket is missing/);
	});
});

test('function: Updating after someone uploaded code in the console; code: replaced outside serverless', async () => {
	const clock = new ManualClock();
	await withDeployment({fake: {clock, transitionMs: {update: 5000}}}, async (deployment) => {
		const {createZip} = await import('../../deploy/zip.mjs');
		deployment.fake.consoleUpdateCode(REF, createZip([{name: 'index.js', data: 'exports.main_handler = async () => "edited";'}]));
		let run = await doctor(deployment);
		assert.match(run.byCheck.function!.detail, /is Updating/);
		assert.match(String(run.byCheck.function!.fix), /wait for it to finish/);
		clock.advance(5000);
		run = await doctor(deployment);
		assert.ok(run.byCheck.function!.ok);
		assert.match(run.byCheck.code!.detail, /^the code was replaced outside serverless since the last deploy \(CodeSha256 [0-9a-f]{12}…, recorded [0-9a-f]{12}…\)$/);
		assert.match(String(run.byCheck.code!.fix), /npx serverless deploy --stage dev --region ap-guangzhou puts the project's code back/);
		await deployment.deploy();
		expectOnly(await doctor(deployment), ['cloudaudit-delivery'], 'a deploy repairs it');
	});
});

test('runtime: serverless.yml asks for another runtime than the function runs; the fix is remove, then deploy', async () => {
	await withDeployment({}, async (deployment) => {
		const run = await doctor(deployment, [], {file: serviceFile((yaml) => yaml.replace('runtime: Nodejs18.15', 'runtime: Nodejs16.13'))});
		assert.equal([run.byCheck.runtime!.ok, run.byCheck.runtime!.detail], [false, 'the function runs Nodejs18.15, serverless.yml says Nodejs16.13']);
		assert.match(String(run.byCheck.runtime!.fix), /^SCF cannot change a runtime in place: npx serverless remove --stage dev --region ap-guangzhou, then npx serverless deploy/);
	});
});

test('code: no deploy record (environment replaced in the console); triggers not in the record are flagged too', async () => {
	await withDeployment({}, async (deployment) => {
		deployment.fake.consoleSetVariable(REF, 'SERVERLESS_DEPLOY_RECORD', undefined);
		let run = await doctor(deployment);
		expectOnly(run, ['code', 'timer-trigger', 'url-trigger', 'cloudaudit-delivery']);
		assert.match(run.byCheck['timer-trigger']!.detail, /timer sweep is not in the deploy record/);
		deployment.fake.consoleSetVariable(REF, 'SERVERLESS_DEPLOY_RECORD', '{"v":1,"by":"serverless-tencent","zipSha256":"short"}');
		run = await doctor(deployment);
		assert.is(run.byCheck.code!.detail, 'the deploy record SERVERLESS_DEPLOY_RECORD is unreadable (zipSha256 is not a hex SHA-256)');
	});
});

test('role: another role than serverless.yml says; a role missing in CAM; a trust policy that does not let SCF in', async () => {
	await withDeployment({}, async (deployment) => {
		const run = await doctor(deployment, [], {env: {BINDER_ROLE: 'OtherRole'}});
		assert.is(run.byCheck.role!.detail, 'the function runs as CosCiBinderRole, serverless.yml says OtherRole');
	});
	await withDeployment({role: false}, async (deployment) => {
		const run = await doctor(deployment);
		expectOnly(run, ['role', 'role-policy', 'cloudaudit-delivery']);
		assert.is(run.byCheck.role!.detail, 'the function runs as CosCiBinderRole, which does not exist in CAM');
		assert.match(String(run.byCheck.role!.fix), /deploy\/cam-trust-policy\.json.*deploy\/cam-policy\.json/);
	});
	await withDeployment({role: {trustPolicy: {version: '2.0', statement: [{effect: 'allow', action: 'name/sts:AssumeRole', principal: {service: ['cvm.qcloud.com']}}]}}}, async (deployment) => {
		const run = await doctor(deployment);
		assert.match(run.byCheck.role!.detail, /does not let SCF \(scf\.qcloud\.com\) assume it/);
	});
});

test('role-policy: nothing allows CreateCIBucket; a deny wins over an allow', async () => {
	const listingOnly = {version: '2.0', statement: [{effect: 'allow', action: ['name/ci:DescribeCIBuckets', 'name/cos:GetService'], resource: ['*']}]};
	await withDeployment({role: {policies: [{name: 'ListingOnly', document: listingOnly}]}}, async (deployment) => {
		const run = await doctor(deployment);
		expectOnly(run, ['role-policy', 'cloudaudit-delivery']);
		assert.is(run.byCheck['role-policy']!.detail, 'role CosCiBinderRole: ci:CreateCIBucket on qcs::ci:ap-guangzhou:uid/1250000000:bucket/examplebucket-1250000000/* is allowed by no attached policy');
		assert.match(String(run.byCheck['role-policy']!.fix), /Attach deploy\/cam-policy\.json/);
	});
	const deny = {version: '2.0', statement: [{effect: 'deny', action: 'ci:*', resource: '*'}]};
	await withDeployment({role: {policies: [{name: 'CosCiBinderPolicy', document: shippedPolicy()}, {name: 'NoCI', document: deny}]}}, async (deployment) => {
		const run = await doctor(deployment);
		assert.match(run.byCheck['role-policy']!.detail, /ci:CreateCIBucket on .* is denied by NoCI; ci:DescribeCIBuckets on \* is denied by NoCI$/);
	});
});

test('role-policy without CAM access: shown by the role\'s own dry-run listing; CreateCIBucket only by the canary', async () => {
	await withDeployment({}, async (deployment) => {
		deployment.emulator.createBucket(`photos-${APP_ID}`, REGION, {bound: true});
		await deployment.settled();
		deployment.fake.injectError('GetRole', {code: 'AuthFailure.UnauthorizedOperation', message: 'CAM signature/auth error', times: 2});
		deployment.emulator.clearRequests();
		// The creation event was bound first (one CreateCIBucket even for a bucket born bound): count from here.
		const bindsBefore = deployment.emulator.bucket(`photos-${APP_ID}`)!.bindCount;
		const run = await doctor(deployment);
		expectOnly(run, ['role-policy', 'cloudaudit-delivery']);
		assert.match(run.byCheck.role!.detail, /CAM is not readable with this key .*but \/status answered with the role's keys/);
		const policy = run.byCheck['role-policy']!;
		assert.is(policy.unverified, true);
		assert.match(policy.detail, /shown: cos:GetService and ci:DescribeCIBuckets \(a dry-run \/sync listed with the role's keys\); not shown: ci:CreateCIBucket/);
		assert.equal(
			deployment.emulator.requests.filter((entry) => entry.secretId === ROLE_KEY.secretId).map((entry) => entry.operation),
			['DescribeCIBucketStatus', 'GetService', 'DescribeCIBuckets'],
			'/status, then the dry run lists and binds nothing',
		);
		assert.is(deployment.emulator.bucket(`photos-${APP_ID}`)!.bindCount, bindsBefore, 'the dry run bound nothing');
		const canary = await doctor(deployment, ['--canary']);
		expectOnly(canary, []);
		assert.match(canary.byCheck['role-policy']!.detail, /shown by use: .*ci:CreateCIBucket \(the canary bucket was bound\)/);
	});
});

test('timer-trigger: another schedule, a missing timer, a disabled one, each against serverless.yml', async () => {
	await withDeployment({}, async (deployment) => {
		let run = await doctor(deployment, [], {env: {BINDER_SWEEP_SCHEDULE: '0 30 2 * * * *'}});
		assert.is(run.byCheck['timer-trigger']!.detail, 'timer sweep runs "0 0 */6 * * * *", serverless.yml says "0 30 2 * * * *"');
		run = await doctor(deployment, ['--param', 'sweepEnabled=false']);
		assert.is(run.byCheck['timer-trigger']!.detail, 'timer sweep is enabled, serverless.yml says disabled');
		await raw(deployment).call('scf', 'DeleteTrigger', {FunctionName: FUNCTION, Namespace: 'default', TriggerName: 'sweep', Type: 'timer', Qualifier: '$LATEST'}, {region: REGION});
		run = await doctor(deployment);
		expectOnly(run, ['timer-trigger', 'cloudaudit-delivery']);
		assert.is(run.byCheck['timer-trigger']!.detail, 'timer sweep is missing');
		assert.match(String(run.byCheck['timer-trigger']!.fix), /npx serverless deploy --stage dev --region ap-guangzhou makes the triggers match serverless\.yml/);
	});
});

test('url-trigger: the function URL deleted; healthz and status cannot run and say so', async () => {
	await withDeployment({}, async (deployment) => {
		await raw(deployment).call('scf', 'DeleteTrigger', {FunctionName: FUNCTION, Namespace: 'default', TriggerName: 'url', Type: 'http', Qualifier: '$LATEST'}, {region: REGION});
		const run = await doctor(deployment);
		expectOnly(run, ['url-trigger', 'healthz', 'status', 'cloudaudit-delivery']);
		assert.is(run.byCheck['url-trigger']!.detail, 'function URL trigger url is missing');
		assert.is(run.byCheck.healthz!.detail, 'not checked: the function URL is unknown (see url-trigger)');
	});
});

test('eventbridge-rule: no target naming the function; the rule disabled; the rule gone; EventBridge not activated', async () => {
	await withDeployment({}, async (deployment) => {
		const api = raw(deployment);
		const [target] = deployment.fake.targets();
		await api.call('eb', 'DeleteTarget', {EventBusId: target!.EventBusId, RuleId: target!.RuleId, TargetId: target!.TargetId}, {region: REGION});
		let run = await doctor(deployment);
		expectOnly(run, ['eventbridge-rule', 'cloudaudit-delivery']);
		assert.is(run.byCheck['eventbridge-rule']!.detail, `rule ${RULE} has no target naming the function (qcs::scf:ap-guangzhou:uin/100000000001:namespace/default/function/${FUNCTION}/$LATEST)`);
		await api.call('eb', 'UpdateRule', {EventBusId: target!.EventBusId, RuleId: target!.RuleId, Enable: false}, {region: REGION});
		run = await doctor(deployment);
		assert.match(run.byCheck['eventbridge-rule']!.detail, new RegExp(`^rule ${RULE} is disabled, serverless.yml says enabled; rule ${RULE} has no target`));
		await api.call('eb', 'DeleteRule', {EventBusId: target!.EventBusId, RuleId: target!.RuleId}, {region: REGION});
		run = await doctor(deployment);
		assert.is(run.byCheck['eventbridge-rule']!.detail, `rule ${RULE} is missing on the cloud-service bus eb-cloudgz01`);
		await deployment.deploy();
		expectOnly(await doctor(deployment), ['cloudaudit-delivery'], 'a deploy repairs it');
		deployment.fake.setCloudBus(false);
		run = await doctor(deployment);
		expectOnly(run, ['eventbridge-rule', 'cloudaudit-delivery']);
		assert.is(run.byCheck['eventbridge-rule']!.detail, 'EventBridge has no cloud-service event bus in ap-guangzhou');
		assert.equal([run.byCheck['cloudaudit-delivery']!.unverified, run.byCheck['cloudaudit-delivery']!.detail], [undefined, 'there is no cloud-service event bus in ap-guangzhou to deliver to']);
		assert.match(String(run.byCheck['cloudaudit-delivery']!.fix), /Activate EventBridge/);
	});
});

test('healthz: a function URL that answers 500, one that does not answer', async () => {
	const broken = http.createServer((_request, response) => response.writeHead(500, {'content-type': 'text/plain'}).end('runtime crashed'));
	await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
	try {
		await withDeployment({}, async (deployment) => {
			deployment.fake.setFunctionUrl(REF, `http://127.0.0.1:${(broken.address() as AddressInfo).port}`);
			let run = await doctor(deployment);
			expectOnly(run, ['healthz', 'status', 'cloudaudit-delivery']);
			assert.is(run.byCheck.healthz!.detail, 'GET /healthz answered HTTP 500: runtime crashed');
			assert.match(run.byCheck.status!.detail, /answered HTTP 500: runtime crashed/);
			const closed = http.createServer();
			await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
			const port = (closed.address() as AddressInfo).port;
			await new Promise<void>((resolve) => closed.close(() => resolve()));
			deployment.fake.setFunctionUrl(REF, `http://127.0.0.1:${port}`);
			run = await doctor(deployment);
			assert.match(run.byCheck.healthz!.detail, new RegExp(`^http://127.0.0.1:${port}/healthz did not answer: `));
		});
	} finally {
		broken.closeAllConnections();
		await new Promise<void>((resolve) => broken.close(() => resolve()));
	}
});

test('status: no token on the function; a token from the shell that is not the function\'s; a role the CI side refuses', async () => {
	await withDeployment({}, async (deployment) => {
		deployment.fake.consoleSetVariable(REF, 'BINDER_HTTP_TOKEN', undefined);
		let run = await doctor(deployment);
		expectOnly(run, ['status', 'cloudaudit-delivery']);
		assert.is(run.byCheck.status!.detail, 'BINDER_HTTP_TOKEN is not set on the function, so its HTTP API answers only /healthz');
		assert.match(String(run.byCheck.status!.fix), /export BINDER_HTTP_TOKEN=/);
		run = await doctor(deployment, [], {env: {BINDER_HTTP_TOKEN: 'a-token-of-this-shell-0001'}});
		assert.match(run.byCheck.status!.detail, /^the token was refused \(HTTP 401\): it came from this shell's BINDER_HTTP_TOKEN, which is not the function's$/);
	});
	await withDeployment({roleKeyAccepted: false}, async (deployment) => {
		deployment.emulator.createBucket(`photos-${APP_ID}`, REGION, {bound: true});
		await deployment.settled();
		const run = await doctor(deployment);
		expectOnly(run, ['status', 'cloudaudit-delivery']);
		assert.match(run.byCheck.status!.detail, new RegExp(`^GET /status for photos-${APP_ID} \\(ap-guangzhou\\) answered HTTP \\d+: InvalidAccessKeyId`));
	});
});

test('status: a bucket of the region is asked about, with its CI status', async () => {
	await withDeployment({}, async (deployment) => {
		deployment.emulator.createBucket(`photos-${APP_ID}`, REGION, {bound: true});
		await deployment.settled();
		const run = await doctor(deployment);
		assert.is(run.byCheck.status!.detail, `GET /status with the token: photos-${APP_ID} (ap-guangzhou) is CI on`);
	});
});

test('--canary when no event arrives: not bound within the timeout, on the test clock; the bucket is deleted; cloudaudit-delivery fails with the console switch', async () => {
	await withDeployment({deliverEvents: false}, async (deployment) => {
		const run = await doctor(deployment, ['--canary', '--canary-timeout', '30']);
		expectOnly(run, ['canary', 'cloudaudit-delivery']);
		const canary = run.byCheck.canary!;
		assert.match(canary.detail, /^ccb-canary-[a-z0-9]{8}-1250000000 \(ap-guangzhou\) was not bound within 30 s: CI status still off; bucket deleted afterwards$/);
		assert.is(run.clock, 30_000, 'waited exactly the timeout');
		assert.equal([canary.deleted, canary.boundAfterMs, canary.logLine], [true, null, null]);
		assert.equal(deployment.emulator.buckets(), []);
		const audit = run.byCheck['cloudaudit-delivery']!;
		assert.equal([audit.ok, audit.unverified], [false, undefined]);
		assert.match(String(audit.fix), /enable the CloudAudit event source.*--canary-timeout/);
	});
});

test('--canary on a terminal: a live line with the bucket, elapsed of the limit and the last status; erased before the report; none with --json', async () => {
	await withDeployment({deliverEvents: false}, async (deployment) => {
		const drawn: string[] = [];
		const run = await doctor(deployment, ['--canary', '--canary-timeout', '8'], {json: false, progress: (text) => drawn.push(text)});
		const bucket = /canary: creating (ccb-canary-[a-z0-9]{8}-1250000000)/.exec(run.stdout)![1]!;
		const erase = '\r\u001B[2K';
		assert.equal(
			drawn,
			[0, 1, 3, 7, 8].map((seconds) => `${erase}canary ${bucket}: waiting for CI on · 0m0${seconds}s of 0m08s · status off`).concat(erase),
			'one line per status read, redrawn in place, then erased',
		);
		const quiet: string[] = [];
		await doctor(deployment, ['--canary', '--canary-timeout', '8', '--json'], {progress: (text) => quiet.push(text)});
		assert.equal(quiet, []);
	});
});

test('--canary: Ctrl-C mid-wait ends it; the bucket is deleted and the event path stays unverified', async () => {
	await withDeployment({deliverEvents: false}, async (deployment) => {
		const controller = new AbortController();
		const run = await doctor(deployment, ['--canary'], {signal: controller.signal, onSleep: (count) => count === 3 && controller.abort()});
		assert.is(run.code, 1);
		assert.match(run.byCheck.canary!.detail, /^interrupted while waiting for ccb-canary-.* bucket deleted afterwards$/);
		assert.is(run.byCheck['cloudaudit-delivery']!.unverified, true);
		assert.equal(deployment.emulator.buckets(), []);
	});
});

test('--canary: a bucket the key may not create is reported and nothing is deleted; a function logging at warn leaves no line, and says so', async () => {
	await withDeployment({emulatorAppId: '1300000000'}, async (deployment) => {
		deployment.emulator.clearRequests();
		const run = await doctor(deployment, ['--canary']);
		assert.match(run.byCheck.canary!.detail, /^could not create ccb-canary-[a-z0-9]{8}-1250000000 \(ap-guangzhou\): PutBucket .*AccessDenied.*; not deleted \(not created\)$/);
		assert.match(String(run.byCheck.canary!.fix), /cos:PutBucket, cos:DeleteBucket/);
		assert.not.ok(deployment.emulator.requests.some((entry) => entry.operation === 'DeleteBucket'), 'not ours: never deleted');
	});
	await withDeployment({}, async (deployment) => {
		deployment.fake.consoleSetVariable(REF, 'BINDER_LOG_LEVEL', 'warn');
		const run = await doctor(deployment, ['--canary']);
		expectOnly(run, []);
		assert.match(run.byCheck.canary!.detail, /its log line could not be searched: the function logs at warn \(BINDER_LOG_LEVEL\), so a successful bind writes no line/);
		assert.match(run.byCheck['cloudaudit-delivery']!.detail, /^the canary bucket was bound 1\.0 s after its creation \(the function's log line was not found/);
	});
});

/** The CLI entry, in-process, with pseudo-streams. */
async function cli(args: string[], env: Record<string, string | undefined>) {
	let stdout = '';
	let stderr = '';
	const io: CliIo = {stdout: {write: (text: string) => (stdout += text)}, stderr: {write: (text: string) => (stderr += text)}, now: () => 0};
	const code = await main(args, env as NodeJS.ProcessEnv, io);
	return {code, stdout, stderr};
}

test('exit 2 before any request: no serverless.yml, a bad option, no keys, the refused endpoint variable; --help sends nothing', async () => {
	await withDeployment({}, async (deployment) => {
		deployment.fake.clearCalls();
		deployment.emulator.clearRequests();
		const file = serviceFile();
		const cases: Array<[string[], Record<string, string | undefined>, RegExp]> = [
			[['doctor', '--config', '/nonexistent/serverless.yml'], deployment.env, /cannot read \/nonexistent\/serverless\.yml \(ENOENT\): run doctor in the project folder/],
			[['doctor', '--config', file, '--canary-timeout', '0'], deployment.env, /--canary-timeout must be whole seconds from 1 to 3600/],
			[['doctor', '--config', file, '--bogus'], deployment.env, /Unknown option '--bogus'/],
			[['doctor', '--config', file, '--region', 'ap-mumbai'], deployment.env, /"ap-mumbai" is not a region the deploy plugin deploys to/],
			[['doctor', '--config', file], {...deployment.env, TENCENTCLOUD_SECRET_ID: undefined, TENCENTCLOUD_SECRET_KEY: undefined, BINDER_ENDPOINT: 'https://cos.example.com', HOME}, /No credentials\. Set TENCENTCLOUD_SECRET_ID/],
			[['doctor', '--config', file], {...deployment.env, TENCENTCLOUD_API_ENDPOINT: 'scf.tencentcloudapi.com'}, /TENCENTCLOUD_API_ENDPOINT is not read/],
		];
		for (const [args, env, message] of cases) {
			const run = await cli(args, env);
			assert.is(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
			assert.match(run.stderr, message);
		}

		const help = await cli(['doctor', '--canary', '--help'], deployment.env);
		assert.is(help.code, 0);
		assert.match(help.stdout, /^Usage: cos-ci-binder doctor \[--stage S\] \[--region R\] \[--canary\] \[--json\]/);
		assert.equal([deployment.fake.calls.length, deployment.emulator.requests.length], [0, 0], 'nothing was sent');
		const ok = await cli(['doctor', '--config', file, '--json'], deployment.env);
		assert.is(ok.code, 1, 'through main(): all pass but the unverified event path');
		assert.is(ok.stdout.trim().split('\n').length, ORDER.length);
	});
});

test.run();
