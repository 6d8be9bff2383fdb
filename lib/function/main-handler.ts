import {type BinderCode, isBinderError} from '../core/errors.js';
import type {BucketResult} from '../core/results.js';
import {bindTargets} from '../binder/batch.js';
import {compilePolicy, policyOf} from '../binder/services.js';
import {checkStatus} from '../binder/status.js';
import {loadConfig, type BinderConfig} from './config.js';
import {parseEvent, type HttpFlavor, type HttpRequest, type ParsedEvent} from './events/index.js';
import {jsonReply, routeHttp, type HttpReply} from './http-api.js';
import {Invocation, invocationResult, type InvocationHeader, type InvocationResult, type PlanOutcome} from './invocation.js';
import {createLogger} from './logger.js';
import {scrub, secretsOf} from './secrets.js';

export {TransientFailureError, type InvocationResult} from './invocation.js';

/** The parts of the SCF / Lambda context the handler reads; all optional, all untrusted. */
export type HandlerContext = {
	request_id?: string;
	awsRequestId?: string;
	function_name?: string;
	functionName?: string;
	tencentcloud_region?: string;
	tencentcloud_appid?: string | number;
	getRemainingTimeInMillis?: () => number;
	time_limit_in_ms?: number;
	callbackWaitsForEmptyEventLoop?: boolean;
};

/**
An HTTP reply: `{statusCode, headers, body}` as the SCF function URL documents it (docs 583/96099), plus
`isBase64Encoded: false` for the gateways (API Gateway integration response, docs 583/12513; AWS).
*/
export type HandlerHttpReply = HttpReply & {isBase64Encoded?: false};

/** What a local runner (the CLI, tests, the bench) hands the handler instead of the platform's defaults. */
export type HandlerHooks = {
	/** The environment settings and keys are read from. @default process.env */
	env?: Record<string, string | undefined>;
	/** Where log lines go. @default process.stdout */
	write?: (line: string) => void;
	/** The fetch of the service client and the webhook. */
	fetch?: typeof fetch;
};

/** Longest a webhook delivery may take for an HTTP request: its caller is waiting for the reply. */
const HTTP_WEBHOOK_MAX_MS = 3000;

let coldStart = true;
let invocationCounter = 0;

/**
The one entry point for every trigger: EventBridge/CloudAudit bucket creation, COS triggers, timers,
and HTTP (SCF function URL, API Gateway, AWS API Gateway v1/v2, Lambda function URL).
event → plan → bind → results → logs / webhook / reply.
*/
export async function handle(event: unknown, rawContext: unknown, hooks: HandlerHooks = {}): Promise<InvocationResult | HandlerHttpReply> {
	const env = hooks.env ?? process.env;
	// Read once: the list walks the whole environment, and an invocation's environment does not change.
	const secrets = secretsOf(env);
	return scrubReturned(await handleEvent(event, rawContext, env, secrets, hooks), secrets);
}

/**
Remove every secret from what is handed back (logs and webhooks are scrubbed on their own): an
upstream message could echo one, and the platform shows return values in its console.
*/
function scrubReturned<T extends InvocationResult | HandlerHttpReply>(value: T, secrets: readonly string[]): T {
	if ('statusCode' in value) {
		return {...value, body: scrub(value.body, secrets)};
	}

	const text = JSON.stringify(value);
	const clean = scrub(text, secrets);
	return clean === text ? value : (JSON.parse(clean) as T);
}

