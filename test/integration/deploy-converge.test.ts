// The deploy flow (deploy/serverless-tencent/converge.cjs) in-process against the loopback fake, on a clock the
// test owns: SCF's Creating/Updating/Deleting last clock time, the plugin's wait sleeps by advancing that clock,
// so every poll count and every timeout here is exact and no assertion depends on wall time.
import {createRequire} from 'node:module';
import net from 'node:net';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {createZip} from '../../deploy/zip.mjs';
import {ManualClock, startFakeTencentCloud, type CodeShaMode, type FakeTencentCloud} from '../support/fake-tencentcloud-api.js';

const require = createRequire(import.meta.url);
type Api = {call: (service: string, action: string, params?: unknown) => Promise<any>; close: () => void};
const {TencentApi} = require('../../deploy/serverless-tencent/api.cjs') as {
	TencentApi: new (options: {region: string; credentials: {secretId: string; secretKey: string}; env?: Record<string, string>; sleep?: (ms: number) => Promise<void>}) => Api;
};
const {buildPlan} = require('../../deploy/serverless-tencent/plan.cjs') as {buildPlan: (service: unknown, options?: {region?: string}) => any};
const {deployService, removeService} = require('../../deploy/serverless-tencent/converge.cjs') as {
	deployService: (options: {plan: unknown; zip: Buffer; api: Api; wait: Wait; log: (message: string, level?: string) => void}) => Promise<string[]>;
	removeService: (options: {plan: unknown; api: Api; wait: Wait; log: (message: string, level?: string) => void}) => Promise<string[]>;
};
type Wait = {intervalMs: number; timeoutMs: number; sleep: (ms: number) => Promise<void>; now: () => number};

const KEY = {secretId: 'AKIDconverge000001', secretKey: 'converge-secret-0001', subAccountUin: '100000000002'};
const TIMES = {create: 4000, update: 3000, delete: 2000};
const FUNCTION = 'cos-ci-binder-dev-binder';

const service = (events: unknown[] = [{timer: {name: 'sweep', cron: '0 0 */6 * * * *'}}, {http: {name: 'url'}}, {eventbridge: {name: 'cos-ci-binder-dev-putbucket'}}]) => ({
	service: 'cos-ci-binder',
	provider: {name: 'tencent', region: 'ap-guangzhou', stage: 'dev', role: 'CosCiBinderRole', environment: {BINDER_CONCURRENCY: '8'}},
	functions: {binder: {handler: 'index.main_handler', events}},
});
const zip = (version = 1) => createZip([{name: 'index.js', data: `exports.main_handler = async () => ${version};`}]);

/** A fake with its own clock, the plugin's API client, and a wait that sleeps on that clock. */
async function setup(options: {codeSha256?: CodeShaMode; times?: typeof TIMES; timeoutMs?: number} = {}) {
	const clock = new ManualClock();
	const fake = await startFakeTencentCloud({credentials: [KEY], clock, transitionMs: options.times ?? TIMES, codeSha256: options.codeSha256});
	const api = new TencentApi({region: 'ap-guangzhou', credentials: KEY, env: {TENCENTCLOUD_API_CONNECT_TO: fake.url}, sleep: async () => {}});
	const slept: number[] = [];
	const wait: Wait = {
		intervalMs: 1000,
		timeoutMs: options.timeoutMs ?? 60_000,
		sleep: async (ms) => {
			slept.push(ms);
			clock.advance(ms);
		},
		now: () => clock.now(),
	};
	const logs: string[] = [];
	const log = (message: string) => logs.push(message);
	const close = async () => {
		api.close();
		await fake.close();
	};
	return {clock, fake, api, wait, slept, logs, log, close};
}

const actions = (fake: FakeTencentCloud) => fake.calls.map((call) => call.action);

