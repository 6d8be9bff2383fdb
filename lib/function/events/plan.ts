import type {BucketResult} from '../../core/results.js';
import type {BindTarget, BindTrigger, ParsedEvent, UnrecognizedRecord} from './types.js';

/** Stand-in bucket name for records where the event named none. */
export const UNKNOWN_BUCKET = '(unknown)';

/** Code on records for event entries that cannot be acted on. */
export const INVALID_EVENT = 'InvalidEvent';

/**
Code on records for bucket creations whose bucket or region could not be read from the record: a shape
nobody foresaw, fixed by BINDER_EVENT_BUCKET_PATH / BINDER_EVENT_REGION_PATH rather than a release.
*/
export const UNRECOGNIZED_EVENT = 'UnrecognizedEvent';

/** Collects what a bind event's entries produced: unique targets, and the results known up front. */
export type BindPlan = {
	readonly targets: BindTarget[];
	readonly knownResults: BucketResult[];
	readonly unrecognized: UnrecognizedRecord[];
	/** Add a target unless the same bucket and region is already there (the first source is kept). */
	target(target: BindTarget): void;
	/** Final without I/O and not an error: a failed creation, an event about something else. */
	skip(bucket: string | undefined, region: string | undefined, message: string): void;
	/** Final without I/O because the entry is unusable; `message` starts with the field path. */
	fail(bucket: string | undefined, region: string | undefined, message: string): void;
	/** A creation record we could not read: a failed record (code `UnrecognizedEvent`) and an {@link UnrecognizedRecord}. */
	unrecognize(bucket: string | undefined, region: string | undefined, record: UnrecognizedRecord): void;
};

export function createBindPlan(): BindPlan {
	const targets: BindTarget[] = [];
	const knownResults: BucketResult[] = [];
	const unrecognized: UnrecognizedRecord[] = [];
	const seen = new Set<string>();
	return {
		targets,
		knownResults,
		unrecognized,
		target(target) {
			// Validated ids and regions never hold a space, so the key cannot collide.
			const key = `${target.bucket} ${target.region}`;
			if (!seen.has(key)) {
				seen.add(key);
				targets.push(target);
			}
		},
		skip(bucket, region, message) {
			knownResults.push({bucket: bucket ?? UNKNOWN_BUCKET, region: region ?? '', outcome: 'skipped', message, durationMs: 0});
		},
		fail(bucket, region, message) {
			knownResults.push({bucket: bucket ?? UNKNOWN_BUCKET, region: region ?? '', outcome: 'failed', code: INVALID_EVENT, message, durationMs: 0});
		},
		unrecognize(bucket, region, record) {
			knownResults.push({bucket: bucket ?? UNKNOWN_BUCKET, region: region ?? '', outcome: 'failed', code: UNRECOGNIZED_EVENT, message: record.message, durationMs: 0});
			unrecognized.push(record);
		},
	};
}

/** The bind plan as a {@link ParsedEvent}; `unrecognized` only appears when there is something in it. */
export function bindEvent(plan: BindPlan, trigger: BindTrigger): ParsedEvent {
	return plan.unrecognized.length === 0
		? {kind: 'bind', trigger, targets: plan.targets, knownResults: plan.knownResults}
		: {kind: 'bind', trigger, targets: plan.targets, knownResults: plan.knownResults, unrecognized: plan.unrecognized};
}

/** Bounded copy of an untrusted string for a record's `bucket` field. */
export function clip(value: string, max = 100): string {
	return value.length > max ? `${value.slice(0, max)}…` : value;
}
