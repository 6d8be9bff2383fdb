import {createClient, type Client} from '../client/client.js';
import {type BinderCode, isBinderError} from '../core/errors.js';
import {summarize, type BucketResult, type ResultSummary} from '../core/results.js';
import {bindTargets, type TimeBudget} from '../binder/batch.js';
import {checkStatus} from '../binder/status.js';
import {syncAccount} from '../binder/sync.js';
import {loadConfig, secretsOf, type BinderConfig} from './config.js';
import {parseEvent, type HttpFlavor, type HttpRequest, type ParsedEvent, type SyncRequestOptions, type UnrecognizedRecord} from './events/index.js';
import {jsonReply, routeHttp, type HttpReply} from './http-api.js';
import {createLogger, type Logger} from './logger.js';
import {redact} from '../utils/redact.js';
import {deliverWebhook, type WebhookDelivery} from './webhook/index.js';

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

/** What the handler returns for non-HTTP triggers (and logs, and sends to the webhook). */
export type InvocationResult = {
	requestId: string;
	trigger: string;
	startedAt: string;
	durationMs: number;
	summary: ResultSummary;
	results: BucketResult[];
	/** An invocation-level problem: bad event, bad config, account listing failed. */
	error?: {code: BinderCode; message: string; transient?: boolean};
	/** Batch rebinding only: buckets listed and left out by filters. */
	sync?: {listed: number; excluded: number; boundListUsed: boolean};
	/** Bucket creations whose bucket or region could not be read (each also a `failed` result, code `UnrecognizedEvent`). */
	unrecognized?: UnrecognizedRecord[];
	webhook?: WebhookDelivery;
};

/**
An HTTP reply: `{statusCode, headers, body}` as the SCF function URL documents it (docs 583/96099), plus
`isBase64Encoded: false` for the gateways (API Gateway integration response, docs 583/12513; AWS).
*/
export type HandlerHttpReply = HttpReply & {isBase64Encoded?: false};

/** Thrown for async triggers when some bucket failed transiently, so the platform retries. */
export class TransientFailureError extends Error {
	override readonly name = 'TransientFailureError' as const;
}

/** Longest a webhook delivery may take after the work is done. */
const WEBHOOK_MAX_MS = 15_000;
/** The same for an HTTP request: its caller is waiting for the reply. */
const HTTP_WEBHOOK_MAX_MS = 3000;

let coldStart = true;
let invocationCounter = 0;

type Deps = {env?: Record<string, string | undefined>; write?: (line: string) => void; fetch?: typeof fetch};

/**
The one entry point for every trigger: EventBridge/CloudAudit bucket creation, COS triggers, timers,
and HTTP (SCF function URL, API Gateway, AWS API Gateway v1/v2, Lambda function URL).
event → plan → bind → results → logs / webhook / reply.
*/
export async function handle(event: unknown, rawContext: unknown, deps: Deps = {}): Promise<InvocationResult | HandlerHttpReply> {
	const env = deps.env ?? process.env;
	return scrub(await handleEvent(event, rawContext, env, deps), secretsOf(env));
}

/**
Remove every secret from what is handed back (logs and webhooks are scrubbed on their own): an
upstream message could echo one, and the platform shows return values in its console.
*/
function scrub<T extends InvocationResult | HandlerHttpReply>(value: T, secrets: readonly string[]): T {
	if ('statusCode' in value) {
		return {...value, body: redact(value.body, secrets)};
	}

	const text = JSON.stringify(value);
	const clean = redact(text, [...secrets, ...secrets.map((secret) => JSON.stringify(secret).slice(1, -1))]);
	return clean === text ? value : (JSON.parse(clean) as T);
}

