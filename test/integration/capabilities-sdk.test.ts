// Fidelity of the capability APIs: the official Node SDK (cos-nodejs-sdk-v5) has no dedicated methods for them and
// drives them through `request()` (tencentyun/cos-nodejs-sdk-v5 demo/demo.js: DescribeMediaBuckets,
// createFileProcessBucket); pointed at the emulator through its `Proxy` option, what it signs must be accepted, and the
// same request with its query changed must be refused.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import COS from 'cos-nodejs-sdk-v5';
import {DEMO_CREDENTIALS} from '../../lib/emulator/index.js';
import {APP_ID, BUCKET, REGION, accountCiHost, ciHost, rawRequest, tag, withEmulator} from '../support/emulator.js';

type SentRequest = {method: string; url: string; headers: Record<string, string | number>; qs?: Record<string, string | number>};

test('SDK request(): CreateMediaBucket then DescribeMediaBuckets (filtered and paged) against the emulator; a replay with another query is refused', async () => {
	await withEmulator({}, async (emulator) => {
		const cos = new COS({SecretId: DEMO_CREDENTIALS.secretId, SecretKey: DEMO_CREDENTIALS.secretKey, Proxy: emulator.url, Protocol: 'http:', KeepAlive: false});
		const sent: SentRequest[] = [];
		cos.on('before-send', (options: SentRequest) => sent.push(structuredClone({method: options.method, url: options.url, headers: options.headers, qs: options.qs})));
		emulator.createBucket(BUCKET, REGION, {bound: true});
		emulator.createBucket(`second-${APP_ID}`, 'ap-beijing', {bound: true, capabilities: ['media']});

		const created = await cos.request({Method: 'POST', Key: 'mediabucket', Url: `http://${ciHost()}/mediabucket`});
		assert.is(created.statusCode, 200);
		assert.is(created.Response.MediaBucket.BucketId, BUCKET);
		assert.is(created.Response.MediaBucket.Region, REGION);
		assert.equal(emulator.bucket(BUCKET)!.capabilities, ['media']);

		const again = await cos.request({Method: 'POST', Key: 'mediabucket', Url: `http://${ciHost()}/mediabucket`}).then(
			() => undefined,
			(error: COS.CosError) => error,
		);
		assert.equal([again?.statusCode, again?.code], [403, 'MediaBucketAlreadyBinded']);

		const one = await cos.request({Method: 'GET', Key: 'mediabucket', Url: `http://${accountCiHost()}/mediabucket`, Query: {regions: REGION, bucketNames: BUCKET, pageNumber: 1, pageSize: 10}});
		assert.is(one.Response.TotalCount, '1');
		// One item comes back as an object (several as an array): the SDK's XML reading, not ours.
		assert.is(one.Response.MediaBucketList.BucketId, BUCKET);
		assert.match(one.Response.MediaBucketList.CreateTime, /\+0800$/);

		const both = await cos.request({Method: 'GET', Key: 'mediabucket', Url: `http://${accountCiHost()}/mediabucket`, Query: {regions: `${REGION},ap-beijing`, pageNumber: 1, pageSize: 1}});
		assert.equal([both.Response.TotalCount, both.Response.PageSize, both.Response.MediaBucketList.BucketId], ['2', '1', BUCKET]);

		const doc = await cos.request({Method: 'GET', Key: 'docbucket', Url: `http://${accountCiHost()}/docbucket`, Query: {regions: REGION}});
		assert.is(doc.Response.TotalCount, '0');

		assert.equal(
			emulator.requests.map((entry) => [entry.operation, entry.status]),
			[
				['CreateMediaBucket', 200],
				['CreateMediaBucket', 403],
				['DescribeMediaBuckets', 200],
				['DescribeMediaBuckets', 200],
				['DescribeDocProcessBuckets', 200],
			],
		);

		// The SDK signs the query: the captured list request, replayed with another bucketNames, fails its signature.
		const list = sent.find((request) => request.method === 'GET')!;
		const query = new URLSearchParams(Object.entries(list.qs ?? {}).map(([name, value]) => [name, name === 'bucketNames' ? `second-${APP_ID}` : String(value)])).toString();
		const tampered = await rawRequest(emulator, {method: 'GET', target: `${list.url}?${query}`, headers: {...list.headers, host: new URL(list.url).host}});
		assert.is(tampered.status, 403);
		assert.is(tag(tampered.body, 'Code'), 'SignatureDoesNotMatch');
	});
});

test.run();
