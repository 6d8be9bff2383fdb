import {BinderError, isBinderError, type Operation} from '../core/errors.js';
import {getAuthorization} from '../signer/authorization.js';
import {attemptSignal} from '../utils/any-signal.js';
import {sendOnce} from '../utils/http-transport.js';
import {BodyTooLargeError, readBody} from '../utils/read-body.js';
import {redact} from '../utils/redact.js';
import {backoffDelay, networkReason, parseRetryAfter, sleep} from '../utils/retry.js';
import {child, childText, parseXml, XmlParseError} from '../utils/xml.js';
import {resolveCredentials, type CredentialSource} from './credentials.js';
import {resolveTarget, securityTokenHeader} from './endpoint.js';

/** Retry policy for transient failures (5xx, 429, `SlowDown`, timeouts, network errors). */
export type RetryOptions = {
	/** Retries after the first attempt. @default 3 (what the official SDKs do) */
	retries?: number;
	/** Backoff base: attempt n waits a random time in `[0, min(maxDelayMs, baseDelayMs * 2^n))` ("full jitter"). @default 100 */
	baseDelayMs?: number;
	/** Upper bound of one wait, also for `Retry-After`. @default 5000 */
	maxDelayMs?: number;
};

/** Everything the HTTP engine needs; filled in with defaults by the client. */
export type EngineOptions = {
	credentials?: CredentialSource;
	/** Environment to read credentials from when `credentials` is not given. @default process.env */
	env?: Record<string, string | undefined>;
	endpoint?: URL;
	retry: Required<RetryOptions>;
	/** Per-attempt timeout covering the whole exchange, body included. */
	timeoutMs: number;
	/** Bodies larger than this are refused (`ResponseTooLarge`) without being buffered. */
	maxResponseBytes: number;
	/** Replaces the built-in transport (see `createTransport`); its answers are still bounded by the signals. */
	fetch?: typeof fetch;
	/** Aborts every request of the client (e.g. at the function's deadline). */
	signal?: AbortSignal;
	/** Called before each retry; for logs. Never receives secrets. */
	onRetry?: (info: {operation: Operation; bucket?: string; attempt: number; delayMs: number; error: BinderError}) => void;
	/** Called once per HTTP attempt (for request accounting). */
	onAttempt?: () => void;
	/** Shared mutable clock correction, learnt from the service's `Date` header. */
	clock: {offsetMs: number};
	/** Injectable randomness for jitter (tests, deterministic drills). @default Math.random */
	random?: () => number;
};

/** One API call. */
export type ApiRequest = {
	operation: Operation;
	method: 'GET' | 'PUT' | 'POST' | 'DELETE';
	virtualHost: string;
	path: string;
	query?: Record<string, string>;
	bucket?: string;
	region?: string;
	/**
	Retry timeouts and network errors, where the request may have taken effect. Off for binds: the
	caller re-reads the status instead of sending a second CreateCIBucket blindly. @default true
	*/
	retryAmbiguous?: boolean;
};

/**
Counts the HTTP attempts of one piece of work (one bucket's ensureBound), retries and re-signs included.
Passed down explicitly: an AsyncLocalStorage did the same, but its promise hook ran on every promise
of the process (4% of all allocations and a CPU cost per await on a warm instance).
*/
export type RequestCounter = {requests: number};

/** A successful answer: status 2xx and the body read in full. */
export type ApiResponse = {
	status: number;
	body: string;
	contentType: string;
	requestId: string | undefined;
};

const MIN_CLOCK_CORRECTION_MS = 1000;

type ServiceError = {code: string; message: string; requestId?: string};

function asRecord(value: unknown): Record<string, unknown> | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Read `<Error><Code/>…` (COS), `<Response><Code/>…` (some CI APIs) or the JSON equivalents. */
export function parseServiceError(body: string): ServiceError | undefined {
	const trimmed = body.trim();
	if (trimmed.startsWith('<')) {
		try {
			const root = parseXml(trimmed);
			const source = root.name === 'Error' ? root : (child(root, 'Error') ?? root);
			const code = childText(source, 'Code');
			if (code) {
				return {code, message: childText(source, 'Message') ?? '', requestId: childText(source, 'RequestId') ?? childText(root, 'RequestId')};
			}
		} catch {}

		return undefined;
	}

	if (trimmed.startsWith('{')) {
		try {
			const json = asRecord(JSON.parse(trimmed));
			const response = asRecord(json?.Response) ?? json;
			const error = asRecord(response?.Error) ?? response;
			const code = error?.Code;
			if (typeof code === 'string' && code !== '') {
				const message = error?.Message;
				const requestId = response?.RequestId ?? error?.RequestId;
				return {code, message: typeof message === 'string' ? message : '', requestId: typeof requestId === 'string' ? requestId : undefined};
			}
		} catch {}
	}

	return undefined;
}