async function handleEvent(event: unknown, rawContext: unknown, env: Record<string, string | undefined>, deps: Deps): Promise<InvocationResult | HandlerHttpReply> {
	const started = Date.now();
	const context = (typeof rawContext === 'object' && rawContext !== null ? rawContext : {}) as HandlerContext;
	const requestId = (scalar(context.request_id) ?? scalar(context.awsRequestId) ?? `local-${process.pid}-${++invocationCounter}`).slice(0, 128);
	const functionName = (scalar(context.function_name) ?? scalar(context.functionName) ?? env.SCF_FUNCTIONNAME ?? 'cos-ci-binder').slice(0, 128);
	const wasCold = coldStart;
	coldStart = false;
	const secrets = secretsOf(env);

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
	const log = createLogger({level: config?.logLevel ?? 'info', base: {requestId, functionName, trigger: parsed.trigger, coldStart: wasCold}, secrets, write: deps.write});
	log.debug('event received', {kind: parsed.kind});

	// Without getRemainingTimeInMillis (some runners), the documented time limit still bounds the work.
	const limitMs = Number(context.time_limit_in_ms);
	const remaining = () => {
		let value = Number.NaN;
		try {
			value = typeof context.getRemainingTimeInMillis === 'function' ? Number(context.getRemainingTimeInMillis()) : Number.NaN;
		} catch {}

		if (!Number.isFinite(value) && Number.isFinite(limitMs) && limitMs > 0) {
			value = started + limitMs - Date.now();
		}

		return Number.isFinite(value) ? value : undefined;
	};

	const base = {requestId, trigger: parsed.trigger, startedAt: new Date(started).toISOString()};
	if (config === undefined) {
		log.error('invalid configuration', {code: configError!.code, error: configError!.message});
		const result = finish(base, started, [], {error: configError});
		// Callers of the HTTP API may be anyone: they learn that it is misconfigured, the logs say how.
		const publicError = {code: 'InvalidConfig', message: 'the function is misconfigured; its logs name the setting'};
		return parsed.kind === 'http' ? replyFor(parsed.request.flavor, jsonReply(500, {error: publicError, requestId})) : parsed.trigger === 'http' ? httpReply(jsonReply(500, {error: publicError, requestId})) : result;
	}

	if (parsed.kind === 'invalid' && parsed.trigger === 'http') {
		// A request the gateway could not have meant: the caller gets a 400, not a non-HTTP result.
		log.warn('invalid http event', {code: 'InvalidEvent', error: parsed.message});
		return httpReply(jsonReply(400, {error: {code: 'InvalidRequest', message: parsed.message}, requestId}));
	}

	const work = new Work(config, log, remaining, env, deps.fetch, {appId, region, functionName});
	try {
		if (parsed.kind === 'http') {
			return await handleHttp(parsed.request, work, base, started);
		}

		const outcome = await runPlan(parsed, work);
		const result = finish(base, started, outcome.results, outcome.extra);
		// A bucket of an event that ran out of time has no next run unless the platform retries.
		return await work.report(result, {throwOnTransient: true, retryTimeBudget: parsed.kind === 'bind'});
	} finally {
		work.dispose();
	}
}

type PlanOutcome = {results: BucketResult[]; extra: Partial<InvocationResult>};

async function runPlan(parsed: Exclude<ParsedEvent, {kind: 'http'}>, work: Work): Promise<PlanOutcome> {
	switch (parsed.kind) {
		case 'bind': {
			for (const record of parsed.unrecognized ?? []) {
				// Nothing unrecognised goes quiet: the digest says where the bucket is, the message which setting to use.
				work.log.error('unrecognized event record', {code: 'UnrecognizedEvent', record: record.path, eventName: record.eventName, error: record.message, digest: record.digest});
			}

			const results = await bindTargets(work.client, parsed.targets, {concurrency: work.config.concurrency, dryRun: work.config.dryRun, force: false, budget: work.budget});
			return {results: [...parsed.decided, ...results], extra: parsed.unrecognized ? {unrecognized: parsed.unrecognized} : {}};
		}

		case 'sync': {
			if (parsed.label !== undefined) {
				work.log.info('timer message is a label, not options: running the default sync', {label: parsed.label});
			}

			return work.sync(parsed.options);
		}

		case 'invalid':
		case 'unsupported': {
			const code = parsed.kind === 'invalid' ? 'InvalidEvent' : 'UnsupportedEvent';
			work.log.warn(parsed.kind === 'invalid' ? 'invalid event' : 'unsupported event', {code, error: parsed.message});
			return {results: [], extra: {error: {code, message: parsed.message}}};
		}
	}
}

