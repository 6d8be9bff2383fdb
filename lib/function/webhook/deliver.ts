import {redact} from '../../utils/redact.js';
import {isValidationError} from '../../core/errors.js';
import {resolveSettings, type DeliverySettings} from './settings.js';
import {dingtalkSignedUrl, feishuSign, readRobotAnswer, renderRobotMessage, ROBOT_RATE_LIMIT_CODES, type FeishuMessage} from './robots.js';
import {sanitizeReport} from './sanitize.js';
import {buildStandardPayload, newWebhookId, signStandardWebhook} from './standard.js';
import type {InvocationReport, WebhookCode, WebhookDelivery, WebhookOptions} from './types.js';
import {describeUrl} from './utils/describe-url.js';
import {truncateUtf8} from '../../utils/truncate-utf8.js';
import {backoffDelay, networkReason, parseRetryAfter, sleep} from '../../utils/retry.js';
import {readBody} from '../../utils/read-body.js';
import {anySignal, attemptSignal} from '../../utils/any-signal.js';
import {sendOnce} from '../../utils/http-transport.js';

const USER_AGENT = 'cos-ci-binder';
// Below this much budget an attempt cannot complete a TLS handshake, let alone an answer: don't start one.
const MIN_ATTEMPT_MS = 100;
// One backoff wait never exceeds this (Retry-After aside), however many attempts are configured.
const MAX_BACKOFF_MS = 5000;
// Robots answer a few hundred bytes; anything beyond is read no further (and only quoted in messages).
const MAX_ANSWER_BYTES = 64 * 1024;
// How much of an error answer is quoted in the message.
const MAX_QUOTED_BYTES = 240;

/** One attempt's request. */
type Outgoing = {url: string; body: string; headers: Record<string, string>};

type Attempt =
	| {ok: true; status: number}
	| {ok: false; code: WebhookCode; message: string; status?: number; retry: boolean; retryAfterMs?: number};

/**
Build the request of each attempt. The body and the `webhook-id` are fixed for the delivery; only
timestamps and signatures change from one attempt to the next.
*/
function prepare(settings: DeliverySettings, report: InvocationReport): {webhookId?: string; build: () => Outgoing} {
	const clean = sanitizeReport(report, settings.secrets);
	const url = settings.url.href;
	const json = {'content-type': 'application/json', 'user-agent': USER_AGENT};
	switch (settings.format) {
		case 'standard': {
			const webhookId = newWebhookId();
			// Serialised once: the signature covers these exact bytes, on every attempt.
			const body = JSON.stringify(buildStandardPayload(clean, new Date(settings.now())));
			const {secret} = settings;
			return {
				webhookId,
				build() {
					const timestamp = Math.floor(settings.now() / 1000);
					const headers: Record<string, string> = {...json, 'webhook-id': webhookId, 'webhook-timestamp': String(timestamp)};
					if (secret) {
						headers['webhook-signature'] = signStandardWebhook(secret, webhookId, timestamp, body);
					}

					return {url, body, headers};
				},
			};
		}

		case 'dingtalk': {
			const body = JSON.stringify(renderRobotMessage('dingtalk', clean));
			const {secret} = settings;
			// DingTalk refuses signatures older than an hour: sign each attempt.
			return {build: () => ({url: secret ? dingtalkSignedUrl(url, secret, settings.now()) : url, body, headers: json})};
		}

		case 'feishu': {
			const message = renderRobotMessage('feishu', clean);
			const {secret} = settings;
			return {
				build() {
					if (!secret) {
						return {url, body: JSON.stringify(message), headers: json};
					}

					const timestamp = Math.floor(settings.now() / 1000);
					const signed: FeishuMessage = {timestamp: String(timestamp), sign: feishuSign(secret, timestamp), ...message};
					return {url, body: JSON.stringify(signed), headers: json};
				},
			};
		}

		case 'wecom': {
			const body = JSON.stringify(renderRobotMessage('wecom', clean));
			return {build: () => ({url, body, headers: json})};
		}
	}
}

