import {timingSafeEqual} from 'node:crypto';
import type {IncomingHttpHeaders} from 'node:http';
import {computeSignatureParts, parseAuthorization, type ParsedAuthorization} from '../signer/authorization.js';
import {tencentUrlEncode} from '../utils/url-encode.js';
import {EmulatorError} from './errors.js';
import {SIGNATURE_QUERY_FIELDS, type QueryParam} from './query.js';
import type {EmulatorCredential} from './types.js';

/** A key as the verifier sees it. */
export type CredentialRecord = {credential: EmulatorCredential; expired: boolean};

/** Everything the verifier needs from one request. */
export type VerifyInput = {
	method: string;
	/** The path the client signed, decoded. */
	pathname: string;
	/** The `host` value the client signed (the `Host` header as received). */
	host: string | undefined;
	headers: IncomingHttpHeaders;
	query: QueryParam[];
	/** CI hosts take `x-ci-security-token` (or `x-cos-security-token`), COS hosts `x-cos-security-token`. */
	tokenFlavour: 'ci' | 'cos';
	/** The emulator's clock, Unix milliseconds. */
	nowMs: number;
	lookup: (secretId: string) => CredentialRecord | undefined;
};

// How far in the future a signature may start: absorbs small client clock drift.
const ALLOWED_FUTURE_SKEW_SECONDS = 60;
const SIGN_TIME = /^(\d{1,12});(\d{1,12})$/;
// The exact message the official SDKs compare against to trigger their clock correction.
export const EXPIRED_MESSAGE = 'Request has expired';

/** Where the `Authorization` came from: the header, or the query of a pre-signed URL. */
export type FoundAuthorization = {parsed: ParsedAuthorization | undefined; source: 'header' | 'query' | 'none'};

/** Read the `Authorization` header, else the `q-*` fields of a pre-signed URL. */
export function findAuthorization(headers: IncomingHttpHeaders, query: QueryParam[]): FoundAuthorization {
	const header = headers.authorization;
	if (typeof header === 'string' && header !== '') {
		return {parsed: parseAuthorization(header.trim()), source: 'header'};
	}

	const fields = query.filter((param) => SIGNATURE_QUERY_FIELDS.has(param.name.toLowerCase()));
	if (fields.length === 0) {
		return {parsed: undefined, source: 'none'};
	}

	// Re-join the decoded fields into the header syntax so both sources share one parser.
	return {parsed: parseAuthorization(fields.map(({name, value}) => `${name.toLowerCase()}=${value}`).join('&')), source: 'query'};
}

const headerValue = (value: string | string[] | undefined): string | undefined =>
	Array.isArray(value) ? value.join(', ') : value;

function sameSecret(a: string, b: string): boolean {
	const left = Buffer.from(a, 'utf8');
	const right = Buffer.from(b, 'utf8');
	return left.length === right.length && timingSafeEqual(left, right);
}

/**
Verify a request's signature exactly as COS does (doc 436/7778) and return the key id it was signed with.
Throws the {@link EmulatorError} to answer: `AccessDenied`, `InvalidAccessKeyId`, `RequestTimeTooSkewed`,
`SignatureDoesNotMatch` (403) or `ExpiredToken` (400).
*/
export function verifyRequest(input: VerifyInput, found: FoundAuthorization): string {
	const auth = found.parsed;
	if (auth === undefined) {
		throw new EmulatorError(
			'AccessDenied',
			found.source === 'none'
				? 'Access Denied: the request carries no Authorization header and no q-sign-* query fields'
				: 'Access Denied: the Authorization is malformed (need q-sign-algorithm, q-ak, q-sign-time, q-key-time, q-header-list, q-url-param-list, q-signature)',
		);
	}

	if (auth.algorithm !== 'sha1') {
		throw new EmulatorError('AccessDenied', `Access Denied: unsupported q-sign-algorithm ${JSON.stringify(auth.algorithm.slice(0, 40))} (only sha1)`);
	}

	const record = input.lookup(auth.secretId);
	if (record === undefined) {
		throw new EmulatorError('InvalidAccessKeyId', 'The access key Id format you provided is invalid or does not exist');
	}

	checkTime(auth, input.nowMs);
	const {query, headers} = signedInputs(auth, input);
	const expected = computeSignatureParts({
		secretKey: record.credential.secretKey,
		keyTime: auth.keyTime,
		method: input.method,
		pathname: input.pathname,
		query,
		headers,
	}).signature;
	if (!sameSecret(expected, auth.signature)) {
		throw new EmulatorError(
			'SignatureDoesNotMatch',
			'The Signature you specified does not match what we calculated: check the secret key and the signed method, decoded path, parameters and headers',
		);
	}

	checkToken(record, input);
	return auth.secretId;
}

