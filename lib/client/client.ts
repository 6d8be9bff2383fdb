import {setMaxListeners} from 'node:events';
import {BinderError, type Operation} from '../core/errors.js';
import {childrenNamed, childText, child, parseXml, type XmlElement} from '../utils/xml.js';
import type {CredentialSource} from './credentials.js';
import {hosts, parseEndpoint} from './endpoint.js';
import {parseBucketId, validateRegion} from '../core/names.js';
import {invalidResponse, sendRequest, type ApiRequest, type ApiResponse, type EngineOptions, type RequestCounter, type RetryOptions} from './request.js';

export type {RequestCounter} from './request.js';

/** Cloud Infinite binding state of a bucket. */
export type CiStatus = 'on' | 'off' | 'unbinding';

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
	onRetry?: EngineOptions['onRetry'];
	/** Randomness for backoff jitter. @default Math.random */
	random?: () => number;
};

/** Result of a successful CreateCIBucket. */
export type BindResponse = {bucket: string; region: string; requestId: string | undefined};

/** One bound bucket, as DescribeCIBuckets lists it. */
export type BoundBucket = {bucketId: string; name: string; appId: string; region: string; status: string; createTime: string};

/** One COS bucket, as GetService lists it. */
export type CosBucket = {bucket: string; region: string; createdAt: string};

export type ListBoundOptions = {
	/** Region whose account-level CI host is asked. The list is account-wide. @default 'ap-guangzhou' */
	region?: string;
	/** Only buckets whose name starts with this. */
	bucketNamePrefix?: string;
	/** Page size, 1–100. @default 100 */
	pageSize?: number;
};

export type ListBucketsOptions = {
	/** Only buckets in this region. */
	region?: string;
	/** `max-keys` per page, 1–2000. @default 2000 */
	pageSize?: number;
};

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
export const DEFAULT_RETRY: Required<RetryOptions> = {retries: 3, baseDelayMs: 100, maxDelayMs: 5000};
const DEFAULT_LIST_REGION = 'ap-guangzhou';
// DescribeCIBuckets' sibling APIs document `pageSize` ≤ 100; GetService documents `max-keys` ≤ 2000.
const MAX_CI_PAGE_SIZE = 100;
const MAX_COS_PAGE_SIZE = 2000;
// A paging loop that has not finished after this many pages is a misbehaving server, not a big account.
const MAX_PAGES = 10_000;

function positiveInteger(value: number | undefined, fallback: number, max: number, field: string): number {
	if (value === undefined) {
		return fallback;
	}

	if (!Number.isInteger(value) || value < 1 || value > max) {
		throw new BinderError(`${field}: must be an integer from 1 to ${max}, got ${String(value)}`, {code: 'InvalidArgument'});
	}

	return value;
}

/** The binding client: every operation is a typed function. */
export type Client = ReturnType<typeof createClient>;

