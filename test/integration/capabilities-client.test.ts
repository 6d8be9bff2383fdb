// The client's capability calls (enable, listEnabled) against the emulator and against a loopback server that answers
// in the odd ways the docs allow (unknown elements, no TotalCount, a server ignoring pageNumber).
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {CAPABILITIES, CAPABILITY_NAMES, type Capability} from '../../lib/client/capabilities.js';
import {createClient} from '../../lib/client/client.js';
import {EMULATOR_CAPABILITIES} from '../../lib/emulator/capabilities.js';
import {DEMO_CREDENTIALS, OPERATIONS} from '../../lib/emulator/index.js';
import {accountCiHost, ciHost, signedFetch, tag} from '../support/emulator.js';
import {rejection, withClient} from '../support/client.js';
import {startReceiver} from '../support/receiver.js';

const APP = '1250000000';
const GZ = 'ap-guangzhou';
const SH = 'ap-shanghai';

test('the client and the emulator describe the same six capabilities', () => {
	assert.equal(
		EMULATOR_CAPABILITIES.map((item) => [item.name, item.path, item.enableOperation, item.listOperation, item.enableElement, item.listElement]),
		CAPABILITY_NAMES.map((name) => {
			const spec = CAPABILITIES[name];
			return [name, spec.path, spec.enableOperation, spec.listOperation, spec.enableElement, spec.listElements[0]];
		}),
	);
	for (const name of CAPABILITY_NAMES) {
		assert.ok((OPERATIONS as readonly string[]).includes(CAPABILITIES[name].enableOperation));
		assert.ok((OPERATIONS as readonly string[]).includes(CAPABILITIES[name].listOperation));
		assert.match(CAPABILITIES[name].docs.enable, /^https:\/\/cloud\.tencent\.com\/document\/product\/\d+\/\d+$/);
	}
});

for (const name of CAPABILITY_NAMES) {
	test(`${name}: enable on a bound bucket, then the filtered list shows it`, () =>
		withClient({}, async (emu, client) => {
			emu.createBucket(`photos-${APP}`, GZ, {bound: true});
			emu.createBucket(`other-${APP}`, GZ, {bound: true});
			const c = client();
			const enabled = await c.enable(`photos-${APP}`, GZ, name);
			assert.equal({bucket: enabled.bucket, region: enabled.region, capability: enabled.capability}, {bucket: `photos-${APP}`, region: GZ, capability: name});
			assert.ok(enabled.requestId);
			assert.equal(emu.bucket(`photos-${APP}`)?.capabilities, [name]);
			assert.is(emu.bucket(`other-${APP}`)?.capabilities, undefined);

			const listed = await c.listEnabled(name, {regions: [GZ], bucketIds: [`photos-${APP}`]});
			assert.equal(listed.map((item) => [item.bucketId, item.region]), [[`photos-${APP}`, GZ]]);
			assert.match(listed[0]!.createTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0800$/);
			const [enableEntry, listEntry] = emu.requests;
			assert.equal([enableEntry!.method, enableEntry!.host, enableEntry!.path, enableEntry!.operation], ['POST', `photos-${APP}.ci.${GZ}.myqcloud.com`, CAPABILITIES[name].path, CAPABILITIES[name].enableOperation]);
			assert.equal([listEntry!.method, listEntry!.host, listEntry!.path], ['GET', `ci.${GZ}.myqcloud.com`, CAPABILITIES[name].path]);
			assert.equal(listEntry!.query, {regions: GZ, bucketNames: `photos-${APP}`, pageNumber: '1', pageSize: '100'});
			assert.equal(await c.listEnabled(name, {regions: [GZ], bucketIds: [`other-${APP}`]}), []);
		}));
}

test('enable before the binding is refused by the (strict) emulator; a second enable answers 403 MediaBucketAlreadyBinded', () =>
	withClient({}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const c = client();
		const unbound = await rejection(c.enable(`photos-${APP}`, GZ, 'media'));
		assert.is(unbound.code, 'InvalidBucketState');
		assert.is(unbound.operation, 'CreateMediaBucket');
		emu.setBound(`photos-${APP}`, true);
		await c.enable(`photos-${APP}`, GZ, 'media');
		const again = await rejection(c.enable(`photos-${APP}`, GZ, 'media'));
		assert.equal([again.status, String(again.code), again.transient], [403, 'MediaBucketAlreadyBinded', false]);
		const doc = await c.enable(`photos-${APP}`, GZ, 'doc');
		assert.is(doc.capability, 'doc');
		assert.is((await rejection(c.enable(`photos-${APP}`, GZ, 'doc'))).status, 403);
		emu.updateFaults({reenableAnswer: 'ok'});
		assert.is((await c.enable(`photos-${APP}`, GZ, 'doc')).bucket, `photos-${APP}`);
		assert.equal(emu.bucket(`photos-${APP}`)?.capabilities, ['doc', 'media']);
	}));

