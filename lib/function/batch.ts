import type {Client} from '../client/client.js';
import {isBinderError} from '../core/errors.js';
import type {BucketResult} from '../core/results.js';
import {compileGlobs} from '../utils/glob.js';
import {mapWithConcurrency} from '../utils/pool.js';
import {untilAborted} from '../utils/until-aborted.js';
import type {Logger} from './logger.js';

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

/** What batch rebinding covers and how. */
export type SyncOptions = {
	/** Only these regions; empty = all. */
	regions: string[];
	include: string[];
	exclude: string[];
	concurrency: number;
	dryRun: boolean;
	/** Re-bind every bucket, bound or not ("rebinding"). */
	force: boolean;
	/** The region whose account-level CI host lists bound buckets. */
	listRegion: string;
};

/** Told how a sync goes, as it goes (the CLI's progress line). */
export type SyncObserver = {
	/** The buckets in scope are known. */
	planned?(total: number): void;
	/** One bucket ended; `timed` is false for results known from the bound list, without work. */
	settled?(result: BucketResult, timed: boolean): void;
};

/** What a sync did, besides the per-bucket results. */
export type SyncReport = {
	results: BucketResult[];
	/** Buckets the account has. */
	listed: number;
	/** Buckets left out by region or name filters (not in `results`). */
	excluded: number;
	/** Whether the bound list was available; without it every bucket's status was read. */
	boundListUsed: boolean;
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
Make sure each target is bound, at most `concurrency` at a time, within the time budget.
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
			const work = client.ensureBound(target.bucket, target.region, {
				dryRun: options.dryRun,
				// Known unbound from a fresh list: bind straight away (one request, not two).
				force: options.force || (options.skipStatusFor?.has(target.bucket) ?? false),
				bindFirst: target.created === true,
			});
			return settled(interrupted(deadline ? await untilAborted(work, deadline).catch(() => cutOff(target)) : await work));
		},
		{canStart: canStart(options.budget), onNotStarted: (target) => settled(skippedForTime(target))},
	);
}

/**
Batch rebinding: list the account's buckets, keep those in scope, list what is bound, bind the rest.
A bucket that fails does not stop the others. Throws only when the bucket list itself cannot be read.
*/
export async function syncAccount(client: Client, options: SyncOptions, log: Logger, budget?: TimeBudget, observer: SyncObserver = {}): Promise<SyncReport> {
	// The listings end at the deadline whatever the network does; the binds have their own guard, per bucket.
	const listing = <T>(work: Promise<T>) => (budget?.signal ? untilAborted(work, budget.signal) : work);
	const all = await listing(client.listBuckets());
	const included = compileGlobs(options.include);
	const excludedName = compileGlobs(options.exclude);
	const regions = new Set(options.regions);
	const inScope = all.filter(
		(bucket) => (regions.size === 0 || regions.has(bucket.region)) && (options.include.length === 0 || included(bucket.bucket)) && !excludedName(bucket.bucket),
	);
	// GetService may list a bucket twice across pages if it changes under us; act once per bucket.
	const seen = new Set<string>();
	const targets = inScope.filter((bucket) => !seen.has(bucket.bucket) && seen.add(bucket.bucket)).map(({bucket, region}) => ({bucket, region}));

	const alreadyBound = new Set<string>();
	let boundListUsed = false;
	// Regions where "not in the bound list" can be trusted to mean unbound, so the bind is sent
	// without reading the status first. The list is documented as account-wide; if it only shows
	// buckets of the region we asked, it may be regional, so only that region is trusted.
	let trustedRegions: ((region: string) => boolean) | undefined;
	if (!options.force && targets.length > 0) {
		try {
			const listed = await listing(client.listBound({region: options.listRegion}));
			for (const item of listed) {
				if (item.status === '' || item.status === 'on') {
					alreadyBound.add(item.bucketId);
				}
			}

			const accountWide = listed.some((item) => item.region !== options.listRegion);
			trustedRegions = accountWide ? () => true : (region) => region === options.listRegion;
			boundListUsed = true;
		} catch (error) {
			// The list is an optimisation: without it each bucket's status is read instead.
			log.warn('could not list bound buckets; checking each bucket instead', {code: isBinderError(error) ? error.code : 'InternalError', error});
		}
	}

	const known: BucketResult[] = [];
	const toBind: Target[] = [];
	for (const target of targets) {
		if (alreadyBound.has(target.bucket)) {
			known.push({...target, outcome: 'already-bound', durationMs: 0, requests: 0});
		} else {
			toBind.push(target);
		}
	}

	observer.planned?.(targets.length);
	for (const result of known) {
		observer.settled?.(result, false);
	}

	const bound = await bindTargets(client, toBind, {
		concurrency: options.concurrency,
		dryRun: options.dryRun,
		force: options.force,
		budget,
		skipStatusFor: trustedRegions ? new Set(toBind.filter((target) => trustedRegions!(target.region)).map((target) => target.bucket)) : undefined,
		onSettled: (result) => observer.settled?.(result, true),
	});
	const byBucket = new Map([...known, ...bound].map((result) => [result.bucket, result]));
	return {
		results: targets.map((target) => byBucket.get(target.bucket)!),
		listed: all.length,
		excluded: all.length - inScope.length,
		boundListUsed,
	};
}