/**
Create a client for the Cloud Infinite and COS calls the binder makes.

@example
```
const client = createClient(); // credentials and BINDER_ENDPOINT from the environment
const result = await client.ensureBound('examplebucket-1250000000', 'ap-guangzhou');
//=> {bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', outcome: 'bound', …}
```
*/
export function createClient(options: ClientOptions = {}) {
	const env = options.env ?? process.env;
	if (options.signal) {
		// Every in-flight attempt listens on the client's signal; concurrency above 10 is normal here.
		setMaxListeners(0, options.signal);
	}

	const endpointValue = options.endpoint ?? env.BINDER_ENDPOINT;
	const engine: EngineOptions = {
		credentials: options.credentials,
		env,
		endpoint: endpointValue ? parseEndpoint(endpointValue, options.endpoint === undefined ? 'BINDER_ENDPOINT' : 'endpoint') : undefined,
		retry: {
			retries: positiveOrZero(options.retry?.retries, DEFAULT_RETRY.retries, 'retry.retries'),
			baseDelayMs: positiveOrZero(options.retry?.baseDelayMs, DEFAULT_RETRY.baseDelayMs, 'retry.baseDelayMs'),
			maxDelayMs: positiveOrZero(options.retry?.maxDelayMs, DEFAULT_RETRY.maxDelayMs, 'retry.maxDelayMs'),
		},
		timeoutMs: positiveInteger(options.timeoutMs, DEFAULT_TIMEOUT_MS, 900_000, 'timeoutMs'),
		maxResponseBytes: positiveInteger(options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, 2 ** 30, 'maxResponseBytes'),
		fetch: options.fetch,
		signal: options.signal,
		onRetry: options.onRetry,
		clock: {offsetMs: options.clockOffsetMs ?? 0},
		random: options.random,
	};
	// Requests sent by this client, for "requests per bucket" accounting in benchmarks.
	const sent: RequestCounter = {requests: 0};
	engine.onAttempt = () => {
		sent.requests++;
	};
	const send = (request: ApiRequest, counter?: RequestCounter) => sendRequest(engine, request, counter);

	const bucketRequest = (operation: Operation, method: ApiRequest['method'], bucket: string, region: string, query?: Record<string, string>): ApiRequest => {
		validateRegion(region);
		parseBucketId(bucket, 'bucket', region);
		// Reads are safe to repeat; a bind or unbind whose answer was lost is not repeated blindly.
		return {operation, method, virtualHost: hosts.bucketCi(bucket, region), path: '/', query, bucket, region, retryAmbiguous: method === 'GET'};
	};

	/** Read the binding state of one bucket (`GET /` on its CI host). `counter` counts its attempts. */
	async function getStatus(bucket: string, region: string, counter?: RequestCounter): Promise<{status: CiStatus; requestId: string | undefined}> {
		const request = bucketRequest('DescribeCIBucketStatus', 'GET', bucket, region);
		const response = await send(request, counter);
		return {status: parseStatus(request, response), requestId: response.requestId};
	}

	/** Bind one bucket to Cloud Infinite (CreateCIBucket, `PUT /` on its CI host). `counter` counts its attempts. */
	async function bind(bucket: string, region: string, counter?: RequestCounter): Promise<BindResponse> {
		const request = bucketRequest('CreateCIBucket', 'PUT', bucket, region);
		const response = await send(request, counter);
		const root = parseBody(request, response, ['Response']);
		const ciBucket = root && child(root, 'CIBucket');
		return {bucket: (ciBucket && childText(ciBucket, 'BucketId')) || bucket, region: (ciBucket && childText(ciBucket, 'Region')) || region, requestId: (root && childText(root, 'RequestId')) || response.requestId};
	}

	/** Unbind one bucket (`PUT /?unbind`). Asynchronous upstream: the status goes `unbinding`, then `off`. */
	async function unbind(bucket: string, region: string): Promise<{bucket: string; region: string; requestId: string | undefined}> {
		const request = bucketRequest('DeleteCIBucket', 'PUT', bucket, region, {unbind: ''});
		const response = await send(request);
		const root = parseBody(request, response, ['Response']);
		return {bucket, region, requestId: (root && childText(root, 'RequestId')) || response.requestId};
	}

	/** Every bound bucket of the account (DescribeCIBuckets, every page). */
	async function listBound(listOptions: ListBoundOptions = {}): Promise<BoundBucket[]> {
		const region = validateRegion(listOptions.region ?? DEFAULT_LIST_REGION, 'region');
		const pageSize = positiveInteger(listOptions.pageSize, MAX_CI_PAGE_SIZE, MAX_CI_PAGE_SIZE, 'pageSize');
		const items: BoundBucket[] = [];
		const seen = new Set<string>();
		for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber++) {
			const query: Record<string, string> = {pageNumber: String(pageNumber), pageSize: String(pageSize)};
			if (listOptions.bucketNamePrefix) {
				query.bucketName = listOptions.bucketNamePrefix;
			}

			const request: ApiRequest = {operation: 'DescribeCIBuckets', method: 'GET', virtualHost: hosts.accountCi(region), path: '/cibuckets', query, region};
			const response = await send(request);
			const root = parseBody(request, response, ['Response'], true)!;
			const totalText = childText(root, 'TotalCount');
			const total = totalText === undefined ? undefined : Number(totalText);
			if (total !== undefined && (!Number.isInteger(total) || total < 0)) {
				throw invalidResponse(request, response, `TotalCount is not a number: ${JSON.stringify(totalText?.slice(0, 20))}`);
			}

			const lists = childrenNamed(root, 'CIBucketList');
			// Neither a count nor a list: not an answer we can trust to mean "nothing is bound" (a wrong
			// "nothing" would re-bind every bound bucket), so it is an error and callers fall back.
			if (total === undefined && lists.length === 0) {
				throw invalidResponse(request, response, 'neither TotalCount nor CIBucketList');
			}

			const page = lists.flatMap((list) => boundItems(list));
			// A server that ignores pageNumber would repeat page 1 forever: stop when nothing is new.
			const fresh = page.filter((item) => !seen.has(item.bucketId) && seen.add(item.bucketId));
			items.push(...fresh);
			// TotalCount may be omitted (the Go SDK tags it omitempty): then a short page is the last.
			if (fresh.length === 0 || (total === undefined ? page.length < pageSize : items.length >= total)) {
				return items;
			}
		}

		throw new BinderError(`DescribeCIBuckets: more than ${MAX_PAGES} pages`, {code: 'InvalidResponse', operation: 'DescribeCIBuckets'});
	}

	/** Every COS bucket of the account (GetService, following `NextMarker`). */
	async function listBuckets(listOptions: ListBucketsOptions = {}): Promise<CosBucket[]> {
		const region = listOptions.region === undefined ? undefined : validateRegion(listOptions.region, 'region');
		const pageSize = positiveInteger(listOptions.pageSize, MAX_COS_PAGE_SIZE, MAX_COS_PAGE_SIZE, 'pageSize');
		const buckets: CosBucket[] = [];
		let marker = '';
		for (let page = 0; page < MAX_PAGES; page++) {
			const query: Record<string, string> = {'max-keys': String(pageSize)};
			if (region) {
				query.region = region;
			}

			if (marker) {
				query.marker = marker;
			}

			const request: ApiRequest = {operation: 'GetService', method: 'GET', virtualHost: hosts.cosService(), path: '/', query, region};
			const response = await send(request);
			const root = parseBody(request, response, ['ListAllMyBucketsResult'], true)!;
			const list = child(root, 'Buckets');
			for (const item of list ? childrenNamed(list, 'Bucket') : []) {
				const name = childText(item, 'Name');
				const location = childText(item, 'Location');
				if (!name || !location) {
					throw invalidResponse(request, response, 'a <Bucket> without <Name> or <Location>');
				}

				buckets.push({bucket: name, region: location, createdAt: childText(item, 'CreationDate') ?? ''});
			}

			const truncated = childText(root, 'IsTruncated') === 'true';
			if (!truncated) {
				return region ? buckets.filter((bucket) => bucket.region === region) : buckets;
			}

			const next = childText(root, 'NextMarker') ?? '';
			if (next === '' || next === marker) {
				throw invalidResponse(request, response, `IsTruncated is true but NextMarker ${next === '' ? 'is missing' : 'did not advance'}`);
			}

			marker = next;
		}

		throw new BinderError(`GetService: more than ${MAX_PAGES} pages`, {code: 'InvalidResponse', operation: 'GetService'});
	}

	return {
		getStatus,
		bind,
		unbind,
		listBound,
		listBuckets,
		/** Requests sent so far by this client, retries included. */
		get requestCount() {
			return sent.requests;
		},
		/** The clock correction learnt so far, in milliseconds. */
		get clockOffsetMs() {
			return engine.clock.offsetMs;
		},
	};
}

