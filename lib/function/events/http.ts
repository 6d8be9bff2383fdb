import {Buffer} from 'node:buffer';
import type {APIGatewayProxyEvent, APIGatewayProxyEventV2} from 'aws-lambda';
import {describeValue, type Fields, has, isFields, joinPath, own, text} from '../../utils/fields.js';
import type {ScfApiGatewayEvent, ScfFunctionUrlEvent} from './shapes.js';
import type {HttpFlavor, HttpRequest, ParsedEvent} from './types.js';

type V2Context = APIGatewayProxyEventV2['requestContext'];
type V1Context = APIGatewayProxyEvent['requestContext'];
type ScfContext = ScfApiGatewayEvent['requestContext'];

/** A field with the wrong type: ends parsing with kind `invalid`. Internal: never leaves this module. */
class InvalidField extends Error {}

function invalid(message: string): never {
	throw new InvalidField(message);
}

// Any HTTP method token (RFC 9110 allows more, but no client of ours sends anything else).
const METHOD = /^[A-Za-z]{1,20}$/;
// Addresses only: this value ends up in logs and allow-lists.
const IP_ADDRESS = /^[0-9A-Fa-f:.]{2,64}$/;

/** Whether the event looks like an HTTP request of any flavour (checked after every other trigger). */
export function isHttpEvent(event: Fields): boolean {
	if (has<APIGatewayProxyEvent>(event, 'httpMethod') || has<APIGatewayProxyEventV2>(event, 'rawPath')) {
		return true;
	}

	const context = own<APIGatewayProxyEvent>(event, 'requestContext');
	if (isFields(context) && (has<V2Context>(context, 'http') || has<V1Context>(context, 'httpMethod'))) {
		return true;
	}

	return has<APIGatewayProxyEvent>(event, 'path') && has<APIGatewayProxyEvent>(event, 'headers');
}

/**
Tell the flavours apart by fields only one of them has: v2's `rawPath`/`requestContext.http`, Tencent
API Gateway's `requestContext.serviceId`, AWS v1's `multiValueHeaders`/`resource`/`requestContext.apiId`;
without `requestContext` it is an SCF function URL.
*/
export function httpFlavor(event: Fields): HttpFlavor {
	const context = own<APIGatewayProxyEvent>(event, 'requestContext');
	const contextHas = (key: string) => isFields(context) && has(context, key);
	if (own<APIGatewayProxyEventV2>(event, 'version') === '2.0' || has<APIGatewayProxyEventV2>(event, 'rawPath') || contextHas('http')) {
		return 'aws-apigw-v2';
	}

	if (contextHas('serviceId')) {
		return 'scf-apigw';
	}

	if (
		has<APIGatewayProxyEvent>(event, 'multiValueHeaders') ||
		has<APIGatewayProxyEvent>(event, 'resource') ||
		contextHas('apiId') ||
		contextHas('resourcePath')
	) {
		return 'aws-apigw-v1';
	}

	if (context !== undefined || has<ScfApiGatewayEvent>(event, 'headerParameters') || has<ScfApiGatewayEvent>(event, 'queryStringParameters')) {
		return 'scf-apigw';
	}

	return 'scf-function-url';
}

function primitive(value: unknown): string | undefined {
	return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value) : undefined;
}

/** The entries of a map of `names` to values (headers, query parameters); none when the field is absent. */
function mapEntries(value: unknown, path: string, names: string): Array<[string, unknown]> {
	if (value === undefined || value === null) {
		return [];
	}

	return isFields(value) ? Object.entries(value) : invalid(`${path}: expected an object of ${names} to values, got ${describeValue(value)}`);
}

/** Headers from one object: names lowercased, repeats (`Host` and `host`, arrays) joined with `, `. */
function readHeaders(value: unknown, path: string): Map<string, string> {
	const headers = new Map<string, string>();
	for (const [name, raw] of mapEntries(value, path, 'header names')) {
		const itemPath = joinPath(path, name);
		let joined: string;
		if (raw === undefined || raw === null) {
			continue;
		} else if (Array.isArray(raw)) {
			joined = raw
				.map((item: unknown, index) => primitive(item) ?? invalid(`${joinPath(itemPath, index)}: expected a string, got ${describeValue(item)}`))
				.join(', ');
		} else {
			joined = primitive(raw) ?? invalid(`${itemPath}: expected a string, got ${describeValue(raw)}`);
		}

		const key = name.toLowerCase();
		const earlier = headers.get(key);
		headers.set(key, earlier === undefined ? joined : `${earlier}, ${joined}`);
	}

	return headers;
}