function checkTime(auth: ParsedAuthorization, nowMs: number): void {
	if (auth.signTime !== auth.keyTime) {
		throw new EmulatorError('AccessDenied', 'Access Denied: q-sign-time and q-key-time differ');
	}

	const match = SIGN_TIME.exec(auth.signTime);
	const start = Number(match?.[1]);
	const end = Number(match?.[2]);
	if (!match || start >= end) {
		throw new EmulatorError('AccessDenied', 'Access Denied: q-sign-time must be "<start>;<end>" in Unix seconds with start < end');
	}

	const now = Math.floor(nowMs / 1000);
	if (start > now + ALLOWED_FUTURE_SKEW_SECONDS) {
		throw new EmulatorError('RequestTimeTooSkewed', "The difference between the request time and the server's time is too large");
	}

	if (end < now) {
		throw new EmulatorError('AccessDenied', EXPIRED_MESSAGE);
	}
}

/** Collect the listed headers and parameters, refusing unsigned ones (a signature that covers too little is a hole). */
function signedInputs(auth: ParsedAuthorization, input: VerifyInput): {query: Record<string, string>; headers: Record<string, string>} {
	const headerList = new Set(auth.headerList.map((name) => name.toLowerCase()));
	if (!headerList.has('host')) {
		throw new EmulatorError('AccessDenied', 'Access Denied: the host header must be signed (q-header-list lacks "host")');
	}

	// Canonical name (encoded, lowercased) → the value as received.
	const received = new Map<string, string>();
	for (const [name, value] of Object.entries(input.headers)) {
		const text = headerValue(value);
		if (text !== undefined) {
			received.set(tencentUrlEncode(name).toLowerCase(), text);
		}
	}

	if (input.host !== undefined) {
		received.set('host', input.host);
	}

	const headers: Record<string, string> = Object.create(null) as Record<string, string>;
	for (const name of headerList) {
		const value = received.get(name);
		if (value === undefined) {
			throw new EmulatorError('SignatureDoesNotMatch', `The signed header ${JSON.stringify(name.slice(0, 100))} is not in the request`);
		}

		headers[decodeName(name)] = value;
	}

	const paramList = new Set(auth.urlParamList.map((name) => name.toLowerCase()));
	const query: Record<string, string> = Object.create(null) as Record<string, string>;
	const seen = new Set<string>();
	for (const {name, value} of input.query) {
		if (SIGNATURE_QUERY_FIELDS.has(name.toLowerCase())) {
			continue;
		}

		const canonical = tencentUrlEncode(name).toLowerCase();
		if (!paramList.has(canonical)) {
			throw new EmulatorError('AccessDenied', `Access Denied: the query parameter ${JSON.stringify(name.slice(0, 100))} is not signed (missing from q-url-param-list)`);
		}

		if (seen.has(canonical)) {
			throw new EmulatorError('InvalidArgument', `The query parameter ${JSON.stringify(name.slice(0, 100))} appears more than once`, 400);
		}

		seen.add(canonical);
		query[name] = value;
	}

	for (const name of paramList) {
		if (!seen.has(name)) {
			throw new EmulatorError('SignatureDoesNotMatch', `The signed query parameter ${JSON.stringify(name.slice(0, 100))} is not in the request`);
		}
	}

	return {query: {...query}, headers: {...headers}};
}

// computeSignatureParts encodes names again; hand it the decoded form so `%XX` is not encoded twice.
function decodeName(name: string): string {
	try {
		return decodeURIComponent(name);
	} catch {
		return name;
	}
}

function checkToken(record: CredentialRecord, input: VerifyInput): void {
	const expectedToken = record.credential.sessionToken;
	if (expectedToken !== undefined && expectedToken !== '') {
		const expectedHeader = input.tokenFlavour === 'ci' ? 'x-ci-security-token' : 'x-cos-security-token';
		// The official SDK sends `x-ci-security-token` to CI hosts and `x-cos-security-token` elsewhere
		// (tencentyun/cos-nodejs-sdk-v5 `sdk/base.js`, `util.isCIHost`); CI hosts are lenient and take either.
		const accepted = input.tokenFlavour === 'ci' ? ['x-ci-security-token', 'x-cos-security-token'] : ['x-cos-security-token'];
		const sent = accepted.map((name) => headerValue(input.headers[name])).find((value) => value !== undefined);
		if (sent === undefined || sent === '') {
			throw new EmulatorError('InvalidAccessKeyId', `The security token is missing: this key is temporary, send its token in the ${expectedHeader} header`);
		}

		if (!sameSecret(sent, expectedToken)) {
			throw new EmulatorError('InvalidAccessKeyId', `The security token in the ${expectedHeader} header is invalid for this key`);
		}
	}

	if (record.expired) {
		throw new EmulatorError('ExpiredToken', 'The provided token has expired');
	}
}
