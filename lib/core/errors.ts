/** The operations the client performs, named as in Tencent's API reference. */
export type Operation =
	| 'CreateCIBucket'
	| 'DescribeCIBucketStatus'
	| 'DeleteCIBucket'
	| 'DescribeCIBuckets'
	| 'GetService'
	| 'PutBucket'
	| 'DeleteBucket'
	// The per-bucket capabilities beyond the binding (lib/client/capabilities.ts): enable, then list.
	| 'CreateMediaBucket'
	| 'DescribeMediaBuckets'
	| 'CreateDocProcessBucket'
	| 'DescribeDocProcessBuckets'
	| 'CreateFileProcessBucket'
	| 'DescribeFileProcessBuckets'
	| 'CreateAIProcessBucket'
	| 'DescribeAIProcessBuckets'
	| 'CreateAsrBucket'
	| 'DescribeAsrBuckets'
	| 'CreatePicProcessBucket'
	| 'DescribePicProcessBuckets';

/**
The codes we give ourselves. Code that compares against one of these is checked by the compiler: a
misspelt `'Abortd'` does not compile.
*/
export type OurCode =
	// A value broke a rule (an option, a request body, an event field, a flag); `field` names where it came from.
	| 'InvalidInput'
	| 'InvalidBucketId'
	| 'InvalidRegion'
	// The function's settings: what a validation error becomes at the settings boundary (`loadConfig`).
	| 'InvalidConfig'
	| 'MissingCredentials'
	| 'InvalidCredentials'
	// No usable answer.
	| 'InvalidResponse'
	| 'ResponseTooLarge'
	| 'NetworkError'
	| 'Timeout'
	| 'Aborted'
	// A 429 that named no code of its own.
	| 'TooManyRequests'
	| 'InternalError'
	// Result codes of the binding rule and the function.
	| 'BucketUnbinding'
	| 'TimeBudget'
	| 'InvalidEvent'
	| 'UnrecognizedEvent'
	| 'UnsupportedEvent';

/** The validation codes: an error with one of these carries `field`. */
export type ValidationCode = Extract<OurCode, 'InvalidInput' | 'InvalidBucketId' | 'InvalidRegion'>;

/**
Service codes the binder knows by name: COS's error codes ("错误码", cloud.tencent.com/document/product/436/7730)
that it reacts to or that users will meet.
*/
export type DocumentedServiceCode =
	| 'AccessDenied'
	| 'SignatureDoesNotMatch'
	| 'RequestTimeTooSkewed'
	| 'InvalidAccessKeyId'
	| 'UserNotBucketOwner'
	| 'ExpiredToken'
	| 'InvalidArgument'
	| 'InvalidBucketName'
	| 'InvalidRequest'
	| 'NoSuchBucket'
	| 'BucketAlreadyExists'
	| 'MethodNotAllowed'
	| 'InternalError'
	| 'ServiceUnavailable'
	| 'SlowDown';

declare const unlisted: unique symbol;

/**
A code the service sent that is not in {@link DocumentedServiceCode}: the service's codes are open-ended.
Typed as a `String` object rather than a `string` so that comparing any code against a misspelt literal
still fails to compile (a plain `string` in the union would accept every literal); use `String(code)`
where a primitive is needed. Only {@link serviceCode} makes one.
*/
// eslint-disable-next-line @typescript-eslint/no-wrapper-object-types -- a `String` object on purpose, as said above
export type UnlistedServiceCode = String & {readonly [unlisted]: true};

/** What the service answered with. */
export type ServiceCode = DocumentedServiceCode | UnlistedServiceCode;

/** Every code a {@link BinderError} or a result may carry. */
export type BinderCode = OurCode | ServiceCode;

/** Take a code that came from the service (an error body): the one place an open-ended code enters. */
export const serviceCode = (code: string): ServiceCode => code as ServiceCode;

/** What a {@link BinderError} carries besides its message. Every field is safe to log: no secrets. */
export type BinderErrorDetails = {
	/** Service error code (`NoSuchBucket`, `SlowDown`, …) or one of ours (`InvalidResponse`, `NetworkError`, `Timeout`, `InvalidBucketId`, …). */
	code: BinderCode;
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

The message never contains credentials or the Authorization header; it names the operation and bucket,
or for a value that broke a rule, the field it came from. Every boundary maps a validation error its own
way: an HTTP 400, exit code 2, `InvalidConfig` for the function's settings.
*/
export class BinderError extends Error {
	override readonly name = 'BinderError' as const;
	readonly code: BinderCode;
	readonly status: number;
	readonly requestId: string | undefined;
	readonly operation: Operation | undefined;
	readonly bucket: string | undefined;
	readonly region: string | undefined;
	readonly transient: boolean;
	/** How many attempts were made (known once the retry loop gave up: see {@link BinderError.withAttempts}). */
	readonly attempts: number;
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

	/** The same error, stating how many attempts were made. */
	withAttempts(attempts: number): BinderError {
		const {code, status, requestId, operation, bucket, region, transient, field, cause} = this;
		return new BinderError(this.message, {code, status, requestId, operation, bucket, region, transient, attempts, field, cause});
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

/** Whether `error` is a validation error: a value that broke a rule, with the field it came from. */
export function isValidationError(error: unknown): error is BinderError & {field: string} {
	return isBinderError(error) && error.field !== undefined;
}

/** Throw the validation error for `field`: message `<field>: <rule>`, code `InvalidInput` unless a more specific one is given. */
export function invalidInput(field: string, rule: string, code: ValidationCode = 'InvalidInput'): never {
	throw new BinderError(`${field}: ${rule}`, {code, field});
}

/** The same validation error under another code: what a boundary does to say whose input it was. */
export function asValidationError(error: BinderError & {field: string}, code: 'InvalidInput' | 'InvalidConfig'): BinderError {
	return new BinderError(error.message, {code, field: error.field});
}
