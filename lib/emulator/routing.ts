import type {IncomingMessage} from 'node:http';
import {capabilityByPath} from './capabilities.js';
import {EmulatorError} from './errors.js';
import type {EmulatorOperation} from './types.js';

/**
The virtual hosts the emulator serves: a bucket's CI host `<BucketName-APPID>.ci.<Region>.myqcloud.com` (and its
legacy `.pic.` twin) and the account-level `ci.<Region>.myqcloud.com` (CI bucket APIs, cloud.tencent.com/document/product/460/97479
and 460/97527); `service.cos.myqcloud.com` or `cos.<Region>.myqcloud.com` for GetService (436/8291); a bucket's
COS host for PUT Bucket (436/7738).
*/
export type HostRoute =
	| {kind: 'bucket-ci'; host: string; bucketId: string; region: string}
	| {kind: 'account-ci'; host: string; region: string}
	| {kind: 'service'; host: string; region: string | undefined}
	| {kind: 'bucket-cos'; host: string; bucketId: string; region: string};

/** How the request named its virtual host. */
export type TargetForm = 'host' | 'absolute' | 'override';

/** Where a request is going, before any authentication. */
export type RequestTarget =
	| {kind: 'admin'; path: string; rawQuery: string}
	| {
			kind: 'service';
			form: TargetForm;
			/** Lowercased, port stripped; `''` when the override form has no first segment. */
			virtualHost: string;
			/** The path after the virtual host, still percent-encoded, starting with `/`. */
			servicePath: string;
			/** The path the client signed, still percent-encoded: the whole request path in the override form. */
			signPath: string;
			/** The `host` value the client signed: the `Host` header as received. */
			signHost: string | undefined;
			rawQuery: string;
	  };

/** Prefix of the unsigned control API. */
export const ADMIN_PREFIX = '/_emulator';

const ABSOLUTE_FORM = /^(https?):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/i;

const BUCKET_CI_HOST = /^([^.]+)\.(?:ci|pic)\.([^.]+)\.myqcloud\.com$/;
const ACCOUNT_CI_HOST = /^ci\.([^.]+)\.myqcloud\.com$/;
const SERVICE_HOST = 'service.cos.myqcloud.com';
const REGION_SERVICE_HOST = /^cos\.([^.]+)\.myqcloud\.com$/;
const BUCKET_COS_HOST = /^([^.]+)\.cos\.([^.]+)\.myqcloud\.com$/;

/** Lowercase and strip a `:port` suffix (and userinfo, for URL authorities). */
export function normalizeHost(authority: string): string {
	const withoutUser = authority.slice(authority.lastIndexOf('@') + 1);
	return withoutUser.replace(/:\d*$/, '').toLowerCase();
}

/** Whether a host is one of Tencent's public service names. */
export function isMyqcloudHost(host: string): boolean {
	return host.endsWith('.myqcloud.com');
}

/** Classify a normalized virtual host; `undefined` for hosts the emulator does not serve. */
export function classifyHost(host: string): HostRoute | undefined {
	let match = BUCKET_CI_HOST.exec(host);
	if (match) {
		return {kind: 'bucket-ci', host, bucketId: match[1]!, region: match[2]!};
	}

	match = ACCOUNT_CI_HOST.exec(host);
	if (match) {
		return {kind: 'account-ci', host, region: match[1]!};
	}

	if (host === SERVICE_HOST) {
		return {kind: 'service', host, region: undefined};
	}

	match = REGION_SERVICE_HOST.exec(host);
	if (match) {
		return {kind: 'service', host, region: match[1]!};
	}

	match = BUCKET_COS_HOST.exec(host);
	if (match) {
		return {kind: 'bucket-cos', host, bucketId: match[1]!, region: match[2]!};
	}

	return undefined;
}

/** Whether errors and request ids of this route use the CI flavour (no `Resource`, `x-ci-request-id`). */
export function isCiRoute(route: HostRoute | undefined): boolean {
	return route?.kind === 'bucket-ci' || route?.kind === 'account-ci';
}

function splitTarget(target: string): {path: string; rawQuery: string} {
	const index = target.indexOf('?');
	const path = index === -1 ? target : target.slice(0, index);
	const rawQuery = index === -1 ? '' : target.slice(index + 1);
	// A fragment never reaches a server, but a hostile client may send one anyway.
	return {path, rawQuery: rawQuery.split('#')[0]!};
}

