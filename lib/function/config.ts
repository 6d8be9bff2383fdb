import {asValidationError, invalidInput, isValidationError} from '../core/errors.js';
import {parseEndpoint} from '../client/endpoint.js';
import {isAppId, validateRegion} from '../core/names.js';
import {FieldPathError, MAX_FIELD_PATHS, parseFieldPath, type FieldPath} from './events/field-paths.js';
import {parsePolicy, type ServicePolicy} from '../binder/services.js';
import {DEFAULT_CONCURRENCY, MAX_CONCURRENCY, MIN_CONCURRENCY, parsePatterns, parseRegions, splitList} from '../binder/scope.js';
import {parseIntegerInRange} from '../utils/integer.js';
import {checkWebhookTarget} from './webhook/settings.js';
import {WEBHOOK_FORMATS, type WebhookFormat} from './webhook/types.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The function's settings, read from the environment once per invocation. */
export type BinderConfig = {
	/** Regions batch rebinding covers; empty = every region. `BINDER_REGIONS` */
	regions: string[];
	/** Bucket-name patterns to include (`*`, `?`); empty = all. `BINDER_INCLUDE` */
	include: string[];
	/** Bucket-name patterns to leave alone. `BINDER_EXCLUDE` */
	exclude: string[];
	/** Binds in flight at once. `BINDER_CONCURRENCY` @default 8 */
	concurrency: number;
	/** Report `would-bind` instead of binding, for every trigger. `BINDER_DRY_RUN` @default false */
	dryRun: boolean;
	/** Bearer token of the HTTP API; without it the API refuses everything but `/healthz`. `BINDER_HTTP_TOKEN` */
	httpToken: string | undefined;
	/** Largest HTTP request body accepted, bytes. `BINDER_HTTP_MAX_BODY_BYTES` @default 65536 */
	httpMaxBodyBytes: number;
	/** Most buckets one `POST /bind` may name. `BINDER_HTTP_MAX_BUCKETS` @default 200 */
	httpMaxBuckets: number;
	webhook:
		| {
				url: string;
				/** `BINDER_WEBHOOK_SECRET`: `whsec_…` for standard webhooks, the robot secret for DingTalk/Feishu. */
				secret: string | undefined;
				format: WebhookFormat;
				timeoutMs: number;
		  }
		| undefined;
	/** `BINDER_LOG_LEVEL` @default 'info' */
	logLevel: LogLevel;
	/** Endpoint override (emulator). `BINDER_ENDPOINT` */
	endpoint: string | undefined;
	/** Per-attempt timeout of service calls, ms. `BINDER_REQUEST_TIMEOUT_MS` @default 10000 */
	requestTimeoutMs: number;
	/** Retries of transient service failures. `BINDER_RETRIES` @default 3 */
	retries: number;
	/** Stop starting binds when less than this remains of the invocation, ms. `BINDER_TIME_MARGIN_MS` @default 10000 */
	timeMarginMs: number;
	/** The function's own region (COS triggers, account-level calls). `TENCENTCLOUD_REGION` */
	functionRegion: string | undefined;
	/** The account's APPID, when a bucket id lacks it. `TENCENTCLOUD_APPID` */
	appId: string | undefined;
	/**
	Where else a CloudAudit record names its bucket: dotted paths (`requestParameters.Bucket`,
	`resources[0]`), tried in order before the built-in places, JSON text decoded along the way.
	`BINDER_EVENT_BUCKET_PATH` @default []
	*/
	eventBucketPaths: FieldPath[];
	/** The same for the bucket's region. `BINDER_EVENT_REGION_PATH` @default [] */
	eventRegionPaths: FieldPath[];
	/**
	What each bucket gets: the binding (`ci`) and capabilities beyond it, `BINDER_SERVICES` (e.g. `ci,media,doc`), with
	per-pattern exceptions `BINDER_SERVICES_RULES` (`media-*:ci,media;docs-*:ci,doc`, first match wins). @default ci only
	*/
	services: ServicePolicy;
};

type Env = Record<string, string | undefined>;

