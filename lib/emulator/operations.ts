import {parseIntegerInRange} from '../utils/integer.js';
import {capabilityByOperation, type EmulatorCapability} from './capabilities.js';
import {EmulatorError} from './errors.js';
import {DEFAULT_REBIND_ERROR_CODE, DEFAULT_UNBIND_DELAY_MS} from './faults.js';
import {queryValue, type QueryParam} from './query.js';
import type {HostRoute} from './routing.js';
import {checkBucketId, checkRegion} from './names.js';
import {compareNames, type BucketStore} from './store.js';
import type {EmulatorBucket, EmulatorFaults, EmulatorOperation} from './types.js';
import {container, element, xmlDocument} from './xml.js';

/** A complete answer, before any body fault. */
export type Answer = {status: number; contentType: string; body: string};

/** What an operation may read and change. */
export type OperationContext = {
	route: HostRoute;
	query: QueryParam[];
	requestId: string;
	store: BucketStore;
	appId: string;
	ownerUin: string;
	faults: EmulatorFaults;
	/** Create a bucket and emit `bucket-created` with this request's id. */
	createBucket: (bucket: string, region: string) => EmulatorBucket;
};

/** DescribeCIBuckets paging (doc 460/97527): default 10 per page, at most 100. */
export const CI_PAGE_SIZE = {default: 10, max: 100} as const;
/** GetService paging (doc 436/8291): default and maximum 2000. */
export const SERVICE_MAX_KEYS = {default: 2000, max: 2000} as const;
// CI shows times in China Standard Time; clients must parse the offset, not assume `Z`.
const CHINA_OFFSET_MS = 8 * 3600 * 1000;

const XML = 'application/xml';
const ok = (body: string, contentType = XML): Answer => ({status: 200, contentType, body});

/** Run one operation against the store. Throws an {@link EmulatorError} for every refusal. */
export function performOperation(operation: EmulatorOperation, context: OperationContext): Answer {
	switch (operation) {
		case 'CreateCIBucket': {
			return createCiBucket(context);
		}

		case 'DescribeCIBucketStatus': {
			const bucket = requireCiBucket(context);
			return ok(JSON.stringify({CIStatus: bucket.ci}), 'application/json');
		}

		case 'DeleteCIBucket': {
			const bucket = requireCiBucket(context);
			// Unbinding an `off` or `unbinding` bucket answers 200 and changes nothing: idempotent, like the bind.
			context.store.startUnbind(bucket.bucket, context.faults.unbindDelayMs ?? DEFAULT_UNBIND_DELAY_MS);
			return ok(xmlDocument(container('Response', element('RequestId', context.requestId))));
		}

		case 'DescribeCIBuckets': {
			return describeCiBuckets(context);
		}

		case 'GetService': {
			return getService(context);
		}

		case 'PutBucket': {
			if (context.route.kind !== 'bucket-cos') {
				throw new Error(`PutBucket routed to a ${context.route.kind} host`);
			}

			context.createBucket(context.route.bucketId, checkRegion(context.route.region));
			return ok('');
		}

		case 'DeleteBucket': {
			if (context.route.kind !== 'bucket-cos') {
				throw new Error(`DeleteBucket routed to a ${context.route.kind} host`);
			}

			// "删除之前要求存储桶为空" and a 204 on success (DELETE Bucket, 436/7732). The emulator holds no objects,
			// so every bucket is empty; one that is not here, or is in another region, is NoSuchBucket.
			const region = checkRegion(context.route.region);
			const id = checkBucketId(context.route.bucketId);
			const bucket = context.store.get(id.id);
			if (bucket === undefined || bucket.region !== region) {
				throw new EmulatorError('NoSuchBucket', `The specified bucket does not exist: ${id.id} in ${region}`);
			}

			context.store.delete(bucket.bucket);
			return {status: 204, contentType: XML, body: ''};
		}

		default: {
			const capability = capabilityByOperation(operation);
			if (capability === undefined) {
				throw new Error(`No handler for operation ${operation}`);
			}

			return operation === capability.enableOperation ? enableCapability(capability, context) : listCapability(capability, context);
		}
	}
}

