import http from 'node:http';
import https from 'node:https';
import {BinderError} from '../core/errors.js';
import {redact} from '../utils/redact.js';
import {sleep} from '../utils/retry.js';
import {CloudApiError} from './cloud-api-error.js';
import {signTc3} from './tc3-signer.js';

// A small client of Tencent Cloud API 3.0 (`POST /` with a JSON body, TC3-HMAC-SHA256 signature, `X-TC-*`
// common headers: cloud.tencent.com/document/api/213/30654 and /213/15692), for the products `doctor` reads.
// The deploy plugin uses the official SDK; the published CLI cannot (it is a devDependency), hence this.

/** The products used and their API versions (the `X-TC-Version` each one answers). */
export const SERVICE_VERSIONS = {
	scf: '2018-04-16',
	eb: '2021-04-16',
	sts: '2018-08-13',
	cam: '2019-01-16',
	cls: '2020-10-16',
} as const;

export type CloudService = keyof typeof SERVICE_VERSIONS;

/** API keys for API 3.0: the deployer's, not the function's. */
export type CloudApiCredentials = {secretId: string; secretKey: string; sessionToken?: string};

/** Where connections go: the product's own host, or one local address (`TENCENTCLOUD_API_CONNECT_TO`). */
export type ConnectTo = {host: string; port: number};

export type CloudApiOptions = {
	credentials: CloudApiCredentials;
	/** Open every connection here (plain HTTP) while `Host` and the signature keep the real host; see {@link parseConnectTo}. */
	connectTo?: ConnectTo;
	/** Per attempt, the whole exchange. @default 10000 */
	timeoutMs?: number;
	/** Retries of a transient failure (throttling, server error, network). Only reads are retried. @default 2 */
	retries?: number;
	/** Aborts every call. */
	signal?: AbortSignal;
	/** Milliseconds since the epoch, for `X-TC-Timestamp`. @default Date.now */
	now?: () => number;
	/** @default setTimeout */
	sleep?: (ms: number) => Promise<void>;
	/** Called before each attempt (for a verbose log; never given secrets). */
	onCall?: (call: {service: CloudService; action: string; region: string | undefined; attempt: number}) => void;
};

export type CloudApi = {
	/**
	Call `action` of `service` and resolve with its `Response` (without `RequestId`'s wrapper), or reject with a
	{@link CloudApiError} naming the call, the code, the message and the request id.
	*/
	call<T = Record<string, unknown>>(service: CloudService, action: string, params?: Record<string, unknown>, options?: {region?: string}): Promise<T & {RequestId?: string}>;
};

// Largest answer read: doctor reads function configurations, trigger lists and a page of log lines.
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RETRIES = 2;
const RETRY_BASE_MS = 500;
/** Throttling and server-side trouble (common error codes, 213/30435): worth another try. */
const TRANSIENT_CODES = /^(RequestLimitExceeded|InternalError|ResourceUnavailable|ServiceUnavailable|FailedOperation\.ServiceBusy)/;
/** Actions that only read: safe to repeat after a lost answer. */
const READ_ACTION = /^(Get|List|Describe|Search|LookUp)/;

/**
Finance regions answer on `<service>.<region>.tencentcloudapi.com` only ("If the common parameter Region is a
Finance region, a domain name with the Finance region needs to be specified": SCF request structure,
intl.cloud.tencent.com/document/product/583/18589); every other call goes to the product's nearest-access host.
*/
export function apiHost(service: CloudService, region: string | undefined): string {
	return region !== undefined && /-fsi$/.test(region) ? `${service}.${region}.tencentcloudapi.com` : `${service}.tencentcloudapi.com`;
}

