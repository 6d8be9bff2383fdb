import type {ServiceName} from '../client/capabilities.js';
import {parseServices} from '../binder/services.js';
import {timingSafeEqual, createHash} from 'node:crypto';
import {type BinderCode, invalidInput, isValidationError} from '../core/errors.js';
import {hasAppIdSuffix, isBucketName, parseBucketId, validateRegion} from '../core/names.js';
import type {HttpRequest, SyncRequestOptions} from './events/index.js';
import {parseSyncOptions} from './events/index.js';

/** What the HTTP API asks the rest of the function to do; the handler carries it out. */
export type HttpAction =
	| {kind: 'reply'; status: number; body: unknown; headers?: Record<string, string>}
	| {kind: 'bind'; targets: Array<{bucket: string; region: string}>; dryRun?: boolean; force?: boolean; services?: ServiceName[]}
	| {kind: 'sync'; options: SyncRequestOptions}
	| {kind: 'status'; bucket: string; region: string};

/** The platform-neutral reply; adapted to each event flavour by the handler. */
export type HttpReply = {statusCode: number; headers: Record<string, string>; body: string};

const ROUTES: Record<string, string[]> = {
	'/healthz': ['GET', 'HEAD'],
	'/bind': ['POST'],
	'/sync': ['POST'],
	'/status': ['GET'],
};

const BIND_KEYS = new Set(['buckets', 'region', 'dryRun', 'force', 'services']);

/** Codes only the HTTP API answers with. */
type HttpCode = 'NotFound' | 'MethodNotAllowed' | 'Unauthorized' | 'PayloadTooLarge' | 'UnsupportedMediaType' | 'InvalidJson';

const error = (status: number, code: BinderCode | HttpCode, message: string, headers?: Record<string, string>): HttpAction => ({
	kind: 'reply',
	status,
	body: {error: {code, message}},
	headers,
});

// Compare digests so the comparison takes the same time whatever the lengths (timingSafeEqual
// demands equal lengths, and an early length check would leak the token's length).
function tokenMatches(given: string, expected: string): boolean {
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(given), digest(expected));
}

function normalisePath(path: string): string {
	const trimmed = path.replace(/\/+$/, '');
	return trimmed === '' ? '/' : trimmed;
}

/**
Route and validate one HTTP request: authentication, method, size and shape. Pure: it decides, the
handler acts. Bad input is a 4xx naming the field, never a throw.
*/
export function routeHttp(
	request: HttpRequest,
	settings: {token: string | undefined; maxBodyBytes: number; maxBuckets: number; defaultRegion?: string; appId?: string},
): HttpAction {
	const path = normalisePath(request.path);
	const methods = ROUTES[path];
	if (methods === undefined) {
		return error(404, 'NotFound', `no route ${path.slice(0, 100)}; try POST /bind, POST /sync, GET /status, GET /healthz`);
	}

	if (!methods.includes(request.method)) {
		return error(405, 'MethodNotAllowed', `${request.method.slice(0, 10)} is not allowed on ${path}`, {allow: methods.join(', ')});
	}

	if (path === '/healthz') {
		return {kind: 'reply', status: 200, body: {ok: true, service: 'cos-ci-binder'}};
	}

	// Secure by default: with no token configured the API is closed, not open.
	if (settings.token === undefined) {
		return error(401, 'Unauthorized', 'the HTTP API is disabled: set BINDER_HTTP_TOKEN to enable it', {'www-authenticate': 'Bearer'});
	}

	const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
	if (!match || !tokenMatches(match[1]!, settings.token)) {
		return error(401, 'Unauthorized', 'missing or invalid bearer token in the Authorization header', {'www-authenticate': 'Bearer'});
	}

	if (path === '/status') {
		return statusAction(request.query, settings.defaultRegion, settings.appId);
	}

	const body = readJsonBody(request, settings.maxBodyBytes);
	if ('kind' in body) {
		return body;
	}

	try {
		return path === '/bind' ? bindAction(body.value, settings.maxBuckets, settings.defaultRegion, settings.appId) : {kind: 'sync', options: parseSyncOptions(body.value ?? {}, 'body')};
	} catch (caught) {
		if (isValidationError(caught)) {
			return error(400, caught.code, caught.message);
		}

		throw caught;
	}
}

