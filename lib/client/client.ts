import {setMaxListeners} from 'node:events';
import {invalidInput, type Operation} from '../core/errors.js';
import {parseBucketId, validateRegion} from '../core/names.js';
import {integerInRange} from '../utils/integer.js';
import {child, childText} from '../utils/xml.js';
import {parseBody, parseStatus, type CiStatus} from './answers.js';
import type {CredentialSource} from './credentials.js';
import {hosts, parseEndpoint} from './endpoint.js';
import {CAPABILITIES, isCapability, type Capability} from './capabilities.js';
import {listBound, listBuckets, listEnabled, type ListBoundOptions, type ListBucketsOptions, type ListEnabledOptions, type Send} from './listing.js';
import {sendRequest, type ApiRequest, type RequestCounter, type RetryOptions, type SendSettings} from './request.js';

export type {BoundBucket, CiStatus} from './answers.js';
export type {CosBucket, EnabledBucket, ListBoundOptions, ListBucketsOptions, ListEnabledOptions} from './listing.js';
export type {Capability, CapabilitySpec, ServiceName} from './capabilities.js';
export type {RequestCounter, RetryOptions} from './request.js';

/** Options of {@link createClient}. Every field is optional. */
export type ClientOptions = {
	/** API keys, or a function called before every request. @default read per request from `TENCENTCLOUD_SECRETID/SECRETKEY/SESSIONTOKEN` */
	credentials?: CredentialSource;
	/**
	Send every request to this origin instead of Tencent Cloud, with the real host as the first path
	segment (see README, "Endpoint override"). @default env `BINDER_ENDPOINT`, else Tencent Cloud
	*/
	endpoint?: string;
	/** Environment for credentials and `BINDER_ENDPOINT`. @default process.env */
	env?: Record<string, string | undefined>;
	retry?: RetryOptions;
	/** Per-attempt timeout in milliseconds, body included. @default 10000 */
	timeoutMs?: number;
	/** Largest response body accepted, in bytes. @default 8 MiB */
	maxResponseBytes?: number;
	/** Aborts every request of this client. */
	signal?: AbortSignal;
	/** Starting clock correction (server minus local), in milliseconds. @default 0 */
	clockOffsetMs?: number;
	fetch?: typeof fetch;
	onRetry?: SendSettings['onRetry'];
	/** Randomness for backoff jitter. @default Math.random */
	random?: () => number;
};

/** The answer of a status read. */
export type StatusResponse = {status: CiStatus; requestId: string | undefined};

/** Result of a successful CreateCIBucket. */
export type BindResponse = {bucket: string; region: string; requestId: string | undefined};

/** Result of a successful enable of one capability. */
export type EnableResponse = {bucket: string; region: string; capability: Capability; requestId: string | undefined};

/** Result of an accepted unbind. */
export type UnbindResponse = {bucket: string; region: string; requestId: string | undefined};

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
export const DEFAULT_RETRY: Required<RetryOptions> = {retries: 3, baseDelayMs: 100, maxDelayMs: 5000};
const MAX_TIMEOUT_MS = 900_000;
const MAX_RESPONSE_BYTES_LIMIT = 2 ** 30;

/** The binding client: every operation is a typed function. */
export type Client = ReturnType<typeof createClient>;

