import {invalidInput} from '../../core/errors.js';
import {integerInRange} from '../../utils/integer.js';
import {describeUrl} from './utils/describe-url.js';
import {webhookSecrets} from '../secrets.js';
import {parseStandardSecret} from './standard.js';
import {WEBHOOK_DEFAULTS, WEBHOOK_FORMATS, type WebhookFormat, type WebhookOptions} from './types.js';

/** {@link WebhookOptions} checked and filled in with defaults. */
export type DeliverySettings = {
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

/** How the three settings are named in messages: the variables (`BINDER_WEBHOOK_URL`) or the options (`url`). */
export type WebhookFieldNames = {url: string; secret: string};

/** Where and how a webhook goes, checked. */
export type WebhookTarget = {url: URL; secret: string | undefined};

/**
The webhook's rules, for the function's settings and for `deliverWebhook`'s options alike: an http(s) URL
without `user:password@` (fetch refuses those, and the password would reach logs), a string secret (empty
counts as absent), and for the `standard` format a `whsec_` secret. A typo fails loudly instead of turning
into "no webhook" or an unsigned one. Never echoes a value that may carry a key.

@throws {BinderError} `InvalidInput`, naming the field.
*/
export function checkWebhookTarget(options: {url: unknown; secret?: unknown; format: WebhookFormat}, fields: WebhookFieldNames): WebhookTarget {
	let url: URL | undefined;
	try {
		url = new URL(String(options.url));
	} catch {}

	if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
		return invalidInput(fields.url, 'must be an http(s) URL (value not shown: it may carry a key)');
	}

	if (url.username || url.password) {
		invalidInput(fields.url, `must not contain user:password@ (${describeUrl(url)})`);
	}

	if (options.secret !== undefined && typeof options.secret !== 'string') {
		invalidInput(fields.secret, 'must be a string');
	}

	const secret = typeof options.secret === 'string' && options.secret !== '' ? options.secret : undefined;
	if (secret !== undefined && options.format === 'standard') {
		try {
			parseStandardSecret(secret);
		} catch {
			invalidInput(fields.secret, 'a standard webhook secret is whsec_<padded base64> (value not shown)');
		}
	}

	return {url, secret};
}

/** A number option within its rule, its default when not given. */
function number(options: WebhookOptions, name: 'timeoutMs' | 'maxAttempts' | 'maxTotalMs' | 'baseDelayMs', check: (value: number) => boolean, rule: string): number {
	const value = options[name] ?? WEBHOOK_DEFAULTS[name];
	return typeof value === 'number' && !Number.isNaN(value) && check(value) ? value : invalidInput(name, `must be ${rule}, got ${String(value)}`);
}

/**
Check the options and fill in defaults.

@throws {BinderError} `InvalidInput`, naming the option.
*/
export function resolveSettings(options: WebhookOptions): DeliverySettings {
	if (typeof options !== 'object' || options === null) {
		return invalidInput('options', 'must be an object');
	}

	if (!(WEBHOOK_FORMATS as readonly unknown[]).includes(options.format)) {
		invalidInput('format', `must be one of ${WEBHOOK_FORMATS.join(', ')}, got ${JSON.stringify(String(options.format).slice(0, 40))}`);
	}

	const {url, secret} = checkWebhookTarget(options, {url: 'url', secret: 'secret'});
	return {
		url,
		label: describeUrl(url),
		format: options.format,
		secret,
		timeoutMs: number(options, 'timeoutMs', (value) => value > 0, 'a positive number of milliseconds'),
		maxAttempts: number(options, 'maxAttempts', (value) => integerInRange(value, 1, Number.MAX_SAFE_INTEGER) !== undefined, 'an integer ≥ 1'),
		// Zero or less is legal: the caller's deadline has passed, nothing is sent.
		maxTotalMs: number(options, 'maxTotalMs', (value) => value < Number.POSITIVE_INFINITY, 'a finite number of milliseconds'),
		baseDelayMs: number(options, 'baseDelayMs', (value) => value >= 0 && value < Number.POSITIVE_INFINITY, 'a finite number ≥ 0'),
		fetch: options.fetch,
		signal: options.signal,
		random: options.random ?? Math.random,
		now: options.now ?? Date.now,
		secrets: webhookSecrets(secret, url, options.env ?? process.env),
	};
}
