import {randomBytes} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {parseArgs} from 'node:util';
import {createClient, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_RETRY, type Client} from '../client/client.js';
import {hosts, parseEndpoint} from '../client/endpoint.js';
import {sendRequest, type ApiRequest, type SendSettings} from '../client/request.js';
import {createCloudApi, parseConnectTo, type CloudApi} from '../cloud-api/client.js';
import {deployerCredentials} from '../cloud-api/credentials.js';
import {CloudApiError} from '../cloud-api/cloud-api-error.js';
import {secretsOf} from '../function/secrets.js';
import {redact} from '../utils/redact.js';
import {sleep} from '../utils/retry.js';
import {bucketResultLine, runCanary, type CanaryDeps, type CanaryOutcome} from './canary.js';
import {
	checkCanary,
	checkCloudAudit,
	checkCode,
	checkEventBridge,
	checkFunction,
	checkHealthz,
	checkKeys,
	checkRole,
	checkRolePolicy,
	checkRuntime,
	checkStatus,
	checkTimer,
	checkUrlTrigger,
	type CheckResult,
} from './checks.js';
import {inspect, type Facts, type InspectDeps} from './inspect.js';
import {readServiceConfig, ServiceConfigError, type DeploymentSpec} from './service-config.js';

// `cos-ci-binder doctor`: read serverless.yml, look at the deployment with read-only calls, optionally run the
// canary, print one line per check. The verdicts live in checks.ts, the gathering in inspect.ts; this file is the
// command around them (options, clients, printing, Ctrl-C).

/** Where the command writes and what it waits with; tests pass their own clock and signal. */
export type DoctorIo = {
	/** One line to stdout (already scrubbed by the caller's printer). */
	line: (text: string) => void;
	/** One line to stderr. */
	errorLine: (text: string) => void;
	/** Raw text to stderr (the progress line), or undefined when stderr is not a terminal. */
	progress?: (text: string) => void;
	/** Monotonic milliseconds. */
	now: () => number;
	/** Epoch milliseconds. @default Date.now */
	wallNow?: () => number;
	/** @default setTimeout, abortable */
	sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
	/** Aborts the canary's wait like Ctrl-C. When absent, SIGINT/SIGTERM do it. */
	signal?: AbortSignal;
	/** A request to the function URL. @default fetch */
	http?: InspectDeps['http'];
};

/** A mistake in how doctor was called or configured: exit 2, nothing sent. */
export class DoctorUsageError extends Error {
	override readonly name = 'DoctorUsageError' as const;
}

/** The canary waits this long by default: "the audit trail can take minutes". */
export const DEFAULT_CANARY_TIMEOUT_SECONDS = 600;
/** After the bucket is bound, keep looking for the function's log line this long (log delivery lags). */
const LOG_WAIT_MS = 60_000;
const HTTP_TIMEOUT_MS = 15_000;
const MAX_HTTP_BODY = 64 * 1024;
// Carriage return, then "erase the whole line" (ECMA-48 EL, CSI 2 K), as the other progress lines do.
const ERASE_LINE = '\r\u001B[2K';

/** The canary's wait: like utils/retry's sleep, but rejecting with the signal's reason, as the canary expects of an interrupted wait. */
async function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
	if (!(await sleep(ms, signal))) {
		throw signal.reason;
	}
}

/** GET/POST with a bounded time and body: the function URL is outside input. */
async function fetchUrl(request: Parameters<InspectDeps['http']>[0]): Promise<{status: number; body: string}> {
	const response = await fetch(request.url, {method: request.method, headers: request.headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS)});
	const text = await response.text();
	return {status: response.status, body: text.slice(0, MAX_HTTP_BODY)};
}

