import {BinderError, type BinderCode, isBinderError, type Operation, serviceCode} from '../core/errors.js';
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

/** How the client sends: everything {@link sendRequest} needs, filled in with defaults by `createClient`. */
export type SendSettings = {
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

const isTransientStatus = (status: number, code: BinderCode) => status >= 500 || status === 429 || code === 'SlowDown' || code === 'TooManyRequests' || code === 'ExpiredToken';

/** `CreateCIBucket photos-1250000000 (ap-guangzhou)`: how messages name a request. */
function labelOf(request: ApiRequest): string {
	const where = request.bucket ? ` ${request.bucket}${request.region ? ` (${request.region})` : ''}` : request.region ? ` (${request.region})` : '';
	return `${request.operation}${where}`;
}

/** The fields every error about a request carries. */
const aboutRequest = (request: ApiRequest) => ({operation: request.operation, bucket: request.bucket, region: request.region});

/** How one attempt ended: the answer, or an error with what the retry loop needs to decide. */
type Attempt =
	| {ok: true; response: ApiResponse}
	| {
			ok: false;
			error: BinderError;
			/** The answer's `Date`, for a clock correction. */
			serverDate?: number;
			retryAfterMs?: number;
			/** The clock offset the attempt was signed with. */
			signedOffsetMs?: number;
	  };

/** What the attempts of one request share. */
type Progress = {attempt: number; clockCorrected: boolean; secrets: Array<string | undefined>};

/**
Send one signed request, retrying transient failures with exponential backoff and full jitter, and
correcting the clock once on `RequestTimeTooSkewed` / "Request has expired". Resolves with a 2xx
answer; rejects with a {@link BinderError} carrying status, code, message, request id, operation,
bucket and the number of attempts. Nothing secret reaches the error.
*/
export async function sendRequest(settings: SendSettings, request: ApiRequest, counter?: RequestCounter): Promise<ApiResponse> {
	const maxAttempts = settings.retry.retries + 1;
	const progress: Progress = {attempt: 0, clockCorrected: false, secrets: []};
	for (;;) {
		progress.attempt++;
		const attempt = await attemptOnce(settings, request, progress, counter);
		if (attempt.ok) {
			return attempt.response;
		}

		const {error} = attempt;
		if (!progress.clockCorrected && correctClock(settings, attempt)) {
			progress.clockCorrected = true;
			progress.attempt--; // The correction is a re-sign, not a retry: it does not use up the budget.
			continue;
		}

		// ExpiredToken: SCF refreshes the role's keys, so the platform's retry of the invocation may succeed
		// (transient) — but the environment does not change within an invocation, so it is not retried here.
		if (!error.transient || progress.attempt >= maxAttempts || error.code === 'ExpiredToken' || (request.retryAmbiguous === false && isAmbiguous(error))) {
			throw error.withAttempts(progress.attempt);
		}

		await waitToRetry(settings, request, progress.attempt, error, attempt.retryAfterMs);
	}
}

/** Sign and send once; an error thrown on the way (credentials, an abort) becomes the attempt's error. */
async function attemptOnce(settings: SendSettings, request: ApiRequest, progress: Progress, counter: RequestCounter | undefined): Promise<Attempt> {
	try {
		const credentials = await resolveCredentials(settings.credentials, settings.env);
		progress.secrets = [credentials.secretKey, credentials.sessionToken];
		const target = resolveTarget(request.virtualHost, request.path, request.query ?? {}, settings.endpoint);
		const headers: Record<string, string> = {};
		if (credentials.sessionToken) {
			headers[securityTokenHeader(request.virtualHost)] = credentials.sessionToken;
		}

		// Sign `host`, every x-ci-/x-cos- header we send and every query parameter (doc 436/7778).
		// The offset used is kept: requests in flight together share the clock, and one that was
		// signed before another corrected it must still re-sign when its own answer says "skewed".
		const signedOffsetMs = settings.clock.offsetMs;
		const authorization = getAuthorization({
			secretId: credentials.secretId,
			secretKey: credentials.secretKey,
			method: request.method,
			pathname: target.signedPath,
			query: request.query ?? {},
			headers: {...headers, host: target.signedHost},
			clockOffsetMs: signedOffsetMs,
		});
		settings.onAttempt?.();
		if (counter) {
			counter.requests++;
		}

		const attempt = await exchange(settings, request, target.url, {...headers, authorization}, progress.secrets);
		return attempt.ok ? attempt : {...attempt, signedOffsetMs};
	} catch (caught) {
		if (settings.signal?.aborted) {
			throw new BinderError(`${labelOf(request)}: aborted`, {code: 'Aborted', ...aboutRequest(request), attempts: progress.attempt});
		}

		// No `cause`: an unexpected error's own text may quote a credential; only a redacted copy is kept.
		const error = isBinderError(caught)
			? caught
			: new BinderError(`${labelOf(request)}: ${redact(String((caught as Error)?.message ?? caught), progress.secrets)}`, {code: 'InternalError'});
		return {ok: false, error};
	}
}

/**
On a clock-skew answer whose `Date` differs from the clock the request was signed with by a second or
more, learn the offset (unless another request already did) and say to re-sign.
*/
function correctClock(settings: SendSettings, attempt: Extract<Attempt, {ok: false}>): boolean {
	if (!isClockSkew(attempt.error) || attempt.serverDate === undefined || attempt.signedOffsetMs === undefined) {
		return false;
	}

	const offset = attempt.serverDate - Date.now();
	if (Math.abs(offset - attempt.signedOffsetMs) < MIN_CLOCK_CORRECTION_MS) {
		return false;
	}

	if (Math.abs(offset - settings.clock.offsetMs) >= MIN_CLOCK_CORRECTION_MS) {
		settings.clock.offsetMs = offset;
	}

	return true;
}

/** Back off before the next attempt (at least `Retry-After`, capped); an abort meanwhile ends the request. */
async function waitToRetry(settings: SendSettings, request: ApiRequest, attempt: number, error: BinderError, retryAfterMs: number | undefined): Promise<void> {
	const delayMs = Math.max(backoffDelay(attempt, settings.retry, settings.random ?? Math.random), Math.min(retryAfterMs ?? 0, settings.retry.maxDelayMs));
	settings.onRetry?.({operation: request.operation, bucket: request.bucket, attempt, delayMs, error});
	if (!(await sleep(delayMs, settings.signal))) {
		throw new BinderError(`${labelOf(request)}: aborted while waiting to retry after ${error.code}`, {code: 'Aborted', ...aboutRequest(request), attempts: attempt});
	}
}

async function exchange(settings: SendSettings, request: ApiRequest, url: string, headers: Record<string, string>, secrets: ReadonlyArray<string | undefined>): Promise<Attempt> {
	const attempt = attemptSignal(settings.timeoutMs, settings.signal);
	try {
		return await exchangeWithin(settings, request, url, headers, attempt.signal, attempt.timedOut, [...secrets, headers.authorization]);
	} finally {
		attempt.dispose();
	}
}

async function exchangeWithin(
	settings: SendSettings,
	request: ApiRequest,
	url: string,
	headers: Record<string, string>,
	signal: AbortSignal,
	timedOut: () => boolean,
	secrets: ReadonlyArray<string | undefined>,
): Promise<Attempt> {
	let response: Response;
	try {
		response = await sendOnce(url, {method: request.method, headers, signal, fetch: settings.fetch});
	} catch (caught) {
		if (settings.signal?.aborted) {
			throw caught;
		}

		return {ok: false, error: noAnswer(settings, request, caught, timedOut(), secrets)};
	}

	const requestId = response.headers.get('x-ci-request-id') ?? response.headers.get('x-cos-request-id') ?? undefined;
	const contentType = response.headers.get('content-type') ?? '';
	let body: string;
	try {
		body = await readBody(response, settings.maxResponseBytes, 'throw', signal);
	} catch (caught) {
		if (settings.signal?.aborted) {
			throw caught;
		}

		return {ok: false, error: bodyNotRead(settings, request, response.status, requestId, caught, timedOut(), secrets)};
	}

	if (response.status >= 200 && response.status < 300) {
		return {ok: true, response: {status: response.status, body, contentType, requestId}};
	}

	const dateHeader = response.headers.get('date');
	const serverDate = dateHeader ? Date.parse(dateHeader) : Number.NaN;
	return {
		ok: false,
		error: serviceError(request, response.status, body, contentType, requestId, secrets),
		serverDate: Number.isFinite(serverDate) ? serverDate : undefined,
		retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
	};
}

/** The request got no answer: a refused header (a bad credential), a timeout or a network error. */
function noAnswer(settings: SendSettings, request: ApiRequest, caught: unknown, timedOut: boolean, secrets: ReadonlyArray<string | undefined>): BinderError {
	const label = labelOf(request);
	// fetch refuses a header value with control characters before sending anything: a bad
	// credential (often a pasted token with a newline). Its message quotes the value: never keep it.
	if (caught instanceof TypeError && /header/i.test(caught.message)) {
		return new BinderError(`${label}: a credential holds characters not allowed in an HTTP header (check TENCENTCLOUD_SESSIONTOKEN)`, {...aboutRequest(request), code: 'InvalidCredentials'});
	}

	return new BinderError(timedOut ? `${label}: no answer within ${settings.timeoutMs} ms` : `${label}: network error: ${redact(networkReason(caught), secrets)}`, {
		...aboutRequest(request),
		code: timedOut ? 'Timeout' : 'NetworkError',
		transient: true,
	});
}

/** The answer started but its body could not be read: too large, too slow, or the connection lost. */
function bodyNotRead(
	settings: SendSettings,
	request: ApiRequest,
	status: number,
	requestId: string | undefined,
	caught: unknown,
	timedOut: boolean,
	secrets: ReadonlyArray<string | undefined>,
): BinderError {
	const label = labelOf(request);
	if (caught instanceof BodyTooLargeError) {
		return new BinderError(`${label}: response body too large (${caught.message}; limit ${settings.maxResponseBytes})`, {...aboutRequest(request), code: 'ResponseTooLarge', status, requestId});
	}

	return new BinderError(
		timedOut ? `${label}: body not complete within ${settings.timeoutMs} ms` : `${label}: connection lost while reading the body: ${redact(networkReason(caught), secrets)}`,
		{...aboutRequest(request), code: timedOut ? 'Timeout' : 'NetworkError', status, requestId, transient: true},
	);
}

/** A non-2xx answer: the service's error code and message when the body has them. */
function serviceError(request: ApiRequest, status: number, body: string, contentType: string, requestId: string | undefined, secrets: ReadonlyArray<string | undefined>): BinderError {
	const label = labelOf(request);
	const parsed = parseServiceError(body);
	const code: BinderCode = parsed ? serviceCode(parsed.code) : status === 429 ? 'TooManyRequests' : 'InvalidResponse';
	const message = parsed
		? `${label}: ${code}: ${redact(parsed.message, secrets)}`
		: `${label}: HTTP ${status} with an unreadable error body (${contentType || 'no content-type'}, ${Buffer.byteLength(body)} bytes)`;
	return new BinderError(message, {...aboutRequest(request), code, status, requestId: parsed?.requestId ?? requestId, transient: isTransientStatus(status, code)});
}

/** Turn a 2xx body that is not what we expected into a clear error. */
export function invalidResponse(request: ApiRequest, response: ApiResponse, why: string, cause?: unknown): BinderError {
	return new BinderError(`${labelOf(request)}: invalid response: ${why} (${response.contentType || 'no content-type'}, ${Buffer.byteLength(response.body)} bytes)`, {
		code: 'InvalidResponse',
		status: response.status,
		requestId: response.requestId,
		...aboutRequest(request),
		cause: cause instanceof XmlParseError ? undefined : cause,
	});
}
