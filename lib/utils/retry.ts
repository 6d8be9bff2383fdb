import {truncateUtf8} from './truncate-utf8.js';

/**
The retry toolkit shared by the service client and the webhook sender: waiting that an abort cuts
short, exponential backoff with full jitter, `Retry-After`, and a short, secret-free reason for a
network error.
*/

/** How long backoff waits, before jitter: `baseDelayMs * 2^(attempt-1)`, capped at `maxDelayMs`. */
export type Backoff = {baseDelayMs: number; maxDelayMs: number};

/**
The wait before retry number `attempt` (1 = the first retry): a random time in
`[0, min(maxDelayMs, baseDelayMs * 2^(attempt-1)))`, "full jitter" (AWS Architecture Blog,
"Exponential Backoff And Jitter"), which spreads out clients that failed together. `random` is
clamped to [0, 1] so an injected one cannot make a negative or oversized wait.
*/
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
	const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (attempt - 1));
	return Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling);
}

/** Wait `ms`; resolves `true` when the time is up, `false` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
	return new Promise((resolve) => {
		if (signal?.aborted) {
			resolve(false);
			return;
		}

		const onAbort = () => {
			clearTimeout(timer);
			resolve(false);
		};

		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve(true);
		}, ms);
		signal?.addEventListener('abort', onAbort, {once: true});
	});
}

/**
Read `Retry-After` (RFC 9110 §10.2.3): delay seconds or an HTTP date. Returns milliseconds from `nowMs`,
never negative; `undefined` when absent or unreadable.
*/
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
	if (value === null) {
		return undefined;
	}

	const trimmed = value.trim();
	if (/^\d+(?:\.\d+)?$/.test(trimmed)) {
		return Math.round(Number(trimmed) * 1000);
	}

	const date = Date.parse(trimmed);
	return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

const MAX_REASON_BYTES = 200;

/**
Why a request failed without an answer, short: the system error code (`ECONNRESET`, `ECONNREFUSED`,
`UND_ERR_SOCKET`) where there is one, else the cause's or the error's own message, truncated. Callers
still scrub it of secrets: a message may quote anything.
*/
export function networkReason(error: unknown): string {
	const cause = (error as {cause?: {code?: unknown; message?: unknown}} | undefined)?.cause;
	if (typeof cause?.code === 'string') {
		return cause.code;
	}

	if (typeof cause?.message === 'string') {
		return truncateUtf8(cause.message, MAX_REASON_BYTES);
	}

	return error instanceof Error ? truncateUtf8(error.message, MAX_REASON_BYTES) : 'unknown';
}