function parseOptions(args: string[]) {
	let values;
	try {
		({values} = parseArgs({
			args,
			options: {
				stage: {type: 'string'},
				region: {type: 'string'},
				function: {type: 'string'},
				param: {type: 'string', multiple: true},
				config: {type: 'string'},
				canary: {type: 'boolean', default: false},
				'canary-timeout': {type: 'string'},
				json: {type: 'boolean', default: false},
			},
			allowPositionals: false,
			strict: true,
		}));
	} catch (error) {
		throw new DoctorUsageError((error as Error).message);
	}

	const timeoutText = values['canary-timeout'];
	const timeoutSeconds = timeoutText === undefined ? DEFAULT_CANARY_TIMEOUT_SECONDS : Number(timeoutText);
	if (!/^\d+$/.test(timeoutText ?? '600') || timeoutSeconds < 1 || timeoutSeconds > 3600) {
		throw new DoctorUsageError(`--canary-timeout must be whole seconds from 1 to 3600, got ${JSON.stringify(timeoutText)}`);
	}

	const params: Record<string, string> = {};
	for (const pair of values.param ?? []) {
		const index = pair.indexOf('=');
		if (index < 1) {
			throw new DoctorUsageError(`--param must be name=value, got ${JSON.stringify(pair)}`);
		}

		params[pair.slice(0, index)] = pair.slice(index + 1);
	}

	return {
		stage: values.stage,
		region: values.region,
		functionKey: values.function,
		params,
		config: values.config ?? 'serverless.yml',
		canary: values.canary === true,
		canaryTimeoutMs: timeoutSeconds * 1000,
		json: values.json === true,
	};
}

/** PutBucket / DeleteBucket for the canary, signed like every other COS call (lib/client/request.ts), with the deployer's keys. */
function cosBuckets(runEnv: Record<string, string | undefined>, credentials: {secretId: string; secretKey: string; sessionToken?: string}) {
	const endpoint = runEnv.BINDER_ENDPOINT ? parseEndpoint(runEnv.BINDER_ENDPOINT) : undefined;
	const engine: SendSettings = {
		credentials,
		endpoint,
		retry: DEFAULT_RETRY,
		timeoutMs: 20_000,
		maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
		clock: {offsetMs: 0},
	};
	const request = (operation: 'PutBucket' | 'DeleteBucket', bucket: string, region: string): ApiRequest => ({
		operation,
		method: operation === 'PutBucket' ? 'PUT' : 'DELETE',
		virtualHost: hosts.bucketCos(bucket, region),
		path: '/',
		bucket,
		region,
		// A create whose answer was lost is not sent again (the bucket may be there now); a delete may be.
		retryAmbiguous: operation === 'DeleteBucket',
	});
	return {
		putBucket: async (bucket: string, region: string) => void (await sendRequest(engine, request('PutBucket', bucket, region))),
		deleteBucket: async (bucket: string, region: string) => void (await sendRequest(engine, request('DeleteBucket', bucket, region))),
	};
}

/** `ccb-canary-<8 random>-<appid>`: lower-case letters and digits, as bucket names allow. */
export function canaryBucketName(appId: string, random: () => string = () => randomBytes(6).readUIntBE(0, 6).toString(36).padStart(8, '0').slice(-8)): string {
	return `ccb-canary-${random()}-${appId}`;
}

/** The function's log line for the canary, from CLS (SCF writes its logs there: 583/43329; GetFunctionLogs is offline since 2021-07-01, 583/39328). */
function logFinder(api: CloudApi, facts: Facts, wallNow: () => number): CanaryDeps['findLog'] {
	const detail = facts.fn.value;
	return async (bucket, sinceMs) => {
		const level = detail?.Environment?.Variables?.find((variable) => variable.Key === 'BINDER_LOG_LEVEL')?.Value;
		if (level === 'warn' || level === 'error') {
			throw new Error(`the function logs at ${level} (BINDER_LOG_LEVEL), so a successful bind writes no line`);
		}

		if (!detail?.ClsTopicId) {
			throw new Error('the function delivers no logs to CLS (GetFunction reports no ClsTopicId)');
		}

		const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;
		const {spec} = facts;
		const answer = await api.call<{Results?: Array<{LogJson?: string}>}>(
			'cls',
			'SearchLog',
			{
				TopicId: detail.ClsTopicId,
				// A minute either side: the function's clock and ours differ a little; the window is [From, To).
				From: sinceMs - 60_000,
				To: wallNow() + 60_000,
				QueryString: `SCF_Namespace:${quote(spec.function.namespace)} AND SCF_FunctionName:${quote(spec.function.name)} AND SCF_Message:${quote(bucket)}`,
				QuerySyntax: 1,
				Limit: 100,
				Sort: 'asc',
			},
			{region: spec.region},
		);
		const messages = (answer.Results ?? []).map((result) => {
			try {
				return String((JSON.parse(result.LogJson ?? '{}') as {SCF_Message?: unknown}).SCF_Message ?? '');
			} catch {
				return '';
			}
		});
		return bucketResultLine(messages, bucket);
	};
}

const SYMBOL = {pass: '✔', fail: '✘', unverified: '?'} as const;

