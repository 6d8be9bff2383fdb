import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {type EventContext, type ParsedEvent, parseEvent} from '../../lib/function/events/index.js';
import {CONTEXT, fixture, fixtureNames} from '../support/event-fixtures.js';

const skipped = (bucket: string, region: string, message: string) => ({bucket, region, outcome: 'skipped' as const, message, durationMs: 0});
const failed = (bucket: string, region: string, message: string) => ({bucket, region, outcome: 'failed' as const, code: 'InvalidEvent' as const, message, durationMs: 0});
const unrecognized = (bucket: string, region: string, message: string) => ({bucket, region, outcome: 'failed' as const, code: 'UnrecognizedEvent' as const, message, durationMs: 0});
const NO_BUCKET_FIX = 'set BINDER_EVENT_BUCKET_PATH to the field that names the bucket (the record\'s outline is in the error log)';
const LOOKED = 'looked in resourceName, resources, requestParameters, eventSource and the envelope\'s subject';

/** The exact plan for every fixture, under {@link CONTEXT} unless `context` says otherwise. */
const EXPECTED: Record<string, {plan: ParsedEvent; context?: EventContext}> = {
	'aws-scheduled-event.json': {plan: {kind: 'sync', trigger: 'schedule', options: {}}},
	'cloudaudit-deletebucket.json': {
		plan: {kind: 'bind', trigger: 'cloudaudit', targets: [], knownResults: [skipped('old-reports-1250000000', 'ap-beijing', 'not a bucket creation: eventName DeleteBucket')]},
	},
	'cloudaudit-eventlist-mixed.json': {
		plan: {
			kind: 'bind',
			trigger: 'cloudaudit',
			targets: [
				{bucket: 'alpha-1250000000', region: 'ap-guangzhou', source: 'EventList[0].data.resourceName', created: true},
				{bucket: 'beta-1250000000', region: 'ap-shanghai', source: 'EventList[1].data.requestParameters.Bucket', created: true},
			],
			knownResults: [
				// Not a bucket name: passed over (never completed into an id), and the record reported as unrecognised.
				unrecognized(
					'Bad_Name-1250000000',
					'ap-guangzhou',
					`EventList[3].data: no bucket found (${LOOKED}; passed over EventList[3].data.resourceName "Bad_Name-1250000000" (not a bucket name: only a-z, 0-9 and "-", not starting or ending with "-")); ${NO_BUCKET_FIX}`,
				),
				skipped('gamma-1250000000', 'ap-guangzhou', 'creation failed upstream (errorCode 403)'),
				skipped('(unknown)', '', 'EventList[5]: not a COS CloudAudit event (source "cvm.cloud.tencent", type "cvm:CloudEvent:ApiCall")'),
				failed('(unknown)', '', 'EventList[6]: expected an event object, got the string "not an event"'),
				unrecognized('(unknown)', 'ap-guangzhou', `EventList[7].data: no bucket found (${LOOKED}); ${NO_BUCKET_FIX}`),
				skipped('alpha-1250000000', 'ap-guangzhou', 'not a bucket creation: eventName PutBucketCors'),
			],
			unrecognized: [
				{path: 'EventList[3]', eventName: 'PutBucket', message: `EventList[3].data: no bucket found (${LOOKED}; passed over EventList[3].data.resourceName "Bad_Name-1250000000" (not a bucket name: only a-z, 0-9 and "-", not starting or ending with "-")); ${NO_BUCKET_FIX}`, digest: []},
				{path: 'EventList[7]', eventName: 'PutBucket', message: `EventList[7].data: no bucket found (${LOOKED}); ${NO_BUCKET_FIX}`, digest: []},
			],
		},
	},
	'cloudaudit-putbucket-failed.json': {
		plan: {kind: 'bind', trigger: 'cloudaudit', targets: [], knownResults: [skipped('taken-name-1250000000', 'ap-guangzhou', 'creation failed upstream (errorCode 1234)')]},
	},
	'cloudaudit-putbucket-prefix-resource.json': {
		plan: {kind: 'bind', trigger: 'cloudaudit', targets: [{bucket: 'sg-backups-1250000000', region: 'ap-singapore', source: 'data.resourceName', created: true}], knownResults: []},
	},
	'cloudaudit-putbucket-requestparameters-host.json': {
		plan: {kind: 'bind', trigger: 'cloudaudit', targets: [{bucket: 'logs-archive-1250000000', region: 'ap-chengdu', source: 'data.requestParameters.Host', created: true}], knownResults: []},
	},
	// A bare name: completed with the function's APPID (never the UIN in userIdentity), region from data.eventRegion.
	'cloudaudit-putbucket-resourcename-bare.json': {
		plan: {kind: 'bind', trigger: 'cloudaudit', targets: [{bucket: 'media-assets-1250000000', region: 'ap-beijing', source: 'data.resourceName', created: true}], knownResults: []},
	},
	'cloudaudit-putbucket-resourcename-qcs.json': {
		plan: {kind: 'bind', trigger: 'cloudaudit', targets: [{bucket: 'examplebucket-1250000000', region: 'ap-guangzhou', source: 'data.resourceName', created: true}], knownResults: []},
		context: {},
	},
	'cloudaudit-putbucket-resources-array.json': {
		plan: {kind: 'bind', trigger: 'cloudaudit', targets: [{bucket: 'miniapp-uploads-1250000000', region: 'ap-nanjing', source: 'data.resources[0].resourceName', created: true}], knownResults: []},
		context: {},
	},
	'cloudaudit-putbucket-subject-only.json': {
		plan: {kind: 'bind', trigger: 'cloudaudit', targets: [{bucket: 'hk-static-1250000000', region: 'ap-hongkong', source: 'subject', created: true}], knownResults: []},
		context: {},
	},
	'cloudtrail-createbucket.json': {
		plan: {
			kind: 'bind',
			trigger: 'cloudtrail',
			targets: [],
			knownResults: [{bucket: 'example-media-bucket', region: 'eu-west-1', outcome: 'skipped', message: 'an S3 bucket (no "-<appid>" suffix): not a COS bucket, nothing to bind', durationMs: 0}],
		},
	},
	'cos-trigger-multi.json': {
		plan: {
			kind: 'bind',
			trigger: 'cos',
			targets: [
				{bucket: 'photos-1250000000', region: 'ap-guangzhou', source: 'Records[0].cos.cosBucket.name'},
				{bucket: 'thumbs-1250000000', region: 'ap-guangzhou', source: 'Records[2].cos.cosBucket.name'},
			],
			knownResults: [],
		},
	},
	'cos-trigger-single.json': {
		plan: {kind: 'bind', trigger: 'cos', targets: [{bucket: 'testpic-1253970026', region: 'ap-chengdu', source: 'Records[0].cos.cosBucket.name'}], knownResults: []},
		context: {},
	},
	'http-aws-apigw-v1.json': {
		plan: {
			kind: 'http',
			trigger: 'http',
			request: {
				method: 'GET',
				path: '/sync',
				headers: {accept: '*/*', host: 'abc123.execute-api.us-east-1.amazonaws.com', 'x-forwarded-for': '192.0.2.10, 198.51.100.2', 'x-trace': 'a, b'},
				query: {region: 'ap-beijing', include: 'photos-*'},
				body: undefined,
				flavor: 'aws-apigw-v1',
				sourceIp: '192.0.2.10',
			},
		},
	},
	'http-aws-apigw-v2.json': {
		plan: {
			kind: 'http',
			trigger: 'http',
			request: {
				method: 'POST',
				path: '/bind',
				headers: {
					'content-type': 'application/json',
					host: 'abcdefghijklmnop.lambda-url.us-east-1.on.aws',
					'x-amzn-trace-id': 'Root=1-5f84c7a9-0e5b1e1d7e1e4c5b3e1f0a1b',
					cookie: 'session=abc; theme=dark',
				},
				query: {dryRun: 'true', tag: 'one'},
				body: '{"bucket":"photos-1250000000"}',
				flavor: 'aws-apigw-v2',
				sourceIp: '203.0.113.50',
			},
		},
	},
	'http-function-url.json': {
		plan: {
			kind: 'http',
			trigger: 'http',
			request: {
				method: 'POST',
				path: '/bind',
				headers: {
					accept: 'application/json',
					'content-type': 'application/json',
					host: '1250000000-abcdefgh12-gz.scf.tencentcs.com',
					'user-agent': 'curl/8.4.0',
					'x-binder-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
					'x-forwarded-for': '203.0.113.9',
				},
				query: {dryRun: 'true'},
				body: '{"bucket":"examplebucket-1250000000","region":"ap-guangzhou"}',
				flavor: 'scf-function-url',
			},
		},
	},
	'http-scf-apigw.json': {
		plan: {
			kind: 'http',
			trigger: 'http',
			request: {
				method: 'POST',
				path: '/bind',
				headers: {
					'accept-language': 'en-US,en,cn',
					accept: 'text/html,application/xml,application/json',
					host: 'service-f94sy04v-1250000000.gz.apigw.tencentcs.com',
					'user-agent': 'User Agent String',
					'content-type': 'application/json',
					refer: '10.0.2.14',
				},
				query: {force: '1', tag: 'a'},
				body: '{"bucket":"examplebucket-1250000000"}',
				flavor: 'scf-apigw',
				sourceIp: '198.51.100.23',
			},
		},
	},
	// Free text (the SCF console's custom argument) is a label for the run: a default sync, the label logged.
	'timer-label-message.json': {plan: {kind: 'sync', trigger: 'timer', options: {}, label: 'sync everything please'}},
	'timer-empty.json': {plan: {kind: 'sync', trigger: 'timer', options: {}}},
	'timer-options.json': {
		plan: {kind: 'sync', trigger: 'timer', options: {regions: ['ap-guangzhou', 'ap-shanghai'], exclude: ['tmp-*', '*-scratch-??'], dryRun: false, concurrency: 8}},
	},
	'unsupported-ckafka.json': {plan: {kind: 'unsupported', trigger: 'unsupported', message: 'unsupported event: Records[0] is not a COS trigger record (it has key "Ckafka")'}},
	'unsupported-cvm-cloudevent.json': {
		plan: {
			kind: 'unsupported',
			trigger: 'unsupported',
			message:
				'unsupported event: an object with keys "specversion", "id", "source", "type", "subject", "time", "region", "datacontenttype", "data"; source "cvm.cloud.tencent", type "cvm:ErrorEvent:GuestReboot"',
		},
	},
	'unsupported-sqs.json': {
		plan: {
			kind: 'unsupported',
			trigger: 'unsupported',
			message:
				'unsupported event: Records[0] is not a COS trigger record (it has keys "messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN", "awsRegion"; eventSource "aws:sqs")',
		},
	},
};