function readJsonBody(request: HttpRequest, maxBytes: number): {value: unknown} | HttpAction {
	const body = request.body ?? '';
	const size = Buffer.byteLength(body, 'utf8');
	if (size > maxBytes) {
		return error(413, 'PayloadTooLarge', `body is ${size} bytes; the limit is ${maxBytes}`);
	}

	const contentType = request.headers['content-type'] ?? '';
	if (body.trim() !== '' && contentType !== '' && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
		return error(415, 'UnsupportedMediaType', `content-type must be application/json, got ${contentType.slice(0, 60)}`);
	}

	if (body.trim() === '') {
		return {value: undefined};
	}

	try {
		return {value: JSON.parse(body) as unknown};
	} catch (caught) {
		return error(400, 'InvalidJson', `body: not valid JSON (${(caught as Error).message.slice(0, 100)})`);
	}
}

/** A bare bucket name (no `-<appid>`) completed with the function's APPID, when it is known. */
function withAppId(value: unknown, appId: string | undefined): unknown {
	return typeof value === 'string' && appId !== undefined && isBucketName(value) && !hasAppIdSuffix(value) ? `${value}-${appId}` : value;
}

function bindAction(value: unknown, maxBuckets: number, defaultRegion: string | undefined, appId: string | undefined): HttpAction {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return invalidInput('body', 'must be a JSON object like {"buckets":["name-appid"],"region":"ap-guangzhou"}');
	}

	const body = value as Record<string, unknown>;
	for (const key of Object.keys(body)) {
		if (!BIND_KEYS.has(key)) {
			invalidInput(`body.${key.slice(0, 40)}`, `unknown field (allowed: ${[...BIND_KEYS].join(', ')})`);
		}
	}

	const region = body.region === undefined ? defaultRegion : validateRegion(body.region, 'body.region');
	for (const flag of ['dryRun', 'force'] as const) {
		if (body[flag] !== undefined && typeof body[flag] !== 'boolean') {
			invalidInput(`body.${flag}`, 'must be true or false');
		}
	}

	if (!Array.isArray(body.buckets) || body.buckets.length === 0) {
		return invalidInput('body.buckets', 'must be a non-empty array of "name-appid" strings or {"bucket","region"} objects');
	}

	if (body.buckets.length > maxBuckets) {
		return invalidInput('body.buckets', `at most ${maxBuckets} buckets per request (got ${body.buckets.length}); use POST /sync for the whole account`);
	}

	const targets: Array<{bucket: string; region: string}> = [];
	const seen = new Set<string>();
	body.buckets.forEach((item: unknown, index) => {
		const field = `body.buckets[${index}]`;
		let bucket: unknown = item;
		let itemRegion: unknown = region;
		if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
			const entry = item as Record<string, unknown>;
			for (const key of Object.keys(entry)) {
				if (key !== 'bucket' && key !== 'region') {
					invalidInput(`${field}.${key.slice(0, 40)}`, 'unknown field (allowed: bucket, region)');
				}
			}

			bucket = entry.bucket;
			itemRegion = entry.region ?? region;
		}

		if (itemRegion === undefined) {
			invalidInput(field, `no region (give body.region or ${field}.region, or set TENCENTCLOUD_REGION)`);
		}

		const checkedRegion = validateRegion(itemRegion, typeof item === 'object' ? `${field}.region` : 'body.region');
		const {id} = parseBucketId(withAppId(bucket, appId), typeof item === 'object' ? `${field}.bucket` : field, checkedRegion);
		const key = `${id}@${checkedRegion}`;
		if (!seen.has(key)) {
			seen.add(key);
			targets.push({bucket: id, region: checkedRegion});
		}
	});
	const services = body.services === undefined ? undefined : parseServices(body.services, 'body.services');
	return {kind: 'bind', targets, dryRun: body.dryRun as boolean | undefined, force: body.force as boolean | undefined, ...(services ? {services} : {})};
}

function statusAction(query: Record<string, string>, defaultRegion: string | undefined, appId: string | undefined): HttpAction {
	try {
		for (const key of Object.keys(query)) {
			if (key !== 'bucket' && key !== 'region') {
				invalidInput(`query.${key.slice(0, 40)}`, 'unknown parameter (allowed: bucket, region)');
			}
		}

		const regionValue = query.region ?? defaultRegion;
		if (regionValue === undefined) {
			invalidInput('query.region', 'missing: pass ?region=, or set TENCENTCLOUD_REGION');
		}

		const region = validateRegion(regionValue, 'query.region');
		const {id} = parseBucketId(withAppId(query.bucket, appId), 'query.bucket', region);
		return {kind: 'status', bucket: id, region};
	} catch (caught) {
		if (isValidationError(caught)) {
			return error(400, caught.code, caught.message);
		}

		throw caught;
	}
}

/** Serialise a reply. */
export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): HttpReply {
	return {statusCode: status, headers: {'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers}, body: JSON.stringify(body)};
}
