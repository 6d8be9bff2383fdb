import type {BinderCode} from '../../core/errors.js';
import type {BucketResult, ResultSummary} from '../../core/results.js';

/** The wire formats we can speak. */
export const WEBHOOK_FORMATS = ['standard', 'wecom', 'dingtalk', 'feishu'] as const;

/**
How the one POST of an invocation is shaped.

- `standard`: a Standard Webhooks message (`webhook-id`/`webhook-timestamp`/`webhook-signature` headers) carrying the summary and every result.
- `wecom`: a WeCom (企业微信) group robot markdown message; the robot key is in the URL.
- `dingtalk`: a DingTalk (钉钉) group robot markdown message, URL-signed when a secret is given.
- `feishu`: a Feishu/Lark (飞书) group robot text message, body-signed when a secret is given.
*/
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** Defaults of {@link WebhookOptions}, named so that callers and docs can refer to them. */
export const WEBHOOK_DEFAULTS = {
	timeoutMs: 5000,
	maxAttempts: 4,
	maxTotalMs: 15_000,
	baseDelayMs: 200,
} as const;

/** Where and how to deliver the invocation's webhook. */
export type WebhookOptions = {
	/**
	The endpoint. `http:` or `https:` only, without `user:password@`. Robot URLs carry their access key or
	token in the query (or, for Feishu, in the last path segment): both are kept out of every message we return.
	*/
	url: string;
	/** The wire format; the caller picks the default. */
	format: WebhookFormat;
	/**
	The signing secret; an empty string counts as absent (an unset environment variable).

	- `standard`: `whsec_<base64>`, padded base64 of the key bytes. At least 1 byte is accepted, as the
	  Standard Webhooks verifiers do; use 24 to 64 random bytes. Anything else is refused as `InvalidConfig`
	  (a robot secret pasted in the wrong place would otherwise sign with garbage). Absent: sent unsigned,
	  still with the `webhook-id` and `webhook-timestamp` headers.
	- `dingtalk`: the robot's `SEC…` secret ("加签"); absent: the URL is used as given.
	- `feishu`: the robot's signing secret ("签名校验"); absent: unsigned body.
	- `wecom`: not used, the key is in the URL.
	*/
	secret?: string;
	/** Per-attempt limit, from the request to the last byte of the answer. @default 5000 */
	timeoutMs?: number;
	/** Attempts in all, the first included. @default 4 */
	maxAttempts?: number;
	/**
	Budget of the whole delivery, waits included: no attempt outlives it and no retry starts when it
	cannot fit. Pass less when the function's deadline is nearer. Zero or less: nothing is sent (`BudgetExhausted`).
	@default 15000
	*/
	maxTotalMs?: number;
	/**
	Backoff base: before attempt n+1 we wait a random time in `[0, baseDelayMs * 2^(n-1))` ("full jitter"),
	or longer when the endpoint sent `Retry-After` (seconds or an HTTP date). A `Retry-After` that does not
	fit in the remaining budget ends the delivery rather than being cut short.
	@default 200
	*/
	baseDelayMs?: number;
	/** The fetch implementation, called through ky. @default globalThis.fetch */
	fetch?: typeof fetch;
	/** Abandons the delivery (`Aborted`); it still resolves, never rejects. */
	signal?: AbortSignal;
	/** Randomness for the backoff jitter, in `[0, 1)`. @default Math.random */
	random?: () => number;
	/** Wall clock in milliseconds, for the signed timestamps and the payload's `timestamp`. @default Date.now */
	now?: () => number;
	/**
	Environment whose `TENCENTCLOUD_*` secret key, id and token values are scrubbed from the body and the
	returned message, wherever they might have crept in (an echoed error message).
	@default process.env
	*/
	env?: Record<string, string | undefined>;
};

/** What the handler reports about one invocation; the webhook body is built from it. */
export type InvocationReport = {
	requestId: string;
	functionName?: string;
	/** What started the invocation (`cos:ObjectCreated…`, `timer`, `http`, …). */
	trigger: string;
	/** ISO 8601. */
	startedAt: string;
	durationMs: number;
	summary: ResultSummary;
	/** Every bucket's result: the standard payload carries them all, robot messages list as many as fit. */
	results: BucketResult[];
	/** An invocation-level error (bad event, missing configuration, …). */
	error?: {code: BinderCode; message: string};
	/**
	Bucket-creation records whose bucket or region could not be read (each also a `failed` result with
	code `UnrecognizedEvent`): where the record was, why, and a scrubbed outline of it, so that
	BINDER_EVENT_BUCKET_PATH / BINDER_EVENT_REGION_PATH can be set without digging through logs.
	*/
	unrecognized?: Array<{path: string; eventName: string; message: string; digest: string[]}>;
};

/**
Why a delivery failed: `HttpError` (non-2xx, redirects included), `Gone` (410), `NetworkError`, `Timeout`,
`RobotError` (the robot's body code was not 0), `BudgetExhausted` (no time for even one attempt),
`Aborted` (the caller's signal), `InvalidConfig` (an option broke a rule), `InternalError`.
*/
export type WebhookCode = 'HttpError' | 'Gone' | 'NetworkError' | 'Timeout' | 'RobotError' | 'BudgetExhausted' | 'Aborted' | 'InvalidConfig' | 'InternalError';

/** How a delivery ended. Safe to log: no secret, no URL query. */
export type WebhookDelivery = {
	/** True when the endpoint answered 2xx and, for robots, its body said success. */
	delivered: boolean;
	format: WebhookFormat;
	/** HTTP attempts made (0 when nothing was sent). */
	attempts: number;
	/** HTTP status of the last answer, when one arrived. */
	status?: number;
	/** Why it was not delivered. */
	code?: WebhookCode;
	/** What happened, naming the endpoint by origin and path only. */
	message?: string;
	durationMs: number;
	/** The Standard Webhooks `webhook-id`, the same on every attempt (receivers deduplicate on it). */
	webhookId?: string;
	/** Size in bytes of the body sent (the last attempt's, for Feishu where the signature is in the body). */
	bodyBytes?: number;
};
