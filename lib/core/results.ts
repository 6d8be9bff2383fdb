import {type BinderCode, isBinderError} from './errors.js';

/** How one bucket ended. Every bucket an operation touches ends as exactly one of these. */
export const OUTCOMES = ['bound', 'already-bound', 'would-bind', 'skipped', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** How one capability beyond the binding ended for a bucket (`media`, `doc`, …; see lib/client/capabilities.ts). */
export const CAPABILITY_STATES = ['enabled', 'already-enabled', 'would-enable', 'skipped', 'failed'] as const;
export type CapabilityState = (typeof CAPABILITY_STATES)[number];

/** One entry of a result's `services` map: the binding (`ci`) ends as an {@link Outcome}, a capability as a {@link CapabilityState}. */
export type ServiceState = Outcome | CapabilityState;

/**
The record of one bucket: what logs, webhooks, HTTP replies and exit codes are all derived from.
Safe to serialise: no secrets.
*/
export type BucketResult = {
	bucket: string;
	region: string;
	outcome: Outcome;
	/** Error code when `failed` (service code such as `NoSuchBucket`, or ours such as `InvalidBucketId`); `TimeBudget` on a skip for lack of time. */
	code?: BinderCode;
	/** Human-readable detail: the error message when `failed`, the reason when `skipped`. */
	message?: string;
	/** Whether a `failed` result may succeed when tried again (5xx, throttling, timeouts). */
	transient?: boolean;
	/** The service request id of the deciding call, for support tickets. */
	requestId?: string;
	/** Milliseconds spent on this bucket. */
	durationMs: number;
	/** Requests sent for this bucket. */
	requests?: number;
	/**
	Per service, how it ended (`{ci: 'bound', media: 'enabled', doc: 'already-enabled'}`); only when the policy asked for
	more than the binding. `outcome` is then the binding's, or `failed` when any capability failed (`code` and `message`
	say which).
	*/
	services?: Readonly<Record<string, ServiceState>>;
};

/**
The record of one unbind (DeleteCIBucket), which is not a binding outcome: `unbound` means the service
accepted it (the status goes `unbinding`, then `off`); `failed` carries the code and message.
*/
export type UnbindResult = {
	bucket: string;
	region: string;
	outcome: 'unbound' | 'failed';
	code?: BinderCode;
	message?: string;
	transient?: boolean;
	requestId?: string;
	durationMs: number;
};

/** Counts per outcome, plus the total; `services` counts per service and state, when any result has a `services` map. */
export type ResultSummary = Record<Outcome, number> & {total: number; services?: Record<string, Partial<Record<ServiceState, number>>>};

/** Count results per outcome (and per service, when results carry `services`). */
export function summarize(results: readonly BucketResult[]): ResultSummary {
	const summary: ResultSummary = {total: results.length, bound: 0, 'already-bound': 0, 'would-bind': 0, skipped: 0, failed: 0};
	let services: Record<string, Partial<Record<ServiceState, number>>> | undefined;
	for (const result of results) {
		summary[result.outcome]++;
		for (const [service, state] of Object.entries(result.services ?? {})) {
			services ??= {};
			const counts = (services[service] ??= {});
			counts[state] = (counts[state] ?? 0) + 1;
		}
	}

	return services === undefined ? summary : {...summary, services};
}

/** True when nothing failed and nothing was left undone. */
export const allSettled = (results: readonly BucketResult[]) =>
	results.every((result) => result.outcome === 'bound' || result.outcome === 'already-bound' || result.outcome === 'would-bind');

/** Turn anything thrown into the fields of a `failed` result: its code, message and whether a retry may help. */
export function failure(error: unknown): {outcome: 'failed'} & Pick<BucketResult, 'code' | 'message' | 'transient' | 'requestId'> {
	if (isBinderError(error)) {
		return {outcome: 'failed', code: error.code, message: error.message, transient: error.transient, requestId: error.requestId};
	}

	return {outcome: 'failed', code: 'InternalError', message: error instanceof Error ? error.message : String(error), transient: false};
}
