import {test} from 'uvu';
import * as assert from 'uvu/assert';
import type {BucketCreatedEvent} from '../../lib/emulator/index.js';
import {
	APP_ID,
	BUCKET,
	REGION,
	SERVICE_HOST,
	accountCiHost,
	ciHost,
	cosHost,
	delay,
	signedFetch,
	tag,
	tags,
	withEmulator,
} from '../support/emulator.js';

const bucketId = (name: string) => `${name}-${APP_ID}`;

test('CreateCIBucket: PUT / binds and answers <Response><RequestId/><CIBucket><BucketId/><Region/></CIBucket></Response>', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		const reply = await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost()});
		assert.is(reply.status, 200, reply.body);
		assert.is(reply.headers['content-type'], 'application/xml');
		assert.match(reply.body, /<Response><RequestId>[^<]+<\/RequestId><CIBucket><BucketId>examplebucket-1250000000<\/BucketId><Region>ap-guangzhou<\/Region><\/CIBucket><\/Response>$/);
		assert.is(tag(reply.body, 'RequestId'), reply.headers['x-ci-request-id']);
		assert.equal(emulator.bucket(BUCKET), {bucket: BUCKET, region: REGION, createdAt: emulator.bucket(BUCKET)!.createdAt, ci: 'on', bindCount: 1});
	});
});

test('CreateCIBucket: POST / binds too (the doc example uses POST)', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		const reply = await signedFetch(emulator, {method: 'POST', virtualHost: ciHost()});
		assert.is(reply.status, 200, reply.body);
		assert.is(emulator.bucket(BUCKET)!.ci, 'on');
	});
});

test('CreateCIBucket: an already bound bucket answers 200 again by default and counts the re-affirmation', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		for (let index = 0; index < 3; index++) {
			const reply = await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost()});
			assert.is(reply.status, 200, reply.body);
		}

		assert.is(emulator.bucket(BUCKET)!.bindCount, 3);
	});
});

test('unknown bucket, bucket in another region → 404 NoSuchBucket on every bucket CI operation', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, 'ap-beijing');
		for (const [method, query] of [
			['PUT', {}],
			['GET', {}],
			['PUT', {unbind: true as const}],
		] as const) {
			for (const host of [ciHost(), ciHost(bucketId('missing'), 'ap-beijing')]) {
				const reply = await signedFetch(emulator, {method, virtualHost: host, query});
				assert.is(reply.status, 404, `${method} ${host}`);
				assert.is(tag(reply.body, 'Code'), 'NoSuchBucket');
				assert.not.ok(reply.body.includes('<Resource>'));
			}
		}

		assert.is(emulator.bucket(BUCKET)!.ci, 'off');
	});
});

test('invalid bucket ids → 400 InvalidBucketName; invalid regions → 400 InvalidRegion', async () => {
	await withEmulator({}, async (emulator) => {
		for (const host of ['-bad-1250000000.ci.ap-guangzhou.myqcloud.com', 'noappid.ci.ap-guangzhou.myqcloud.com', 'bad_name-1250000000.ci.ap-guangzhou.myqcloud.com']) {
			const reply = await signedFetch(emulator, {virtualHost: host});
			assert.is(reply.status, 400, host);
			assert.is(tag(reply.body, 'Code'), 'InvalidBucketName', host);
		}

		const region = await signedFetch(emulator, {virtualHost: `${BUCKET}.ci.guangzhou.myqcloud.com`});
		assert.is(tag(region.body, 'Code'), 'InvalidRegion');
		const put = await signedFetch(emulator, {method: 'PUT', virtualHost: `${'a'.repeat(40)}-1250000000.cos.ap-guangzhou.myqcloud.com`});
		assert.is(put.status, 400);
		assert.is(tag(put.body, 'Code'), 'InvalidBucketName');
		assert.match(tag(put.body, 'Message')!, /60/);
	});
});

test('status: GET / answers application/json {"CIStatus": on|off}', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		const off = await signedFetch(emulator, {virtualHost: ciHost()});
		assert.is(off.status, 200);
		assert.is(off.headers['content-type'], 'application/json');
		assert.equal(JSON.parse(off.body), {CIStatus: 'off'});
		emulator.setBound(BUCKET, true);
		assert.equal(JSON.parse((await signedFetch(emulator, {virtualHost: ciHost()})).body), {CIStatus: 'on'});
	});
});

