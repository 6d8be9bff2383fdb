import type {AuthorizationOptions, SignableValue} from './authorization.js';

/** The options of `COS.getAuthorization` in the official SDK (tencentyun/cos-nodejs-sdk-v5), PascalCase. */
export type CosSdkAuthorizationOptions = {
	SecretId?: string;
	SecretKey?: string;
	Method?: string;
	Pathname?: string;
	Query?: Record<string, SignableValue>;
	Headers?: Record<string, SignableValue>;
	KeyTime?: string;
	StartTime?: number;
	Expires?: number;
};

const NAMES = {
	SecretId: 'secretId',
	SecretKey: 'secretKey',
	Method: 'method',
	Pathname: 'pathname',
	Query: 'query',
	Headers: 'headers',
	KeyTime: 'keyTime',
	StartTime: 'startTime',
	Expires: 'expires',
} as const satisfies Record<keyof CosSdkAuthorizationOptions, keyof AuthorizationOptions>;

/**
Options written for `COS.getAuthorization`, as `getAuthorization` takes them: the same values under their
camelCase names (only those given), so code moves over unchanged.

@example
```
getAuthorization(fromCosSdkOptions({SecretId, SecretKey, Method: 'PUT', Pathname: '/', Headers: {host}}));
```
*/
export function fromCosSdkOptions(options: CosSdkAuthorizationOptions): AuthorizationOptions {
	const converted: Record<string, unknown> = {};
	for (const [pascal, camel] of Object.entries(NAMES)) {
		const value = options[pascal as keyof CosSdkAuthorizationOptions];
		if (value !== undefined) {
			converted[camel] = value;
		}
	}

	return converted as AuthorizationOptions;
}
