import type {CiStatus} from '../client/client.js';
import {isBinderError} from '../core/errors.js';

// The canary: create a bucket, wait until its Cloud Infinite status is `on` (which only the function's bind can do,
// so it proves the whole path: CloudAudit → EventBridge → the function → CreateCIBucket), find the function's log
// line for it, and delete the bucket again — also when the wait fails or is interrupted. Time and I/O are passed
// in, so tests run it on a clock they own.

/** One log line of the function about the canary bucket. */
export type CanaryLog = {
	/** The line as the function wrote it (its JSON log line). */
	line: string;
	/** Its `trigger` field (`cloudaudit` when the event path bound it, `timer` for the sweep). */
	trigger: string | undefined;
	outcome: string | undefined;
};

export type CanaryDeps = {
	putBucket: (bucket: string, region: string) => Promise<void>;
	deleteBucket: (bucket: string, region: string) => Promise<void>;
	getStatus: (bucket: string, region: string) => Promise<CiStatus>;
	/** The function's `bucket result` line for the bucket, or undefined when none is found (yet). Throws when logs cannot be searched. */
	findLog?: (bucket: string, sinceMs: number) => Promise<CanaryLog | undefined>;
	/** Monotonic milliseconds. */
	now: () => number;
	/** Epoch milliseconds (log search windows). */
	wallNow: () => number;
	/** Resolves after `ms`, or rejects at once when `signal` aborts. */
	sleep: (ms: number, signal: AbortSignal) => Promise<void>;
	/** Told about each status read, for the progress line. */
	onPoll?: (poll: {status: CiStatus | undefined; elapsedMs: number; error?: string}) => void;
};

export type CanaryOptions = {
	bucket: string;
	region: string;
	/** Give up waiting for `on` after this long. */
	timeoutMs: number;
	/** How long to keep looking for the log line once the bucket is bound (log delivery lags). */
	logWaitMs: number;
	/** Ctrl-C: stop waiting, delete the bucket, report. */
	signal: AbortSignal;
};

export type CanaryOutcome = {
	bucket: string;
	region: string;
	/** Whether PutBucket succeeded. */
	created: boolean;
	/** The PutBucket failure, when it failed. */
	createError?: {code: string; message: string};
	bound: boolean;
	/** Milliseconds from creation to the first `on` read. */
	boundAfterMs?: number;
	timedOut: boolean;
	interrupted: boolean;
	lastStatus: CiStatus | undefined;
	/** The last status read's failure, if it failed. */
	lastError?: string;
	log: CanaryLog | {error: string} | undefined;
	cleanup: {deleted: true} | {deleted: false; error: string} | {deleted: false; skipped: string};
};

/** Polls start fast (a local or quick path binds in a second) and settle at this interval. */
const MAX_POLL_MS = 5000;
const pollInterval = (poll: number) => Math.min(MAX_POLL_MS, 1000 * 2 ** Math.min(poll, 3));

const codeOf = (error: unknown): string => (isBinderError(error) ? String(error.code) : 'InternalError');
const messageOf = (error: unknown) => String((error as Error)?.message ?? error);
/** No answer came back: the request may have been carried out. */
const answerLost = (code: string) => code === 'Timeout' || code === 'NetworkError' || code === 'Aborted';

/** Sleep, but report an abort instead of throwing it. */
async function rest(deps: CanaryDeps, ms: number, signal: AbortSignal): Promise<boolean> {
	if (signal.aborted) {
		return false;
	}

	try {
		await deps.sleep(ms, signal);
		return !signal.aborted;
	} catch {
		return false;
	}
}