test('unbind lifecycle: PUT /?unbind → 200, unbinding for unbindDelayMs, then off; binding while unbinding → 409; unbinding an off bucket → 200 no-op', async () => {
	await withEmulator({faults: {unbindDelayMs: 400}}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION, {bound: true});
		const unbind = await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost(), query: {unbind: true}});
		assert.is(unbind.status, 200, unbind.body);
		assert.match(unbind.body, /<Response><RequestId>[^<]+<\/RequestId><\/Response>$/);
		assert.is(emulator.requests.at(-1)!.operation, 'DeleteCIBucket');
		assert.equal(JSON.parse((await signedFetch(emulator, {virtualHost: ciHost()})).body), {CIStatus: 'unbinding'});

		const bindDuring = await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost()});
		assert.is(bindDuring.status, 409);
		assert.is(tag(bindDuring.body, 'Code'), 'InvalidBucketState');
		// A second unbind while unbinding does not restart the clock.
		assert.is((await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost(), query: {unbind: true}})).status, 200);

		await delay(450);
		assert.equal(JSON.parse((await signedFetch(emulator, {virtualHost: ciHost()})).body), {CIStatus: 'off'});
		assert.is(emulator.bucket(BUCKET)!.ci, 'off');
		const again = await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost(), query: {unbind: true}});
		assert.is(again.status, 200);
		assert.is(emulator.bucket(BUCKET)!.ci, 'off');

		const rebind = await signedFetch(emulator, {method: 'PUT', virtualHost: ciHost()});
		assert.is(rebind.status, 200, rebind.body);
		assert.is(emulator.bucket(BUCKET)!.ci, 'on');
	});
});

test('DescribeCIBuckets: 45 bound (of 60, in 3 regions), pageSize 20 → pages of 20, 20, 5 with the right totals, sorted by BucketId', async () => {
	await withEmulator({}, async (emulator) => {
		const regions = ['ap-guangzhou', 'ap-beijing', 'ap-shanghai'];
		for (let index = 0; index < 60; index++) {
			emulator.createBucket(bucketId(`bucket${String(index).padStart(3, '0')}`), regions[index % 3]!, {bound: index < 45});
		}

		const seen: string[] = [];
		for (const pageNumber of [1, 2, 3]) {
			const reply = await signedFetch(emulator, {virtualHost: accountCiHost('ap-beijing'), path: '/cibuckets', query: {pageSize: '20', pageNumber: String(pageNumber)}});
			assert.is(reply.status, 200, reply.body);
			assert.is(tag(reply.body, 'TotalCount'), '45');
			assert.is(tag(reply.body, 'PageNumber'), String(pageNumber));
			assert.is(tag(reply.body, 'PageSize'), '20');
			const ids = tags(reply.body, 'BucketId');
			assert.is(ids.length, pageNumber === 3 ? 5 : 20);
			assert.is(reply.body.split('<CIBucketList>').length - 1, ids.length, 'one <CIBucketList> element per item');
			assert.is(tags(reply.body, 'Status').filter((status) => status === 'on').length, ids.length);
			assert.is(new Set(tags(reply.body, 'Region')).size, 3);
			seen.push(...ids);
		}

		assert.equal(seen, [...seen].sort());
		assert.is(new Set(seen).size, 45);
		const beyond = await signedFetch(emulator, {virtualHost: accountCiHost(), path: '/cibuckets', query: {pageSize: '20', pageNumber: '4'}});
		assert.is(tag(beyond.body, 'TotalCount'), '45');
		assert.is(tags(beyond.body, 'BucketId').length, 0);
	});
});

test('DescribeCIBuckets: item shape, defaults, bucketName prefix filter, tagKey ignored', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(bucketId('photos-a'), 'ap-guangzhou', {bound: true, createdAt: '2024-01-02T03:04:05Z'});
		emulator.createBucket(bucketId('photos-b'), 'ap-beijing', {bound: true});
		emulator.createBucket(bucketId('videos'), 'ap-guangzhou', {bound: true});
		emulator.createBucket(bucketId('photos-unbound'), 'ap-guangzhou');
		const all = await signedFetch(emulator, {virtualHost: accountCiHost(), path: '/cibuckets'});
		assert.is(tag(all.body, 'PageNumber'), '1');
		assert.is(tag(all.body, 'PageSize'), '10');
		assert.is(tag(all.body, 'TotalCount'), '3');
		assert.match(
			all.body,
			/<CIBucketList><BucketId>photos-a-1250000000<\/BucketId><BucketName>photos-a<\/BucketName><AppId>1250000000<\/AppId><CreateTime>2024-01-02T11:04:05\+08:00<\/CreateTime><Region>ap-guangzhou<\/Region><Status>on<\/Status><\/CIBucketList>/,
		);
		const filtered = await signedFetch(emulator, {virtualHost: accountCiHost(), path: '/cibuckets', query: {bucketName: 'photos', tagKey: 'env'}});
		assert.equal(tags(filtered.body, 'BucketId'), [bucketId('photos-a'), bucketId('photos-b')]);
	});
});

