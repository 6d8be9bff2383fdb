import {createClient, type Client} from '../client/client.js';
import {type BinderCode, isBinderError} from '../core/errors.js';
import {summarize, type BucketResult, type ResultSummary} from '../core/results.js';
import type {TimeBudget} from '../binder/batch.js';
import {policyOf} from '../binder/services.js';
import {syncAccount} from '../binder/sync.js';
import type {Capability} from '../client/capabilities.js';
import type {BinderConfig} from './config.js';
import type {SyncRequestOptions, UnrecognizedRecord} from './events/index.js';
import type {Logger} from './logger.js';
import {deliverWebhook, type WebhookDelivery} from './webhook/index.js';

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
	sync?: {listed: number; excluded: number; boundListUsed: boolean; capabilityListsUsed?: Partial<Record<Capability, boolean>>};
	/** Bucket creations whose bucket or region could not be read (each also a `failed` result, code `UnrecognizedEvent`). */
	unrecognized?: UnrecognizedRecord[];
	webhook?: WebhookDelivery;
};

/** What every result of one invocation starts with. */
export type InvocationHeader = {requestId: string; trigger: string; startedAt: string};

/** The results of carrying out a plan, and what the invocation result adds about them. */
export type PlanOutcome = {results: BucketResult[]; extra: Partial<InvocationResult>};

/** Thrown for async triggers when some bucket failed transiently, so the platform retries. */
export class TransientFailureError extends Error {
	override readonly name = 'TransientFailureError' as const;
}

/** Longest a webhook delivery may take after the work is done. */
const WEBHOOK_MAX_MS = 15_000;

/** The invocation's result: the header, the duration so far, the summary of `results`, and `extra`. */
export function invocationResult(header: InvocationHeader, started: number, results: BucketResult[], extra: Partial<InvocationResult>): InvocationResult {
	return {...header, durationMs: Date.now() - started, summary: summarize(results), results, ...extra};
}

/** How {@link Invocation.report} ends an invocation. */
export type ReportOptions = {
	/** Throw {@link TransientFailureError} when a bucket failed transiently, so the platform retries (async triggers). */
	throwOnTransient: boolean;
	/** Count buckets skipped for lack of time as transient: an event's bucket has no next run unless the platform retries. */
	retryTimeBudget?: boolean;
	/** Longest the webhook may take. @default 15000 */
	webhookMaxMs?: number;
};

/** One invocation's I/O: the client bounded by the function's deadline, the logs and the webhook. */
export class Invocation {
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

	/** Batch rebinding with the configured scope, overridden by what the request asked for. */
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
			services: requested.services ? policyOf(requested.services) : this.config.services,
		};
		try {
			const report = await syncAccount(this.client, options, this.log, this.budget);
			const lists = report.capabilityListsUsed ? {capabilityListsUsed: report.capabilityListsUsed} : {};
			return {results: report.results, extra: {sync: {listed: report.listed, excluded: report.excluded, boundListUsed: report.boundListUsed, ...lists}}};
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
	async report(result: InvocationResult, options: ReportOptions): Promise<InvocationResult> {
		for (const item of result.results) {
			this.logResult(item);
		}

		if (this.config.webhook && (result.results.length > 0 || result.error)) {
			result = {...result, webhook: await this.sendWebhook(result, options.webhookMaxMs ?? WEBHOOK_MAX_MS)};
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

	/** One webhook delivery, within `maxMs` and what is left of the invocation; a failure is logged, never thrown. */
	private async sendWebhook(result: InvocationResult, maxMs: number): Promise<WebhookDelivery> {
		const webhook = this.config.webhook!;
		const left = this.remaining();
		const delivery = await deliverWebhook(
			{
				url: webhook.url,
				format: webhook.format,
				secret: webhook.secret,
				timeoutMs: webhook.timeoutMs,
				maxTotalMs: Math.max(500, Math.min(maxMs, left === undefined ? WEBHOOK_MAX_MS : left - 1000)),
				env: this.env,
				...(this.fetchImpl ? {fetch: this.fetchImpl} : {}),
			},
			{...result, functionName: this.defaults.functionName},
		);
		if (!delivery.delivered) {
			this.log.warn('webhook not delivered', {code: delivery.code, status: delivery.status, attempts: delivery.attempts, error: delivery.message});
		}

		return delivery;
	}
}
