// DELETE Bucket in the emulator (`DELETE /` on the bucket's COS host, 436/7732): what `doctor --canary` cleans up
// with. The same strict signature checks as every other operation; the official SDK is accepted.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import COS from 'cos-nodejs-sdk-v5';
import {DEMO_CREDENTIALS} from '../../lib/emulator/index.js';
import {APP_ID, BUCKET, REGION, cosHost, signOverride, signedFetch, tag, withEmulator} from '../support/emulator.js';

test('DELETE / on the bucket COS host deletes it: 204, then NoSuchBucket (404) with its Resource; logged as DeleteBucket', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION, {bound: true});
		const reply = await signedFetch(emulator, {method: 'DELETE', virtualHost: cosHost()});
		assert.is(reply.status, 204, reply.body);
		assert.is(reply.body, '');
		assert.type(reply.headers['x-cos-request-id'], 'string');
		assert.is(emulator.bucket(BUCKET), undefined);

		const again = await signedFetch(emulator, {method: 'DELETE', virtualHost: cosHost()});
		assert.is(again.status, 404);
		assert.is(tag(again.body, 'Code'), 'NoSuchBucket');
		assert.is(tag(again.body, 'Resource'), `${cosHost()}/`);
		assert.equal(
			emulator.requests.map((entry) => [entry.operation, entry.method, entry.status]),
			[
				['DeleteBucket', 'DELETE', 204],
				['DeleteBucket', 'DELETE', 404],
			],
		);
	});
});

test('DeleteBucket is refused unsigned, with a signature made for another method, and in the wrong region', async () => {
	await withEmulator({}, async (emulator) => {
		emulator.createBucket(BUCKET, REGION);
		const unsigned = await fetch(`${emulator.url}/${cosHost()}/`, {method: 'DELETE'});
		assert.is(unsigned.status, 403);
		assert.is(tag(await unsigned.text(), 'Code'), 'AccessDenied');

		// Signed as a PUT, sent as a DELETE: a replayed PutBucket signature cannot delete.
		const otherMethod = await signedFetch(emulator, {method: 'DELETE', virtualHost: cosHost(), tamper: () => signOverride(emulator, {method: 'PUT', virtualHost: cosHost()})});
		assert.is(otherMethod.status, 403);
		assert.is(tag(otherMethod.body, 'Code'), 'SignatureDoesNotMatch');

		const elsewhere = await signedFetch(emulator, {method: 'DELETE', virtualHost: cosHost(BUCKET, 'ap-beijing')});
		assert.is(elsewhere.status, 404);
		assert.is(tag(elsewhere.body, 'Code'), 'NoSuchBucket');
		assert.ok(emulator.bucket(BUCKET), 'still there after three refused deletes');

		const get = await signedFetch(emulator, {method: 'GET', virtualHost: cosHost()});
		assert.is(get.status, 405);
		assert.match(tag(get.body, 'Message') ?? '', /allowed: PUT, DELETE/);
	});
});

test('the official SDK deleteBucket is accepted (absolute-form through its Proxy option)', async () => {
	await withEmulator({}, async (emulator) => {
		const cos = new COS({SecretId: DEMO_CREDENTIALS.secretId, SecretKey: DEMO_CREDENTIALS.secretKey, Proxy: emulator.url, Protocol: 'http:', KeepAlive: false});
		await cos.putBucket({Bucket: `sdk-${APP_ID}`, Region: REGION});
		assert.ok(emulator.bucket(`sdk-${APP_ID}`));
		const deleted = await cos.deleteBucket({Bucket: `sdk-${APP_ID}`, Region: REGION});
		assert.is(deleted.statusCode, 204);
		assert.is(emulator.bucket(`sdk-${APP_ID}`), undefined);
	});
});

test.run();