function quote(body: string): string {
	const flat = body.replace(/\s+/g, ' ').trim();
	if (flat === '') {
		return '';
	}

	return `: ${truncateUtf8(flat, MAX_QUOTED_BYTES)}`;
}

// 408 is the server's own "you were too slow": the same as our timeout.
const isRetryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

/** Turn an answer into the attempt's verdict. */
function classify(settings: DeliverySettings, response: Response, body: string): Attempt {
	const {status} = response;
	const where = `POST ${settings.label}`;
	const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), settings.now());
	const robot = settings.format === 'standard' ? undefined : readRobotAnswer(settings.format, body);
	if (status >= 200 && status < 300) {
		if (settings.format === 'standard' || robot?.code === 0) {
			return {ok: true, status};
		}

		if (!robot) {
			// Not a robot's answer (a proxy's page?): we cannot tell whether the message was posted, and a
			// retry could post it twice.
			return {ok: false, code: 'RobotError', status, retry: false, message: `${where}: HTTP ${status} without a readable robot answer${quote(body)}`};
		}
	}

	if (status >= 300 && status < 400) {
		const location = response.headers.get('location');
		const target = location ? ` to ${URL.canParse(location, settings.url) ? describeUrl(new URL(location, settings.url)) : '(unreadable location)'}` : '';
		return {ok: false, code: 'HttpError', status, retry: false, message: `${where}: HTTP ${status} redirect${target} not followed (webhook URLs must answer directly)`};
	}

	if (status === 410) {
		return {ok: false, code: 'Gone', status, retry: false, message: `${where}: HTTP 410, the endpoint is gone; remove or replace the webhook`};
	}

	if (robot && robot.code !== 0 && settings.format !== 'standard') {
		const rateLimited = ROBOT_RATE_LIMIT_CODES[settings.format].includes(robot.code);
		return {
			ok: false,
			code: 'RobotError',
			status,
			retry: rateLimited || isRetryableStatus(status),
			retryAfterMs,
			message: `${where}: robot error ${robot.code}${robot.message ? `: ${robot.message}` : ''}${rateLimited ? ' (rate limited)' : ''}`,
		};
	}

	return {ok: false, code: 'HttpError', status, retry: isRetryableStatus(status), retryAfterMs, message: `${where}: HTTP ${status}${quote(body)}`};
}

/** One HTTP exchange, bounded by `timeoutMs` and by `outer` (the budget and the caller's signal). */
async function attempt(settings: DeliverySettings, outgoing: Outgoing, timeoutMs: number, outer: AbortSignal): Promise<Attempt> {
	const {signal, dispose} = attemptSignal(timeoutMs, outer);
	try {
		const response = await sendOnce(outgoing.url, {method: 'POST', body: outgoing.body, headers: outgoing.headers, signal, fetch: settings.fetch});
		return classify(settings, response, await readBody(response, MAX_ANSWER_BYTES, 'truncate', signal));
	} catch (error) {
		if (settings.signal?.aborted) {
			return {ok: false, code: 'Aborted', retry: false, message: `POST ${settings.label}: aborted by the caller`};
		}

		if (signal.aborted) {
			return {ok: false, code: 'Timeout', retry: true, message: `POST ${settings.label}: no complete answer within ${Math.round(timeoutMs)} ms`};
		}

		return {ok: false, code: 'NetworkError', retry: true, message: `POST ${settings.label}: network error: ${truncateUtf8(networkReason(error), MAX_QUOTED_BYTES)}`};
	} finally {
		dispose();
	}
}