async function handleEvent(event: unknown, rawContext: unknown, env: Record<string, string | undefined>, secrets: readonly string[], hooks: HandlerHooks): Promise<InvocationResult | HandlerHttpReply> {
	const started = Date.now();
	const context = (typeof rawContext === 'object' && rawContext !== null ? rawContext : {}) as HandlerContext;
	const requestId = (scalar(context.request_id) ?? scalar(context.awsRequestId) ?? `local-${process.pid}-${++invocationCounter}`).slice(0, 128);
	const functionName = (scalar(context.function_name) ?? scalar(context.functionName) ?? env.SCF_FUNCTIONNAME ?? 'cos-ci-binder').slice(0, 128);
	const wasCold = coldStart;
	coldStart = false;
	
	let config: BinderConfig | undefined;
	let configError: {code: BinderCode; message: string} | undefined;
	try {
		config = loadConfig(env);
	} catch (error) {
		configError = {code: isBinderError(error) ? error.code : 'InvalidConfig', message: (error as Error).message};
	}

	const appId = scalar(context.tencentcloud_appid) ?? config?.appId;
	const region = scalar(context.tencentcloud_region) ?? config?.functionRegion;
	const parsed = parseEvent(event, {appId, region, bucketPaths: config?.eventBucketPaths, regionPaths: config?.eventRegionPaths});
	const log = createLogger({level: config?.logLevel ?? 'info', base: {requestId, functionName, trigger: parsed.trigger, coldStart: wasCold}, secrets, write: hooks.write});
	log.debug('event received', {kind: parsed.kind});

	const base: InvocationHeader = {requestId, trigger: parsed.trigger, startedAt: new Date(started).toISOString()};
	if (config === undefined) {
		log.error('invalid configuration', {code: configError!.code, error: configError!.message});
		const result = invocationResult(base, started, [], {error: configError});
		// Callers of the HTTP API may be anyone: they learn that it is misconfigured, the logs say how.
		const publicError = {code: 'InvalidConfig' satisfies BinderCode, message: 'the function is misconfigured; its logs name the setting'};
		return parsed.kind === 'http' ? replyFor(parsed.request.flavor, jsonReply(500, {error: publicError, requestId})) : parsed.trigger === 'http' ? httpReply(jsonReply(500, {error: publicError, requestId})) : result;
	}

	if (parsed.kind === 'invalid' && parsed.trigger === 'http') {
		// A request the gateway could not have meant: the caller gets a 400, not a non-HTTP result.
		log.warn('invalid http event', {code: 'InvalidEvent', error: parsed.message});
		return httpReply(jsonReply(400, {error: {code: 'InvalidRequest', message: parsed.message}, requestId}));
	}

	const invocation = new Invocation(config, log, remainingTime(context, started), env, hooks.fetch, {appId, region, functionName});
	try {
		if (parsed.kind === 'http') {
			return await handleHttp(parsed.request, invocation, base, started);
		}

		const outcome = await runPlan(parsed, invocation);
		const result = invocationResult(base, started, outcome.results, outcome.extra);
		// A bucket of an event that ran out of time has no next run unless the platform retries.
		return await invocation.report(result, {throwOnTransient: true, retryTimeBudget: parsed.kind === 'bind'});
	} finally {
		invocation.dispose();
	}
}

/** Milliseconds left in the invocation, from the context; without getRemainingTimeInMillis (some runners), from the documented time limit. */
function remainingTime(context: HandlerContext, started: number): () => number | undefined {
	const limitMs = Number(context.time_limit_in_ms);
	return () => {
		let value = Number.NaN;
		try {
			value = typeof context.getRemainingTimeInMillis === 'function' ? Number(context.getRemainingTimeInMillis()) : Number.NaN;
		} catch {}

		if (!Number.isFinite(value) && Number.isFinite(limitMs) && limitMs > 0) {
			value = started + limitMs - Date.now();
		}

		return Number.isFinite(value) ? value : undefined;
	};
}

