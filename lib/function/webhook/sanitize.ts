import type {BinderCode} from '../../core/errors.js';
import {CAPABILITY_STATES, OUTCOMES, type BucketResult, type Outcome, type ResultSummary, type ServiceState} from '../../core/results.js';
import {redact} from '../../utils/redact.js';
import type {InvocationReport} from './types.js';

const isOutcome = (value: unknown): value is Outcome => (OUTCOMES as readonly unknown[]).includes(value);
const isServiceState = (value: unknown): value is ServiceState => isOutcome(value) || (CAPABILITY_STATES as readonly unknown[]).includes(value);
// Service names are short lowercase words (`ci`, `media`): anything else is not ours and is dropped.
const SERVICE_NAME = /^[a-z]{1,16}$/;
const MAX_SERVICES = 16;

/** A `services` map, or a summary's per-service counts, kept to known names and values. */
function cleanServices<T>(value: unknown, keep: (entry: unknown) => T | undefined, isKey: (key: string) => boolean = (key) => SERVICE_NAME.test(key)): Record<string, T> | undefined {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return undefined;
	}

	const entries = Object.entries(value)
		.filter(([name]) => isKey(name))
		.slice(0, MAX_SERVICES)
		.flatMap(([name, entry]) => {
			const kept = keep(entry);
			return kept === undefined ? [] : [[name, kept] as const];
		});
	return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

const cleanCounts = (entry: unknown) =>
	cleanServices(entry, (count) => (typeof count === 'number' && Number.isFinite(count) ? count : undefined), isServiceState) as Partial<Record<ServiceState, number>> | undefined;

// A webhook body stays bounded whatever an event held: records and digest lines beyond these are dropped.
const MAX_UNRECOGNIZED = 20;
const MAX_DIGEST_LINES = 80;

function finite(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** `{[name]: value}` when the value is there, else nothing: absent fields stay absent in the body. */
const optional = <K extends string, V>(name: K, value: V | undefined) => (value === undefined ? {} : ({[name]: value} as Record<K, V>));

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
			...optional('services', cleanServices(summary.services, cleanCounts)),
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
				...optional('services', cleanServices(result.services, (state) => (isServiceState(state) ? state : undefined))),
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