async function run(settings: DeliverySettings, report: InvocationReport, started: number): Promise<WebhookDelivery> {
	const elapsed = () => performance.now() - started;
	const {webhookId, build} = prepare(settings, report);
	let bodyBytes: number | undefined;
	const end = (fields: Omit<WebhookDelivery, 'format' | 'durationMs' | 'webhookId' | 'bodyBytes'>): WebhookDelivery => ({
		...fields,
		...(fields.message === undefined ? {} : {message: redact(fields.message, settings.secrets)}),
		format: settings.format,
		durationMs: Math.round(elapsed()),
		...(webhookId ? {webhookId} : {}),
		...(bodyBytes === undefined ? {} : {bodyBytes}),
	});

	if (settings.maxTotalMs < MIN_ATTEMPT_MS) {
		return end({delivered: false, attempts: 0, code: 'BudgetExhausted', message: `POST ${settings.label}: not sent, the ${settings.maxTotalMs} ms budget leaves no time for an attempt`});
	}

	// The budget is a signal too, so that nothing (an attempt, a wait) outlives it.
	const budget = new AbortController();
	const budgetTimer = setTimeout(() => budget.abort(new Error('webhook budget exhausted')), settings.maxTotalMs);
	const linked = anySignal([budget.signal, settings.signal]);
	const outer = linked.signal;
	try {
		for (let attempts = 1; ; attempts++) {
			if (settings.signal?.aborted) {
				return end({delivered: false, attempts: attempts - 1, code: 'Aborted', message: `POST ${settings.label}: aborted by the caller`});
			}

			const outgoing = build();
			bodyBytes = Buffer.byteLength(outgoing.body);
			const remaining = settings.maxTotalMs - elapsed();
			const result = await attempt(settings, outgoing, Math.min(settings.timeoutMs, remaining), outer);
			if (result.ok) {
				return end({delivered: true, attempts, status: result.status});
			}

			const failure = {delivered: false, attempts, status: result.status, code: result.code};
			if (!result.retry) {
				return end({...failure, message: result.message});
			}

			if (attempts >= settings.maxAttempts) {
				return end({...failure, message: `${result.message} (gave up after ${attempts} attempts)`});
			}

			const jitter = backoffDelay(attempts, {baseDelayMs: settings.baseDelayMs, maxDelayMs: MAX_BACKOFF_MS}, settings.random);
			const delay = Math.max(jitter, result.retryAfterMs ?? 0);
			if (elapsed() + delay + MIN_ATTEMPT_MS > settings.maxTotalMs) {
				// Retrying before Retry-After is over would only be refused again.
				const why =
					result.retryAfterMs !== undefined && result.retryAfterMs >= jitter
						? `Retry-After of ${Math.ceil(result.retryAfterMs / 1000)} s does not fit in`
						: 'no time left in';
				return end({...failure, message: `${result.message} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${why} the ${settings.maxTotalMs} ms budget)`});
			}

			if (!(await sleep(delay, outer))) {
				const aborted = settings.signal?.aborted;
				return end({
					...failure,
					code: aborted ? 'Aborted' : result.code,
					message: aborted ? `POST ${settings.label}: aborted by the caller while waiting to retry after ${result.code}` : result.message,
				});
			}
		}
	} finally {
		clearTimeout(budgetTimer);
		linked.dispose();
	}
}

/**
POST the invocation's report to the webhook: one delivery, retried on 429, 5xx, 408, timeouts, network
errors and robot rate limits, with exponential backoff, full jitter and `Retry-After`, all within
`maxTotalMs`. Success is a 2xx answer (and, for robots, a zero code in the body); redirects are not
followed; 410 ends the delivery as `Gone`; other 4xx are not retried.

Never rejects and never outlives `maxTotalMs` by more than a few milliseconds: a webhook must not fail
or delay the invocation it reports on. The returned message names the endpoint by origin and path only
and is scrubbed of the secret and of credentials; so is the body.
*/
export async function deliverWebhook(options: WebhookOptions, report: InvocationReport): Promise<WebhookDelivery> {
	const started = performance.now();
	const format = typeof options === 'object' && options !== null ? options.format : 'standard';
	let settings: DeliverySettings | undefined;
	try {
		settings = resolveSettings(options);
		return await run(settings, report, started);
	} catch (error) {
		const invalid = isValidationError(error);
		const reason = error instanceof Error ? error.message : String(error);
		return {
			delivered: false,
			format,
			attempts: 0,
			code: invalid ? 'InvalidConfig' : 'InternalError',
			message: redact(invalid ? reason : `webhook not delivered: ${reason}`, settings?.secrets ?? [options?.secret]),
			durationMs: Math.round(performance.now() - started),
		};
	}
}