/** Poll /status until the bucket is bound; false when it timed out or was interrupted (recorded in the outcome). */
async function waitForBinding(options: CanaryOptions, deps: CanaryDeps, outcome: CanaryOutcome): Promise<boolean> {
	const {bucket, region, signal} = options;
	const started = deps.now();
	for (let poll = 0; ; poll++) {
		try {
			outcome.lastStatus = await deps.getStatus(bucket, region);
			outcome.lastError = undefined;
		} catch (error) {
			// Right after creation the bucket may not be visible everywhere yet (NoSuchBucket): keep asking.
			outcome.lastError = `${codeOf(error)}: ${messageOf(error)}`;
		}

		const elapsedMs = deps.now() - started;
		deps.onPoll?.({status: outcome.lastStatus, elapsedMs, ...(outcome.lastError ? {error: outcome.lastError} : {})});
		if (outcome.lastStatus === 'on') {
			outcome.bound = true;
			outcome.boundAfterMs = elapsedMs;
			return true;
		}

		if (signal.aborted) {
			outcome.interrupted = true;
			return false;
		}

		if (elapsedMs >= options.timeoutMs) {
			outcome.timedOut = true;
			return false;
		}

		if (!(await rest(deps, Math.min(pollInterval(poll), options.timeoutMs - elapsedMs), signal))) {
			outcome.interrupted = true;
			return false;
		}
	}
}

/** Wait up to logWaitMs for the function's log line about the bucket. */
async function waitForLog(options: CanaryOptions, deps: CanaryDeps, outcome: CanaryOutcome, createdAtWall: number, findLog: NonNullable<CanaryDeps['findLog']>): Promise<void> {
	const {bucket, signal} = options;
	const logStarted = deps.now();
	for (let poll = 0; ; poll++) {
		try {
			const found = await findLog(bucket, createdAtWall);
			if (found) {
				outcome.log = found;
				return;
			}
		} catch (error) {
			outcome.log = {error: messageOf(error)};
			return;
		}

		if (deps.now() - logStarted >= options.logWaitMs || !(await rest(deps, pollInterval(poll), signal))) {
			outcome.interrupted ||= signal.aborted;
			return;
		}
	}
}

async function deleteCanaryBucket(options: CanaryOptions, deps: CanaryDeps, outcome: CanaryOutcome): Promise<void> {
	try {
		await deps.deleteBucket(options.bucket, options.region);
		outcome.cleanup = {deleted: true};
	} catch (error) {
		// Gone already (a create whose answer was lost and which did not happen): nothing is left behind.
		outcome.cleanup = codeOf(error) === 'NoSuchBucket' && !outcome.created ? {deleted: false, skipped: 'it was never created'} : {deleted: false, error: `${codeOf(error)}: ${messageOf(error)}`};
	}
}

/** Run the canary. Never throws: every way it can end is in the outcome, and the bucket is deleted whenever it may exist. */
export async function runCanary(options: CanaryOptions, deps: CanaryDeps): Promise<CanaryOutcome> {
	const {bucket, region} = options;
	const outcome: CanaryOutcome = {bucket, region, created: false, bound: false, timedOut: false, interrupted: false, lastStatus: undefined, log: undefined, cleanup: {deleted: false, skipped: 'not created'}};
	const createdAtWall = deps.wallNow();
	let mayExist = false;
	try {
		try {
			await deps.putBucket(bucket, region);
			outcome.created = true;
			mayExist = true;
		} catch (error) {
			const code = codeOf(error);
			outcome.createError = {code, message: messageOf(error)};
			// A lost answer may hide a bucket we created; an answer such as BucketAlreadyExists means it is not ours.
			mayExist = answerLost(code);
			return outcome;
		}

		if (!(await waitForBinding(options, deps, outcome))) {
			return outcome;
		}

		if (deps.findLog) {
			await waitForLog(options, deps, outcome, createdAtWall, deps.findLog);
		}

		return outcome;
	} finally {
		if (mayExist) {
			await deleteCanaryBucket(options, deps, outcome);
		}
	}
}

/** The function's `bucket result` line for a bucket, among raw log messages (the function logs one JSON object per line). */
export function bucketResultLine(messages: readonly string[], bucket: string): CanaryLog | undefined {
	for (const message of messages) {
		for (const text of message.split('\n')) {
			let parsed: unknown;
			try {
				parsed = JSON.parse(text.trim());
			} catch {
				continue;
			}

			const record = parsed as {message?: unknown; bucket?: unknown; trigger?: unknown; outcome?: unknown} | null;
			if (record?.message === 'bucket result' && record.bucket === bucket && (record.outcome === 'bound' || record.outcome === 'already-bound')) {
				return {line: text.trim(), trigger: typeof record.trigger === 'string' ? record.trigger : undefined, outcome: String(record.outcome)};
			}
		}
	}

	return undefined;
}