/** Query parameters from one object; an array value contributes its first item. */
function readQuery(value: unknown, path: string): Map<string, string> {
	const query = new Map<string, string>();
	for (const [name, raw] of mapEntries(value, path, 'parameter names')) {
		const itemPath = joinPath(path, name);
		const first: unknown = Array.isArray(raw) ? raw[0] : raw;
		if (first === undefined) {
			continue;
		}

		query.set(name, first === null ? '' : (primitive(first) ?? invalid(`${Array.isArray(raw) ? joinPath(itemPath, 0) : itemPath}: expected a string, got ${describeValue(first)}`)));
	}

	return query;
}

/** Parameters of a raw query string, first value of each name winning. */
function parseQueryString(raw: string): Map<string, string> {
	const query = new Map<string, string>();
	for (const [name, value] of new URLSearchParams(raw)) {
		if (!query.has(name)) {
			query.set(name, value);
		}
	}

	return query;
}

/** Merge maps, earlier ones winning: callers list the most complete source first. */
function merge(...maps: Array<Map<string, string>>): Record<string, string> {
	const merged = new Map<string, string>();
	for (const map of maps) {
		for (const [name, value] of map) {
			if (!merged.has(name)) {
				merged.set(name, value);
			}
		}
	}

	// `Object.fromEntries` defines properties, so a `__proto__` name stays data instead of a prototype.
	return Object.fromEntries(merged);
}

function readMethod(value: unknown, path: string): string {
	const method = typeof value === 'string' ? value.trim() : undefined;
	if (method === undefined || !METHOD.test(method)) {
		return invalid(`${path}: expected an HTTP method such as "POST", got ${describeValue(value)}`);
	}

	return method.toUpperCase();
}

/** The path without its query (returned separately, lowest priority), always starting with `/`. */
function readPath(value: unknown, path: string): {path: string; query: Map<string, string>} {
	if (value === undefined || value === null || value === '') {
		return {path: '/', query: new Map()};
	}

	if (typeof value !== 'string') {
		return invalid(`${path}: expected a string, got ${describeValue(value)}`);
	}

	const mark = value.indexOf('?');
	const bare = mark === -1 ? value : value.slice(0, mark);
	const query = mark === -1 ? new Map<string, string>() : parseQueryString(value.slice(mark + 1));
	return {path: bare.startsWith('/') ? bare : `/${bare}`, query};
}

/**
Remove a leading `/<stage>` (`/release/bind` → `/bind`). Tencent's default API Gateway domain and AWS v2
non-default stages put the stage in the path; our routes (`/bind`, `/sync`, …) never start with one.
*/
function stripStage(path: string, context: unknown): string {
	const stage = isFields(context) ? text(own<ScfContext>(context, 'stage')) : undefined;
	if (stage === undefined || stage === '$default') {
		return path;
	}

	const prefix = `/${stage}`;
	if (path === prefix) {
		return '/';
	}

	return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}

function readEventBody(event: Fields): string | undefined {
	const encoded = own<APIGatewayProxyEvent>(event, 'isBase64Encoded');
	if (encoded !== undefined && encoded !== null && typeof encoded !== 'boolean') {
		return invalid(`isBase64Encoded: expected true or false, got ${describeValue(encoded)}`);
	}

	const body = own<APIGatewayProxyEvent>(event, 'body');
	if (body === undefined || body === null) {
		return undefined;
	}

	if (typeof body !== 'string') {
		return invalid(`body: expected a string, got ${describeValue(body)}`);
	}

	if (encoded !== true) {
		return body;
	}

	// Strip whitespace first: one linear regex then, and line-wrapped base64 still decodes.
	const compact = body.replace(/\s+/g, '');
	if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) {
		return invalid('body: isBase64Encoded is true but the body is not base64');
	}

	return Buffer.from(compact, 'base64').toString('utf8');
}

