import type {BinderCode} from '../../core/errors.js';
import {OUTCOMES, type BucketResult, type Outcome, type ResultSummary} from '../../core/results.js';
import {redact} from '../../utils/redact.js';
import type {InvocationReport} from './types.js';

// Query values and path segments shorter than this are not credentials (`?source=ci`), and scrubbing them
// would shred ordinary words in the body. WeCom keys are 36 characters, DingTalk tokens 64.
const MIN_URL_SECRET_LENGTH = 16;

// Names of environment variables whose values must never leave the process (SCF injects the role's
// temporary key as TENCENTCLOUD_SECRETID/SECRETKEY/SESSIONTOKEN).
const SECRET_ENV_NAME = /^TENCENTCLOUD_.*(?:SECRET|KEY|TOKEN)/;

/**
Every value that must not appear in the body or in the returned message: the webhook secret (also without
its `whsec_` prefix), credential-looking parts of the URL, and the Tencent Cloud credentials in `env`.
*/
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
export function environmentSecrets(env: Record<string, string | undefined>): string[] {
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

export function collectSecrets(secret: string | undefined, url: URL | undefined, env: Record<string, string | undefined>): string[] {
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

	secrets.push(...environmentSecrets(env));

	// Longest first, so that a secret containing another is replaced whole.
	return [...new Set(secrets)].sort((a, b) => b.length - a.length);
}

const isOutcome = (value: unknown): value is Outcome => (OUTCOMES as readonly unknown[]).includes(value);

// A webhook body stays bounded whatever an event held: records and digest lines beyond these are dropped.
const MAX_UNRECOGNIZED = 20;
const MAX_DIGEST_LINES = 80;

function finite(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/**
Copy the report keeping only its documented fields, every string passed through {@link redact}.

Allow-listing is what keeps an accidental extra field (a credentials object, a raw request with its
Authorization header) out of the body; redaction catches secrets that an error message echoed.
*/
export function sanitizeReport(report: InvocationReport, secrets: readonly string[] = []): InvocationReport {
	const text = (value: unknown): string => redact(typeof value === 'string' ? value : String(value ?? ''), secrets);
	const optionalText = (value: unknown): string | undefined => (value === undefined || value === null ? undefined : text(value));
	// A code is copied like any text (scrubbed, never trusted); it is typed back as the code it claims to be.
	const code = (value: unknown): BinderCode => text(value) as BinderCode;
	const summary = (report.summary ?? {}) as Partial<ResultSummary>;
	const results: unknown[] = Array.isArray(report.results) ? report.results : [];
	const sanitized: InvocationReport = {
		requestId: text(report.requestId),
		functionName: optionalText(report.functionName),
		trigger: text(report.trigger),
		startedAt: text(report.startedAt),
		durationMs: finite(report.durationMs),
		summary: {
			total: finite(summary.total),
			bound: finite(summary.bound),
			'already-bound': finite(summary['already-bound']),
			'would-bind': finite(summary['would-bind']),
			skipped: finite(summary.skipped),
			failed: finite(summary.failed),
		},
		results: results.map((value) => {
			const result = (value ?? {}) as Partial<BucketResult>;
			const clean: BucketResult = {
				bucket: text(result.bucket),
				region: text(result.region),
				outcome: isOutcome(result.outcome) ? result.outcome : 'failed',
				code: result.code === undefined || result.code === null ? undefined : code(result.code),
				message: optionalText(result.message),
				transient: typeof result.transient === 'boolean' ? result.transient : undefined,
				requestId: optionalText(result.requestId),
				durationMs: finite(result.durationMs),
				requests: typeof result.requests === 'number' && Number.isFinite(result.requests) ? result.requests : undefined,
			};
			return clean;
		}),
		error: report.error ? {code: code(report.error.code), message: text(report.error.message)} : undefined,
	};
	if (Array.isArray(report.unrecognized) && report.unrecognized.length > 0) {
		sanitized.unrecognized = report.unrecognized.slice(0, MAX_UNRECOGNIZED).map((value) => {
			const record = (value ?? {}) as Partial<NonNullable<InvocationReport['unrecognized']>[number]>;
			const digest: unknown[] = Array.isArray(record.digest) ? record.digest : [];
			return {path: text(record.path), eventName: text(record.eventName), message: text(record.message), digest: digest.slice(0, MAX_DIGEST_LINES).map((line) => text(line))};
		});
	}

	return sanitized;
}
