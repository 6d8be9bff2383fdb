// Nothing unrecognised goes quiet: a PutBucket whose bucket cannot be read reaches the error log (with a
// scrubbed digest), the webhook (`unrecognized`) and the result, and a setting fixes it without a release.
import {Webhook} from 'standardwebhooks';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {APP, parseLogs, withFunction} from '../support/function.js';
import {startReceiver} from '../support/receiver.js';

const GZ = 'ap-guangzhou';
const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SESSION_TOKEN_IN_RECORD = 'xxx--Jqr7dXvw3EBEXWNcJljzbZeJeoIrQx9gafWtHV1Lg9zu7hSpY91LAF414n21D41bpodncbz8u12C-xxx';

/**
A PutBucket record in the published CloudAudit format (JSON text fields, `resources: "[\"*\"]"`, empty
resourceName, UIN accountId, sessionContext as JSON text), with the bucket only in a field no built-in
reader knows: `responseElements` (JSON text, as in tccli's DescribeEvents.md sample).
*/
function hiddenBucketEvent(bucket: string) {
	return {
		specversion: '1.0',
		id: 'b0000000-0000-4000-8000-00000000000a',
		source: 'cos.cloud.tencent',
		type: 'cos:CloudEvent:ConsoleCall',
		time: 1_700_000_000_000,
		region: GZ,
		datacontenttype: 'application/json;charset=utf-8',
		data: {
			userIdentity: {
				principalId: '100000000001',
				accountId: '100000000001',
				secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
				sessionContext: JSON.stringify({token: SESSION_TOKEN_IN_RECORD, uin: 100_000_000_001, appId: Number(APP), userIp: '111.111.11.111'}),
				type: 'Root',
			},
			eventRegion: GZ,
			eventVersion: 2,
			errorCode: '0',
			errorMessage: '',
			eventType: 'ConsoleCall',
			httpMethod: 'PUT',
			apiErrorCode: 0,
			eventTime: 1_700_000_000,
			sourceIPAddress: '203.0.113.24',
			eventSource: 'cos.cloud.tencent.com',
			resources: '["*"]',
			resourceName: '',
			requestParameters: '',
			responseElements: JSON.stringify({CreatedBucket: {Name: bucket}}),
			resourceType: 'cos',
			eventName: 'PutBucket',
		},
	};
}

