// The two account-wide listings, every page: bound buckets (DescribeCIBuckets) and COS buckets (GetService).
import {BinderError, invalidInput} from '../core/errors.js';
import {validateRegion} from '../core/names.js';
import {integerInRange} from '../utils/integer.js';
import {child, childrenNamed, childText} from '../utils/xml.js';
import {boundItems, parseBody, type BoundBucket} from './answers.js';
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