/**
Work out the virtual host and paths of a request, in this order: an absolute-form target with a
`*.myqcloud.com` host (what an HTTP proxy receives, so the official SDK works through its `Proxy`
option), a `*.myqcloud.com` `Host` header, the admin API, then the endpoint-override rule
(`/HOST/PATH?Q` stands for `https://HOST/PATH?Q`).
*/
export function resolveTarget(request: IncomingMessage): RequestTarget {
	const url = request.url ?? '';
	const hostHeader = request.headers.host;
	const absolute = ABSOLUTE_FORM.exec(url);
	let path: string;
	let rawQuery: string;
	if (absolute) {
		const authority = absolute[2]!;
		path = absolute[3] === '' || absolute[3] === undefined ? '/' : absolute[3];
		rawQuery = absolute[4] ?? '';
		const host = normalizeHost(authority);
		if (isMyqcloudHost(host)) {
			// The proxy form: the client signed the Host header it sent, which is the URL's authority.
			return {kind: 'service', form: 'absolute', virtualHost: host, servicePath: path, signPath: path, signHost: hostHeader ?? authority, rawQuery};
		}
	} else if (url.startsWith('/')) {
		({path, rawQuery} = splitTarget(url));
	} else {
		throw new EmulatorError('InvalidURI', `Unsupported request target ${JSON.stringify(url.slice(0, 200))}`, 400);
	}

	if (hostHeader !== undefined) {
		const host = normalizeHost(hostHeader);
		if (isMyqcloudHost(host)) {
			return {kind: 'service', form: 'host', virtualHost: host, servicePath: path, signPath: path, signHost: hostHeader, rawQuery};
		}
	}

	if (path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`)) {
		return {kind: 'admin', path, rawQuery};
	}

	// Endpoint override: the first segment is the host, the rest (or `/`) the service path.
	const rest = path.slice(1);
	const slash = rest.indexOf('/');
	const virtualHost = normalizeHost(slash === -1 ? rest : rest.slice(0, slash));
	const servicePath = slash === -1 ? '/' : rest.slice(slash);
	return {kind: 'service', form: 'override', virtualHost, servicePath, signPath: path, signHost: hostHeader, rawQuery};
}

/** The operation of a request on a known virtual host; throws `InvalidURI` (404) or `MethodNotAllowed` (405). */
export function routeOperation(route: HostRoute, method: string, path: string, hasUnbind: boolean): EmulatorOperation {
	const notAllowed = (allowed: string): never => {
		throw new EmulatorError('MethodNotAllowed', `The method ${method} is not allowed on ${path} of ${route.host} (allowed: ${allowed})`);
	};

	const noSuchPath = (): never => {
		throw new EmulatorError('InvalidURI', `The emulator does not serve ${path} on ${route.host}`, 404);
	};

	switch (route.kind) {
		case 'bucket-ci': {
			const capability = capabilityByPath(path);
			if (capability !== undefined) {
				// Enabling is `POST /<path>` with an empty body (e.g. CreateMediaBucket, 436/72824). The close call
				// (`DELETE`) and the lists on this host are not served: the lists are documented on the account host.
				return method === 'POST' ? (capability.enableOperation as EmulatorOperation) : notAllowed('POST');
			}

			if (path !== '/') {
				return noSuchPath();
			}

			if (method === 'GET') {
				return 'DescribeCIBucketStatus';
			}

			if (hasUnbind) {
				return method === 'PUT' ? 'DeleteCIBucket' : notAllowed('PUT /?unbind');
			}

			// The doc's syntax section uses PUT, its worked example POST: accept both.
			return method === 'PUT' || method === 'POST' ? 'CreateCIBucket' : notAllowed('GET, PUT, POST');
		}

		case 'account-ci': {
			const capability = capabilityByPath(path);
			if (capability !== undefined) {
				return method === 'GET' ? (capability.listOperation as EmulatorOperation) : notAllowed('GET');
			}

			if (path !== '/cibuckets') {
				return noSuchPath();
			}

			return method === 'GET' ? 'DescribeCIBuckets' : notAllowed('GET');
		}

		case 'service': {
			if (path !== '/') {
				return noSuchPath();
			}

			return method === 'GET' ? 'GetService' : notAllowed('GET');
		}

		case 'bucket-cos': {
			if (path !== '/') {
				return noSuchPath();
			}

			// DELETE Bucket: `DELETE /` on the bucket's COS host (COS API, 436/7732).
			return method === 'PUT' ? 'PutBucket' : method === 'DELETE' ? 'DeleteBucket' : notAllowed('PUT, DELETE');
		}
	}
}