/**
Create a client for the Cloud Infinite and COS calls the binder makes. Whether a bucket should be bound,
and what to do when a bind fails, is the binder's rule: see `ensureBound`.

@example
```
const client = createClient(); // credentials and BINDER_ENDPOINT from the environment
await client.getStatus('examplebucket-1250000000', 'ap-guangzhou');
//=> {status: 'off', requestId: 'NjU…'}
```
*/
export function createClient(options: ClientOptions = {}) {
	const settings = sendSettings(options);
	// Requests sent by this client, for "requests per bucket" accounting in benchmarks.
	const sent: RequestCounter = {requests: 0};
	settings.onAttempt = () => {
		sent.requests++;
	};
	const send: Send = (request, counter) => sendRequest(settings, request, counter);

	return {
		/** Read the binding state of one bucket (`GET /` on its CI host). `counter` counts its attempts. */
		async getStatus(bucket: string, region: string, counter?: RequestCounter): Promise<StatusResponse> {
			const request = bucketRequest('DescribeCIBucketStatus', 'GET', bucket, region);
			const response = await send(request, counter);
			return {status: parseStatus(request, response), requestId: response.requestId};
		},
		/** Bind one bucket to Cloud Infinite (CreateCIBucket, `PUT /` on its CI host). `counter` counts its attempts. */
		async bind(bucket: string, region: string, counter?: RequestCounter): Promise<BindResponse> {
			const request = bucketRequest('CreateCIBucket', 'PUT', bucket, region);
			const response = await send(request, counter);
			const root = parseBody(request, response, ['Response']);
			const ciBucket = root && child(root, 'CIBucket');
			return {
				bucket: (ciBucket && childText(ciBucket, 'BucketId')) || bucket,
				region: (ciBucket && childText(ciBucket, 'Region')) || region,
				requestId: (root && childText(root, 'RequestId')) || response.requestId,
			};
		},
		/** Unbind one bucket (`PUT /?unbind`). Asynchronous upstream: the status goes `unbinding`, then `off`. */
		async unbind(bucket: string, region: string): Promise<UnbindResponse> {
			const request = bucketRequest('DeleteCIBucket', 'PUT', bucket, region, {unbind: ''});
			const response = await send(request);
			const root = parseBody(request, response, ['Response']);
			return {bucket, region, requestId: (root && childText(root, 'RequestId')) || response.requestId};
		},
		/**
		Enable one capability for one bucket (`POST /<path>` with an empty body on its CI host, e.g. CreateMediaBucket,
		cloud.tencent.com/document/product/436/72824). Not repeated after a timeout or reset: the caller re-reads the list.
		*/
		async enable(bucket: string, region: string, capability: Capability, counter?: RequestCounter): Promise<EnableResponse> {
			const spec = CAPABILITIES[capabilityOption(capability)];
			const request = {...bucketRequest(spec.enableOperation, 'POST', bucket, region), path: spec.path};
			const response = await send(request, counter);
			const root = parseBody(request, response, ['Response']);
			const item = root && child(root, spec.enableElement);
			return {
				bucket: (item && childText(item, 'BucketId')) || bucket,
				region: (item && childText(item, 'Region')) || region,
				capability: spec.name,
				requestId: (root && childText(root, 'RequestId')) || response.requestId,
			};
		},
		/** Every bucket with `capability` on, among `regions` (its `Describe…Buckets` list, every page). */
		listEnabled: async (capability: Capability, listOptions?: ListEnabledOptions, counter?: RequestCounter) =>
			listEnabled(send, CAPABILITIES[capabilityOption(capability)], listOptions, counter),
		/** Every bound bucket of the account (DescribeCIBuckets, every page). */
		listBound: (listOptions?: ListBoundOptions) => listBound(send, listOptions),
		/** Every COS bucket of the account (GetService, following `NextMarker`). */
		listBuckets: (listOptions?: ListBucketsOptions) => listBuckets(send, listOptions),
		/** Requests sent so far by this client, retries included. */
		get requestCount() {
			return sent.requests;
		},
		/** The clock correction learnt so far, in milliseconds. */
		get clockOffsetMs() {
			return settings.clock.offsetMs;
		},
	};
}

/** A request on one bucket's CI host; the bucket id and region are checked before anything is sent. */
function bucketRequest(operation: Operation, method: ApiRequest['method'], bucket: string, region: string, query?: Record<string, string>): ApiRequest {
	validateRegion(region);
	parseBucketId(bucket, 'bucket', region);
	// Reads are safe to repeat; a bind or unbind whose answer was lost is not repeated blindly.
	return {operation, method, virtualHost: hosts.bucketCi(bucket, region), path: '/', query, bucket, region, retryAmbiguous: method === 'GET'};
}

/** A capability name, checked: callers in plain JavaScript may pass anything. */
function capabilityOption(value: unknown): Capability {
	return typeof value === 'string' && isCapability(value) ? value : invalidInput('capability', `must be one of ${Object.keys(CAPABILITIES).join(', ')}, got ${JSON.stringify(value)?.slice(0, 40)}`);
}

/** The options checked and filled in with defaults; a bad one is an `InvalidInput` naming it. */
function sendSettings(options: ClientOptions): SendSettings {
	const env = options.env ?? process.env;
	if (options.signal) {
		// Every in-flight attempt listens on the client's signal; concurrency above 10 is normal here.
		setMaxListeners(0, options.signal);
	}

	const endpointValue = options.endpoint ?? env.BINDER_ENDPOINT;
	return {
		credentials: options.credentials,
		env,
		endpoint: endpointValue ? parseEndpoint(endpointValue, options.endpoint === undefined ? 'BINDER_ENDPOINT' : 'endpoint') : undefined,
		retry: {
			retries: zeroOrMore(options.retry?.retries, DEFAULT_RETRY.retries, 'retry.retries'),
			baseDelayMs: zeroOrMore(options.retry?.baseDelayMs, DEFAULT_RETRY.baseDelayMs, 'retry.baseDelayMs'),
			maxDelayMs: zeroOrMore(options.retry?.maxDelayMs, DEFAULT_RETRY.maxDelayMs, 'retry.maxDelayMs'),
		},
		timeoutMs: oneOrMore(options.timeoutMs, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS, 'timeoutMs'),
		maxResponseBytes: oneOrMore(options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, MAX_RESPONSE_BYTES_LIMIT, 'maxResponseBytes'),
		fetch: options.fetch,
		signal: options.signal,
		onRetry: options.onRetry,
		clock: {offsetMs: options.clockOffsetMs ?? 0},
		random: options.random,
	};
}

/** A whole number from 1 to `max`, `fallback` when not given. */
function oneOrMore(value: number | undefined, fallback: number, max: number, field: string): number {
	return value === undefined ? fallback : (integerInRange(value, 1, max) ?? invalidInput(field, `must be an integer from 1 to ${max}, got ${String(value)}`));
}

/** A finite number ≥ 0 (not necessarily whole: a delay), `fallback` when not given. */
function zeroOrMore(value: number | undefined, fallback: number, field: string): number {
	return value === undefined ? fallback : Number.isFinite(value) && value >= 0 ? value : invalidInput(field, `must be a number ≥ 0, got ${String(value)}`);
}