test('first deploy waits out Creating and Updating on the clock: 4 s and 3 s, one poll a second, and only then the target', async () => {
	const {clock, fake, api, wait, slept, log, close} = await setup();
	try {
		const start = clock.now();
		const changes = await deployService({plan: buildPlan(service()), zip: zip(), api, wait, log});
		assert.equal(changes, [
			`created function ${FUNCTION}`,
			'created timer trigger sweep',
			'created http trigger url',
			`updated configuration of ${FUNCTION} (deploy record)`,
			'created EventBridge rule cos-ci-binder-dev-putbucket',
			`created target ${FUNCTION} of EventBridge rule cos-ci-binder-dev-putbucket`,
		]);
		assert.is(clock.now() - start, TIMES.create + TIMES.update, 'waited exactly as long as the states lasted');
		assert.equal(slept, [1000, 1000, 1000, 1000, 1000, 1000, 1000]);
		const sequence = actions(fake);
		const created = sequence.indexOf('CreateFunction');
		assert.equal(sequence.slice(created, created + 6), ['CreateFunction', 'GetFunction', 'GetFunction', 'GetFunction', 'GetFunction', 'GetFunction'], 'Creating at 0, 1, 2, 3 s; Active at 4 s');
		assert.ok(fake.calls.every((call) => !call.error || (call.action === 'GetFunction' && call.error === 'ResourceNotFound.Function')), 'no call was refused: nothing was sent to a function still Creating or Updating');
		assert.ok(sequence.indexOf('CreateTarget') > sequence.lastIndexOf('UpdateFunctionConfiguration'));

		fake.clearCalls();
		const before = clock.now();
		assert.equal(await deployService({plan: buildPlan(service()), zip: zip(), api, wait, log}), []);
		assert.equal(fake.mutatingCalls(), []);
		assert.is(clock.now(), before, 'nothing to wait for');
	} finally {
		await close();
	}
});

test('a function that stays Creating past the wait times out on the clock, with the last status', async () => {
	const {clock, api, wait, log, close} = await setup({times: {create: 120_000, update: 0, delete: 0}, timeoutMs: 10_000});
	try {
		const start = clock.now();
		try {
			await deployService({plan: buildPlan(service()), zip: zip(), api, wait, log});
			assert.unreachable('should have timed out');
		} catch (error) {
			assert.match((error as Error).message, new RegExp(`SCF function default/${FUNCTION} did not become Active within 10 s \\(last status Creating\\)`));
			assert.is((error as {code?: string}).code, 'WaitTimeout');
		}
		assert.is(clock.now() - start, 10_000);
	} finally {
		await close();
	}
});

for (const mode of ['hex', 'base64', 'repackaged', 'absent'] as const) {
	test(`converges whatever GetFunctionAddress reports (CodeSha256 ${mode}): the second deploy changes nothing, a new zip is uploaded`, async () => {
		const {fake, api, wait, log, close} = await setup({codeSha256: mode});
		try {
			await deployService({plan: buildPlan(service()), zip: zip(1), api, wait, log});
			fake.clearCalls();
			assert.equal(await deployService({plan: buildPlan(service()), zip: zip(1), api, wait, log}), []);
			assert.equal(fake.mutatingCalls(), []);
			const changes = await deployService({plan: buildPlan(service()), zip: zip(2), api, wait, log});
			assert.equal(changes, [`updated code of ${FUNCTION} (the code package changed)`, `updated configuration of ${FUNCTION} (deploy record)`]);
			fake.clearCalls();
			assert.equal(await deployService({plan: buildPlan(service()), zip: zip(2), api, wait, log}), []);
		} finally {
			await close();
		}
	});
}

test('with CodeSha256 absent the record is trusted: a console edit of the code is not noticed (the documented limit)', async () => {
	const {clock, fake, api, wait, log, close} = await setup({codeSha256: 'absent'});
	try {
		await deployService({plan: buildPlan(service()), zip: zip(1), api, wait, log});
		fake.consoleUpdateCode({region: 'ap-guangzhou', name: FUNCTION}, zip(99));
		clock.advance(TIMES.update);
		assert.equal(await deployService({plan: buildPlan(service()), zip: zip(1), api, wait, log}), []);
	} finally {
		await close();
	}
});

