// The account-wide listings, every page: bound buckets (DescribeCIBuckets), buckets with a capability on, and COS buckets (GetService).
import {BinderError, invalidInput, type Operation} from '../core/errors.js';
import {parseBucketId, validateRegion} from '../core/names.js';
import {integerInRange} from '../utils/integer.js';
import {child, childrenNamed, childText, type XmlElement} from '../utils/xml.js';
import {boundItems, parseBody, type BoundBucket} from './answers.js';
import type {CapabilitySpec} from './capabilities.js';
import {hosts} from './endpoint.js';
import {invalidResponse, type ApiRequest, type ApiResponse, type RequestCounter} from './request.js';

/** Sends one request (with retries) and resolves with its 2xx answer. */
export type Send = (request: ApiRequest, counter?: RequestCounter) => Promise<ApiResponse>;

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

const DEFAULT_LIST_REGION = 'ap-guangzhou';
// DescribeCIBuckets' sibling APIs document `pageSize` ≤ 100; GetService documents `max-keys` ≤ 2000.
const MAX_CI_PAGE_SIZE = 100;
const MAX_COS_PAGE_SIZE = 2000;
// A paging loop that has not finished after this many pages is a misbehaving server, not a big account.
const MAX_PAGES = 10_000;

/** A page size from 1 to `max`, `max` when not given. */
function pageSizeOption(value: number | undefined, max: number): number {
	return value === undefined ? max : (integerInRange(value, 1, max) ?? invalidInput('pageSize', `must be an integer from 1 to ${max}, got ${String(value)}`));
}

/** Every bound bucket of the account (DescribeCIBuckets, every page). */
export async function listBound(send: Send, listOptions: ListBoundOptions = {}): Promise<BoundBucket[]> {
	const region = validateRegion(listOptions.region ?? DEFAULT_LIST_REGION, 'region');
	const pageSize = pageSizeOption(listOptions.pageSize, MAX_CI_PAGE_SIZE);
	const query: Record<string, string> = listOptions.bucketNamePrefix ? {bucketName: listOptions.bucketNamePrefix} : {};
	return listAllPages(send, {operation: 'DescribeCIBuckets', path: '/cibuckets', region, query, pageSize, listElements: ['CIBucketList']}, boundItems, (item) => item.bucketId);
}

/** One bucket with a capability on, as its list shows it. */
export type EnabledBucket = {bucketId: string; name: string; region: string; createTime: string};

export type ListEnabledOptions = {
	/** Region whose account-level CI host is asked. @default the first of `regions`, else 'ap-guangzhou' */
	region?: string;
	/**
	Regions listed (`regions`, comma-separated). Only the AI list documents what leaving it out means ("以 Host 中的<Region>来响应",
	cloud.tencent.com/document/product/460/79594), so the host's region is sent when none is given.
	*/
	regions?: readonly string[];
	/** Only these bucket ids, exact (`bucketNames`). */
	bucketIds?: readonly string[];
	/** Only buckets whose name starts with this (`bucketName`). */
	bucketNamePrefix?: string;
	/** Page size, 1–100 ("大于0且小于等于100的整数", 436/48988). @default 100 */
	pageSize?: number;
};

/** Every bucket with one capability on (its `Describe…Buckets` list, every page). */
export async function listEnabled(send: Send, spec: CapabilitySpec, listOptions: ListEnabledOptions = {}, counter?: RequestCounter): Promise<EnabledBucket[]> {
	const regions = (listOptions.regions ?? []).map((region, index) => validateRegion(region, `regions[${index}]`));
	const region = validateRegion(listOptions.region ?? regions[0] ?? DEFAULT_LIST_REGION, 'region');
	const pageSize = pageSizeOption(listOptions.pageSize, MAX_CI_PAGE_SIZE);
	const query: Record<string, string> = {regions: (regions.length > 0 ? regions : [region]).join(',')};
	if (listOptions.bucketIds !== undefined) {
		if (listOptions.bucketIds.length === 0) {
			return [];
		}

		query.bucketNames = listOptions.bucketIds.map((bucket, index) => parseBucketId(bucket, `bucketIds[${index}]`).id).join(',');
	}

	if (listOptions.bucketNamePrefix) {
		query.bucketName = listOptions.bucketNamePrefix;
	}

	const request = {operation: spec.listOperation, path: spec.path, region, query, pageSize, listElements: spec.listElements};
	return listAllPages(send, request, enabledItem, (item) => item.bucketId, counter);
}