test('an enable whose answer was lost is not re-sent (the caller re-reads the list); a 503 is retried', () =>
	withClient({faults: {resetRate: 1, operations: ['CreateMediaBucket']}}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ, {bound: true});
		const lost = await rejection(client().enable(`photos-${APP}`, GZ, 'media'));
		assert.equal([lost.code, lost.attempts], ['NetworkError', 1]);
		emu.setFaults({failNext: {count: 1, code: 'SlowDown'}, operations: ['CreateMediaBucket']});
		await client().enable(`photos-${APP}`, GZ, 'media');
		assert.equal(emu.requests.filter((entry) => entry.operation === 'CreateMediaBucket').map((entry) => entry.status), [0, 503, 200]);
	}));

test('listEnabled: every page, every region asked, none of the others; bad arguments fail before any request', () =>
	withClient({}, async (emu, client) => {
		for (let index = 0; index < 230; index++) {
			emu.createBucket(`m${String(index).padStart(3, '0')}-${APP}`, index % 2 === 0 ? GZ : SH, {bound: true, capabilities: index % 3 === 0 ? ['media'] : ['doc']});
		}

		emu.createBucket(`bj-${APP}`, 'ap-beijing', {bound: true, capabilities: ['media']});
		const c = client();
		const media = await c.listEnabled('media', {region: GZ, regions: [GZ, SH]});
		assert.is(media.length, 77);
		assert.ok(media.every((item) => item.region !== 'ap-beijing'));
		assert.equal(emu.requests.map((entry) => entry.query.pageNumber), ['1']);
		emu.clearRequests();
		const small = await c.listEnabled('doc', {regions: [GZ, SH], pageSize: 50});
		assert.is(small.length, 153);
		assert.equal(emu.requests.map((entry) => entry.query.pageNumber), ['1', '2', '3', '4']);
		// Without regions, the host's region is sent (the service's default for an absent `regions` is only documented for AI).
		emu.clearRequests();
		assert.is((await c.listEnabled('media', {region: 'ap-beijing'})).length, 1);
		assert.is(emu.requests[0]!.query.regions, 'ap-beijing');
		assert.equal(await c.listEnabled('media', {bucketIds: []}), []);
		emu.clearRequests();
		for (const [call, field] of [
			[() => c.listEnabled('video' as Capability), 'capability'],
			[() => c.enable(`photos-${APP}`, GZ, 'MEDIA' as Capability), 'capability'],
			[() => c.listEnabled('media', {regions: ['Not A Region']}), 'regions[0]'],
			[() => c.listEnabled('media', {bucketIds: ['Bad_Bucket']}), 'bucketIds[0]'],
			[() => c.listEnabled('media', {pageSize: 101}), 'pageSize'],
		] as const) {
			const error = await rejection(call());
			assert.is(error.field, field, error.message);
		}

		assert.is(emu.requests.length, 0);
	}));