test('every fixture has an expected plan, and every expectation a fixture', () => {
	assert.equal(fixtureNames(), Object.keys(EXPECTED).sort());
});

/** The plan with each unrecognised record's digest checked for shape and then left out (digest.test.ts checks its content). */
function withoutDigests(plan: ParsedEvent): ParsedEvent {
	if (plan.kind !== 'bind' || plan.unrecognized === undefined) {
		return plan;
	}

	for (const record of plan.unrecognized) {
		assert.ok(record.digest.length > 0 && record.digest.every((line) => typeof line === 'string'), 'a digest of string lines');
	}

	return {...plan, unrecognized: plan.unrecognized.map((record) => ({...record, digest: []}))};
}

for (const [name, {plan, context}] of Object.entries(EXPECTED)) {
	test(`fixture ${name}`, () => {
		assert.equal(withoutDigests(parseEvent(fixture(name), context ?? CONTEXT)), plan);
	});
}

test('the mixed EventList drops nothing: each of its 9 entries is a target, a duplicate of one, or a record', () => {
	const plan = parseEvent(fixture('cloudaudit-eventlist-mixed.json'), CONTEXT);
	assert.is(plan.kind, 'bind');
	if (plan.kind === 'bind') {
		const duplicates = 1; // EventList[2] repeats EventList[0]
		assert.is(plan.targets.length + plan.knownResults.length + duplicates, 9);
	}
});