test('DescribeCIBuckets: invalid pageSize / pageNumber → 400 InvalidArgument naming the parameter', async () => {
	await withEmulator({}, async (emulator) => {
		const queries: Array<Record<string, string>> = [{pageSize: '101'}, {pageSize: '0'}, {pageSize: 'ten'}, {pageSize: '-1'}, {pageSize: '1.5'}, {pageNumber: '0'}, {pageNumber: 'x'}, {pageSize: ''}];
		for (const query of queries) {
			const reply = await signedFetch(emulator, {virtualHost: accountCiHost(), path: '/cibuckets', query});
			assert.is(reply.status, 400, JSON.stringify(query));
			assert.is(tag(reply.body, 'Code'), 'InvalidArgument');
			assert.match(tag(reply.body, 'Message')!, Object.keys(query)[0]!);
		}

		assert.is((await signedFetch(emulator, {virtualHost: accountCiHost(), path: '/cibuckets', query: {pageSize: '100'}})).status, 200);
	});
});

test('GetService: 2,500 buckets, max-keys 1000 → 3 pages chained by NextMarker; default page is 2000', async () => {
	await withEmulator({}, async (emulator) => {
		const regions = ['ap-guangzhou', 'ap-beijing'];
		for (let index = 0; index < 2500; index++) {
			emulator.createBucket(bucketId(`b${String(index).padStart(5, '0')}`), regions[index % 2]!);
		}

		const names: string[] = [];
		let marker: string | undefined;
		const pages: number[] = [];
		for (;;) {
			const query: Record<string, string> = {'max-keys': '1000'};
			if (marker !== undefined) {
				query.marker = marker;
			}

			const reply = await signedFetch(emulator, {virtualHost: SERVICE_HOST, query});
			assert.is(reply.status, 200, reply.body);
			const page = tags(reply.body, 'Name');
			pages.push(page.length);
			names.push(...page);
			assert.is(tag(reply.body, 'Marker') ?? '', marker ?? '');
			if (tag(reply.body, 'IsTruncated') === 'false') {
				assert.is(tag(reply.body, 'NextMarker') ?? '', '');
				break;
			}

			assert.is(tag(reply.body, 'IsTruncated'), 'true');
			assert.is(tag(reply.body, 'NextMarker'), page.at(-1));
			marker = tag(reply.body, 'NextMarker');
		}

		assert.equal(pages, [1000, 1000, 500]);
		assert.is(new Set(names).size, 2500);
		assert.equal(names, [...names].sort());

		const all = await signedFetch(emulator, {virtualHost: SERVICE_HOST});
		assert.is(tags(all.body, 'Name').length, 2000);
		assert.is(tag(all.body, 'IsTruncated'), 'true');
	});
});

test('GetService: response shape, owner, region filter (param and regional host), invalid max-keys', async () => {
	await withEmulator({ownerUin: '100012345678'}, async (emulator) => {
		emulator.createBucket(bucketId('a'), 'ap-guangzhou', {createdAt: '2020-01-01T00:00:00Z'});
		emulator.createBucket(bucketId('b'), 'ap-beijing');
		const reply = await signedFetch(emulator, {virtualHost: SERVICE_HOST});
		assert.is(reply.headers['content-type'], 'application/xml');
		assert.ok(reply.body.startsWith("<?xml version='1.0' encoding='utf-8' ?>"));
		assert.match(
			reply.body,
			/<ListAllMyBucketsResult><Owner><ID>qcs::cam::uin\/100012345678:uin\/100012345678<\/ID><DisplayName>100012345678<\/DisplayName><\/Owner><Marker><\/Marker><NextMarker><\/NextMarker><IsTruncated>false<\/IsTruncated><Buckets><Bucket><Name>a-1250000000<\/Name><Location>ap-guangzhou<\/Location><CreationDate>2020-01-01T00:00:00Z<\/CreationDate><BucketType>cos<\/BucketType><\/Bucket>/,
		);
		assert.equal(tags((await signedFetch(emulator, {virtualHost: SERVICE_HOST, query: {region: 'ap-beijing'}})).body, 'Name'), [bucketId('b')]);
		assert.equal(tags((await signedFetch(emulator, {virtualHost: 'cos.ap-guangzhou.myqcloud.com'})).body, 'Name'), [bucketId('a')]);
		for (const value of ['0', '2001', 'abc', '']) {
			const bad = await signedFetch(emulator, {virtualHost: SERVICE_HOST, query: {'max-keys': value}});
			assert.is(bad.status, 400, value);
			assert.is(tag(bad.body, 'Code'), 'InvalidArgument');
		}

		const badRegion = await signedFetch(emulator, {virtualHost: SERVICE_HOST, query: {region: 'mars'}});
		assert.is(tag(badRegion.body, 'Code'), 'InvalidArgument');
	});
});