const isClockSkew = (error: BinderError) =>
	error.code === 'RequestTimeTooSkewed' || (error.code === 'AccessDenied' && /request has expired/i.test(error.message));

/** No answer came back: the request may or may not have been carried out. */
export const isAmbiguous = (error: BinderError) => error.code === 'Timeout' || error.code === 'NetworkError';

// ExpiredToken: SCF refreshes the role's keys, so the platform's retry of the invocation may succeed
// (transient) — but the environment does not change within an invocation, so it is not retried here.
const NOT_RETRIED_NOW = new Set(['ExpiredToken']);

const isTransientStatus = (status: number, code: string) => status >= 500 || status === 429 || code === 'SlowDown' || code === 'TooManyRequests' || code === 'ExpiredToken';

function labelOf(request: ApiRequest): string {
	const where = request.bucket ? ` ${request.bucket}${request.region ? ` (${request.region})` : ''}` : request.region ? ` (${request.region})` : '';
	return `${request.operation}${where}`;
}

/**
Send one signed request, retrying transient failures with exponential backoff and full jitter, and
correcting the clock once on `RequestTimeTooSkewed` / "Request has expired". Resolves with a 2xx
answer; rejects with a {@link BinderError} carrying status, code, message, request id, operation and
bucket. Nothing secret reaches the error.
*/
export async function sendRequest(engine: EngineOptions, request: ApiRequest, counter?: RequestCounter): Promise<ApiResponse> {
	const random = engine.random ?? Math.random;
	const maxAttempts = engine.retry.retries + 1;
	let clockCorrected = false;
	let attempt = 0;
	let secrets: Array<string | undefined> = [];
	for (;;) {
		attempt++;
		let error: BinderError;
		let retryAfterMs: number | undefined;
		try {
			const credentials = await resolveCredentials(engine.credentials, engine.env);
			secrets = [credentials.secretKey, credentials.sessionToken];
			const target = resolveTarget(request.virtualHost, request.path, request.query ?? {}, engine.endpoint);
			const headers: Record<string, string> = {};
			if (credentials.sessionToken) {
				headers[securityTokenHeader(request.virtualHost)] = credentials.sessionToken;
			}

			// Sign `host`, every x-ci-/x-cos- header we send and every query parameter (doc 436/7778).
			// The offset used is kept: requests in flight together share the clock, and one that was
			// signed before another corrected it must still re-sign when its own answer says "skewed".
			const signedOffsetMs = engine.clock.offsetMs;
			const authorization = getAuthorization({
				secretId: credentials.secretId,
				secretKey: credentials.secretKey,
				method: request.method,
				pathname: target.signedPath,
				query: request.query ?? {},
				headers: {...headers, host: target.signedHost},
				clockOffsetMs: signedOffsetMs,
			});
			engine.onAttempt?.();
			if (counter) {
				counter.requests++;
			}

			const outcome = await exchange(engine, request, target.url, {...headers, authorization}, secrets);
			if (outcome.ok) {
				return outcome.response;
			}

			error = outcome.error;
			retryAfterMs = outcome.retryAfterMs;
			if (isClockSkew(error) && !clockCorrected && outcome.serverDate !== undefined) {
				const offset = outcome.serverDate - Date.now();
				if (Math.abs(offset - signedOffsetMs) >= MIN_CLOCK_CORRECTION_MS) {
					clockCorrected = true;
					if (Math.abs(offset - engine.clock.offsetMs) >= MIN_CLOCK_CORRECTION_MS) {
						engine.clock.offsetMs = offset;
					}

					attempt--; // The correction is a re-sign, not a retry: it does not use up the budget.
					continue;
				}
			}
		} catch (caught) {
			if (engine.signal?.aborted) {
				throw new BinderError(`${labelOf(request)}: aborted`, {code: 'Aborted', operation: request.operation, bucket: request.bucket, region: request.region, attempts: attempt});
			}

			// No `cause`: an unexpected error's own text may quote a credential; only a redacted copy is kept.
			error = isBinderError(caught)
				? caught
				: new BinderError(`${labelOf(request)}: ${redact(String((caught as Error)?.message ?? caught), secrets)}`, {code: 'InternalError'});
		}

		if (!error.transient || attempt >= maxAttempts || NOT_RETRIED_NOW.has(error.code) || (request.retryAmbiguous === false && isAmbiguous(error))) {
			error.attempts = attempt;
			throw error;
		}

		const delayMs = Math.max(backoffDelay(attempt, engine.retry, random), Math.min(retryAfterMs ?? 0, engine.retry.maxDelayMs));
		engine.onRetry?.({operation: request.operation, bucket: request.bucket, attempt, delayMs, error});
		if (!(await sleep(delayMs, engine.signal))) {
			throw new BinderError(`${labelOf(request)}: aborted while waiting to retry after ${error.code}`, {
				code: 'Aborted',
				operation: request.operation,
				bucket: request.bucket,
				region: request.region,
				attempts: attempt,
			});
		}
	}
}