/**
Read `TENCENTCLOUD_API_CONNECT_TO=http://HOST:PORT`, the deploy plugin's loopback override
(deploy/serverless-tencent/api.cjs): every connection opens there, over plain HTTP, while `Host` and the signed
host stay the product's own, as with `curl --connect-to`. `TENCENTCLOUD_API_ENDPOINT` is refused as the plugin
refuses it. Throws a BinderError `InvalidConfig` naming the variable.
*/
export function parseConnectTo(env: Record<string, string | undefined>): ConnectTo | undefined {
	if (env.TENCENTCLOUD_API_ENDPOINT) {
		throw new BinderError('TENCENTCLOUD_API_ENDPOINT is not read: it sends every product to one host, which signs with the wrong service; use TENCENTCLOUD_API_CONNECT_TO=http://HOST:PORT', {code: 'InvalidConfig'});
	}

	const raw = env.TENCENTCLOUD_API_CONNECT_TO;
	if (!raw) {
		return undefined;
	}

	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new BinderError(`TENCENTCLOUD_API_CONNECT_TO: not a URL: ${JSON.stringify(raw.slice(0, 200))}`, {code: 'InvalidConfig'});
	}

	if (url.protocol !== 'http:' || !url.port || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
		throw new BinderError(`TENCENTCLOUD_API_CONNECT_TO: expected http://HOST:PORT, got ${JSON.stringify(raw.slice(0, 200))}`, {code: 'InvalidConfig'});
	}

	return {host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port)};
}

type RawAnswer = {status: number; body: string};

/** One HTTP exchange, bounded by `timeoutMs` and `signal`; rejects with a CloudApiError (`Timeout`, `NetworkError`, `Aborted`). */
function exchange(options: {host: string; connectTo: ConnectTo | undefined; headers: Record<string, string>; body: string; timeoutMs: number; signal: AbortSignal | undefined; describe: string}): Promise<RawAnswer> {
	return new Promise((resolve, reject) => {
		const {connectTo} = options;
		const request = (connectTo ? http : https).request({
			host: connectTo?.host ?? options.host,
			port: connectTo?.port ?? 443,
			method: 'POST',
			path: '/',
			headers: {...options.headers, host: options.host, 'content-length': String(Buffer.byteLength(options.body))},
			// One connection per call: a kept-alive socket would hold the CLI open after its last line.
			agent: false,
		});
		let settled = false;
		const finish = (error: CloudApiError | undefined, answer?: RawAnswer) => {
			if (settled) {
				return;
			}

			settled = true;
			clearTimeout(timer);
			options.signal?.removeEventListener('abort', onAbort);
			if (error) {
				request.destroy();
				reject(error);
			} else {
				resolve(answer!);
			}
		};

		const timer = setTimeout(() => finish(new CloudApiError(`${options.describe}: no answer within ${options.timeoutMs} ms`, {code: 'Timeout', transient: true})), options.timeoutMs);
		const onAbort = () => finish(new CloudApiError(`${options.describe}: aborted`, {code: 'Aborted'}));
		if (options.signal?.aborted) {
			onAbort();
			return;
		}

		options.signal?.addEventListener('abort', onAbort, {once: true});
		request.on('error', (error: NodeJS.ErrnoException) => finish(new CloudApiError(`${options.describe}: network error: ${error.code ?? error.message.slice(0, 200)}`, {code: 'NetworkError', transient: true})));
		request.on('response', (response) => {
			const chunks: Buffer[] = [];
			let size = 0;
			response.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > MAX_RESPONSE_BYTES) {
					finish(new CloudApiError(`${options.describe}: answer over ${MAX_RESPONSE_BYTES} bytes`, {code: 'ResponseTooLarge'}));
					return;
				}

				chunks.push(chunk);
			});
			response.on('error', () => finish(new CloudApiError(`${options.describe}: connection lost while reading the answer`, {code: 'NetworkError', transient: true})));
			response.on('end', () => finish(undefined, {status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}));
		});
		request.end(options.body);
	});
}

const asRecord = (value: unknown): Record<string, unknown> | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);

/** The TC3-signed headers of one request; the session token only with temporary keys. */
function signedHeaders(credentials: CloudApiOptions['credentials'], request: {service: CloudService; action: string; host: string; region: string | undefined; body: string; timestamp: number}): Record<string, string> {
	const {service, action, host, region, body, timestamp} = request;
	const contentType = 'application/json; charset=utf-8';
	const {authorization} = signTc3({secretId: credentials.secretId, secretKey: credentials.secretKey, service, host, contentType, payload: body, timestamp});
	const headers: Record<string, string> = {
		authorization,
		'content-type': contentType,
		'x-tc-action': action,
		'x-tc-version': SERVICE_VERSIONS[service],
		'x-tc-timestamp': String(timestamp),
	};
	if (region !== undefined) {
		headers['x-tc-region'] = region;
	}

	// "临时证书所用的 Token，需要结合临时密钥一起使用" (common parameters, 213/15692): only with temporary keys.
	if (credentials.sessionToken) {
		headers['x-tc-token'] = credentials.sessionToken;
	}

	return headers;
}