test('unrecognised PutBucket: failed (permanent, no retry), error log with a scrubbed digest, webhook "unrecognized"', async () => {
	const receiver = await startReceiver();
	try {
		await withFunction({env: {BINDER_WEBHOOK_URL: `${receiver.url}/hook`, BINDER_WEBHOOK_SECRET: WEBHOOK_SECRET}}, async ({emu, invoke, logs}) => {
			emu.createBucket(`hidden-${APP}`, GZ);
			const result = await invoke(hiddenBucketEvent(`hidden-${APP}`));
			// Returned, not thrown: a retry would fail the same way, the setting is the fix.
			assert.is(result.summary.failed, 1);
			assert.is(result.results[0].code, 'UnrecognizedEvent');
			assert.match(result.results[0].message, /^data: no bucket found \(looked in resourceName, resources, requestParameters, eventSource and the envelope's subject\); set BINDER_EVENT_BUCKET_PATH/);
			assert.is(result.unrecognized.length, 1);
			assert.is(emu.bucket(`hidden-${APP}`)?.ci, 'off');

			const lines = parseLogs(logs);
			const error = lines.find((line) => line.message === 'unrecognized event record');
			assert.ok(error, 'an error line for the record');
			assert.is(error.level, 'error');
			assert.is(error.code, 'UnrecognizedEvent');
			assert.is(error.eventName, 'PutBucket');
			assert.is(error.record, '');
			assert.ok(error.digest.includes('data.responseElements: json-text object'), error.digest.join('\n'));
			assert.ok(error.digest.includes(`data.responseElements.CreatedBucket.Name: string "hidden-${APP}"`));
			assert.ok(error.digest.includes('data.resources[0]: string "*"'));
			const bucketLine = lines.find((line) => line.message === 'bucket result');
			assert.is(bucketLine?.level, 'error');

			const [request] = receiver.received;
			const payload = new Webhook(WEBHOOK_SECRET).verify(request!.body, request!.headers as Record<string, string>) as any;
			assert.is(payload.data.results[0].code, 'UnrecognizedEvent');
			assert.is(payload.data.unrecognized.length, 1);
			assert.is(payload.data.unrecognized[0].eventName, 'PutBucket');
			assert.match(payload.data.unrecognized[0].message, /BINDER_EVENT_BUCKET_PATH/);
			assert.ok(payload.data.unrecognized[0].digest.includes(`data.responseElements.CreatedBucket.Name: string "hidden-${APP}"`));

			// Scrubbed: the record's credentials and addresses are in neither the log nor the webhook.
			const everything = `${logs.join('\n')}\n${request!.body}\n${JSON.stringify(result)}`;
			for (const secret of ['AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE', SESSION_TOKEN_IN_RECORD, '111.111.11.111', '203.0.113.24']) {
				assert.not.ok(everything.includes(secret), secret);
			}
		});
	} finally {
		await receiver.close();
	}
});

test('unrecognised PutBucket in a group robot message: one line naming the settings', async () => {
	const receiver = await startReceiver(() => ({status: 200, body: '{"errcode":0,"errmsg":"ok"}'}));
	try {
		await withFunction({env: {BINDER_WEBHOOK_URL: `${receiver.url}/cgi-bin/webhook/send?key=0123456789abcdef0123`, BINDER_WEBHOOK_FORMAT: 'wecom'}}, async ({invoke}) => {
			await invoke(hiddenBucketEvent(`hidden-${APP}`));
			const content = JSON.parse(receiver.received[0]!.body).markdown.content as string;
			assert.match(content, /\*\*Unrecognized\*\* 1 bucket creation record: set BINDER_EVENT_BUCKET_PATH \/ BINDER_EVENT_REGION_PATH/);
			assert.match(content, /- \(unknown\) \(ap-guangzhou\): UnrecognizedEvent/);
		});
	} finally {
		await receiver.close();
	}
});

test('BINDER_EVENT_BUCKET_PATH from the digest: the same event now binds its bucket, in one request', () =>
	withFunction({env: {BINDER_EVENT_BUCKET_PATH: 'data.responseElements.CreatedBucket.Name'}}, async ({emu, invoke, logs}) => {
		emu.createBucket(`hidden-${APP}`, GZ);
		emu.clearRequests();
		const result = await invoke(hiddenBucketEvent(`hidden-${APP}`));
		assert.is(result.results[0].outcome, 'bound');
		assert.is(result.results[0].bucket, `hidden-${APP}`);
		assert.is(result.results[0].region, GZ);
		assert.is(result.results[0].requests, 1);
		assert.is(result.unrecognized, undefined);
		assert.is(emu.bucket(`hidden-${APP}`)?.ci, 'on');
		assert.not.ok(parseLogs(logs).some((line) => line.level === 'error'));
	}));

test('BINDER_EVENT_REGION_PATH: a record whose region cannot be read is unrecognised until the setting names it', async () => {
	const event = () => {
		const base = hiddenBucketEvent('x');
		// A bucket in an eu region, recorded on the ap-guangzhou bus with no region anywhere else.
		return {...base, region: undefined, data: {...base.data, eventRegion: undefined, resources: `["qcs::cos::uid/${APP}:eu-data/*"]`, responseElements: '{"Location": "eu-frankfurt"}'}};
	};

	await withFunction({}, async ({invoke}) => {
		const result = await invoke(event());
		assert.is(result.results[0].code, 'UnrecognizedEvent');
		assert.is(result.results[0].bucket, `eu-data-${APP}`);
		assert.match(result.results[0].message, /^data: no region found .*; set BINDER_EVENT_REGION_PATH/);
	});
	await withFunction({env: {BINDER_EVENT_REGION_PATH: 'data.responseElements.Location'}}, async ({emu, invoke}) => {
		emu.createBucket(`eu-data-${APP}`, 'eu-frankfurt');
		const result = await invoke(event());
		assert.is(result.results[0].outcome, 'bound');
		assert.is(result.results[0].region, 'eu-frankfurt');
	});
});

test('a bad BINDER_EVENT_BUCKET_PATH is a configuration error naming the variable, not a silent skip', () =>
	withFunction({env: {BINDER_EVENT_BUCKET_PATH: 'data..Bucket'}}, async ({invoke, logs}) => {
		const result = await invoke(hiddenBucketEvent(`hidden-${APP}`));
		assert.is(result.error.code, 'InvalidConfig');
		assert.match(result.error.message, /^BINDER_EVENT_BUCKET_PATH: path 1 "data\.\.Bucket": empty segment/);
		assert.ok(parseLogs(logs).some((line) => line.level === 'error' && line.message === 'invalid configuration'));
	}));

test.run();
