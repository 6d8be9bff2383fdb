// A whole deployment on loopback, for `doctor`: the repository's serverless.yml resolved by the real serverless CLI
// (`serverless print`, once per process), deployed by the plugin's own converge code into the API fake, the
// function served as its function URL (the fake reports that URL), logging into the fake's CLS topic, with the
// emulator as COS/CI and, optionally, EventBridge: a bucket created in the emulator delivers a CloudAudit PutBucket
// event to the function, as the cloud-service bus would.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {createZip} from '../../deploy/zip.mjs';
import {putBucketEvent} from '../../lib/cli/start.js';
import {DEMO_CREDENTIALS, startEmulator, type Emulator} from '../../lib/emulator/index.js';
import {handle} from '../../lib/function/main-handler.js';
import {serveFunction, type LocalServer} from '../../lib/function/local-server.js';
import {ROOT} from './paths.js';
import {runProcess} from './process.js';
import {shippedPolicy, shippedTrust} from './policies.js';
import {ManualClock, startFakeTencentCloud, type FakeOptions, type FakeTencentCloud, type FunctionRef} from './fake-tencentcloud-api.js';

const require = createRequire(import.meta.url);
type Api = {call: (service: string, action: string, params?: unknown) => Promise<any>; close: () => void};
const {TencentApi} = require('../../deploy/serverless-tencent/api.cjs') as {
	TencentApi: new (options: {region: string; credentials: {secretId: string; secretKey: string}; env?: Record<string, string>; sleep?: (ms: number) => Promise<void>}) => Api;
};
const {buildPlan} = require('../../deploy/serverless-tencent/plan.cjs') as {buildPlan: (service: unknown, options?: {region?: string; stage?: string}) => any};
const {deployService} = require('../../deploy/serverless-tencent/converge.cjs') as {
	deployService: (options: {plan: unknown; zip: Buffer; api: Api; wait: unknown; log: (message: string) => void}) => Promise<string[]>;
};

export const APP_ID = '1250000000';
export const REGION = 'ap-guangzhou';
export const FUNCTION = 'cos-ci-binder-dev-binder';
export const RULE = 'cos-ci-binder-dev-putbucket';
export const HTTP_TOKEN = 'doctor-http-token-0123456789abcdef';
/** The deploying key: a sub-account's, accepted by the API fake and by the emulator (the canary's COS calls). */
export const DEPLOYER = {secretId: 'AKIDdoctordeployer0001', secretKey: 'doctor-deployer-secret-0001', subAccountUin: '100000000002'};
/** The execution role's temporary keys, as SCF hands them to the function. */
export const ROLE_KEY = {secretId: 'AKIDdoctorrole00000001', secretKey: 'doctor-role-secret-0001', sessionToken: 'doctor-role-session-token-0001'};
export const REF: FunctionRef = {region: REGION, name: FUNCTION};

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-'));
// Test files share one process (and this module): the folders go when the process does.
process.on('exit', () => fs.rmSync(work, {recursive: true, force: true}));
/** A HOME without ~/.tencentcloud/credentials, for every run. */
export const HOME = path.join(work, 'home');
fs.mkdirSync(HOME, {recursive: true});