function formatCheck(result: CheckResult, width: number): string {
	const symbol = result.ok ? SYMBOL.pass : result.unverified ? SYMBOL.unverified : SYMBOL.fail;
	const head = `${symbol} ${result.check.padEnd(width)}  ${result.detail}`;
	return result.fix ? `${head}\n  ${' '.repeat(width)}  fix: ${result.fix}` : head;
}

const CHECK_WIDTH = 'cloudaudit-delivery'.length;

export type DoctorContext = {
	args: string[];
	/** The environment with the emulator's demo keys filled in for a loopback BINDER_ENDPOINT (as the other commands run). */
	runEnv: NodeJS.ProcessEnv;
	io: DoctorIo;
	/** The project folder. @default process.cwd() */
	cwd?: string;
};

/**
Run doctor; resolves with the exit code: 0 when every check passed, 1 otherwise. Throws a DoctorUsageError (bad
options or serverless.yml) or a BinderError `MissingCredentials` / `InvalidConfig` before any request: exit 2.
*/
export async function runDoctor(context: DoctorContext): Promise<number> {
	const options = parseOptions(context.args);
	const {io, runEnv} = context;
	const wallNow = io.wallNow ?? Date.now;
	const wait = io.sleep ?? abortableSleep;

	// Everything is read and checked before the first request: the file, the overrides, the keys.
	const file = path.resolve(context.cwd ?? process.cwd(), options.config);
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		throw new DoctorUsageError(`cannot read ${options.config} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): run doctor in the project folder, or name the file with --config`);
	}

	let spec: DeploymentSpec;
	try {
		spec = readServiceConfig(text, {stage: options.stage, region: options.region, functionKey: options.functionKey, params: options.params, env: runEnv});
	} catch (error) {
		if (error instanceof ServiceConfigError) {
			throw new DoctorUsageError(error.message);
		}

		throw error;
	}

	const connectTo = parseConnectTo(runEnv);
	if (runEnv.BINDER_ENDPOINT) {
		parseEndpoint(runEnv.BINDER_ENDPOINT);
	}

	const credentials = deployerCredentials(runEnv);
	const secrets = [...secretsOf(runEnv), credentials.secretKey, ...(credentials.sessionToken ? [credentials.sessionToken] : [])];
	const scrub = (line: string) => redact(line, secrets);
	const print = (result: CheckResult) => io.line(scrub(options.json ? JSON.stringify(result) : formatCheck(result, CHECK_WIDTH)));

	const api = readOnly(createCloudApi({credentials, connectTo}));
	const client: Client = createClient({credentials, env: runEnv});
	if (!options.json) {
		io.errorLine(scrub(`doctor: ${spec.function.namespace}/${spec.function.name} in ${spec.region} (stage ${spec.stage}), keys from ${credentials.source}${runEnv.BINDER_ENDPOINT ? `, COS/CI at ${runEnv.BINDER_ENDPOINT}` : ''}${connectTo ? `, API 3.0 at ${connectTo.host}:${connectTo.port}` : ''}`));
	}

	const facts = await inspect(spec, {api, client, http: io.http ?? fetchUrl, env: runEnv});
	// The function's own secrets (its HTTP token, webhook secret) were read with its configuration: never printed.
	const functionEnv = Object.fromEntries((facts.fn.value?.Environment?.Variables ?? []).map((variable) => [String(variable.Key), String(variable.Value ?? '')]));
	secrets.push(...secretsOf(functionEnv));

	const results: CheckResult[] = [];
	const report = (result: CheckResult) => {
		results.push(result);
		print(result);
	};

	for (const check of [checkKeys, checkFunction, checkRuntime, checkCode, checkRole, checkTimer, checkUrlTrigger, checkEventBridge, checkHealthz, checkStatus]) {
		report(check(facts));
	}

	let canary: CanaryOutcome | undefined;
	if (options.canary) {
		const appId = facts.appId.value;
		if (facts.keysRefused || !appId) {
			report({check: 'canary', ok: false, detail: facts.keysRefused ? 'not run: the keys were refused' : 'not run: the APPID is unknown, and the bucket name needs it', fix: facts.keysRefused ? 'fix the keys first' : 'Set TENCENTCLOUD_APPID, or let the key call cam:GetUserAppId.'});
		} else {
			canary = await withCanary(spec, facts, {api, client, runEnv, credentials, io, sleep: wait, wallNow, scrub, timeoutMs: options.canaryTimeoutMs, json: options.json});
			report(checkCanary(canary, {timeoutMs: options.canaryTimeoutMs}));
		}
	}

	report(checkRolePolicy(facts, canary));
	report(checkCloudAudit(facts, canary));

	const passed = results.filter((result) => result.ok).length;
	const open = results.filter((result) => result.unverified).length;
	const failed = results.length - passed - open;
	io.errorLine(`doctor: ${passed} passed, ${failed} failed${open > 0 ? `, ${open} not verified` : ''}${!options.canary && open > 0 ? ' (--canary proves the event path)' : ''}`);
	return failed === 0 && open === 0 ? 0 : 1;
}

