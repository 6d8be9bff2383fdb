import {createHash, createHmac} from 'node:crypto';
import {tencentUrlEncode} from '../utils/url-encode.js';

/** A header or query value as callers hand it over: `undefined`/`null` sign as the empty string. */
export type SignableValue = string | number | boolean | undefined | null;

/**
Options of {@link getAuthorization}. Code written for the official SDK's `COS.getAuthorization`
(PascalCase: `SecretId`, `Pathname`, `KeyTime`, …) passes its options through `fromCosSdkOptions`.
*/
export type AuthorizationOptions = {
	/** The API key id (`AKID…`). */
	secretId?: string;
	/** The API key secret. Used only as an HMAC key; never copied into the result. */
	secretKey?: string;
	/** HTTP method; case does not matter. @default 'get' */
	method?: string;
	/**
	The request path, **decoded** (`/exampleobject(腾讯云)`, not `/exampleobject(%E8%85%BE…)`).
	A missing leading `/` is added. @default '/'
	*/
	pathname?: string;
	/** Query parameters, decoded. A parameter without a value (`?unbind`) is `{unbind: ''}`. */
	query?: Record<string, SignableValue>;
	/** Headers to sign, exactly as sent. Every header given here is signed. */
	headers?: Record<string, SignableValue>;
	/** `start;end` in Unix seconds. Takes precedence over `startTime`/`expires`. */
	keyTime?: string;
	/** Start of the validity window, Unix seconds. @default now - 1 (with `clockOffsetMs` applied) */
	startTime?: number;
	/** Validity in seconds after `startTime`. @default 900 */
	expires?: number;
	/** Milliseconds to add to the local clock (server time - local time), from a skew correction. @default 0 */
	clockOffsetMs?: number;
};

/** Every intermediate value of one signature, for tests and for the emulator's verifier. */
export type SignatureParts = {
	keyTime: string;
	signKey: string;
	urlParamList: string;
	httpParameters: string;
	headerList: string;
	httpHeaders: string;
	httpString: string;
	stringToSign: string;
	signature: string;
};

/** Default validity of a signature, in seconds; the official SDKs use the same. */
export const DEFAULT_SIGNATURE_EXPIRES_SECONDS = 900;

type Pair = {name: string; value: string};

