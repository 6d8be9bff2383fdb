// The one list of what must never leave the process: logs, handler replies, webhook bodies and
// messages, and CLI output are all scrubbed with it (through `redact`).
import {redact} from '../utils/redact.js';

type Env = Record<string, string | undefined>;

// Query values and path segments shorter than this are not credentials (`?source=ci`), and scrubbing them
// would shred ordinary words in the body. WeCom keys are 36 characters, DingTalk tokens 64.
const MIN_URL_SECRET_LENGTH = 16;

// Names of environment variables whose values must never leave the process (SCF injects the role's
// temporary key as TENCENTCLOUD_SECRETID/SECRETKEY/SESSIONTOKEN).
const SECRET_ENV_NAME = /^TENCENTCLOUD_.*(?:SECRET|KEY|TOKEN)/;

/** The parts of a webhook URL that are credentials: long query values, key-like path segments, a password. */
export function urlSecrets(url: URL): string[] {
	const secrets: string[] = [];
	for (const value of url.searchParams.values()) {
		if (value.length >= MIN_URL_SECRET_LENGTH) {
			secrets.push(value);
		}
	}

	for (const segment of url.pathname.split('/')) {
		if (segment.length >= MIN_URL_SECRET_LENGTH && /^[A-Za-z0-9_-]+$/.test(segment) && /\d/.test(segment)) {
			secrets.push(segment);
		}
	}

	if (url.password) {
		secrets.push(decodeURIComponent(url.password));
	}

	return secrets;
}

/** Every secret the environment holds: Tencent keys and tokens, the HTTP token, the webhook secret and URL keys. */
export function secretsOf(env: Env = process.env): string[] {
	const secrets: string[] = [];
	for (const [name, value] of Object.entries(env)) {
		if (value && (SECRET_ENV_NAME.test(name) || name === 'BINDER_HTTP_TOKEN' || name === 'BINDER_WEBHOOK_SECRET')) {
			secrets.push(value);
		}
	}

	if (env.BINDER_WEBHOOK_URL) {
		try {
			secrets.push(...urlSecrets(new URL(env.BINDER_WEBHOOK_URL)));
		} catch {}
	}

	return secrets;
}

/**
Every value that must not appear in a webhook's body or in the message returned about it: the webhook
secret (also without its `whsec_` prefix), credential-looking parts of the URL, and the secrets of `env`.
*/
export function webhookSecrets(secret: string | undefined, url: URL | undefined, env: Env): string[] {
	const secrets: string[] = [];
	if (secret) {
		secrets.push(secret);
		if (secret.startsWith('whsec_')) {
			secrets.push(secret.slice('whsec_'.length));
		}
	}

	if (url) {
		secrets.push(...urlSecrets(url));
	}

	secrets.push(...secretsOf(env));
	return scrubList(secrets);
}

/**
The list to scrub JSON text with: each secret as is and as it appears inside a JSON string (a quote or
backslash in it is escaped there), without repeats, longest first so that a secret containing another is
replaced whole.
*/
export function scrubList(secrets: readonly string[]): string[] {
	return [...new Set([...secrets, ...secrets.map((secret) => JSON.stringify(secret).slice(1, -1))])].sort((a, b) => b.length - a.length);
}

/** `text` with every secret of `secrets` (and its JSON-escaped form) replaced. */
export const scrub = (text: string, secrets: readonly string[]): string => redact(text, scrubList(secrets));
