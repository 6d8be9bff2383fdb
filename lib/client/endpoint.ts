import {invalidInput} from '../core/errors.js';
import {tencentUrlEncode} from '../utils/url-encode.js';

/** Where one request goes and what its signature covers. */
export type RequestTarget = {
	/** The URL fetched. */
	url: string;
	/** The `host` value that is signed (what the server sees in `Host`). */
	signedHost: string;
	/** The decoded path that is signed. */
	signedPath: string;
};

/**
Parse and check an endpoint override (`BINDER_ENDPOINT`): an `http(s)://host[:port]` origin with an
optional base path and nothing else.
*/
export function parseEndpoint(value: string, field = 'BINDER_ENDPOINT'): URL {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		invalidInput(field, `not a URL: ${JSON.stringify(value.slice(0, 200))}`);
	}

	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		invalidInput(field, `must be http:// or https://, got ${url.protocol}`);
	}

	try {
		decodeURIComponent(url.pathname);
	} catch {
		invalidInput(field, 'the path holds a malformed %-escape');
	}

	if (url.username || url.password || url.search || url.hash) {
		invalidInput(field, 'must not carry credentials, a query or a fragment');
	}

	return url;
}

/** Build a query string with Tencent's encoding, so the server decodes exactly the values we signed. */
export function encodeQuery(query: Record<string, string>): string {
	const parts = Object.entries(query).map(([name, value]) => (value === '' ? tencentUrlEncode(name) : `${tencentUrlEncode(name)}=${tencentUrlEncode(value)}`));
	return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/**
Resolve where a request meant for `https://<virtualHost><path>?<query>` is sent.

Without an override it goes to that URL. With one (e.g. `http://127.0.0.1:9000`) it goes to
`http://127.0.0.1:9000/<virtualHost><path>?<query>`: Node's fetch cannot fake `Host`, so the virtual
host travels as the first path segment, and the signature covers the host and path actually sent.
*/
export function resolveTarget(virtualHost: string, path: string, query: Record<string, string>, endpoint: URL | undefined): RequestTarget {
	const search = encodeQuery(query);
	if (endpoint === undefined) {
		return {url: `https://${virtualHost}${path}${search}`, signedHost: virtualHost, signedPath: path};
	}

	// URL.pathname is percent-encoded; the signature covers the decoded path (doc 436/7778).
	const base = endpoint.pathname.replace(/\/+$/, '');
	return {url: `${endpoint.protocol}//${endpoint.host}${base}/${virtualHost}${path}${search}`, signedHost: endpoint.host, signedPath: `${decodeURIComponent(base)}/${virtualHost}${path}`};
}

/** CI hosts take the session token in `x-ci-security-token`, COS hosts in `x-cos-security-token`. */
export function securityTokenHeader(virtualHost: string): string {
	return /(^|\.)ci\.[a-z0-9-]+\.myqcloud\.com$/.test(virtualHost) || /\.pic\.[a-z0-9-]+\.myqcloud\.com$/.test(virtualHost)
		? 'x-ci-security-token'
		: 'x-cos-security-token';
}

export const hosts = {
	/** `<bucket-appid>.ci.<region>.myqcloud.com`: one bucket's CI API. */
	bucketCi: (bucket: string, region: string) => `${bucket}.ci.${region}.myqcloud.com`,
	/** `ci.<region>.myqcloud.com`: account-level CI API (DescribeCIBuckets). */
	accountCi: (region: string) => `ci.${region}.myqcloud.com`,
	/** `service.cos.myqcloud.com`: GetService across regions. */
	cosService: () => 'service.cos.myqcloud.com',
	/** `<bucket-appid>.cos.<region>.myqcloud.com`: one bucket's COS API. */
	bucketCos: (bucket: string, region: string) => `${bucket}.cos.${region}.myqcloud.com`,
} as const;