/**
Encode and sort name/value pairs per the `q-sign-algorithm=sha1` rules: name encoded then lowercased,
value encoded with its case kept, sorted by the encoded name (the documented order).
*/
export function canonicalPairs(input: Record<string, SignableValue> | undefined): Pair[] {
	const pairs: Pair[] = [];
	for (const [rawName, rawValue] of Object.entries(input ?? {})) {
		const value = rawValue === undefined || rawValue === null ? '' : String(rawValue);
		pairs.push({name: tencentUrlEncode(rawName).toLowerCase(), value: tencentUrlEncode(value)});
	}

	return pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const hmacSha1Hex = (key: string, message: string): string => createHmac('sha1', key).update(message, 'utf8').digest('hex');

/** Compute the signature and every intermediate value. Pure: the same input always gives the same parts. */
export function computeSignatureParts(input: {
	secretKey: string;
	keyTime: string;
	method: string;
	pathname: string;
	query?: Record<string, SignableValue>;
	headers?: Record<string, SignableValue>;
}): SignatureParts {
	const query = canonicalPairs(input.query);
	const headers = canonicalPairs(input.headers);
	const httpParameters = query.map(({name, value}) => `${name}=${value}`).join('&');
	const httpHeaders = headers.map(({name, value}) => `${name}=${value}`).join('&');
	const pathname = input.pathname.startsWith('/') ? input.pathname : `/${input.pathname}`;
	const httpString = `${input.method.toLowerCase()}\n${pathname}\n${httpParameters}\n${httpHeaders}\n`;
	const stringToSign = `sha1\n${input.keyTime}\n${createHash('sha1').update(httpString, 'utf8').digest('hex')}\n`;
	// The HMAC key of the second step is SignKey's *hex string*, not its raw bytes (doc 436/7778 step 7).
	const signKey = hmacSha1Hex(input.secretKey, input.keyTime);
	return {
		keyTime: input.keyTime,
		signKey,
		urlParamList: query.map(({name}) => name).join(';'),
		httpParameters,
		headerList: headers.map(({name}) => name).join(';'),
		httpHeaders,
		httpString,
		stringToSign,
		signature: hmacSha1Hex(signKey, stringToSign),
	};
}

/** Build `start;end` from the options, the way the official SDKs do (start one second in the past). */
export function resolveKeyTime(options: {keyTime?: string; startTime?: number; expires?: number; clockOffsetMs?: number; now?: number}): string {
	if (options.keyTime !== undefined) {
		return options.keyTime;
	}

	const start = options.startTime ?? Math.round(((options.now ?? Date.now()) + (options.clockOffsetMs ?? 0)) / 1000) - 1;
	return `${start};${start + (options.expires ?? DEFAULT_SIGNATURE_EXPIRES_SECONDS)}`;
}

/**
Create a COS / Cloud Infinite `Authorization` header value (`q-sign-algorithm=sha1`).

Same inputs and semantics as the official `COS.getAuthorization`, except that every header passed is
signed (the SDK silently drops names outside its own list, such as `content-type` or `date`).

@example
```
getAuthorization({
	secretId: 'AKID…', secretKey: '…',
	method: 'PUT', pathname: '/',
	headers: {host: 'examplebucket-1250000000.ci.ap-beijing.myqcloud.com'},
});
//=> 'q-sign-algorithm=sha1&q-ak=AKID…&q-sign-time=…&q-key-time=…&q-header-list=host&q-url-param-list=&q-signature=…'
```
*/
export function getAuthorization(options: AuthorizationOptions): string {
	const {secretId, secretKey} = options;
	if (typeof secretId !== 'string' || secretId === '') {
		throw new TypeError('getAuthorization: `secretId` is required');
	}

	if (typeof secretKey !== 'string' || secretKey === '') {
		throw new TypeError('getAuthorization: `secretKey` is required');
	}

	const keyTime = resolveKeyTime(options);
	const parts = computeSignatureParts({
		secretKey,
		keyTime,
		method: options.method ?? 'get',
		pathname: options.pathname ?? '/',
		query: options.query,
		headers: options.headers,
	});
	return [
		'q-sign-algorithm=sha1',
		`q-ak=${secretId}`,
		`q-sign-time=${keyTime}`,
		`q-key-time=${keyTime}`,
		`q-header-list=${parts.headerList}`,
		`q-url-param-list=${parts.urlParamList}`,
		`q-signature=${parts.signature}`,
	].join('&');
}

/** The fields of an `Authorization` header value, as a server reads them. */
export type ParsedAuthorization = {
	algorithm: string;
	secretId: string;
	signTime: string;
	keyTime: string;
	headerList: string[];
	urlParamList: string[];
	signature: string;
};

/** Parse an `Authorization` header value; `undefined` when a required field is missing. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
	const fields = new Map<string, string>();
	for (const part of value.split('&')) {
		const index = part.indexOf('=');
		if (index > 0) {
			fields.set(part.slice(0, index), part.slice(index + 1));
		}
	}

	const required = ['q-sign-algorithm', 'q-ak', 'q-sign-time', 'q-key-time', 'q-header-list', 'q-url-param-list', 'q-signature'];
	if (!required.every((name) => fields.has(name))) {
		return undefined;
	}

	const list = (name: string) => (fields.get(name) ?? '').split(';').filter((item) => item !== '');
	return {
		algorithm: fields.get('q-sign-algorithm')!,
		secretId: fields.get('q-ak')!,
		signTime: fields.get('q-sign-time')!,
		keyTime: fields.get('q-key-time')!,
		headerList: list('q-header-list'),
		urlParamList: list('q-url-param-list'),
		signature: fields.get('q-signature')!,
	};
}
