import type {CiStatus, Client, RequestCounter} from '../client/client.js';
import {isAmbiguous} from '../client/request.js';
import {type BinderError, isBinderError} from '../core/errors.js';
import {parseBucketId, validateRegion} from '../core/names.js';
import {type BucketResult, failure} from '../core/results.js';

/** How {@link ensureBound} goes about one bucket. Every field is optional. */
export type EnsureBoundOptions = {
	/** Report `would-bind` instead of binding. */
	dryRun?: boolean;
	/** Bind without checking the status first ("rebinding"). */
	force?: boolean;
	/**
	The bucket was just created (a creation event named it): send the bind first and read the status only
	when the bind fails, so a new bucket costs one request. A replay stays harmless: the failed or repeated
	bind is followed by the same status read as always (`on` → `already-bound`). In a dry run the status is
	read first as usual, since nothing is sent that could answer the question.
	*/
	bindFirst?: boolean;
};

/** The fields of a result that the rule decides; the bucket, region, duration and request count are added around them. */
type Verdict = Omit<BucketResult, 'bucket' | 'region' | 'durationMs' | 'requests'>;

type StatusAnswer = {status: CiStatus; requestId: string | undefined};

const unbinding = (bucket: string, requestId: string | undefined): Verdict => ({
	outcome: 'failed',
	code: 'BucketUnbinding',
	message: `${bucket}: an unbind is in progress; it can be bound once it is off`,
	transient: true,
	requestId,
});

/**
Make sure one bucket is bound, and say how it ended: the binder's central rule.

Never throws: every failure is a `failed` record with its code. Reads the status first (unless `force`,
or `bindFirst` for a bucket just created), so replays and duplicate events are harmless; after a failed
bind it reads the status again and reports `already-bound` when it is `on`, because what a second bind
answers upstream is undocumented. A bind whose answer was lost (timeout, reset) is never re-sent blindly:
only when the status then reads `off`, and at most once. `requests` counts this bucket's requests,
retries included.

@example
```
const result = await ensureBound(createClient(), 'examplebucket-1250000000', 'ap-guangzhou');
//=> {bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', outcome: 'bound', requests: 2, …}
```
*/
export async function ensureBound(client: Client, bucket: string, region: string, options: EnsureBoundOptions = {}): Promise<BucketResult> {
	const started = performance.now();
	// Passed down explicitly rather than kept in an AsyncLocalStorage, whose promise hook costs on every await.
	const counter: RequestCounter = {requests: 0};
	const record = (verdict: Verdict): BucketResult => ({bucket, region, ...verdict, durationMs: Math.round(performance.now() - started), requests: counter.requests});
	try {
		validateRegion(region);
		parseBucketId(bucket, 'bucket', region);
	} catch (error) {
		return record(failure(error));
	}

	if (!options.force && !(options.bindFirst && !options.dryRun)) {
		let before: StatusAnswer;
		try {
			before = await client.getStatus(bucket, region, counter);
		} catch (error) {
			return record(failure(error));
		}

		if (before.status === 'on') {
			return record({outcome: 'already-bound', requestId: before.requestId});
		}

		if (before.status === 'unbinding') {
			return record(unbinding(bucket, before.requestId));
		}
	}

	return record(options.dryRun ? {outcome: 'would-bind'} : await bindAndConfirm(client, bucket, region, counter));
}

/**
Send the bind; when it fails, read the status to learn what happened. A bind is sent at most twice, and
the second time only when the first got no answer and the status then reads `off`: a bind whose answer
was lost may well have taken effect.
*/
async function bindAndConfirm(client: Client, bucket: string, region: string, counter: RequestCounter): Promise<Verdict> {
	for (let sent = 1; ; sent++) {
		let bindError: BinderError;
		try {
			const bound = await client.bind(bucket, region, counter);
			return {outcome: 'bound', requestId: bound.requestId};
		} catch (error) {
			if (!isBinderError(error) || error.code === 'NoSuchBucket' || error.code === 'Aborted') {
				return failure(error);
			}

			bindError = error;
		}

		let after: StatusAnswer;
		try {
			after = await client.getStatus(bucket, region, counter);
		} catch (statusError) {
			return unknownAfterFailedBind(bindError, statusError);
		}

		const answerLost = isAmbiguous(bindError);
		if (after.status === 'on') {
			return answerLost
				? {outcome: 'bound', requestId: after.requestId, message: `bind answer lost (${bindError.code}); status is on`}
				: {outcome: 'already-bound', requestId: after.requestId, message: `bind answered ${bindError.code}; status is on`};
		}

		if (after.status === 'unbinding') {
			// Only reachable without a status read first (bindFirst, force): say why, as that read would have.
			return unbinding(bucket, after.requestId);
		}

		if (!answerLost || sent >= 2) {
			return failure(bindError);
		}
	}
}

/**
The bind failed and the status could not be read: the bucket's state is unknown, which is worth another
try later whatever the bind said, unless both answers were permanent (a bind first of a new bucket meets
AccessDenied twice: retrying cannot help, and a retried event would only fail the same way).
*/
function unknownAfterFailedBind(bindError: BinderError, statusError: unknown): Verdict {
	const permanent = isBinderError(statusError) && !statusError.transient && statusError.code !== 'Aborted' && !bindError.transient && !isAmbiguous(bindError);
	return permanent ? failure(bindError) : {...failure(bindError), transient: true};
}