// Every BINDER_* name we read. Anything else with the prefix is a typo and fails loudly (middy-style
// strict configuration): a misspelt BINDER_REGIONS silently widening a sync to every region is worse.
const KNOWN = [
	'BINDER_REGIONS',
	'BINDER_INCLUDE',
	'BINDER_EXCLUDE',
	'BINDER_CONCURRENCY',
	'BINDER_DRY_RUN',
	'BINDER_HTTP_TOKEN',
	'BINDER_HTTP_MAX_BODY_BYTES',
	'BINDER_HTTP_MAX_BUCKETS',
	'BINDER_WEBHOOK_URL',
	'BINDER_WEBHOOK_SECRET',
	'BINDER_WEBHOOK_FORMAT',
	'BINDER_WEBHOOK_TIMEOUT_MS',
	'BINDER_LOG_LEVEL',
	'BINDER_ENDPOINT',
	'BINDER_REQUEST_TIMEOUT_MS',
	'BINDER_RETRIES',
	'BINDER_TIME_MARGIN_MS',
	'BINDER_EVENT_BUCKET_PATH',
	'BINDER_EVENT_REGION_PATH',
	'BINDER_SERVICES',
	'BINDER_SERVICES_RULES',
] as const;

// Read by `serverless deploy` (serverless.yml), not by the function; allowed so the CLI still runs
// in a shell that has them exported.
const DEPLOY_ONLY = ['BINDER_ROLE', 'BINDER_SWEEP_SCHEDULE'] as const;

/** The minimum length of `BINDER_HTTP_TOKEN`: shorter tokens are guessable. */
export const MIN_HTTP_TOKEN_LENGTH = 16;

const fail = invalidInput;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
	const raw = env[name]?.trim();
	if (raw === undefined || raw === '') {
		return fallback;
	}

	return parseIntegerInRange(raw, min, max) ?? fail(name, `must be an integer from ${min} to ${max}, got ${JSON.stringify(raw.slice(0, 40))}`);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
	const raw = env[name]?.trim().toLowerCase();
	if (raw === undefined || raw === '') {
		return fallback;
	}

	if (['1', 'true', 'yes', 'on'].includes(raw)) {
		return true;
	}

	if (['0', 'false', 'no', 'off'].includes(raw)) {
		return false;
	}

	return fail(name, `must be true or false, got ${JSON.stringify(raw.slice(0, 40))}`);
}

function fieldPaths(env: Env, name: string): FieldPath[] {
	const items = splitList(env[name] ?? '');
	if (items.length > MAX_FIELD_PATHS) {
		fail(name, `at most ${MAX_FIELD_PATHS} paths, got ${items.length}`);
	}

	return items.map((item, index) => {
		try {
			return parseFieldPath(item);
		} catch (error) {
			const why = error instanceof FieldPathError ? error.message : 'not a path';
			return fail(name, `path ${index + 1} ${JSON.stringify(item.slice(0, 60))}: ${why} (expected e.g. "requestParameters.Bucket,resources[0]")`);
		}
	});
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
	const raw = env[name]?.trim();
	if (raw === undefined || raw === '') {
		return fallback;
	}

	return (values as readonly string[]).includes(raw) ? (raw as T) : fail(name, `must be one of ${values.join(', ')}, got ${JSON.stringify(raw.slice(0, 40))}`);
}

function closestKnown(name: string): string | undefined {
	// Cheap "did you mean": same letters after removing underscores, or a shared 8-character prefix.
	const squash = (value: string) => value.replaceAll('_', '');
	return KNOWN.find((known) => squash(known) === squash(name) || known.startsWith(name.slice(0, 10)) || name.startsWith(known));
}

/**
Read and validate the function's settings. Throws a `BinderError` (`InvalidConfig`) whose message
starts with the offending variable's name (also in `field`). Secrets are never echoed back.
*/
export function loadConfig(env: Env = process.env): BinderConfig {
	try {
		return readConfig(env);
	} catch (error) {
		// The boundary of the settings: whatever rule a value broke, to the caller it is a bad setting.
		throw isValidationError(error) ? asValidationError(error, 'InvalidConfig') : error;
	}
}

