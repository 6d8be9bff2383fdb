import {BinderError} from '../core/errors.js';

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
	// `||`, not `??`: an empty variable must not hide the other spelling. Trimmed, because fetch trims
	// header values before sending, and a token signed untrimmed would not match what is sent.
	const read = (...names: string[]) => names.map((name) => env[name]?.trim()).find((value) => value) || undefined;
	const secretId = read('TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRET_ID');
	const secretKey = read('TENCENTCLOUD_SECRETKEY', 'TENCENTCLOUD_SECRET_KEY');
	const sessionToken = read('TENCENTCLOUD_SESSIONTOKEN', 'TENCENTCLOUD_SESSION_TOKEN');
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

	const sessionToken = typeof credentials.sessionToken === 'string' ? credentials.sessionToken.trim() : undefined;
	return {secretId: credentials.secretId.trim(), secretKey: credentials.secretKey.trim(), ...(sessionToken ? {sessionToken} : {})};
}
