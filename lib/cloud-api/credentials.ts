import {readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import path from 'node:path';
import {BinderError} from '../core/errors.js';
import type {CloudApiCredentials} from './client.js';

// The deploying key, found where the deploy plugin finds it (deploy/serverless-tencent/api.cjs
// `resolveCredentials`), so whatever ran `serverless deploy` also runs `doctor`: the environment (both spellings
// in use), else the SDK's profile file.

export const CREDENTIALS_HELP =
	'Set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY work too; add TENCENTCLOUD_SESSION_TOKEN for temporary keys), or put secret_id and secret_key under [default] in ~/.tencentcloud/credentials (TENCENTCLOUD_CREDENTIALS_FILE and TENCENTCLOUD_PROFILE choose another file or section).';

/** Keys and where they were found (for the report's first line; never the keys themselves). */
export type FoundCredentials = CloudApiCredentials & {source: string};

/** The INI rules of the SDK's credentials file: `[section]`, `key = value`, `#`/`;` comments. */
export function parseIni(text: string): Record<string, Record<string, string>> {
	const sections: Record<string, Record<string, string>> = {};
	let current: Record<string, string> | undefined;
	for (const rawLine of text.split(/\r?\n/)) {
		const line = rawLine.trim();
		if (line === '' || line.startsWith('#') || line.startsWith(';')) {
			continue;
		}

		const header = /^\[([^\]]+)\]$/.exec(line);
		if (header) {
			current = sections[header[1]!.trim()] ??= {};
			continue;
		}

		const pair = /^([^=]+)=(.*)$/.exec(line);
		if (pair && current) {
			current[pair[1]!.trim()] = pair[2]!.trim().replace(/^(["'])(.*)\1$/, '$2');
		}
	}

	return sections;
}

/** Read the deploying key. Throws a BinderError `MissingCredentials` (exit 2) saying where it looked. */
export function deployerCredentials(env: Record<string, string | undefined>, home: string = homedir()): FoundCredentials {
	const read = (...names: string[]) => names.map((name) => env[name]?.trim()).find((value) => value) || undefined;
	const secretId = read('TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRETID');
	const secretKey = read('TENCENTCLOUD_SECRET_KEY', 'TENCENTCLOUD_SECRETKEY');
	const sessionToken = read('TENCENTCLOUD_SESSION_TOKEN', 'TENCENTCLOUD_SESSIONTOKEN');
	if (secretId && secretKey) {
		return {secretId, secretKey, ...(sessionToken ? {sessionToken} : {}), source: 'the environment'};
	}

	if (secretId || secretKey) {
		throw new BinderError(`Incomplete credentials: ${secretId ? 'a secret id is set but no secret key' : 'a secret key is set but no secret id'}. ${CREDENTIALS_HELP}`, {code: 'MissingCredentials'});
	}

	const file = env.TENCENTCLOUD_CREDENTIALS_FILE || path.join(home, '.tencentcloud', 'credentials');
	const profile = env.TENCENTCLOUD_PROFILE || 'default';
	let text: string;
	try {
		text = readFileSync(file, 'utf8');
	} catch {
		throw new BinderError(`No credentials. ${CREDENTIALS_HELP}`, {code: 'MissingCredentials'});
	}

	const section = parseIni(text)[profile] ?? {};
	if (!section.secret_id || !section.secret_key) {
		throw new BinderError(`No credentials: ${file} has no secret_id and secret_key under [${profile}]. ${CREDENTIALS_HELP}`, {code: 'MissingCredentials'});
	}

	return {secretId: section.secret_id, secretKey: section.secret_key, ...(section.token ? {sessionToken: section.token} : {}), source: `${file} [${profile}]`};
}