function readConfig(env: Env): BinderConfig {
	for (const name of Object.keys(env)) {
		if (name.startsWith('BINDER_') && !(KNOWN as readonly string[]).includes(name) && !(DEPLOY_ONLY as readonly string[]).includes(name)) {
			const suggestion = closestKnown(name);
			fail(name, `unknown setting${suggestion ? ` (did you mean ${suggestion}?)` : ''}; see the README for the list`);
		}
	}

	// Unset or empty: every region (parseRegions refuses an empty list, which elsewhere is a mistake).
	const regions = splitList(env.BINDER_REGIONS ?? '').length === 0 ? [] : parseRegions(env.BINDER_REGIONS, 'BINDER_REGIONS');
	const httpToken = env.BINDER_HTTP_TOKEN === undefined || env.BINDER_HTTP_TOKEN === '' ? undefined : env.BINDER_HTTP_TOKEN;
	if (httpToken !== undefined && (httpToken.length < MIN_HTTP_TOKEN_LENGTH || /\s/.test(httpToken))) {
		fail('BINDER_HTTP_TOKEN', `must be at least ${MIN_HTTP_TOKEN_LENGTH} characters without white space (value not shown)`);
	}

	const webhookUrl = env.BINDER_WEBHOOK_URL?.trim() || undefined;
	const webhookSecret = env.BINDER_WEBHOOK_SECRET || undefined;
	const format = oneOf(env, 'BINDER_WEBHOOK_FORMAT', WEBHOOK_FORMATS, 'standard');
	if (webhookUrl !== undefined) {
		checkWebhookTarget({url: webhookUrl, secret: webhookSecret, format}, {url: 'BINDER_WEBHOOK_URL', secret: 'BINDER_WEBHOOK_SECRET'});
	} else if (webhookSecret !== undefined) {
		fail('BINDER_WEBHOOK_SECRET', 'is set but BINDER_WEBHOOK_URL is not');
	}

	const endpoint = env.BINDER_ENDPOINT?.trim() || undefined;
	if (endpoint !== undefined) {
		parseEndpoint(endpoint, 'BINDER_ENDPOINT');
	}

	const functionRegion = env.TENCENTCLOUD_REGION?.trim() || undefined;
	if (functionRegion !== undefined) {
		validateRegion(functionRegion, 'TENCENTCLOUD_REGION');
	}

	const appId = env.TENCENTCLOUD_APPID?.trim() || undefined;
	if (appId !== undefined && !isAppId(appId)) {
		fail('TENCENTCLOUD_APPID', 'must be digits');
	}

	return {
		regions,
		include: parsePatterns(env.BINDER_INCLUDE ?? '', 'BINDER_INCLUDE'),
		exclude: parsePatterns(env.BINDER_EXCLUDE ?? '', 'BINDER_EXCLUDE'),
		concurrency: integer(env, 'BINDER_CONCURRENCY', DEFAULT_CONCURRENCY, MIN_CONCURRENCY, MAX_CONCURRENCY),
		dryRun: boolean(env, 'BINDER_DRY_RUN', false),
		httpToken,
		httpMaxBodyBytes: integer(env, 'BINDER_HTTP_MAX_BODY_BYTES', 64 * 1024, 1024, 6 * 1024 * 1024),
		httpMaxBuckets: integer(env, 'BINDER_HTTP_MAX_BUCKETS', 200, 1, 2000),
		webhook: webhookUrl === undefined ? undefined : {url: webhookUrl, secret: webhookSecret, format, timeoutMs: integer(env, 'BINDER_WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000)},
		logLevel: oneOf(env, 'BINDER_LOG_LEVEL', LOG_LEVELS, 'info'),
		endpoint,
		requestTimeoutMs: integer(env, 'BINDER_REQUEST_TIMEOUT_MS', 10_000, 100, 120_000),
		retries: integer(env, 'BINDER_RETRIES', 3, 0, 10),
		timeMarginMs: integer(env, 'BINDER_TIME_MARGIN_MS', 10_000, 0, 600_000),
		functionRegion,
		appId,
		eventBucketPaths: fieldPaths(env, 'BINDER_EVENT_BUCKET_PATH'),
		eventRegionPaths: fieldPaths(env, 'BINDER_EVENT_REGION_PATH'),
		services: parsePolicy(env.BINDER_SERVICES, env.BINDER_SERVICES_RULES),
	};
}