function positiveOrZero(value: number | undefined, fallback: number, field: string): number {
	if (value === undefined) {
		return fallback;
	}

	if (!Number.isFinite(value) || value < 0) {
		throw new BinderError(`${field}: must be a number ≥ 0, got ${String(value)}`, {code: 'InvalidArgument'});
	}

	return value;
}

function boundItems(list: XmlElement): BoundBucket[] {
	// The list encodes each item as its own <CIBucketList> element; tolerate a wrapped form too.
	const nested = list.children.filter((item) => item.children.length > 0 && childText(item, 'BucketId') !== undefined);
	const elements = childText(list, 'BucketId') === undefined ? nested : [list];
	return elements.map((item) => {
		const bucketId = childText(item, 'BucketId') ?? '';
		return {
			bucketId,
			name: childText(item, 'BucketName') ?? bucketId.slice(0, bucketId.lastIndexOf('-')),
			appId: childText(item, 'AppId') ?? bucketId.slice(bucketId.lastIndexOf('-') + 1),
			region: childText(item, 'Region') ?? '',
			status: childText(item, 'Status') ?? '',
			createTime: childText(item, 'CreateTime') ?? '',
		};
	});
}

/** Parse a 2xx XML body whose root must be one of `roots`. An empty body is allowed unless `required`. */
function parseBody(request: ApiRequest, response: ApiResponse, roots: string[], required = false): XmlElement | undefined {
	if (response.body.trim() === '' && !required) {
		return undefined;
	}

	let root: XmlElement;
	try {
		root = parseXml(response.body);
	} catch (error) {
		throw invalidResponse(request, response, (error as Error).message, error);
	}

	if (!roots.includes(root.name)) {
		throw invalidResponse(request, response, `expected <${roots.join('> or <')}>, got <${root.name.slice(0, 40)}>`);
	}

	return root;
}

function parseStatus(request: ApiRequest, response: ApiResponse): CiStatus {
	const body = response.body.trim();
	let status: unknown;
	if (body.startsWith('{')) {
		try {
			// `{"CIStatus":…}` per the doc; tolerate a `Response` wrapper and other letter case.
			const json = JSON.parse(body) as unknown;
			const record = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
			const inner = (typeof record.Response === 'object' && record.Response !== null ? record.Response : record) as Record<string, unknown>;
			status = Object.entries(inner).find(([key]) => key.toLowerCase() === 'cistatus')?.[1];
		} catch (error) {
			throw invalidResponse(request, response, 'malformed JSON', error);
		}
	} else {
		// The doc shows JSON; the Go SDK parses XML `<CIStatus>on</CIStatus>`: accept both.
		let root: XmlElement;
		try {
			root = parseXml(body);
		} catch (error) {
			throw invalidResponse(request, response, (error as Error).message, error);
		}

		status = root.name === 'CIStatus' ? root.text : childText(root, 'CIStatus');
	}

	if (status === 'on' || status === 'off' || status === 'unbinding') {
		return status;
	}

	throw invalidResponse(request, response, `CIStatus must be on, off or unbinding, got ${JSON.stringify(status)?.slice(0, 40)}`);
}