/** The `Response` object of an answer, or the CloudApiError it (or its absence) stands for. */
function readAnswer(answer: {status: number; body: string}, describe: string, scrub: (text: string) => string): Record<string, unknown> {
	let parsed: unknown;
	try {
		parsed = JSON.parse(answer.body);
	} catch {
		throw new CloudApiError(`${describe}: HTTP ${answer.status} with a body that is not JSON (${Buffer.byteLength(answer.body)} bytes)`, {code: 'InvalidResponse', transient: answer.status >= 500});
	}

	const response = asRecord(asRecord(parsed)?.Response);
	if (!response) {
		throw new CloudApiError(`${describe}: HTTP ${answer.status} without a Response object`, {code: 'InvalidResponse', transient: answer.status >= 500});
	}

	const requestId = typeof response.RequestId === 'string' ? response.RequestId : undefined;
	const error = asRecord(response.Error);
	if (error) {
		const code = typeof error.Code === 'string' && error.Code !== '' ? error.Code : 'UnknownError';
		const message = typeof error.Message === 'string' ? error.Message : '';
		throw new CloudApiError(`${describe}: ${code}: ${scrub(message).slice(0, 500)}${requestId ? ` (RequestId ${requestId})` : ''}`, {code, requestId, transient: TRANSIENT_CODES.test(code)});
	}

	if (answer.status !== 200) {
		throw new CloudApiError(`${describe}: HTTP ${answer.status}`, {code: 'InvalidResponse', requestId, transient: answer.status >= 500});
	}

	return response;
}

/** Create a client. Nothing is sent until `call`. */
export function createCloudApi(options: CloudApiOptions): CloudApi {
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const retries = options.retries ?? DEFAULT_RETRIES;
	const now = options.now ?? Date.now;
	// utils/retry's sleep, cut short by the caller's signal: the next attempt then ends as Aborted at once.
	const wait = options.sleep ?? (async (ms: number) => void (await sleep(ms, options.signal)));
	const secrets = [options.credentials.secretKey, options.credentials.sessionToken];
	const scrub = (text: string) => redact(text, secrets);

	async function attempt(service: CloudService, action: string, params: Record<string, unknown>, region: string | undefined, describe: string): Promise<Record<string, unknown>> {
		const host = apiHost(service, region);
		const body = JSON.stringify(params);
		const timestamp = Math.floor(now() / 1000);
		const headers = signedHeaders(options.credentials, {service, action, host, region, body, timestamp});
		const answer = await exchange({host, connectTo: options.connectTo, headers, body, timeoutMs, signal: options.signal, describe});
		return readAnswer(answer, describe, scrub);
	}

	return {
		async call(service, action, params = {}, callOptions = {}) {
			const region = callOptions.region;
			const describe = `${service} ${action}${region ? ` (${region})` : ''}`;
			if (!Object.hasOwn(SERVICE_VERSIONS, service)) {
				throw new CloudApiError(`${describe}: unknown service`, {code: 'InvalidConfig', service, action});
			}

			const repeatable = READ_ACTION.test(action);
			for (let attemptNumber = 1; ; attemptNumber++) {
				options.onCall?.({service, action, region, attempt: attemptNumber});
				try {
					return (await attempt(service, action, params, region, describe)) as never;
				} catch (caught) {
					const error = caught as CloudApiError;
					// Repeat a read after a transient failure; never a write whose answer may have been lost.
					if (error.transient && repeatable && attemptNumber <= retries && !options.signal?.aborted) {
						await wait(RETRY_BASE_MS * 2 ** (attemptNumber - 1));
						continue;
					}

					throw new CloudApiError(scrub(error.message), {code: error.code, service, action, region, requestId: error.requestId, transient: error.transient});
				}
			}
		},
	};
}
