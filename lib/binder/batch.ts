import type {Client} from '../client/client.js';
import type {BucketResult} from '../core/results.js';
import {mapWithConcurrency} from '../utils/pool.js';
import {untilAborted} from '../utils/until-aborted.js';
import {ensure, type EnsureOptions} from './ensure.js';
import {DEFAULT_SERVICES, type ServicesFor} from './services.js';

/** A bucket to make sure of. */
export type Target = {
	bucket: string;
	region: string;
	/** Named by a creation event (PutBucket, CreateBucket): bound first, status read only if the bind fails. */
	created?: true;
};

/** When to stop starting new work; `remainingMs` is undefined when there is no deadline. */
export type TimeBudget = {
	remainingMs: () => number | undefined;
	marginMs: number;
	/**
	Aborts at the hard deadline. Work still running then ends as a record at once, whether or not the
	request under it has noticed: a bucket is never lost to a network that stopped answering.
	*/
	signal?: AbortSignal;
};

export const TIME_BUDGET_REASON = 'time budget: not started before the function deadline; the next sync (or the platform retry of an event) picks it up';

const skippedForTime = ({bucket, region}: Target): BucketResult => ({bucket, region, outcome: 'skipped', code: 'TimeBudget', message: TIME_BUDGET_REASON, durationMs: 0, requests: 0});

// A bind cut off by the deadline abort is work not done, like one never started: report it the same.
const interrupted = (result: BucketResult): BucketResult =>
	result.outcome === 'failed' && result.code === 'Aborted' ? {...result, outcome: 'skipped', code: 'TimeBudget', message: `${TIME_BUDGET_REASON} (interrupted)`} : result;

const cutOff = (target: Target): BucketResult => interrupted({...target, outcome: 'failed', code: 'Aborted', message: 'aborted at the deadline', durationMs: 0, requests: 0});

function canStart(budget: TimeBudget | undefined): () => boolean {
	return () => {
		const remaining = budget?.remainingMs();
		return remaining === undefined || remaining > budget!.marginMs;
	};
}

/**
Make sure each target is bound (and has the capabilities `services` gives it), at most `concurrency` at a time, within the time budget.
Every target ends as one result, in input order. Targets from creation events (`created`) are bound
first and their status read only when the bind fails: one request per new bucket. Everything else
(COS triggers, sync, HTTP) reads the status first.
*/
export async function bindTargets(
	client: Client,
	targets: readonly Target[],
	options: {
		concurrency: number;
		dryRun: boolean;
		force: boolean;
		budget?: TimeBudget;
		skipStatusFor?: ReadonlySet<string>;
		/** The services each bucket gets (see `compilePolicy`). @default the binding only */
		services?: ServicesFor;
		/** What fresh account-wide lists said about a bucket (a sweep). */
		known?: (target: Target) => EnsureOptions['known'];
		/** Called as each target ends, in completion order. */
		onSettled?: (result: BucketResult) => void;
	},
): Promise<BucketResult[]> {
	const deadline = options.budget?.signal;
	const settled = (result: BucketResult) => {
		options.onSettled?.(result);
		return result;
	};

	return mapWithConcurrency(
		targets,
		options.concurrency,
		async (target) => {
			const work = ensure(client, target.bucket, target.region, options.services?.(target.bucket) ?? DEFAULT_SERVICES, {
				dryRun: options.dryRun,
				// Known unbound from a fresh list: bind straight away (one request, not two).
				force: options.force || (options.skipStatusFor?.has(target.bucket) ?? false),
				bindFirst: target.created === true,
				known: options.known?.(target),
			});
			return settled(interrupted(deadline ? await untilAborted(work, deadline).catch(() => cutOff(target)) : await work));
		},
		{canStart: canStart(options.budget), onNotStarted: (target) => settled(skippedForTime(target))},
	);
}