type Exchange =
	| {ok: true; response: ApiResponse}
	| {ok: false; error: BinderError; serverDate?: number; retryAfterMs?: number};

async function exchange(engine: EngineOptions, request: ApiRequest, url: string, headers: Record<string, string>, secrets: ReadonlyArray<string | undefined>): Promise<Exchange> {
	const attempt = attemptSignal(engine.timeoutMs, engine.signal);
	try {
		return await exchangeWithin(engine, request, url, headers, attempt.signal, attempt.timedOut, [...secrets, headers.authorization]);
	} finally {
		attempt.dispose();
	}
}

async function exchangeWithin(
	engine: EngineOptions,
	request: ApiRequest,
	url: string,
	headers: Record<string, string>,
	signal: AbortSignal,
	timedOut: () => boolean,
	secrets: ReadonlyArray<string | undefined>,
): Promise<Exchange> {
	const base = {operation: request.operation, bucket: request.bucket, region: request.region};
	const label = labelOf(request);
	let response: Response;
	try {
		response = await sendOnce(url, {method: request.method, headers, signal, fetch: engine.fetch});
	} catch (caught) {
		if (engine.signal?.aborted) {
			throw caught;
		}

		// fetch refuses a header value with control characters before sending anything: a bad
		// credential (often a pasted token with a newline). Its message quotes the value: never keep it.
		if (caught instanceof TypeError && /header/i.test(caught.message)) {
			return {
				ok: false,
				error: new BinderError(`${label}: a credential holds characters not allowed in an HTTP header (check TENCENTCLOUD_SESSIONTOKEN)`, {...base, code: 'InvalidCredentials'}),
			};
		}

		return {
			ok: false,
			error: new BinderError(
				timedOut() ? `${label}: no answer within ${engine.timeoutMs} ms` : `${label}: network error: ${redact(networkReason(caught), secrets)}`,
				{...base, code: timedOut() ? 'Timeout' : 'NetworkError', transient: true},
			),
		};
	}

	const requestId = response.headers.get('x-ci-request-id') ?? response.headers.get('x-cos-request-id') ?? undefined;
	const contentType = response.headers.get('content-type') ?? '';
	const dateHeader = response.headers.get('date');
	const serverDate = dateHeader ? Date.parse(dateHeader) : Number.NaN;
	let body: string;
	try {
		body = await readBody(response, engine.maxResponseBytes, 'throw', signal);
	} catch (caught) {
		if (engine.signal?.aborted) {
			throw caught;
		}

		if (caught instanceof BodyTooLargeError) {
			return {
				ok: false,
				error: new BinderError(`${label}: response body too large (${caught.message}; limit ${engine.maxResponseBytes})`, {
					...base,
					code: 'ResponseTooLarge',
					status: response.status,
					requestId,
				}),
			};
		}

		return {
			ok: false,
			error: new BinderError(
				timedOut() ? `${label}: body not complete within ${engine.timeoutMs} ms` : `${label}: connection lost while reading the body: ${redact(networkReason(caught), secrets)}`,
				{...base, code: timedOut() ? 'Timeout' : 'NetworkError', status: response.status, requestId, transient: true},
			),
		};
	}

	if (response.status >= 200 && response.status < 300) {
		return {ok: true, response: {status: response.status, body, contentType, requestId}};
	}

	const parsed = parseServiceError(body);
	const code = parsed?.code ?? (response.status === 429 ? 'TooManyRequests' : 'InvalidResponse');
	const message = parsed
		? `${label}: ${code}: ${redact(parsed.message, secrets)}`
		: `${label}: HTTP ${response.status} with an unreadable error body (${contentType || 'no content-type'}, ${Buffer.byteLength(body)} bytes)`;
	return {
		ok: false,
		error: new BinderError(message, {
			...base,
			code,
			status: response.status,
			requestId: parsed?.requestId ?? requestId,
			transient: isTransientStatus(response.status, code),
		}),
		serverDate: Number.isFinite(serverDate) ? serverDate : undefined,
		retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
	};
}

/** Turn a 2xx body that is not what we expected into a clear error. */
export function invalidResponse(request: ApiRequest, response: ApiResponse, why: string, cause?: unknown): BinderError {
	return new BinderError(`${labelOf(request)}: invalid response: ${why} (${response.contentType || 'no content-type'}, ${Buffer.byteLength(response.body)} bytes)`, {
		code: 'InvalidResponse',
		status: response.status,
		requestId: response.requestId,
		operation: request.operation,
		bucket: request.bucket,
		region: request.region,
		cause: cause instanceof XmlParseError ? undefined : cause,
	});
}
