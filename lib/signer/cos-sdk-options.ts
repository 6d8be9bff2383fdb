import type {AuthorizationOptions} from './authorization.js';

// The official SDK's name of each option of `getAuthorization` that it has.
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
} as const satisfies Record<string, keyof AuthorizationOptions>;

/** The options of `COS.getAuthorization` in the official SDK (tencentyun/cos-nodejs-sdk-v5), PascalCase. */
export type CosSdkAuthorizationOptions = {[Pascal in keyof typeof NAMES]?: AuthorizationOptions[(typeof NAMES)[Pascal]]};

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