async function runPlan(parsed: Exclude<ParsedEvent, {kind: 'http'}>, invocation: Invocation): Promise<PlanOutcome> {
	switch (parsed.kind) {
		case 'bind': {
			for (const record of parsed.unrecognized ?? []) {
				// Nothing unrecognised goes quiet: the digest says where the bucket is, the message which setting to use.
				invocation.log.error('unrecognized event record', {code: 'UnrecognizedEvent', record: record.path, eventName: record.eventName, error: record.message, digest: record.digest});
			}

			const results = await bindTargets(invocation.client, parsed.targets, {
				concurrency: invocation.config.concurrency,
				dryRun: invocation.config.dryRun,
				force: false,
				budget: invocation.budget,
				services: compilePolicy(invocation.config.services),
			});
			return {results: [...parsed.knownResults, ...results], extra: parsed.unrecognized ? {unrecognized: parsed.unrecognized} : {}};
		}

		case 'sync': {
			if (parsed.label !== undefined) {
				invocation.log.info('timer message is a label, not options: running the default sync', {label: parsed.label});
			}

			return invocation.sync(parsed.options);
		}

		case 'invalid':
		case 'unsupported': {
			const code = parsed.kind === 'invalid' ? 'InvalidEvent' : 'UnsupportedEvent';
			invocation.log.warn(parsed.kind === 'invalid' ? 'invalid event' : 'unsupported event', {code, error: parsed.message});
			return {results: [], extra: {error: {code, message: parsed.message}}};
		}
	}
}

async function handleHttp(request: HttpRequest, invocation: Invocation, base: InvocationHeader, started: number): Promise<HandlerHttpReply> {
	const {config, log} = invocation;
	const action = routeHttp(request, {
		token: config.httpToken,
		maxBodyBytes: config.httpMaxBodyBytes,
		maxBuckets: config.httpMaxBuckets,
		defaultRegion: invocation.defaults.region,
		appId: invocation.defaults.appId,
	});
	log.info('http request', {
		method: request.method.slice(0, 10),
		path: request.path.slice(0, 100),
		sourceIp: request.sourceIp,
		action: action.kind,
		status: action.kind === 'reply' ? action.status : undefined,
	});
	const httpReply = (reply: HttpReply) => replyFor(request.flavor, reply);
	switch (action.kind) {
		case 'reply': {
			return httpReply(jsonReply(action.status, {...(action.body as object), requestId: base.requestId}, action.headers));
		}

		case 'status': {
			const {status, result} = await checkStatus(invocation.client, action.bucket, action.region);
			invocation.logResult(result);
			return httpReply(jsonReply(result.outcome === 'failed' && status === undefined ? failureStatus(result) : 200, {requestId: base.requestId, status, result}));
		}

		case 'bind': {
			const results = await bindTargets(invocation.client, action.targets, {
				concurrency: config.concurrency,
				dryRun: action.dryRun ?? config.dryRun,
				force: action.force ?? false,
				budget: invocation.budget,
				services: compilePolicy(action.services ? policyOf(action.services) : config.services),
			});
			const result = await invocation.report(invocationResult(base, started, results, {}), {throwOnTransient: false, webhookMaxMs: HTTP_WEBHOOK_MAX_MS});
			return httpReply(jsonReply(200, result));
		}

		case 'sync': {
			const outcome = await invocation.sync(action.options);
			const result = await invocation.report(invocationResult(base, started, outcome.results, outcome.extra), {throwOnTransient: false, webhookMaxMs: HTTP_WEBHOOK_MAX_MS});
			return httpReply(jsonReply(result.error ? 502 : 200, result));
		}
	}
}

// A failure the caller did not cause: the service or the network. 404 when the bucket does not exist.
const failureStatus = (result: BucketResult) => (result.code === 'NoSuchBucket' ? 404 : 502);

/** A context value usable as text; anything else (objects, functions) is ignored. */
const scalar = (value: unknown): string | undefined => (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isFinite(value)) ? String(value) : undefined;

const httpReply = (reply: HttpReply): HandlerHttpReply => ({isBase64Encoded: false, ...reply});

/** The reply as the platform that sent the request documents it: exactly `{statusCode, headers, body}` for an SCF function URL. */
const replyFor = (flavor: HttpFlavor, reply: HttpReply): HandlerHttpReply =>
	flavor === 'scf-function-url' ? {statusCode: reply.statusCode, headers: reply.headers, body: reply.body} : httpReply(reply);