function readSourceIp(value: unknown): string | undefined {
	const ip = text(value);
	return ip !== undefined && IP_ADDRESS.test(ip) ? ip : undefined;
}

const BRACKETED_IPV6 = /^\[([0-9A-Fa-f:.]{2,64})\](?::\d{1,5})?$/;
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d{1,5})?$/;

/**
The client address of an SCF function URL request: the `x-scf-remote-addr` header SCF adds (the sample
event of docs 583/69491, the international edition of 583/96099, carries `"x-scf-remote-addr":
"111.206.96.145"`). A function URL event has no request context, so this is the only record of the client
address and is trusted as a gateway's context is. A port is dropped; a repeated header (joined with ", ",
as when a client sent one too) or anything but an address gives nothing.
*/
function readRemoteAddr(value: string | undefined): string | undefined {
	const raw = text(value);
	if (raw === undefined) {
		return undefined;
	}

	const bracketed = BRACKETED_IPV6.exec(raw)?.[1];
	if (bracketed !== undefined) {
		return readSourceIp(bracketed);
	}

	const ipv4 = IPV4_WITH_PORT.exec(raw)?.[1];
	if (ipv4 !== undefined) {
		return ipv4;
	}

	// What is left may only be a bare IPv6 address (no dots: an IPv4 address would have matched above).
	return raw.includes('.') ? undefined : readSourceIp(raw);
}

function readContext(event: Fields): Fields | undefined {
	const context = own<APIGatewayProxyEvent>(event, 'requestContext');
	if (context === undefined || context === null) {
		return undefined;
	}

	return isFields(context) ? context : invalid(`requestContext: expected an object, got ${describeValue(context)}`);
}

function request(fields: Omit<HttpRequest, 'sourceIp'>, sourceIp: string | undefined): HttpRequest {
	return sourceIp === undefined ? fields : {...fields, sourceIp};
}

function readV2(event: Fields): HttpRequest {
	const context = readContext(event);
	const http = context === undefined ? undefined : own<V2Context>(context, 'http');
	if (http !== undefined && !isFields(http)) {
		return invalid(`requestContext.http: expected an object, got ${describeValue(http)}`);
	}

	const method = readMethod(http === undefined ? undefined : own<V2Context['http']>(http, 'method'), 'requestContext.http.method');
	const rawPath = has<APIGatewayProxyEventV2>(event, 'rawPath') ? own<APIGatewayProxyEventV2>(event, 'rawPath') : http === undefined ? undefined : own<V2Context['http']>(http, 'path');
	const {path, query: pathQuery} = readPath(rawPath, has<APIGatewayProxyEventV2>(event, 'rawPath') ? 'rawPath' : 'requestContext.http.path');
	const rawQuery = own<APIGatewayProxyEventV2>(event, 'rawQueryString');
	if (rawQuery !== undefined && rawQuery !== null && typeof rawQuery !== 'string') {
		return invalid(`rawQueryString: expected a string, got ${describeValue(rawQuery)}`);
	}

	const cookies = own<APIGatewayProxyEventV2>(event, 'cookies');
	const cookieHeader = new Map<string, string>();
	if (Array.isArray(cookies)) {
		// v2 moves cookies out of the headers; put them back as one `cookie` header (RFC 6265 joins with `; `).
		const values = cookies.map((cookie: unknown, index) => (typeof cookie === 'string' ? cookie : invalid(`cookies[${index}]: expected a string, got ${describeValue(cookie)}`)));
		if (values.length > 0) {
			cookieHeader.set('cookie', values.join('; '));
		}
	} else if (cookies !== undefined && cookies !== null) {
		return invalid(`cookies: expected an array of strings, got ${describeValue(cookies)}`);
	}

	return request(
		{
			method,
			path: stripStage(path, context),
			headers: merge(readHeaders(own<APIGatewayProxyEventV2>(event, 'headers'), 'headers'), cookieHeader),
			// rawQueryString keeps repeats apart; queryStringParameters joins them with commas.
			query: merge(parseQueryString(rawQuery ?? ''), readQuery(own<APIGatewayProxyEventV2>(event, 'queryStringParameters'), 'queryStringParameters'), pathQuery),
			body: readEventBody(event),
			flavor: 'aws-apigw-v2',
		},
		readSourceIp(http === undefined ? undefined : own<V2Context['http']>(http, 'sourceIp')),
	);
}

