/** What a {@link CloudApiError} carries besides its message. Every field is safe to print: no secrets. */
export type CloudApiErrorDetails = {
	/** The API's error code (`ResourceNotFound.Function`, `AuthFailure.SignatureFailure`, …) or ours (`NetworkError`, `Timeout`, `InvalidResponse`, `InvalidConfig`). */
	code: string;
	service?: string;
	action?: string;
	region?: string;
	/** The API's request id, when it sent one. */
	requestId?: string;
	/** Whether trying again later may succeed (throttling, server errors, network). */
	transient?: boolean;
};

/** A Tencent Cloud API 3.0 call that failed, as data. The message names the call; it never holds a key. */
export class CloudApiError extends Error {
	override readonly name = 'CloudApiError' as const;
	readonly code: string;
	readonly service: string | undefined;
	readonly action: string | undefined;
	readonly region: string | undefined;
	readonly requestId: string | undefined;
	readonly transient: boolean;

	constructor(message: string, details: CloudApiErrorDetails) {
		super(message);
		this.code = details.code;
		this.service = details.service;
		this.action = details.action;
		this.region = details.region;
		this.requestId = details.requestId;
		this.transient = details.transient ?? false;
	}
}

/** Type guard that works across module copies (no `instanceof`). */
export function isCloudApiError(error: unknown): error is CloudApiError {
	return typeof error === 'object' && error !== null && (error as {name?: unknown}).name === 'CloudApiError';
}

/** A code family: `AuthFailure.UnauthorizedOperation` is in `AuthFailure` and in `AuthFailure.UnauthorizedOperation`. */
export const hasCode = (error: unknown, prefix: string): boolean =>
	isCloudApiError(error) && (error.code === prefix || error.code.startsWith(`${prefix}.`));

/**
"Not allowed" in its documented spellings: `AuthFailure.UnauthorizedOperation` (common error codes of API 3.0,
cloud.tencent.com/document/api/213/30435) and the products' own `UnauthorizedOperation` family (SCF and
EventBridge: `UnauthorizedOperation.CAM`, "CAM鉴权失败" / "当前账号缺少 EB 操作权限": TencentCloud/tencentcloud-sdk-go
tencentcloud/scf/v20180416/errors.go and tencentcloud/eb/v20210416/errors.go; CAM: `UnauthorizedOperation`).
*/
export const isPermissionDenied = (error: unknown): boolean =>
	isCloudApiError(error) && (error.code === 'AuthFailure.UnauthorizedOperation' || error.code === 'UnauthorizedOperation' || error.code.startsWith('UnauthorizedOperation.'));
