/** The operations the client performs, named as in Tencent's API reference. */
export type Operation =
	| 'CreateCIBucket'
	| 'DescribeCIBucketStatus'
	| 'DeleteCIBucket'
	| 'DescribeCIBuckets'
	| 'GetService'
	| 'PutBucket';

/** What a {@link BinderError} carries besides its message. Every field is safe to log: no secrets. */
export type BinderErrorDetails = {
	/** Service error code (`NoSuchBucket`, `SlowDown`, …) or one of ours (`InvalidResponse`, `NetworkError`, `Timeout`, `InvalidBucketId`, …). */
	code: string;
	/** HTTP status of the last answer; `0` when none arrived. */
	status?: number;
	/** The service's request id, when it sent one. */
	requestId?: string;
	operation?: Operation;
	bucket?: string;
	region?: string;
	/** Whether trying again later may succeed (5xx, 429, timeouts, network). */
	transient?: boolean;
	/** How many attempts were made. */
	attempts?: number;
	/** For a value that broke a rule: where it came from (`body.buckets[2]`, `BINDER_REGIONS`, `--concurrency`). */
	field?: string;
	cause?: unknown;
};

/**
The one error type of the library: the service's answer or our own refusal, as data.

The message never contains credentials or the Authorization header; it names the operation and bucket.
*/
export class BinderError extends Error {
	override readonly name = 'BinderError' as const;
	readonly code: string;
	readonly status: number;
	readonly requestId: string | undefined;
	readonly operation: Operation | undefined;
	readonly bucket: string | undefined;
	readonly region: string | undefined;
	readonly transient: boolean;
	/** How many attempts were made (set by the retry loop). */
	attempts: number;
	/** Where the value that broke a rule came from; set on validation errors only. */
	readonly field: string | undefined;

	constructor(message: string, details: BinderErrorDetails) {
		super(message, details.cause === undefined ? undefined : {cause: details.cause});
		this.code = details.code;
		this.status = details.status ?? 0;
		this.requestId = details.requestId;
		this.operation = details.operation;
		this.bucket = details.bucket;
		this.region = details.region;
		this.transient = details.transient ?? false;
		this.attempts = details.attempts ?? 0;
		this.field = details.field;
	}

	/** Plain JSON for logs and replies (no `cause`, no stack). */
	toJSON(): Record<string, unknown> {
		return {
			name: this.name,
			code: this.code,
			message: this.message,
			status: this.status,
			requestId: this.requestId,
			operation: this.operation,
			bucket: this.bucket,
			region: this.region,
			transient: this.transient,
			attempts: this.attempts,
		};
	}
}

/** Type guard that works across module copies (no `instanceof`). */
export function isBinderError(error: unknown): error is BinderError {
	return typeof error === 'object' && error !== null && (error as {name?: unknown}).name === 'BinderError';
}

/** Throw the validation error for `field`: code `InvalidInput`, message `<field>: <rule>`. */
export function invalidInput(field: string, rule: string): never {
	throw new BinderError(`${field}: ${rule}`, {code: 'InvalidInput', field});
}