test('PutBucket: PUT / on the bucket COS host creates it and emits bucket-created; other APPID → 403; existing → 409', async () => {
	await withEmulator({}, async (emulator) => {
		const events: BucketCreatedEvent[] = [];
		emulator.on('bucket-created', (event) => events.push(event));
		const reply = await signedFetch(emulator, {method: 'PUT', virtualHost: cosHost()});
		assert.is(reply.status, 200, reply.body);
		assert.is(reply.body, '');
		assert.is(emulator.bucket(BUCKET)!.ci, 'off');
		assert.is(events.length, 1);
		assert.equal({...events[0], time: undefined}, {bucket: BUCKET, region: REGION, appId: APP_ID, name: 'examplebucket', time: undefined, requestId: reply.headers['x-cos-request-id']});

		const again = await signedFetch(emulator, {method: 'PUT', virtualHost: cosHost()});
		assert.is(again.status, 409);
		assert.is(tag(again.body, 'Code'), 'BucketAlreadyExists');
		assert.is(tag(again.body, 'Resource'), `${cosHost()}/`);
		const foreign = await signedFetch(emulator, {method: 'PUT', virtualHost: cosHost('theirs-1300000000')});
		assert.is(foreign.status, 403);
		assert.is(tag(foreign.body, 'Code'), 'AccessDenied');
		assert.is(events.length, 1);
	});
});

test('programmatic API: createBucket/deleteBucket/setBound/buckets/bucket, strict validation, throwing listeners are contained', async () => {
	await withEmulator({}, async (emulator) => {
		const events: string[] = [];
		emulator.on('bucket-created', () => {
			throw new Error('listener bug');
		});
		emulator.on('bucket-created', (event) => events.push(event.bucket));
		const originalError = console.error;
		console.error = () => undefined;
		try {
			emulator.createBucket(bucketId('zeta'), 'ap-beijing');
			emulator.createBucket(bucketId('alpha'), 'ap-guangzhou', {bound: true, createdAt: '2021-05-06T07:08:09Z'});
		} finally {
			console.error = originalError;
		}

		assert.equal(events, [bucketId('zeta'), bucketId('alpha')]);
		assert.equal(
			emulator.buckets().map((bucket) => bucket.bucket),
			[bucketId('alpha'), bucketId('zeta')],
		);
		assert.equal(emulator.bucket(bucketId('alpha')), {bucket: bucketId('alpha'), region: 'ap-guangzhou', createdAt: '2021-05-06T07:08:09Z', ci: 'on', bindCount: 0});
		assert.throws(() => emulator.createBucket(bucketId('zeta'), 'ap-beijing'), /already exists/);
		assert.throws(() => emulator.createBucket('Bad_Name-1250000000', 'ap-beijing'), /bucket/);
		assert.throws(() => emulator.createBucket('ok-1300000000', 'ap-beijing'), /APPID/);
		assert.throws(() => emulator.createBucket(bucketId('ok'), 'nowhere'), /region/);
		assert.throws(() => emulator.setBound(bucketId('missing'), true), /does not exist/);
		emulator.setBound(bucketId('zeta'), true);
		assert.is(emulator.bucket(bucketId('zeta'))!.ci, 'on');
		assert.ok(emulator.deleteBucket(bucketId('zeta')));
		assert.not.ok(emulator.deleteBucket(bucketId('zeta')));
		assert.is(emulator.bucket(bucketId('zeta')), undefined);
	});
});

test('reset() restores buckets, faults, credentials and the log to the start options', async () => {
	await withEmulator({faults: {latencyMs: 1}}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		emulator.addCredential({secretId: 'AKIDX', secretKey: 'k'});
		emulator.setFaults({failNext: {count: 5, code: 'SlowDown'}});
		await signedFetch(emulator, {virtualHost: ciHost()});
		emulator.reset();
		assert.equal(emulator.buckets(), []);
		assert.equal(emulator.requests, []);
		const reply = await signedFetch(emulator, {virtualHost: ciHost(), credential: {secretId: 'AKIDX', secretKey: 'k'}});
		assert.is(tag(reply.body, 'Code'), 'InvalidAccessKeyId');
	});
});

test('maxRequestLog drops the oldest entries; clearRequests empties the log', async () => {
	await withEmulator({maxRequestLog: 3}, async (emulator) => {
		for (const name of ['a', 'b', 'c', 'd', 'e']) {
			await signedFetch(emulator, {virtualHost: ciHost(bucketId(name))});
		}

		assert.equal(
			emulator.requests.map((entry) => entry.host),
			['c', 'd', 'e'].map((name) => ciHost(bucketId(name))),
		);
		const entry = emulator.requests[0]!;
		assert.is(entry.method, 'GET');
		assert.is(entry.status, 404);
		assert.is(entry.code, 'NoSuchBucket');
		assert.ok(entry.durationMs >= 0);
		assert.ok(!Number.isNaN(Date.parse(entry.time)));
		emulator.clearRequests();
		assert.equal(emulator.requests, []);
	});
});

test.run();