async function handleHttp(request: HttpRequest, work: Work, base: {requestId: string; trigger: string; startedAt: string}, started: number): Promise<HandlerHttpReply> {
	const {config, log} = work;
	const action = routeHttp(request, {
		token: config.httpToken,
		maxBodyBytes: config.httpMaxBodyBytes,
		maxBuckets: config.httpMaxBuckets,
		defaultRegion: work.defaults.region,
		appId: work.defaults.appId,
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
			const {status, result} = await checkStatus(work.client, action.bucket, action.region);
			work.logResult(result);
			return httpReply(jsonReply(result.outcome === 'failed' && status === undefined ? failureStatus(result) : 200, {requestId: base.requestId, status, result}));
		}

		case 'bind': {
			const results = await bindTargets(work.client, action.targets, {
				concurrency: config.concurrency,
				dryRun: action.dryRun ?? config.dryRun,
				force: action.force ?? false,
				budget: work.budget,
			});
			const result = await work.report(finish(base, started, [...action.decided, ...results], {}), {throwOnTransient: false, webhookMaxMs: HTTP_WEBHOOK_MAX_MS});
			return httpReply(jsonReply(200, result));
		}

		case 'sync': {
			const outcome = await work.sync(action.options);
			const result = await work.report(finish(base, started, outcome.results, outcome.extra), {throwOnTransient: false, webhookMaxMs: HTTP_WEBHOOK_MAX_MS});
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

function finish(base: {requestId: string; trigger: string; startedAt: string}, started: number, results: BucketResult[], extra: Partial<InvocationResult>): InvocationResult {
	return {...base, durationMs: Date.now() - started, summary: summarize(results), results, ...extra};
}

/** Per-invocation I/O: the client, the deadline, logs and webhook. */
class Work {
	readonly client: Client;
	readonly budget: TimeBudget;
	private readonly controller = new AbortController();
	private readonly deadlineTimer: NodeJS.Timeout | undefined;

	constructor(
		readonly config: BinderConfig,
		readonly log: Logger,
		private readonly remaining: () => number | undefined,
		private readonly env: Record<string, string | undefined>,
		private readonly fetchImpl: typeof fetch | undefined,
		/** What the context says about the function: defaults for HTTP requests and webhook messages. */
		readonly defaults: {appId: string | undefined; region: string | undefined; functionName: string},
	) {
		const left = remaining();
		// The margin never takes more than a quarter of the invocation: with SCF's 3 s default timeout a
		// 10 s margin would skip every bucket before starting.
		const marginMs = left === undefined ? config.timeMarginMs : Math.min(config.timeMarginMs, Math.floor(left / 4));
		this.budget = {remainingMs: remaining, marginMs, signal: this.controller.signal};
		if (left !== undefined) {
			// Abort what is still in flight half-way through the margin, leaving the rest for logs and the webhook.
			// Clamped: setTimeout fires at once (1 ms) for delays beyond a signed 32-bit integer (~24.8 days).
			this.deadlineTimer = setTimeout(() => this.controller.abort(new Error('stopped at the function deadline')), Math.min(2 ** 31 - 1, Math.max(0, left - marginMs / 2)));
			this.deadlineTimer.unref();
		}

		this.client = createClient({
			env,
			endpoint: config.endpoint,
			timeoutMs: config.requestTimeoutMs,
			retry: {retries: config.retries},
			signal: this.controller.signal,
			fetch: fetchImpl,
			onRetry: ({operation, bucket, attempt, delayMs, error}) => log.debug('retrying', {operation, bucket, attempt, delayMs, code: error.code}),
		});
	}

	async sync(requested: SyncRequestOptions): Promise<PlanOutcome> {
		const regions = requested.regions ?? this.config.regions;
		const options = {
			regions,
			include: requested.include ?? this.config.include,
			exclude: requested.exclude ?? this.config.exclude,
			concurrency: requested.concurrency ?? this.config.concurrency,
			dryRun: requested.dryRun ?? this.config.dryRun,
			force: requested.force ?? false,
			listRegion: regions[0] ?? this.defaults.region ?? 'ap-guangzhou',
		};
		try {
			const report = await syncAccount(this.client, options, this.log, this.budget);
			return {results: report.results, extra: {sync: {listed: report.listed, excluded: report.excluded, boundListUsed: report.boundListUsed}}};
		} catch (error) {
			const atDeadline = this.controller.signal.aborted;
			const code = isBinderError(error) ? error.code : atDeadline ? 'Aborted' : 'InternalError';
			const transient = isBinderError(error) ? error.transient || error.code === 'Aborted' : atDeadline;
			this.log.error('could not list the account\'s buckets', {code, error});
			return {results: [], extra: {error: {code, message: (error as Error).message, transient}}};
		}
	}

	logResult(result: BucketResult): void {
		// `message` and `requestId` are the log line's own keys: the result's go under other names.
		const {requestId: serviceRequestId, message: detail, ...fields} = result;
		const level = result.outcome === 'failed' ? (result.transient ? 'warn' : 'error') : 'info';
		this.log[level]('bucket result', {...fields, detail, serviceRequestId});
	}

	/** Log every result and the summary, send the webhook, and decide whether to throw. */
	async report(result: InvocationResult, options: {throwOnTransient: boolean; retryTimeBudget?: boolean; webhookMaxMs?: number}): Promise<InvocationResult> {
		for (const item of result.results) {
			this.logResult(item);
		}

		if (this.config.webhook && (result.results.length > 0 || result.error)) {
			const left = this.remaining();
			const delivery = await deliverWebhook(
				{
					url: this.config.webhook.url,
					format: this.config.webhook.format,
					secret: this.config.webhook.secret,
					timeoutMs: this.config.webhook.timeoutMs,
					maxTotalMs: Math.max(500, Math.min(options.webhookMaxMs ?? WEBHOOK_MAX_MS, left === undefined ? WEBHOOK_MAX_MS : left - 1000)),
					env: this.env,
					...(this.fetchImpl ? {fetch: this.fetchImpl} : {}),
				},
				{...result, functionName: this.defaults.functionName},
			);
			result = {...result, webhook: delivery};
			if (!delivery.delivered) {
				this.log.warn('webhook not delivered', {code: delivery.code, status: delivery.status, attempts: delivery.attempts, error: delivery.message});
			}
		}

		const transient = result.results.filter(
			(item) => (item.outcome === 'failed' && item.transient) || (options.retryTimeBudget && item.outcome === 'skipped' && item.code === 'TimeBudget'),
		);
		const summaryLevel = result.error || result.summary.failed > 0 ? 'warn' : 'info';
		this.log[summaryLevel]('invocation summary', {summary: result.summary, durationMs: result.durationMs, error: result.error, sync: result.sync, webhookDelivered: result.webhook?.delivered});
		if (options.throwOnTransient && (transient.length > 0 || result.error?.transient)) {
			// Async triggers retry a throwing invocation; ensureBound re-reads the truth, so a retry is safe.
			const codes = [...new Set(transient.map((item) => item.code))].join(', ') || result.error?.code;
			throw new TransientFailureError(`${transient.length || 'listing'} failed transiently (${codes}); throwing so the platform retries`);
		}

		return result;
	}

	dispose(): void {
		clearTimeout(this.deadlineTimer);
	}
}