test('detection: wrappers win over envelope fields, envelopes over HTTP marks', () => {
	const timer = fixture('timer-empty.json');
	assert.is(parseEvent({...fixture('cos-trigger-single.json'), ...timer}, CONTEXT).kind, 'bind');
	assert.is(parseEvent({...fixture('cloudaudit-eventlist-mixed.json'), Records: []}, CONTEXT).kind, 'bind');
	// A CloudEvent or a timer that also carries `path` and `headers` is still what it says it is.
	const http = {httpMethod: 'POST', path: '/bind', headers: {}};
	assert.is(parseEvent({...fixture('cloudaudit-putbucket-resourcename-qcs.json'), ...http}, CONTEXT).kind, 'bind');
	const timerPlan = parseEvent({...timer, ...http}, CONTEXT);
	assert.is(timerPlan.kind === 'sync' && timerPlan.trigger, 'timer');
	assert.is(parseEvent({...fixture('aws-scheduled-event.json'), ...http}, CONTEXT).kind, 'sync');
});

test('unsupported: says what was seen for non-objects', () => {
	const message = (value: unknown) => {
		const plan = parseEvent(value, CONTEXT);
		return plan.kind === 'unsupported' ? plan.message : `kind ${plan.kind}`;
	};

	assert.is(message(null), 'unsupported event: null (expected an event object)');
	assert.is(message(undefined), 'unsupported event: nothing (expected an event object)');
	assert.is(message([]), 'unsupported event: an array of 0 items (expected an event object)');
	assert.is(message([{Type: 'Timer'}]), 'unsupported event: an array of 1 item (expected an event object)');
	assert.is(message('str'), 'unsupported event: the string "str" (expected an event object)');
	assert.is(message(42), 'unsupported event: the number 42 (expected an event object)');
	assert.is(message(true), 'unsupported event: the boolean true (expected an event object)');
	assert.is(message({}), 'unsupported event: an object with no keys');
	assert.is(message({foo: 1}), 'unsupported event: an object with key "foo"');
});

