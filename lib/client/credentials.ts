import {BinderError} from '../errors/binder-error.js';

/** API keys. With temporary keys (an SCF execution role) `sessionToken` is required by the service. */
export type Credentials = {
	secretId: string;
	secretKey: string;
	sessionToken?: string;
};

/** Credentials as given, or a function asked before every request (so rotated keys are picked up). */
export type CredentialSource = Credentials | (() => Credentials | Promise<Credentials>);

/**
Read `TENCENTCLOUD_SECRETID` / `TENCENTCLOUD_SECRETKEY` / `TENCENTCLOUD_SESSIONTOKEN`.

SCF refreshes an execution role's temporary keys at undocumented times, so this is called per
request, never cached at module load. The underscore spellings `TENCENTCLOUD_SECRET_ID`/`_KEY` used by
Tencent's API tools are accepted too.
*/
export function credentialsFromEnv(env: Record<string, string | undefined> = process.env): Credentials {
	const secretId = env.TENCENTCLOUD_SECRETID ?? env.TENCENTCLOUD_SECRET_ID;
	const secretKey = env.TENCENTCLOUD_SECRETKEY ?? env.TENCENTCLOUD_SECRET_KEY;
	const sessionToken = env.TENCENTCLOUD_SESSIONTOKEN ?? env.TENCENTCLOUD_SESSION_TOKEN;
	if (!secretId || !secretKey) {
		throw new BinderError(
			`No credentials: set TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (and TENCENTCLOUD_SESSIONTOKEN for temporary keys), or pass \`credentials\``,
			{code: 'MissingCredentials'},
		);
	}

	return sessionToken ? {secretId, secretKey, sessionToken} : {secretId, secretKey};
}

/** Resolve a source to concrete credentials, checking the shape (a function may return anything). */
export async function resolveCredentials(source: CredentialSource | undefined, env?: Record<string, string | undefined>): Promise<Credentials> {
	const credentials = source === undefined ? credentialsFromEnv(env) : typeof source === 'function' ? await source() : source;
	if (typeof credentials?.secretId !== 'string' || credentials.secretId === '' || typeof credentials.secretKey !== 'string' || credentials.secretKey === '') {
		throw new BinderError('credentials: `secretId` and `secretKey` must be non-empty strings', {code: 'MissingCredentials'});
	}

	return credentials;
}
