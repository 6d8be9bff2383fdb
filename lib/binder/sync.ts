import {isCapability, type Capability} from '../client/capabilities.js';
import type {Client} from '../client/client.js';
import {isBinderError} from '../core/errors.js';
import type {BucketResult} from '../core/results.js';
import {untilAborted} from '../utils/until-aborted.js';
import {bindTargets, type Target, type TimeBudget} from './batch.js';
import {compileScope} from './scope.js';
import {compilePolicy, DEFAULT_POLICY, type ServicePolicy} from './services.js';

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
	/** The services each bucket gets. @default bind only */
	services?: ServicePolicy;
};

/** Told how a sync goes, as it goes (the CLI's progress line). */
export type SyncObserver = {
	/** The buckets in scope are known. */
	planned?(total: number): void;
	/** One bucket ended; `timed` is false for results known from the bound list, without work. */
	settled?(result: BucketResult, timed: boolean): void;
};

/** Where a sync says what went wrong without failing (the function's logger fits). */
export type SyncLog = {warn(message: string, fields?: Record<string, unknown>): void};

/** What a sync did, besides the per-bucket results. */
export type SyncReport = {
	results: BucketResult[];
	/** Buckets the account has. */
	listed: number;
	/** Buckets left out by region or name filters (not in `results`). */
	excluded: number;
	/** Whether the bound list was available; without it every bucket's status was read. */
	boundListUsed: boolean;
	/** Per capability some bucket asks for, whether its list was available (without it, each bucket's was read). */
	capabilityListsUsed?: Partial<Record<Capability, boolean>>;
};

/** What the bound list says, when it could be read. */
type BoundList = {
	bound: Set<string>;
	/**
	Regions where "not in the list" can be trusted to mean unbound, so the bind is sent without reading the
	status first. The list is documented as account-wide; if it only shows buckets of the region asked, it
	may be regional, so only that region is trusted.
	*/
	trusted: (region: string) => boolean;
};

/**
Batch rebinding: list the account's buckets, keep those in scope, list what is bound, bind the rest.
A bucket that fails does not stop the others. Throws only when the bucket list itself cannot be read.
*/
export async function syncAccount(client: Client, options: SyncOptions, log: SyncLog, budget?: TimeBudget, observer: SyncObserver = {}): Promise<SyncReport> {
	// The listings end at the deadline whatever the network does; the binds have their own guard, per bucket.
	const listing = <T>(work: Promise<T>) => (budget?.signal ? untilAborted(work, budget.signal) : work);
	const all = await listing(client.listBuckets());
	const inScope = all.filter(compileScope(options));
	// GetService may list a bucket twice across pages if it changes under us; act once per bucket.
	const seen = new Set<string>();
	const targets: Target[] = inScope.filter((bucket) => !seen.has(bucket.bucket) && seen.add(bucket.bucket)).map(({bucket, region}) => ({bucket, region}));
	const boundList = options.force || targets.length === 0 ? undefined : await readBoundList(client, options.listRegion, log, listing);

	const servicesFor = compilePolicy(options.services ?? DEFAULT_POLICY);
	const capabilitiesOf = (target: Target) => servicesFor(target.bucket).filter((name): name is Capability => isCapability(name));
	const wanted = capabilityRegions(targets, capabilitiesOf);
	const enabledLists = await readCapabilityLists(client, wanted, options.listRegion, log, listing);
	const enabledOf = (target: Target): Partial<Record<Capability, boolean>> =>
		Object.fromEntries(capabilitiesOf(target).flatMap((capability) => (enabledLists.has(capability) ? [[capability, enabledLists.get(capability)!.has(target.bucket)]] : [])));

	const known: BucketResult[] = [];
	const toBind: Target[] = [];
	for (const target of targets) {
		const capabilities = capabilitiesOf(target);
		const enabled = enabledOf(target);
		if (boundList?.bound.has(target.bucket) && capabilities.every((capability) => enabled[capability] === true)) {
			// Everything asked for is on, by the lists: no request for this bucket.
			const services = Object.fromEntries(capabilities.map((capability) => [capability, 'already-enabled' as const]));
			known.push({...target, outcome: 'already-bound', durationMs: 0, requests: 0, ...(capabilities.length === 0 ? {} : {services: {ci: 'already-bound', ...services}})});
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
		skipStatusFor: boundList ? new Set(toBind.filter((target) => boundList.trusted(target.region)).map((target) => target.bucket)) : undefined,
		services: servicesFor,
		// Bound by the list (and not forced): only the capabilities are left to do.
		known: (target) => ({bound: boundList?.bound.has(target.bucket) === true && !options.force, enabled: enabledOf(target)}),
		onSettled: (result) => observer.settled?.(result, true),
	});
	const byBucket = new Map([...known, ...bound].map((result) => [result.bucket, result]));
	return {
		results: targets.map((target) => byBucket.get(target.bucket)!),
		listed: all.length,
		excluded: all.length - inScope.length,
		boundListUsed: boundList !== undefined,
		...(wanted.size === 0 ? {} : {capabilityListsUsed: Object.fromEntries([...wanted.keys()].map((capability) => [capability, enabledLists.has(capability)]))}),
	};
}

/** Per capability some target asks for, the regions of those targets. */
function capabilityRegions(targets: readonly Target[], capabilitiesOf: (target: Target) => Capability[]): Map<Capability, Set<string>> {
	const regions = new Map<Capability, Set<string>>();
	for (const target of targets) {
		for (const capability of capabilitiesOf(target)) {
			const set = regions.get(capability) ?? new Set<string>();
			regions.set(capability, set.add(target.region));
		}
	}

	return regions;
}

/**
Each capability's list, read once for the whole sweep (every page), over the regions of the buckets that ask for it:
one request per 100 buckets, not one per bucket. A list that cannot be read is left out, and those buckets are each
checked with the list filtered to them instead.
*/
async function readCapabilityLists(
	client: Client,
	wanted: ReadonlyMap<Capability, ReadonlySet<string>>,
	listRegion: string,
	log: SyncLog,
	listing: <T>(work: Promise<T>) => Promise<T>,
): Promise<Map<Capability, Set<string>>> {
	const lists = new Map<Capability, Set<string>>();
	for (const [capability, regions] of wanted) {
		try {
			const listed = await listing(client.listEnabled(capability, {region: listRegion, regions: [...regions].sort()}));
			lists.set(capability, new Set(listed.map((item) => item.bucketId)));
		} catch (error) {
			log.warn(`could not list the buckets with ${capability} on; checking each bucket instead`, {code: isBinderError(error) ? error.code : 'InternalError', error});
		}
	}

	return lists;
}


/** The bound list (DescribeCIBuckets), or undefined when it cannot be read: it is an optimisation, and without it each bucket's status is read instead. */
async function readBoundList(client: Client, listRegion: string, log: SyncLog, listing: <T>(work: Promise<T>) => Promise<T>): Promise<BoundList | undefined> {
	try {
		const listed = await listing(client.listBound({region: listRegion}));
		const bound = new Set(listed.filter((item) => item.status === '' || item.status === 'on').map((item) => item.bucketId));
		const accountWide = listed.some((item) => item.region !== listRegion);
		return {bound, trusted: accountWide ? () => true : (region) => region === listRegion};
	} catch (error) {
		log.warn('could not list bound buckets; checking each bucket instead', {code: isBinderError(error) ? error.code : 'InternalError', error});
		return undefined;
	}
}
