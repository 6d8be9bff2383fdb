/** The operations the client performs, named as in Tencent's API reference. */
export type Operation =
	| 'CreateCIBucket'
	| 'DescribeCIBucketStatus'
	| 'DeleteCIBucket'
	| 'DescribeCIBuckets'
	| 'GetService'
	| 'PutBucket'
	| 'DeleteBucket';

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