/**
Enable one capability (`POST /<path>`, empty body). The bucket must be bound first: file and AI pages say "需提前开通数据万象,
并绑定存储桶" (cloud.tencent.com/document/product/436/86274), newer media/doc/pic pages say enabling binds it; the
emulator takes the strict reading so a client that enables before binding is caught.
*/
function enableCapability(capability: EmulatorCapability, context: OperationContext): Answer {
	const bucket = requireCiBucket(context);
	if (bucket.ci !== 'on') {
		throw new EmulatorError('InvalidBucketState', `The bucket ${bucket.bucket} is not bound to Cloud Infinite (CIStatus ${bucket.ci}); bind it before enabling ${capability.name}`);
	}

	if (context.store.hasCapability(bucket.bucket, capability.name) && (context.faults.reenableAnswer ?? 'error') === 'error') {
		throw new EmulatorError(capability.alreadyEnabledCode, `The bucket ${bucket.bucket} already has ${capability.name} enabled`);
	}

	context.store.setCapability(bucket.bucket, capability.name, true);
	const fields = [element('BucketId', bucket.bucket), element('Name', bucket.bucket), element('Region', bucket.region), element('CreateTime', compactChinaTime(bucket.createdAt))];
	if (capability.name === 'doc') {
		fields.push('<AliasBucketId/>');
	}

	if (capability.name === 'media') {
		// The newest media page adds HLS play keys (436/115297): an element clients must tolerate.
		const key = Buffer.from(context.requestId).toString('hex').padEnd(32, '0').slice(0, 32);
		fields.push(container('PlayKeyList', element('MasterPlayKey', key), element('BackupPlayKey', [...key].reverse().join(''))));
	}

	return ok(xmlDocument(container('Response', element('RequestId', context.requestId), container(capability.enableElement, ...fields))));
}

/** The regions a capability list covers: `regions` (comma-separated, `All` accepted), else the host's (460/79594). */
function listRegions(context: OperationContext, hostRegion: string): Set<string> | 'all' {
	const raw = queryValue(context.query, 'regions');
	if (raw === undefined) {
		return new Set([hostRegion]);
	}

	const regions = new Set<string>();
	for (const item of raw.split(',').map((part) => part.trim())) {
		if (item.toLowerCase() === 'all') {
			return 'all';
		}

		try {
			regions.add(checkRegion(item));
		} catch {
			throw new EmulatorError('InvalidArgument', `The parameter regions holds an invalid region: ${JSON.stringify(item.slice(0, 40))}`);
		}
	}

	return regions;
}

/** List the buckets with one capability (`GET /<path>` on the account CI host), filtered and paged like the service. */
function listCapability(capability: EmulatorCapability, context: OperationContext): Answer {
	if (context.route.kind !== 'account-ci') {
		throw new Error(`${capability.listOperation} routed to a ${context.route.kind} host`);
	}

	const regions = listRegions(context, checkRegion(context.route.region));
	const pageNumber = integerParam(context, 'pageNumber', 1, 1, 1e9);
	const pageSize = integerParam(context, 'pageSize', CI_PAGE_SIZE.default, 1, CI_PAGE_SIZE.max);
	const namesParam = queryValue(context.query, 'bucketNames');
	const names = namesParam === undefined ? undefined : new Set(namesParam.split(',').map((part) => part.trim()));
	const prefix = queryValue(context.query, 'bucketName') ?? '';
	const matching = context.store
		.list()
		.filter((bucket) => bucket.capabilities?.includes(capability.name))
		.filter((bucket) => (regions === 'all' || regions.has(bucket.region)) && (names === undefined || names.has(bucket.bucket)) && bucket.bucket.startsWith(prefix));
	const page = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
	const time = (bucket: EmulatorBucket) => element('CreateTime', compactChinaTime(bucket.createdAt));
	// The doc list puts `Name` first and `TotalCount` before `RequestId` (436/54057): clients must read by name.
	const items = page.map((bucket) =>
		capability.name === 'doc'
			? container(capability.listElement, element('Name', bucket.bucket), time(bucket), element('Region', bucket.region), '<AliasBucketId/>', element('BucketId', bucket.bucket))
			: container(capability.listElement, element('BucketId', bucket.bucket), element('Name', bucket.bucket), element('Region', bucket.region), time(bucket)),
	);
	const head = [element('RequestId', context.requestId), element('TotalCount', matching.length)];
	return ok(xmlDocument(container('Response', ...(capability.name === 'doc' ? head.reverse() : head), element('PageNumber', pageNumber), element('PageSize', pageSize), ...items)));
}

/** `2019-11-15T12:12:12+0800`: the capability APIs write the offset without a colon. */
function compactChinaTime(iso: string): string {
	return chinaTime(iso).replace(/:(\d\d)$/, '$1');
}

/** The bucket of a bucket CI host; `NoSuchBucket` when unknown or in another region. */
function requireCiBucket(context: OperationContext): EmulatorBucket {
	const {route} = context;
	if (route.kind !== 'bucket-ci') {
		throw new Error(`CI bucket operation routed to a ${route.kind} host`);
	}

	const region = checkRegion(route.region);
	const id = checkBucketId(route.bucketId);
	const bucket = context.store.get(id.id);
	if (bucket === undefined || bucket.region !== region) {
		throw new EmulatorError('NoSuchBucket', `The specified bucket does not exist: ${id.id} in ${region}`);
	}

	return bucket;
}