test('list answers as documented elsewhere: unknown elements, SpeechBucketList, no TotalCount, pageNumber ignored, neither count nor list', async () => {
	const item = (element: string, id: string) => `<${element}><Name>${id}</Name><Extra><Deep>x</Deep></Extra><CreateTime>2020-07-27T10:54:42+0800</CreateTime><Region>${GZ}</Region><AliasBucketId/><BucketId>${id}</BucketId></${element}>`;
	let mode = 'extra';
	const server = await startReceiver((request) => {
		const page = Number(/pageNumber=(\d+)/.exec(request.url)?.[1]);
		const bodies: Record<string, string> = {
			extra: `<?xml version="1.0" encoding="utf-8"?><Response><TotalCount>2</TotalCount><RequestId>r</RequestId><Unknown>1</Unknown><PageNumber>1</PageNumber><DocBucketList>${''}</DocBucketList>${item('DocBucketList', `a-${APP}`)}${item('DocBucketList', `b-${APP}`)}</Response>`,
			speech: `<Response><TotalCount>1</TotalCount>${item('SpeechBucketList', `s-${APP}`)}</Response>`,
			// No TotalCount: full pages continue, a short page is the last.
			nototal: `<Response>${page === 1 ? item('MediaBucketList', `p1-${APP}`) + item('MediaBucketList', `p1b-${APP}`) : item('MediaBucketList', `p2-${APP}`)}</Response>`,
			// Claims more than it has and ignores pageNumber: page 1 forever.
			ignored: `<Response><TotalCount>50</TotalCount>${item('PicBucketList', `x-${APP}`)}${item('PicBucketList', `y-${APP}`)}</Response>`,
			nothing: '<Response><RequestId>r</RequestId></Response>',
		};
		return {status: 200, body: bodies[mode], headers: {'content-type': 'application/xml'}};
	});
	try {
		const c = createClient({endpoint: server.url, credentials: DEMO_CREDENTIALS, env: {}, retry: {retries: 0}});
		assert.equal((await c.listEnabled('doc')).map((entry) => entry.bucketId), [`a-${APP}`, `b-${APP}`]);
		mode = 'speech';
		assert.equal((await c.listEnabled('asr')).map((entry) => entry.bucketId), [`s-${APP}`]);
		mode = 'nototal';
		server.received.length = 0;
		assert.equal((await c.listEnabled('media', {pageSize: 2})).map((entry) => entry.bucketId), [`p1-${APP}`, `p1b-${APP}`, `p2-${APP}`]);
		assert.is(server.received.length, 2);
		mode = 'ignored';
		server.received.length = 0;
		assert.equal((await c.listEnabled('pic', {pageSize: 2})).map((entry) => entry.bucketId), [`x-${APP}`, `y-${APP}`]);
		assert.is(server.received.length, 2, 'stops at the first page with nothing new');
		mode = 'nothing';
		const error = await rejection(c.listEnabled('file'));
		assert.equal([error.code, error.operation], ['InvalidResponse', 'DescribeFileProcessBuckets']);
		assert.match(error.message, /neither TotalCount nor FileBucketList/);
	} finally {
		await server.close();
	}
});

test('emulator capability lists: bad regions and page sizes are InvalidArgument naming them; regions=All lists every region; no lists on the bucket host', () =>
	withClient({}, async (emu) => {
		emu.createBucket(`a-${APP}`, GZ, {bound: true, capabilities: ['ai']});
		emu.createBucket(`b-${APP}`, SH, {bound: true, capabilities: ['ai', 'asr']});
		const list = (query: Record<string, string>) => signedFetch(emu, {virtualHost: accountCiHost(GZ), path: '/ai_bucket', query});
		const all = await list({regions: 'All'});
		assert.is(all.status, 200);
		assert.is(tag(all.body, 'TotalCount'), '2');
		assert.is(tag((await list({})).body, 'TotalCount'), '1', 'no regions: the host region');
		assert.is(tag((await list({regions: `${GZ},${SH}`, bucketName: 'b'})).body, 'TotalCount'), '1');
		for (const [query, name] of [
			[{regions: 'mars'}, 'regions'],
			[{pageSize: '101'}, 'pageSize'],
			[{pageNumber: '0'}, 'pageNumber'],
		] as const) {
			const reply = await list(query);
			assert.is(reply.status, 400);
			assert.is(tag(reply.body, 'Code'), 'InvalidArgument');
			assert.match(tag(reply.body, 'Message') ?? '', name);
		}

		const onBucketHost = await signedFetch(emu, {virtualHost: ciHost(`a-${APP}`, GZ), path: '/ai_bucket'});
		assert.is(onBucketHost.status, 405);
		const wrongMethod = await signedFetch(emu, {method: 'POST', virtualHost: accountCiHost(GZ), path: '/asrbucket'});
		assert.is(wrongMethod.status, 405);
		const body = await signedFetch(emu, {method: 'POST', virtualHost: ciHost(`a-${APP}`, GZ), path: '/asrbucket'});
		assert.is(body.status, 200);
		assert.match(body.body, /<AsrBucket><BucketId>a-1250000000<\/BucketId>/);
		assert.equal(emu.bucket(`a-${APP}`)?.capabilities, ['ai', 'asr']);
	}));

test.run();