test('unsupported: lists at most 10 keys, each cut and cleaned', () => {
	const event = Object.fromEntries(Array.from({length: 25}, (_, index) => [`${'k'.repeat(50)}\n${index}`, index]));
	const plan = parseEvent(event, CONTEXT);
	assert.is(plan.kind, 'unsupported');
	if (plan.kind === 'unsupported') {
		assert.ok(plan.message.endsWith('(+15 more)'), plan.message);
		assert.is(plan.message.match(/"k+…"/g)?.length, 10);
		assert.not.ok(plan.message.includes('\n'));
	}
});

test('unsupported: names source and type of foreign envelopes', () => {
	const plan = parseEvent({'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2', detail: {}}, CONTEXT);
	assert.is(plan.kind, 'unsupported');
	assert.match(plan.kind === 'unsupported' ? plan.message : '', /source "aws\.ec2", detail-type "EC2 Instance State-change Notification"/);
	const cosObject = parseEvent({specversion: '1.0', source: 'cos.cloud.tencent', type: 'cos:created:object', subject: 'qcs::cos:ap-guangzhou:uid1250000000:photos', data: {}}, CONTEXT);
	assert.is(cosObject.kind, 'unsupported');
	assert.match(cosObject.kind === 'unsupported' ? cosObject.message : '', /type "cos:created:object"/);
});

test('unsupported: Records that are not COS trigger records', () => {
	const message = (event: unknown) => {
		const plan = parseEvent(event, CONTEXT);
		return plan.kind === 'unsupported' ? plan.message : `kind ${plan.kind}`;
	};

	assert.is(message({Records: 'x'}), 'unsupported event: Records is the string "x", not an array of records');
	assert.is(message({Records: []}), 'unsupported event: Records is an empty array');
	assert.is(message({Records: [null]}), 'unsupported event: Records[0] is null, not a record object');
	assert.is(message({Records: [{CMQ: {type: 'topic'}}]}), 'unsupported event: Records[0] is not a COS trigger record (it has key "CMQ")');
});

test('context: malformed APPID and region are ignored, not used to build ids', () => {
	const plan = parseEvent({Records: [{cos: {cosBucket: {name: 'photos', region: 'xx'}}}]}, {appId: 'not-digits', region: 'somewhere'});
	const message = 'Records[0].cos.cosBucket.name: bucket "photos" has no "-<appid>" suffix, and neither cosBucket.appid nor the function\'s APPID is known';
	assert.equal(plan, {kind: 'bind', trigger: 'cos', targets: [], knownResults: [failed('photos', '', message)]});
	// A missing context object is tolerated as well.
	assert.is(parseEvent(fixture('timer-empty.json'), undefined as unknown as EventContext).kind, 'sync');
});

test.run();