function createCiBucket(context: OperationContext): Answer {
	const bucket = requireCiBucket(context);
	if (bucket.ci === 'unbinding') {
		throw new EmulatorError('InvalidBucketState', `The bucket ${bucket.bucket} is being unbound; bind it again once its CIStatus is off`);
	}

	if (bucket.ci === 'on' && context.faults.rebindAnswer === 'error') {
		throw new EmulatorError(context.faults.rebindErrorCode ?? DEFAULT_REBIND_ERROR_CODE, `The bucket ${bucket.bucket} is already bound to Cloud Infinite`);
	}

	context.store.bind(bucket.bucket);
	return ok(
		xmlDocument(
			container('Response', element('RequestId', context.requestId), container('CIBucket', element('BucketId', bucket.bucket), element('Region', bucket.region))),
		),
	);
}

/** A strictly decimal integer parameter within bounds, else `InvalidArgument` naming it. */
function integerParam(context: OperationContext, name: string, fallback: number, min: number, max: number): number {
	const raw = queryValue(context.query, name);
	if (raw === undefined) {
		return fallback;
	}

	const value = parseIntegerInRange(raw, min, max);
	if (value === undefined) {
		throw new EmulatorError('InvalidArgument', `The parameter ${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw.slice(0, 40))}`);
	}

	return value;
}

function chinaTime(iso: string): string {
	const time = Date.parse(iso);
	return `${new Date(time + CHINA_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

function describeCiBuckets(context: OperationContext): Answer {
	if (context.route.kind !== 'account-ci') {
		throw new Error(`DescribeCIBuckets routed to a ${context.route.kind} host`);
	}

	checkRegion(context.route.region);
	const pageNumber = integerParam(context, 'pageNumber', 1, 1, 1e9);
	const pageSize = integerParam(context, 'pageSize', CI_PAGE_SIZE.default, 1, CI_PAGE_SIZE.max);
	// `tagKey` filters by bucket tag upstream; the emulator has no tags, so it is accepted and ignored.
	const prefix = queryValue(context.query, 'bucketName') ?? '';
	// Account-wide, every region: the regional host only picks the endpoint. An `unbinding` bucket is still listed, with its status.
	const bound = context.store.list().filter((bucket) => bucket.ci !== 'off' && context.store.idOf(bucket.bucket).name.startsWith(prefix));
	const page = bound.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
	const items = page.map((bucket) => {
		const {name, appId} = context.store.idOf(bucket.bucket);
		return container(
			'CIBucketList',
			element('BucketId', bucket.bucket),
			element('BucketName', name),
			element('AppId', appId),
			element('CreateTime', chinaTime(bucket.createdAt)),
			element('Region', bucket.region),
			element('Status', bucket.ci),
		);
	});
	return ok(
		xmlDocument(
			container(
				'Response',
				element('RequestId', context.requestId),
				element('TotalCount', bound.length),
				element('PageNumber', pageNumber),
				element('PageSize', pageSize),
				...items,
			),
		),
	);
}

function getService(context: OperationContext): Answer {
	if (context.route.kind !== 'service') {
		throw new Error(`GetService routed to a ${context.route.kind} host`);
	}

	const hostRegion = context.route.region === undefined ? undefined : checkRegion(context.route.region);
	const regionParam = queryValue(context.query, 'region');
	if (regionParam !== undefined) {
		try {
			checkRegion(regionParam);
		} catch {
			throw new EmulatorError('InvalidArgument', `The parameter region is not a valid region: ${JSON.stringify(regionParam.slice(0, 40))}`);
		}
	}

	const maxKeys = integerParam(context, 'max-keys', SERVICE_MAX_KEYS.default, 1, SERVICE_MAX_KEYS.max);
	const marker = queryValue(context.query, 'marker') ?? '';
	// `tagkey`, `tagvalue`, `create-time` and `range` filter by data the emulator does not keep: ignored.
	const matching = context.store
		.list()
		.filter((bucket) => (hostRegion === undefined || bucket.region === hostRegion) && (regionParam === undefined || bucket.region === regionParam))
		.filter((bucket) => compareNames(bucket.bucket, marker) > 0);
	const page = matching.slice(0, maxKeys);
	const truncated = matching.length > page.length;
	const owner = context.ownerUin;
	const buckets = page.map((bucket) =>
		container(
			'Bucket',
			element('Name', bucket.bucket),
			element('Location', bucket.region),
			element('CreationDate', bucket.createdAt),
			element('BucketType', 'cos'),
		),
	);
	return ok(
		xmlDocument(
			container(
				'ListAllMyBucketsResult',
				container('Owner', element('ID', `qcs::cam::uin/${owner}:uin/${owner}`), element('DisplayName', owner)),
				element('Marker', marker),
				element('NextMarker', truncated ? page.at(-1)!.bucket : ''),
				element('IsTruncated', truncated),
				container('Buckets', ...buckets),
			),
		),
	);
}