function readV1(event: Fields): HttpRequest {
	const context = readContext(event);
	const useContextMethod = !has<APIGatewayProxyEvent>(event, 'httpMethod') && context !== undefined;
	const method = readMethod(
		useContextMethod ? own<V1Context>(context, 'httpMethod') : own<APIGatewayProxyEvent>(event, 'httpMethod'),
		useContextMethod ? 'requestContext.httpMethod' : 'httpMethod',
	);
	const {path, query: pathQuery} = readPath(own<APIGatewayProxyEvent>(event, 'path'), 'path');
	const identity = context === undefined ? undefined : own<V1Context>(context, 'identity');
	return request(
		{
			method,
			path: stripStage(path, context),
			// multiValue* hold every value; the single-value maps keep only the last one of repeats.
			headers: merge(
				readHeaders(own<APIGatewayProxyEvent>(event, 'multiValueHeaders'), 'multiValueHeaders'),
				readHeaders(own<APIGatewayProxyEvent>(event, 'headers'), 'headers'),
			),
			query: merge(
				readQuery(own<APIGatewayProxyEvent>(event, 'multiValueQueryStringParameters'), 'multiValueQueryStringParameters'),
				readQuery(own<APIGatewayProxyEvent>(event, 'queryStringParameters'), 'queryStringParameters'),
				pathQuery,
			),
			body: readEventBody(event),
			flavor: 'aws-apigw-v1',
		},
		readSourceIp(isFields(identity) ? own<V1Context['identity']>(identity, 'sourceIp') : undefined),
	);
}

function readScf(event: Fields, flavor: 'scf-apigw' | 'scf-function-url'): HttpRequest {
	const context = readContext(event);
	const useContextMethod = !has<ScfFunctionUrlEvent>(event, 'httpMethod') && context !== undefined;
	const method = readMethod(
		useContextMethod ? own<ScfContext>(context, 'httpMethod') : own<ScfFunctionUrlEvent>(event, 'httpMethod'),
		useContextMethod ? 'requestContext.httpMethod' : 'httpMethod',
	);
	const {path, query: pathQuery} = readPath(own<ScfFunctionUrlEvent>(event, 'path'), 'path');
	const headers = merge(
		readHeaders(own<ScfFunctionUrlEvent>(event, 'headers'), 'headers'),
		readHeaders(own<ScfApiGatewayEvent>(event, 'headerParameters'), 'headerParameters'),
	);
	// A function URL event has no request context (docs 583/96099): SCF puts the client address in a header.
	const sourceIp =
		flavor === 'scf-function-url' ? readRemoteAddr(headers['x-scf-remote-addr']) : readSourceIp(context === undefined ? undefined : own<ScfContext>(context, 'sourceIp'));
	return request(
		{
			method,
			path: stripStage(path, context),
			headers,
			query: merge(
				readQuery(own<ScfFunctionUrlEvent>(event, 'queryString'), 'queryString'),
				readQuery(own<ScfApiGatewayEvent>(event, 'queryStringParameters'), 'queryStringParameters'),
				pathQuery,
			),
			body: readEventBody(event),
			flavor,
		},
		sourceIp,
	);
}

/** Normalise any supported HTTP event into an {@link HttpRequest}; wrong field types give kind `invalid`. */
export function parseHttp(event: Fields): ParsedEvent {
	const flavor = httpFlavor(event);
	try {
		const parsed = flavor === 'aws-apigw-v2' ? readV2(event) : flavor === 'aws-apigw-v1' ? readV1(event) : readScf(event, flavor);
		return {kind: 'http', trigger: 'http', request: parsed};
	} catch (error) {
		if (error instanceof InvalidField) {
			return {kind: 'invalid', trigger: 'http', message: error.message};
		}

		throw error;
	}
}
