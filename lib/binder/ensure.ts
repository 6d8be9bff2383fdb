import {isCapability, type Capability, type ServiceName} from '../client/capabilities.js';
import type {Client, RequestCounter} from '../client/client.js';
import {isAmbiguous} from '../client/request.js';
import {type BinderError, isBinderError} from '../core/errors.js';
import {type BucketResult, type CapabilityState, failure, type ServiceState} from '../core/results.js';
import {ensureBound, type EnsureBoundOptions} from './ensure-bound.js';

/** How {@link ensure} goes about one bucket: {@link EnsureBoundOptions} for the binding, and what fresh lists already said. */
export type EnsureOptions = EnsureBoundOptions & {
	/**
	What account-wide lists read just before said about this bucket (a sweep lists each service once): the binding
	known to be on, and per capability whether the bucket is in its list. A capability not given here is checked with
	its list filtered to this bucket (one request).
	*/
	known?: {bound?: boolean; enabled?: Partial<Record<Capability, boolean>>};
};

/** How one capability ended, with the failure when it failed. */
type CapabilityVerdict = {state: CapabilityState; requestId?: string; error?: ReturnType<typeof failure>};

/**
Make sure one bucket has every service asked for, and say how it ended as one record. Never throws.

With only `ci` this is {@link ensureBound}, request for request. Otherwise the binding comes first (every capability
needs it), then each capability in table order: the list filtered to this bucket decides (there is no per-bucket status
for capabilities), the enable call is sent only when it is absent, and after a failed or unanswered enable the list is
read again: present means `already-enabled` (or `enabled` when the answer was lost). An enable is re-sent only when its
answer was lost and the list then says absent, at most once. The record's `services` map says how each ended;
`outcome` is the binding's, or `failed` when any capability failed, with that capability named in `message`.
*/
export async function ensure(client: Client, bucket: string, region: string, services: readonly ServiceName[], options: EnsureOptions = {}): Promise<BucketResult> {
	const capabilities = services.filter((name) => isCapability(name));
	if (capabilities.length === 0) {
		return options.known?.bound ? {bucket, region, outcome: 'already-bound', durationMs: 0, requests: 0} : ensureBound(client, bucket, region, options);
	}

	const started = performance.now();
	const binding: BucketResult = options.known?.bound ? {bucket, region, outcome: 'already-bound', durationMs: 0, requests: 0} : await ensureBound(client, bucket, region, options);
	const counter: RequestCounter = {requests: 0};
	const states: Record<string, ServiceState> = {ci: binding.outcome};
	let failed: (CapabilityVerdict & {capability: Capability}) | undefined;
	for (const capability of capabilities) {
		if (binding.outcome === 'failed' || binding.outcome === 'skipped' || (failed?.error?.code === 'Aborted')) {
			// Nothing is enabled on a bucket that could not be bound (or after the deadline cut the work off).
			states[capability] = 'skipped';
			continue;
		}

		const verdict = await ensureCapability(client, bucket, region, capability, options.dryRun === true, options.known?.enabled?.[capability], counter);
		states[capability] = verdict.state;
		failed ??= verdict.state === 'failed' ? {...verdict, capability} : undefined;
	}

	const requests = (binding.requests ?? 0) + counter.requests;
	const durationMs = binding.durationMs + Math.round(performance.now() - started);
	if (failed?.error) {
		const {error} = failed;
		return {bucket, region, ...error, message: `${failed.capability}: ${error.message ?? ''}`, durationMs, requests, services: states};
	}

	return {...binding, durationMs, requests, services: states};
}

/** Whether the bucket is in the capability's list, asked for this bucket alone (`bucketNames`, `regions`). */
async function isEnabled(client: Client, bucket: string, region: string, capability: Capability, counter: RequestCounter): Promise<{present: boolean}> {
	const listed = await client.listEnabled(capability, {region, regions: [region], bucketIds: [bucket]}, counter);
	return {present: listed.some((item) => item.bucketId === bucket)};
}

/** One capability of one bucket: list decides, enable when absent, re-read the list after a failed enable. */
async function ensureCapability(
	client: Client,
	bucket: string,
	region: string,
	capability: Capability,
	dryRun: boolean,
	listed: boolean | undefined,
	counter: RequestCounter,
): Promise<CapabilityVerdict> {
	let present = listed;
	if (present === undefined) {
		try {
			present = (await isEnabled(client, bucket, region, capability, counter)).present;
		} catch (error) {
			return {state: 'failed', error: failure(error)};
		}
	}

	if (present) {
		return {state: 'already-enabled'};
	}

	if (dryRun) {
		return {state: 'would-enable'};
	}

	for (let sent = 1; ; sent++) {
		let enableError: BinderError;
		try {
			const enabled = await client.enable(bucket, region, capability, counter);
			return {state: 'enabled', requestId: enabled.requestId};
		} catch (error) {
			if (!isBinderError(error) || error.code === 'NoSuchBucket' || error.code === 'Aborted') {
				return {state: 'failed', error: failure(error)};
			}

			enableError = error;
		}

		// What a second enable answers is undocumented (media's error table has `MediaBucketAlreadyBinded`, 403): the
		// list says what happened.
		let after: {present: boolean};
		try {
			after = await isEnabled(client, bucket, region, capability, counter);
		} catch (listError) {
			const permanent = isBinderError(listError) && !listError.transient && listError.code !== 'Aborted' && !enableError.transient && !isAmbiguous(enableError);
			return {state: 'failed', error: permanent ? failure(enableError) : {...failure(enableError), transient: true}};
		}

		const answerLost = isAmbiguous(enableError);
		if (after.present) {
			return {state: answerLost ? 'enabled' : 'already-enabled'};
		}

		if (!answerLost || sent >= 2) {
			return {state: 'failed', error: failure(enableError)};
		}
	}
}