/** Doctor makes no change through API 3.0: only Get/List/Search actions go out. */
function readOnly(api: CloudApi): CloudApi {
	return {
		call(service, action, params, options) {
			if (!/^(Get|List|Describe|Search)/.test(action)) {
				return Promise.reject(new CloudApiError(`internal: doctor does not call ${service} ${action}`, {code: 'InternalError', service, action}));
			}

			return api.call(service, action, params, options);
		},
	};
}

type CanaryRun = {
	api: CloudApi;
	client: Client;
	runEnv: Record<string, string | undefined>;
	credentials: {secretId: string; secretKey: string; sessionToken?: string};
	io: DoctorIo;
	sleep: (ms: number, signal: AbortSignal) => Promise<void>;
	wallNow: () => number;
	scrub: (text: string) => string;
	timeoutMs: number;
	json: boolean;
};

/** The canary with its live line and its Ctrl-C handling: the first interrupt ends the wait (the bucket is still deleted), a second one exits. */
async function withCanary(spec: DeploymentSpec, facts: Facts, run: CanaryRun): Promise<CanaryOutcome> {
	const {io} = run;
	const bucket = canaryBucketName(facts.appId.value!);
	const controller = new AbortController();
	const external = io.signal;
	const onExternal = () => controller.abort();
	external?.addEventListener('abort', onExternal, {once: true});
	const onSignal = () => {
		if (controller.signal.aborted) {
			io.errorLine(run.scrub(`\ndoctor: interrupted again; ${bucket} (${spec.region}) may be left behind: delete it in the COS console`));
			process.exit(1);
		}

		controller.abort();
		io.errorLine(run.scrub(`\ndoctor: interrupted; deleting ${bucket}…`));
	};

	if (!external) {
		process.on('SIGINT', onSignal);
		process.on('SIGTERM', onSignal);
	}

	const started = io.now();
	let last = 'creating the bucket';
	let shown = '';
	// Redrawn each second (the elapsed time moves) and at each status read; an unchanged line is not written again.
	const draw = () => {
		const line = `canary ${bucket}: waiting for CI on · ${clock(io.now() - started)} of ${clock(run.timeoutMs)} · ${last}`;
		if (line !== shown) {
			shown = line;
			io.progress?.(`${ERASE_LINE}${line}`);
		}
	};

	let polled = false;
	const timer = io.progress && !run.json ? setInterval(() => polled && draw(), 1000) : undefined;
	timer?.unref();
	if (!run.json) {
		io.line(run.scrub(`canary: creating ${bucket} in ${spec.region}; waiting up to ${clock(run.timeoutMs)} for its CI status to be on (Ctrl-C stops and deletes it)`));
	}

	try {
		const cos = cosBuckets(run.runEnv, run.credentials);
		return await runCanary(
			{bucket, region: spec.region, timeoutMs: run.timeoutMs, logWaitMs: LOG_WAIT_MS, signal: controller.signal},
			{
				...cos,
				getStatus: async (name, region) => (await run.client.getStatus(name, region)).status,
				findLog: logFinder(run.api, facts, run.wallNow),
				now: io.now,
				wallNow: run.wallNow,
				sleep: run.sleep,
				onPoll: ({status, error}) => {
					last = status ? `status ${status}` : `no status yet (${error ?? 'unknown'})`;
					polled = true;
					if (timer) {
						draw();
					}
				},
			},
		);
	} finally {
		if (timer) {
			clearInterval(timer);
			io.progress?.(ERASE_LINE);
		}

		external?.removeEventListener('abort', onExternal);
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
	}
}

/** `1m05s`. */
function clock(ms: number): string {
	const seconds = Math.max(0, Math.round(ms / 1000));
	return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
