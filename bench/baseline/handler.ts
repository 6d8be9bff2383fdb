// The benchmark's baseline: what a straightforward binder function looks like on the official SDK
// (cos-nodejs-sdk-v5). It does what ours does for the benchmarked events (a CloudAudit PutBucket event:
// read the CI status, bind when off; a timer: list, list bound, bind the rest) and nothing more: no
// retries of its own beyond the SDK's, no validation, no webhook. Bundled exactly like handlers/index.ts.
import COS from 'cos-nodejs-sdk-v5';

type Result = {bucket: string; region: string; outcome: 'bound' | 'already-bound' | 'failed'; code?: string};

// DescribeCIBuckets documents pageSize ≤ 100.
const CI_PAGE_SIZE = 100;
// GetService answers at most 2000 buckets a page, and the SDK's getService drops NextMarker: one page is all it can read.
const COS_PAGE_SIZE = 2000;

const env = process.env;
const endpoint = env.BINDER_ENDPOINT;
const cos = new COS({
	SecretId: env.TENCENTCLOUD_SECRETID ?? '',
	SecretKey: env.TENCENTCLOUD_SECRETKEY ?? '',
	// The emulator is reached the way the SDK's own tests reach a mock: as a plain-HTTP proxy.
	...(endpoint ? {Proxy: endpoint, Protocol: 'http:'} : {}),
});

const ciUrl = (bucket: string, region: string) => `${endpoint ? 'http' : 'https'}://${bucket}.ci.${region}.myqcloud.com/`;

async function ensureBound(bucket: string, region: string, knownUnbound = false): Promise<Result> {
	try {
		if (!knownUnbound) {
			const status = await cos.request({Method: 'GET', Url: ciUrl(bucket, region)});
			if (status.CIStatus === 'on') {
				return {bucket, region, outcome: 'already-bound'};
			}
		}

		await cos.request({Method: 'PUT', Url: ciUrl(bucket, region)});
		return {bucket, region, outcome: 'bound'};
	} catch (error) {
		return {bucket, region, outcome: 'failed', code: String((error as {code?: string} | null)?.code ?? 'Error')};
	}
}

async function listBound(region: string): Promise<Set<string>> {
	const bound = new Set<string>();
	for (let pageNumber = 1; ; pageNumber++) {
		const page = await cos.request({Method: 'GET', Url: `${endpoint ? 'http' : 'https'}://ci.${region}.myqcloud.com/cibuckets`, Query: {pageNumber, pageSize: CI_PAGE_SIZE}});
		const items: Array<{BucketId: string}> = [page.Response?.CIBucketList ?? []].flat();
		for (const item of items) {
			bound.add(item.BucketId);
		}

		if (items.length < CI_PAGE_SIZE || bound.size >= Number(page.Response?.TotalCount ?? 0)) {
			return bound;
		}
	}
}

async function sync(concurrency: number, listRegion: string): Promise<Result[]> {
	const {Buckets} = await cos.getService({MaxKeys: COS_PAGE_SIZE} as COS.GetServiceParams);
	const bound = await listBound(listRegion);
	const todo = Buckets.filter((bucket) => !bound.has(bucket.Name));
	const results: Result[] = Buckets.filter((bucket) => bound.has(bucket.Name)).map((bucket) => ({bucket: bucket.Name, region: bucket.Location, outcome: 'already-bound'}));
	let next = 0;
	const lane = async () => {
		while (next < todo.length) {
			const bucket = todo[next++]!;
			results.push(await ensureBound(bucket.Name, bucket.Location, true));
		}
	};

	await Promise.all(Array.from({length: concurrency}, lane));
	return results;
}

/** SCF handler: CloudAudit PutBucket events and timers, parsed minimally. */
export async function main_handler(event: any): Promise<{results: Result[]}> {
	let results: Result[] = [];
	if (event?.Type === 'Timer') {
		const options = JSON.parse(event.Message || '{}') as {concurrency?: number};
		results = await sync(options.concurrency ?? 8, env.TENCENTCLOUD_REGION ?? 'ap-guangzhou');
	} else if (event?.data?.eventName === 'PutBucket' && event.data.errorCode === 0) {
		const {Bucket, Region} = JSON.parse(event.data.requestParameters) as {Bucket: string; Region: string};
		results = [await ensureBound(Bucket, Region)];
	}

	for (const result of results) {
		console.log(JSON.stringify(result));
	}

	return {results};
}