/** The repository's serverless.yml, as doctor reads it (a copy, optionally edited). */
export function serviceFile(edit: (yaml: string) => string = (yaml) => yaml): string {
	const file = path.join(fs.mkdtempSync(path.join(work, 'service-')), 'serverless.yml');
	fs.writeFileSync(file, edit(fs.readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8')));
	return file;
}

/** `serverless print --format json` of a serverless file: the configuration the deploy would act on. */
export async function serverlessPrint(file: string, args: string[] = [], env: Record<string, string> = {}): Promise<any> {
	const dir = path.dirname(file);
	if (!fs.existsSync(path.join(dir, 'deploy'))) {
		fs.symlinkSync(path.join(ROOT, 'deploy'), path.join(dir, 'deploy'), 'dir');
		fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
	}

	const childEnv = {PATH: process.env.PATH ?? '/usr/bin:/bin', HOME, LANG: 'C.UTF-8', FORCE_COLOR: '0', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', BINDER_HTTP_TOKEN: HTTP_TOKEN, ...env};
	const run = await runProcess(process.execPath, [path.join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'print', '--format', 'json', ...args], {cwd: dir, env: childEnv});
	if (run.code !== 0) {
		throw new Error(`serverless print exited ${run.code}: ${run.stderr}${run.stdout}`);
	}

	return JSON.parse(run.stdout);
}

let printed: Promise<any> | undefined;
/** The repository's serverless.yml as serverless resolves it for stage dev (once per process). */
const repositoryConfig = () => (printed ??= serverlessPrint(serviceFile()));

export type Deployment = {
	emulator: Emulator;
	fake: FakeTencentCloud;
	server: LocalServer;
	/** The environment doctor runs with: the deploying key, the emulator, the API fake, a clean HOME. */
	env: Record<string, string>;
	/** The function's environment, as served. */
	functionEnv: Record<string, string>;
	/** Requests the function handled (log lines appended to CLS). */
	logs: string[];
	/** The plugin's API client on the fake (to change the deployment behind doctor's back). */
	api: Api;
	deploy: () => Promise<string[]>;
	/** Resolves once every event delivered so far has been handled by the function. */
	settled: () => Promise<void>;
	close: () => Promise<void>;
};

export type DeploymentOptions = {
	/** A bucket created in the emulator reaches the function as a CloudAudit event. @default true */
	deliverEvents?: boolean;
	/** Create the execution role in CAM. @default true */
	role?: false | {trustPolicy?: unknown; policies?: Array<{name: string; document: unknown; type?: 1 | 2}>};
	fake?: FakeOptions;
	/** The emulator's APPID. @default APP_ID */
	emulatorAppId?: string;
	/** Accept the role's keys in the emulator. @default true */
	roleKeyAccepted?: boolean;
	/** Skip the deploy (no function). */
	deployed?: boolean;
	/** Extra function environment, deployed and served, e.g. `{BINDER_SERVICES: 'ci,media'}` (as `--param` or the shell would set it). */
	environment?: Record<string, string>;
};

export async function startDeployment(options: DeploymentOptions = {}): Promise<Deployment> {
	const emulator = await startEmulator({
		appId: options.emulatorAppId ?? APP_ID,
		credentials: [DEMO_CREDENTIALS, {secretId: DEPLOYER.secretId, secretKey: DEPLOYER.secretKey}, ...(options.roleKeyAccepted === false ? [] : [ROLE_KEY])],
	});
	const fake = await startFakeTencentCloud({credentials: [DEPLOYER], codeSha256: 'hex', ...options.fake});
	if (options.role !== false) {
		fake.addRole({name: 'CosCiBinderRole', trustPolicy: options.role?.trustPolicy ?? shippedTrust(), policies: options.role?.policies ?? [{name: 'CosCiBinderPolicy', document: shippedPolicy(APP_ID)}]});
	}

	const api = new TencentApi({region: REGION, credentials: DEPLOYER, env: {TENCENTCLOUD_API_CONNECT_TO: fake.url}, sleep: async () => {}});
	const printed = await repositoryConfig();
	const config = {...printed, provider: {...printed.provider, environment: {...printed.provider.environment, ...options.environment}}};
	const zip = createZip([{name: 'index.js', data: 'exports.main_handler = async () => "bundled elsewhere";'}]);
	// SCF's Creating/Updating last the fake's clock time: a manual clock is advanced by the deploy's own waits.
	const wait = {intervalMs: 1000, timeoutMs: 600_000, sleep: async (ms: number) => (fake.clock instanceof ManualClock ? fake.clock.advance(ms) : undefined), now: () => fake.clock.now()};
	const deploy = () => deployService({plan: buildPlan(config), zip, api, wait, log: () => {}});
	if (options.deployed !== false) {
		await deploy();
	}

	const functionEnv: Record<string, string> = {
		...Object.fromEntries(Object.entries(config.provider.environment as Record<string, string>).filter(([, value]) => value !== '')),
		BINDER_ENDPOINT: emulator.url,
		TENCENTCLOUD_SECRETID: ROLE_KEY.secretId,
		TENCENTCLOUD_SECRETKEY: ROLE_KEY.secretKey,
		TENCENTCLOUD_SESSIONTOKEN: ROLE_KEY.sessionToken,
		TENCENTCLOUD_REGION: REGION,
		TENCENTCLOUD_APPID: APP_ID,
	};
	const logs: string[] = [];
	const writeLog = (requestId: string) => (line: string) => {
		logs.push(line);
		if (options.deployed !== false) {
			fake.appendLog(REF, {message: line, requestId});
		}
	};

	let served = 0;
	const server = await serveFunction({env: functionEnv, write: (line) => writeLog(`http-${++served}`)(line)});
	if (options.deployed !== false) {
		fake.setFunctionUrl(REF, server.url);
	}

	const pending = new Set<Promise<unknown>>();
	let delivered = 0;
	emulator.on('bucket-created', (created) => {
		if (options.deliverEvents === false) {
			return;
		}

		const requestId = `eb-${++delivered}`;
		const deadline = Date.now() + 300_000;
		const run = handle(putBucketEvent(created.bucket, created.region, created.appId, created.requestId), {request_id: requestId, function_name: FUNCTION, getRemainingTimeInMillis: () => deadline - Date.now()}, {env: functionEnv, write: writeLog(requestId)}).catch(() => undefined);
		pending.add(run);
		void run.finally(() => pending.delete(run));
	});

	return {
		emulator,
		fake,
		server,
		env: {
			HOME,
			PATH: process.env.PATH ?? '',
			TENCENTCLOUD_SECRET_ID: DEPLOYER.secretId,
			TENCENTCLOUD_SECRET_KEY: DEPLOYER.secretKey,
			BINDER_ENDPOINT: emulator.url,
			TENCENTCLOUD_API_CONNECT_TO: fake.url,
		},
		functionEnv,
		logs,
		api,
		deploy,
		async settled() {
			while (pending.size > 0) {
				await Promise.all(pending);
			}
		},
		async close() {
			await Promise.all(pending);
			api.close();
			await server.close();
			await fake.close();
			await emulator.close();
		},
	};
}