/** One `<XxxBucketList>` item; fields are read by name (the doc list puts `Name` first, the others `BucketId`). */
function enabledItem(item: XmlElement): EnabledBucket[] {
	const bucketId = childText(item, 'BucketId') ?? childText(item, 'Name');
	if (bucketId === undefined || bucketId === '') {
		return [];
	}

	return [{bucketId, name: childText(item, 'Name') ?? bucketId, region: childText(item, 'Region') ?? '', createTime: childText(item, 'CreateTime') ?? ''}];
}

/** A paged list on an account-level CI host. */
type PagedList = {operation: Operation; path: string; region: string; query: Record<string, string>; pageSize: number; listElements: readonly string[]};

/**
Every page of a CI list (`pageNumber`, `pageSize`, `TotalCount`, one repeated list element per item), however the
server pages: TotalCount may be omitted (the Go SDK tags it omitempty), then a short page is the last; a server that
ignores pageNumber would repeat page 1 forever, so a page with nothing new ends the list.
*/
async function listAllPages<T>(
	send: Send,
	list: PagedList,
	itemsOf: (element: XmlElement) => T[],
	keyOf: (item: T) => string,
	counter?: RequestCounter,
): Promise<T[]> {
	const items: T[] = [];
	const seen = new Set<string>();
	for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber++) {
		const query: Record<string, string> = {...list.query, pageNumber: String(pageNumber), pageSize: String(list.pageSize)};
		const request: ApiRequest = {operation: list.operation, method: 'GET', virtualHost: hosts.accountCi(list.region), path: list.path, query, region: list.region};
		const response = await send(request, counter);
		const root = parseBody(request, response, ['Response'], true)!;
		const totalText = childText(root, 'TotalCount');
		const total = totalText === undefined ? undefined : Number(totalText);
		if (total !== undefined && (!Number.isInteger(total) || total < 0)) {
			throw invalidResponse(request, response, `TotalCount is not a number: ${JSON.stringify(totalText?.slice(0, 20))}`);
		}

		const elements = list.listElements.flatMap((name) => childrenNamed(root, name));
		// Neither a count nor a list: not an answer we can trust to mean "none" (a wrong "none" would re-send
		// the enabling call for every bucket), so it is an error and callers fall back.
		if (total === undefined && elements.length === 0) {
			throw invalidResponse(request, response, `neither TotalCount nor ${list.listElements[0]}`);
		}

		const page = elements.flatMap((element) => itemsOf(element));
		const fresh = page.filter((item) => !seen.has(keyOf(item)) && seen.add(keyOf(item)));
		items.push(...fresh);
		if (fresh.length === 0 || (total === undefined ? page.length < list.pageSize : items.length >= total)) {
			return items;
		}
	}

	throw new BinderError(`${list.operation}: more than ${MAX_PAGES} pages`, {code: 'InvalidResponse', operation: list.operation});
}

/** Every COS bucket of the account (GetService, following `NextMarker`). */
export async function listBuckets(send: Send, listOptions: ListBucketsOptions = {}): Promise<CosBucket[]> {
	const region = listOptions.region === undefined ? undefined : validateRegion(listOptions.region, 'region');
	const pageSize = pageSizeOption(listOptions.pageSize, MAX_COS_PAGE_SIZE);
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
