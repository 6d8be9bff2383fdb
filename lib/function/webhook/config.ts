import {describeUrl} from './utils/describe-url.js';
import {collectSecrets} from './sanitize.js';
import {parseStandardSecret} from './standard.js';
import {WEBHOOK_DEFAULTS, WEBHOOK_FORMATS, type WebhookFormat, type WebhookOptions} from './types.js';

/** {@link WebhookOptions} checked and filled in with defaults. */
export type DeliveryConfig = {
	url: URL;
	/** The endpoint as messages name it: origin and path, credentials masked. */
	label: string;
	format: WebhookFormat;
	/** Non-empty, and for `standard` a valid `whsec_` secret. */
	secret: string | undefined;
	timeoutMs: number;
	maxAttempts: number;
	maxTotalMs: number;
	baseDelayMs: number;
	fetch: typeof fetch | undefined;
	signal: AbortSignal | undefined;
	random: () => number;
	now: () => number;
	/** Values to scrub from the body and from every message. */
	secrets: string[];
};

/** An option that is wrong: the message names the option, never its value when it may be secret. */
export class InvalidConfigError extends Error {
	override readonly name = 'InvalidConfigError' as const;
}

function number(options: WebhookOptions, name: 'timeoutMs' | 'maxAttempts' | 'maxTotalMs' | 'baseDelayMs', check: (value: number) => boolean, rule: string): number {
	const value = options[name] ?? WEBHOOK_DEFAULTS[name];
	if (typeof value !== 'number' || Number.isNaN(value) || !check(value)) {
		throw new InvalidConfigError(`webhook ${name} must be ${rule}, got ${String(value)}`);
	}

	return value;
}

/**
Check the options and fill in defaults. A typo must fail loudly (as `InvalidConfig`) instead of silently
turning into "no webhook" or an unsigned one.

@throws {InvalidConfigError}
*/
export function resolveConfig(options: WebhookOptions): DeliveryConfig {
	if (typeof options !== 'object' || options === null) {
		throw new InvalidConfigError('webhook options must be an object');
	}

	if (!(WEBHOOK_FORMATS as readonly unknown[]).includes(options.format)) {
		throw new InvalidConfigError(`webhook format must be one of ${WEBHOOK_FORMATS.join(', ')}, got ${String(options.format)}`);
	}

	let url: URL;
	try {
		url = new URL(String(options.url));
	} catch {
		// Not echoed: a robot URL that fails to parse still carries its key.
		throw new InvalidConfigError('webhook url is not a valid absolute URL');
	}

	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw new InvalidConfigError(`webhook url must be http: or https:, got ${url.protocol}`);
	}

	if (url.username || url.password) {
		// fetch refuses such URLs, and the password would end up in logs.
		throw new InvalidConfigError(`webhook url must not contain user:password@ (${describeUrl(url)})`);
	}

	const secret = typeof options.secret === 'string' && options.secret !== '' ? options.secret : undefined;
	if (options.secret !== undefined && typeof options.secret !== 'string') {
		throw new InvalidConfigError('webhook secret must be a string');
	}

	if (secret !== undefined && options.format === 'standard') {
		try {
			parseStandardSecret(secret);
		} catch (error) {
			throw new InvalidConfigError((error as Error).message);
		}
	}

	return {
		url,
		label: describeUrl(url),
		format: options.format,
		secret,
		timeoutMs: number(options, 'timeoutMs', (value) => value > 0, 'a positive number of milliseconds'),
		maxAttempts: number(options, 'maxAttempts', (value) => Number.isInteger(value) && value >= 1, 'an integer ≥ 1'),
		// Zero or less is legal: the caller's deadline has passed, nothing is sent.
		maxTotalMs: number(options, 'maxTotalMs', (value) => value < Number.POSITIVE_INFINITY, 'a finite number of milliseconds'),
		baseDelayMs: number(options, 'baseDelayMs', (value) => value >= 0 && value < Number.POSITIVE_INFINITY, 'a finite number ≥ 0'),
		fetch: options.fetch,
		signal: options.signal,
		random: options.random ?? Math.random,
		now: options.now ?? Date.now,
		secrets: collectSecrets(secret, url, options.env ?? process.env),
	};
}
