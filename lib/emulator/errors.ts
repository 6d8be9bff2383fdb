/** HTTP status of each error code the emulator answers with (COS/CI error docs 436/7730). */
export const STATUS_BY_CODE: Readonly<Record<string, number>> = {
	AccessDenied: 403,
	SignatureDoesNotMatch: 403,
	RequestTimeTooSkewed: 403,
	InvalidAccessKeyId: 403,
	UserNotBucketOwner: 403,
	MediaBucketAlreadyBinded: 403,
	BucketAlreadyBinded: 403,
	ExpiredToken: 400,
	InvalidArgument: 400,
	InvalidBucketName: 400,
	InvalidRegion: 400,
	InvalidRequest: 400,
	EntityTooLarge: 400,
	InvalidURI: 404,
	NoSuchBucket: 404,
	MethodNotAllowed: 405,
	BucketAlreadyExists: 409,
	BucketAlreadyOwnedByYou: 409,
	BucketAlreadyBound: 409,
	InvalidBucketState: 409,
	TooManyRequests: 429,
	InternalError: 500,
	ServiceUnavailable: 503,
	SlowDown: 503,
};

// Undocumented codes (such as a configured rebind error) are conflicts more often than not.
const DEFAULT_ERROR_STATUS = 409;

/** The HTTP status for a code, 409 when the code is not in {@link STATUS_BY_CODE}. */
export function statusForCode(code: string): number {
	return Object.hasOwn(STATUS_BY_CODE, code) ? STATUS_BY_CODE[code]! : DEFAULT_ERROR_STATUS;
}

/**
A refusal the emulator answers with: thrown anywhere in request handling, turned into the XML error
body of the host's flavour (COS or CI) by the server. Also thrown by the programmatic API.
*/
export class EmulatorError extends Error {
	override readonly name = 'EmulatorError' as const;
	readonly code: string;
	readonly status: number;

	constructor(code: string, message: string, status?: number) {
		super(message);
		this.code = code;
		this.status = status ?? statusForCode(code);
	}
}

/** Type guard that works across module copies (no `instanceof`). */
export function isEmulatorError(error: unknown): error is EmulatorError {
	return typeof error === 'object' && error !== null && (error as {name?: unknown}).name === 'EmulatorError';
}