test('a function made by hand (no record): same-named triggers are taken over, others left alone, then managed by the record', async () => {
	const {clock, fake, api, wait, log, logs, close} = await setup();
	try {
		await api.call('scf', 'CreateFunction', {FunctionName: FUNCTION, Runtime: 'Nodejs18.15', Handler: 'index.main_handler', Code: {ZipFile: zip(0).toString('base64')}});
		clock.advance(TIMES.create);
		await api.call('scf', 'CreateTrigger', {FunctionName: FUNCTION, TriggerName: 'sweep', Type: 'timer', TriggerDesc: '0 0 1 * * * *'});
		await api.call('scf', 'CreateTrigger', {FunctionName: FUNCTION, TriggerName: 'nightly', Type: 'timer', TriggerDesc: '0 0 2 * * * *'});
		const plan = buildPlan(service([{timer: {name: 'sweep', cron: '0 0 */6 * * * *'}}]));
		const changes = await deployService({plan, zip: zip(), api, wait, log});
		assert.equal(changes, [
			`updated code of ${FUNCTION} (no deploy record on the function)`,
			'updated timer trigger sweep',
			`updated configuration of ${FUNCTION} (timeout, description, role, environment, deploy record)`,
		]);
		assert.ok(logs.some((line) => /timer trigger sweep was not created by serverless; taking it over/.test(line)));
		assert.ok(logs.some((line) => /left alone, not created by serverless: timer\/nightly/.test(line)));
		const names = () => fake.functions()[0]!.triggers.map((trigger) => trigger.name).sort();
		assert.equal(names(), ['nightly', 'sweep']);
		// Dropping sweep from the configuration now deletes it (it is in the record); nightly still stays.
		assert.equal(await deployService({plan: buildPlan(service([])), zip: zip(), api, wait, log}), ['deleted timer trigger sweep', `updated configuration of ${FUNCTION} (deploy record)`]);
		assert.equal(names(), ['nightly']);
	} finally {
		await close();
	}
});

test('remove waits out Updating and Deleting on the clock, and deletes only what serverless manages before the function', async () => {
	const {clock, fake, api, wait, log, close} = await setup();
	try {
		const plan = buildPlan(service());
		await deployService({plan, zip: zip(), api, wait, log});
		fake.consoleAddTrigger({region: 'ap-guangzhou', name: FUNCTION}, {type: 'timer', name: 'manual', desc: '{"cron":"0 0 3 * * * *"}'});
		fake.consoleUpdateCode({region: 'ap-guangzhou', name: FUNCTION}, zip(5)); // Updating for 3 s
		fake.clearCalls();
		const start = clock.now();
		const changes = await removeService({plan, api, wait, log});
		assert.equal(changes, ['deleted EventBridge rule cos-ci-binder-dev-putbucket', 'deleted timer trigger sweep', 'deleted http trigger url', `deleted function ${FUNCTION}`]);
		assert.is(clock.now() - start, TIMES.update + TIMES.delete);
		assert.equal(fake.functions(), []);
		assert.equal(fake.rules(), []);
		assert.equal(fake.targets(), []);
		assert.ok(fake.calls.every((call) => !call.error || call.error === 'ResourceNotFound.Function'));
	} finally {
		await close();
	}
});

test('API: a network error on a read is retried, then reported (loopback port with nothing listening)', async () => {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as {port: number};
	await new Promise<void>((resolve) => server.close(() => resolve()));
	let sleeps = 0;
	const client = new TencentApi({
		region: 'ap-guangzhou',
		credentials: {secretId: 'AKIDx', secretKey: 'k'},
		env: {TENCENTCLOUD_API_CONNECT_TO: `http://127.0.0.1:${port}`},
		async sleep() {
			sleeps++;
		},
	});
	try {
		await client.call('scf', 'GetFunction', {FunctionName: 'x'});
		assert.unreachable('should have thrown');
	} catch (error) {
		assert.match((error as Error).message, /scf GetFunction failed in ap-guangzhou: request failed/);
		assert.is(sleeps, 2, 'three attempts');
	}
});

test.run();
