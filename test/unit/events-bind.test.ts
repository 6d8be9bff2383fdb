import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {type BindTarget, mapShortRegion, type ParsedEvent, parseEvent, parseFieldPath} from '../../lib/function/events/index.js';
import type {BucketResult} from '../../lib/core/results.js';
import {auditEvent, CONTEXT, cosRecord, fixture} from '../support/event-fixtures.js';

type Bind = {targets: BindTarget[]; knownResults: BucketResult[]};

/** The bind plan of an event, failing the test for any other kind. */
function bind(event: unknown, context = CONTEXT, trigger?: string): Bind {
	const plan: ParsedEvent = parseEvent(event, context);
	assert.is(plan.kind, 'bind', `expected a bind plan, got ${JSON.stringify(plan)}`);
	if (plan.kind !== 'bind') {
		throw new Error('unreachable');
	}

	if (trigger !== undefined) {
		assert.is(plan.trigger, trigger);
	}

	return {targets: plan.targets, knownResults: plan.knownResults};
}

const target = (bucket: string, region: string, source: string): BindTarget => ({bucket, region, source});
/** A target named by a creation event (CloudAudit PutBucket, CloudTrail CreateBucket): bound first. */
const created = (bucket: string, region: string, source: string): BindTarget => ({bucket, region, source, created: true});
const unrecognized = (bucket: string, region: string, message: string): BucketResult => ({bucket, region, outcome: 'failed', code: 'UnrecognizedEvent', message, durationMs: 0});
const LOOKED = 'looked in resourceName, resources, requestParameters, eventSource and the envelope\'s subject';
const NO_BUCKET_FIX = 'set BINDER_EVENT_BUCKET_PATH to the field that names the bucket (the record\'s outline is in the error log)';
const NO_REGION_FIX = 'set BINDER_EVENT_REGION_PATH to the field that names its region (the record\'s outline is in the error log)';
const failed = (bucket: string, region: string, message: string): BucketResult => ({bucket, region, outcome: 'failed', code: 'InvalidEvent', message, durationMs: 0});
const skipped = (bucket: string, region: string, message: string): BucketResult => ({bucket, region, outcome: 'skipped', message, durationMs: 0});

// ---- CloudAudit via EventBridge ----

test('cloudaudit: each undocumented bucket placement is found, most direct first', () => {
	const cases: Array<[data: Record<string, unknown>, envelope: Record<string, unknown>, expected: BindTarget]> = [
		[{eventName: 'PutBucket', resourceName: 'examplebucket-1250000000'}, {}, created('examplebucket-1250000000', 'ap-guangzhou', 'data.resourceName')],
		[{eventName: 'PutBucket', resourceName: 'examplebucket-1250000000.cos.ap-tokyo.myqcloud.com'}, {}, created('examplebucket-1250000000', 'ap-tokyo', 'data.resourceName')],
		[{eventName: 'PutBucket', resources: 'qcs::cos:ap-seoul:uid/1250000000:kr-logs'}, {}, created('kr-logs-1250000000', 'ap-seoul', 'data.resources')],
		[{eventName: 'PutBucket', resources: ['', {name: 'cdn-1250000000'}]}, {}, created('cdn-1250000000', 'ap-guangzhou', 'data.resources[1].name')],
		[{eventName: 'PutBucket', resources: {resourceName: 'objbucket'}}, {}, created('objbucket-1250000000', 'ap-guangzhou', 'data.resources.resourceName')],
		[{eventName: 'PutBucket', requestParameters: {bucketName: 'lower-1250000000'}}, {}, created('lower-1250000000', 'ap-guangzhou', 'data.requestParameters.bucketName')],
		[{eventName: 'PutBucket', requestParameters: '{"BucketName":"upper"}'}, {}, created('upper-1250000000', 'ap-guangzhou', 'data.requestParameters.BucketName')],
		[{eventName: 'PutBucket', requestParameters: {host: 'web-1250000000.cos-website.ap-shanghai.myqcloud.com'}}, {}, created('web-1250000000', 'ap-shanghai', 'data.requestParameters.host')],
		[{eventName: 'PutBucket'}, {subject: 'https://sub-1250000000.cos.ap-chongqing.myqcloud.com/'}, created('sub-1250000000', 'ap-chongqing', 'subject')],
		[{eventName: 'PutBucket', resourceName: 'first-1250000000', requestParameters: {Bucket: 'second-1250000000'}}, {subject: 'qcs::cos:ap-beijing:uid/1250000000:third'}, created('first-1250000000', 'ap-guangzhou', 'data.resourceName')],
	];
	for (const [data, envelope, expected] of cases) {
		assert.equal(bind(auditEvent(data, envelope), CONTEXT, 'cloudaudit'), {targets: [expected], knownResults: []}, JSON.stringify(data));
	}
});

test('cloudaudit: the published formats (JSON text, "*", product-relative names) never become bucket ids', () => {
	const plan = (data: Record<string, unknown>) => bind(auditEvent({eventName: 'PutBucket', errorCode: '0', ...data}));
	// The case: `resources` "[\"*\"]" once became the id `["*"]-<appid>`; now `*` is ignored and the
	// bucket comes from requestParameters (JSON text).
	assert.equal(plan({resources: '["*"]', resourceName: '', requestParameters: '{"Bucket": "examplebucket-1250000000", "Region": "ap-guangzhou"}'}), {
		targets: [created('examplebucket-1250000000', 'ap-guangzhou', 'data.requestParameters.Bucket')],
		knownResults: [],
	});
	// qcs ids with `/*` or an object key, inside JSON text; `*` entries before them are skipped.
	assert.equal(plan({resources: '["*", "qcs::cos:ap-shanghai:uid/1250000000:photos-1250000000/a/b.jpg"]'}).targets, [
		created('photos-1250000000', 'ap-shanghai', 'data.resources[1]'),
	]);
	assert.equal(plan({resourceName: 'examplebucket-1250000000/*'}).targets, [created('examplebucket-1250000000', 'ap-guangzhou', 'data.resourceName')]);
	// Product-relative names (the field table's `policy/7934***`), `a|b` lists, other products' resources: passed over.
	const passedOver = plan({resourceName: 'instance/ins-1a2b', resources: '["qcs::cvm:ap-guangzhou:uin/100000000001:instance/ins-1a2b"]', requestParameters: '{"Bucket": "a|b"}'});
	assert.equal(passedOver.targets, []);
	assert.is(passedOver.knownResults[0]?.code, 'UnrecognizedEvent');
	assert.match(passedOver.knownResults[0]?.message ?? '', /passed over data\.resourceName "instance\/ins-1a2b" \(a product-relative resource.*data\.resources\[0\] "qcs::cvm:.*" \(a cvm resource, not a COS bucket\), data\.requestParameters\.Bucket "a\|b" \(not a bucket name/);
	// A wildcard bucket in a COS resource means "any bucket": ignored, not an error.
	assert.match(plan({resources: '["qcs::cos:ap-guangzhou:uid/1250000000:*"]'}).knownResults[0]?.message ?? '', /no bucket found \(looked in [^;]*\); set BINDER_EVENT_BUCKET_PATH/);
	// The APPID of a bare name: the function's own, else sessionContext.appId (JSON text); never the UIN.
	const bare = {requestParameters: '{"Bucket": "plain"}', userIdentity: {accountId: '100000000001', sessionContext: '{"appId": 1251234567, "uin": 100000000001}'}};
	assert.is(plan(bare).targets[0]?.bucket, 'plain-1250000000');
	assert.is(bind(auditEvent({eventName: 'PutBucket', ...bare}), {region: 'ap-guangzhou'}).targets[0]?.bucket, 'plain-1251234567');
});

test('cloudaudit: region preference: configured path, the bucket\'s resource/host, requestParameters, eventSource, resourceRegion, eventRegion, envelope', () => {
	const regionOf = (data: Record<string, unknown>, envelope: Record<string, unknown> = {}, context = CONTEXT) =>
		bind(auditEvent({eventName: 'PutBucket', ...data}, envelope), context).targets[0]?.region;
	const all = {eventRegion: 'ap-beijing', resourceRegion: 'ap-shanghai', eventSource: 'cos.ap-chengdu.myqcloud.com', requestParameters: '{"Region": "ap-nanjing"}'};
	assert.is(regionOf({resourceName: 'qcs::cos:ap-tokyo:uid/1250000000:b', ...all}), 'ap-tokyo');
	assert.is(regionOf({resourceName: 'b-1250000000.cos.ap-mumbai.myqcloud.com', ...all}), 'ap-mumbai');
	// requestParameters.Region: the request names the region the bucket is created in (short codes mapped).
	assert.is(regionOf({resourceName: 'b-1250000000', ...all}), 'ap-nanjing');
	assert.is(regionOf({resourceName: 'b-1250000000', ...all, requestParameters: {region: 'gz'}}), 'ap-guangzhou');
	assert.is(regionOf({resourceName: 'b-1250000000', ...all, requestParameters: {Host: 'b-1250000000.cos.ap-seoul.myqcloud.com'}}), 'ap-seoul');
	// eventSource: the COS endpoint the call went to.
	assert.is(regionOf({resourceName: 'b-1250000000', ...all, requestParameters: ''}), 'ap-chengdu');
	// cos.cloud.tencent.com names no region: passed over.
	assert.is(regionOf({resourceName: 'b-1250000000', ...all, requestParameters: '', eventSource: 'cos.cloud.tencent.com'}), 'ap-shanghai');
	// resourceRegion (the resource's) before eventRegion (may be the request's), before the envelope (the bus's).
	assert.is(regionOf({resourceName: 'b-1250000000', eventRegion: 'ap-beijing', resourceRegion: 'ap-shanghai'}), 'ap-shanghai');
	assert.is(regionOf({resourceName: 'b-1250000000', eventRegion: 'ap-beijing'}, {region: 'ap-nanjing'}), 'ap-beijing');
	assert.is(regionOf({resourceName: 'b-1250000000'}, {region: 'ap-nanjing'}), 'ap-nanjing');
	// A global-acceleration host names no region; a malformed one is passed over for the next source.
	assert.is(regionOf({resourceName: 'b-1250000000.cos.accelerate.myqcloud.com', eventRegion: 'ap-beijing'}), 'ap-beijing');
	assert.is(regionOf({resourceName: 'qcs::cos:Not A Region:uid/1250000000:b', eventRegion: 'ap-beijing'}), 'ap-beijing');
	// BINDER_EVENT_REGION_PATH comes first, even before the bucket's own resource.
	const configured = {...CONTEXT, regionPaths: [parseFieldPath('data.extra.where')]};
	assert.is(regionOf({resourceName: 'qcs::cos:ap-tokyo:uid/1250000000:b', extra: '{"where": "ap-jakarta"}'}, {}, configured), 'ap-jakarta');
	assert.is(regionOf({resourceName: 'qcs::cos:ap-tokyo:uid/1250000000:b'}, {}, configured), 'ap-tokyo');
});

test('cloudaudit: no region anywhere → unrecognised, naming where it looked and the setting; a malformed one is named', () => {
	const looked = 'looked at the bucket\'s resource or host, requestParameters.Region and .Host, eventSource, resourceRegion, eventRegion and the envelope region';
	assert.equal(bind(auditEvent({eventName: 'PutBucket', resourceName: 'b-1250000000'}, {region: undefined})).knownResults, [
		unrecognized('b-1250000000', '', `data: no region found (${looked}); ${NO_REGION_FIX}`),
	]);
	assert.equal(bind(auditEvent({eventName: 'PutBucket', resourceName: 'b-1250000000', eventRegion: 'Mars 1'}, {region: undefined})).knownResults, [
		unrecognized('b-1250000000', '', `data.eventRegion: invalid region "Mars 1" (expected e.g. "ap-guangzhou"); ${NO_REGION_FIX}`),
	]);
});

test('cloudaudit: APPID comes from the qcs uid, else the context; never from the UIN', () => {
	const data = (resourceName: string) => ({eventName: 'PutBucket', resourceName, userIdentity: {accountId: '100000000001', principalId: '100000000001'}});
	// The uid APPID wins over the context and is not doubled.
	assert.is(bind(auditEvent(data('qcs::cos:ap-guangzhou:uid/1251111111:pics'))).targets[0]?.bucket, 'pics-1251111111');
	assert.is(bind(auditEvent(data('qcs::cos:ap-guangzhou:uid/1251111111:pics-1251111111'))).targets[0]?.bucket, 'pics-1251111111');
	// A name ending in other digits is a bare name under a qcs uid.
	assert.is(bind(auditEvent(data('qcs::cos:ap-guangzhou:uid/1251111111:backup-20240101'))).targets[0]?.bucket, 'backup-20240101-1251111111');
	// `uin/` is an account id, not an APPID: the context APPID completes the name instead.
	assert.is(bind(auditEvent(data('qcs::cos:ap-guangzhou:uin/100000000001:pics'))).targets[0]?.bucket, 'pics-1250000000');
	assert.is(bind(auditEvent(data('pics'))).targets[0]?.bucket, 'pics-1250000000');
	// An id already ending in -<appid> is kept as is.
	assert.is(bind(auditEvent(data('pics-1259999999'))).targets[0]?.bucket, 'pics-1259999999');
	// No APPID known anywhere: failed, saying how to fix it.
	assert.equal(bind(auditEvent(data('pics')), {region: 'ap-guangzhou'}).knownResults, [
		failed('pics', 'ap-guangzhou', 'data.resourceName: bucket "pics" has no "-<appid>" suffix and no APPID is known (set TENCENTCLOUD_APPID)'),
	]);
});

test('cloudaudit: invalid bucket ids are passed over, named in the unrecognised record', () => {
	const decided = (resourceName: string) => bind(auditEvent({eventName: 'PutBucket', resourceName})).knownResults;
	assert.equal(decided('-leading-1250000000'), [
		unrecognized(
			'-leading-1250000000',
			'ap-guangzhou',
			`data: no bucket found (${LOOKED}; passed over data.resourceName "-leading-1250000000" (not a bucket name: only a-z, 0-9 and "-", not starting or ending with "-")); ${NO_BUCKET_FIX}`,
		),
	]);
	// Well formed but too long for a host name: validated (with its region) before use.
	const long = `${'a'.repeat(50)}-1250000000`;
	assert.match(decided(long)[0]?.message ?? '', /passed over data\.resourceName "a+-\d+…" \(.*would be 91 characters \(limit 60\)\)/);
	// An invalid candidate does not stop the search: the next field that names a valid bucket is used.
	assert.equal(bind(auditEvent({eventName: 'PutBucket', resourceName: 'Bad_Name', requestParameters: '{"Bucket": "good-1250000000"}'})), {
		targets: [created('good-1250000000', 'ap-guangzhou', 'data.requestParameters.Bucket')],
		knownResults: [],
	});
	// Nothing usable: `*` resources and unrelated subjects are not buckets.
	assert.equal(bind(auditEvent({eventName: 'PutBucket', resourceName: '*', resources: []}, {subject: 'PutBucket'})).knownResults, [
		unrecognized('(unknown)', 'ap-guangzhou', `data: no bucket found (${LOOKED}); ${NO_BUCKET_FIX}`),
	]);
});

test('cloudaudit: failed creations are skipped with the reason; 0, "0", "" and absent mean success', () => {
	const plan = (codes: Record<string, unknown>) => bind(auditEvent({eventName: 'PutBucket', resourceName: 'b-1250000000', ...codes}));
	for (const codes of [{}, {errorCode: 0}, {errorCode: '0'}, {errorCode: ''}, {errorCode: null, apiErrorCode: ' 0 '}]) {
		assert.equal(plan(codes).targets, [created('b-1250000000', 'ap-guangzhou', 'data.resourceName')], JSON.stringify(codes));
	}

	assert.equal(plan({errorCode: 1234}).knownResults, [skipped('b-1250000000', 'ap-guangzhou', 'creation failed upstream (errorCode 1234)')]);
	assert.equal(plan({errorCode: '-1'}).knownResults, [skipped('b-1250000000', 'ap-guangzhou', 'creation failed upstream (errorCode -1)')]);
	assert.equal(plan({errorCode: 0, apiErrorCode: 'InvalidBucketName'}).knownResults, [skipped('b-1250000000', 'ap-guangzhou', 'creation failed upstream (apiErrorCode InvalidBucketName)')]);
	assert.equal(plan({errorCode: {code: 1}}).knownResults, [skipped('b-1250000000', 'ap-guangzhou', 'creation failed upstream (errorCode an object)')]);
	// A failed creation of an invalid name is still just skipped (nothing to bind either way), and the
	// name is shown as written, never completed into an id.
	assert.equal(bind(auditEvent({eventName: 'PutBucket', resourceName: 'BAD', errorCode: 5})).knownResults, [skipped('BAD', 'ap-guangzhou', 'creation failed upstream (errorCode 5)')]);
});

test('cloudaudit: other eventNames are skipped, with the bucket when one is named', () => {
	assert.equal(bind(auditEvent({eventName: 'PutBucketAcl', resourceName: 'b-1250000000'})).knownResults, [skipped('b-1250000000', 'ap-guangzhou', 'not a bucket creation: eventName PutBucketAcl')]);
	assert.equal(bind(auditEvent({eventName: 'DeleteObject'}, {region: undefined})).knownResults, [skipped('(unknown)', '', 'not a bucket creation: eventName DeleteObject')]);
	// Case is not significant in the operation name.
	assert.is(bind(auditEvent({eventName: 'putbucket', resourceName: 'b-1250000000'})).targets.length, 1);
});

test('cloudaudit: broken records are failed records naming the field', () => {
	assert.equal(bind(auditEvent(undefined)).knownResults, [failed('(unknown)', 'ap-guangzhou', 'data: expected the CloudAudit record object, got nothing')]);
	assert.equal(bind(auditEvent('not json')).knownResults, [failed('(unknown)', 'ap-guangzhou', 'data: expected the CloudAudit record object, got the string "not json"')]);
	assert.equal(bind(auditEvent([1, 2], {region: 'bogus region'})).knownResults, [failed('(unknown)', '', 'data: expected the CloudAudit record object, got an array of 2 items')]);
	assert.equal(bind(auditEvent({resourceName: 'b-1250000000'})).knownResults, [failed('b-1250000000', 'ap-guangzhou', 'data.eventName: expected an operation name such as "PutBucket", got nothing')]);
	assert.equal(bind(auditEvent({eventName: 7, resourceName: 'b-1250000000'})).knownResults, [failed('b-1250000000', 'ap-guangzhou', 'data.eventName: expected an operation name such as "PutBucket", got the number 7')]);
	// `data` as JSON text is accepted (one documentation version types it as a string).
	assert.equal(bind(auditEvent(JSON.stringify({eventName: 'PutBucket', resourceName: 'b-1250000000'}))).targets, [created('b-1250000000', 'ap-guangzhou', 'data.resourceName')]);
	// Wrong types where strings are expected are passed over, not trusted.
	assert.equal(bind(auditEvent({eventName: 'PutBucket', resourceName: 42, resources: {name: ['x']}, requestParameters: '{broken'}, {subject: 9})).knownResults, [
		unrecognized('(unknown)', 'ap-guangzhou', `data: no bucket found (${LOOKED}); ${NO_BUCKET_FIX}`),
	]);
});

test('cloudaudit: all three call types and string times are accepted; other cos types are not CloudAudit', () => {
	for (const type of ['cos:CloudEvent:ApiCall', 'cos:CloudEvent:ConsoleCall', 'cos:CloudEvent:MiniProgramCall']) {
		assert.is(bind(auditEvent({eventName: 'PutBucket', resourceName: 'b-1250000000'}, {type, time: '1615430559146'})).targets.length, 1, type);
	}

	assert.is(parseEvent(auditEvent({eventName: 'PutBucket'}, {type: 'cos:CloudEvent:Other'}), CONTEXT).kind, 'unsupported');
});

test('EventList: not an array → invalid; empty → nothing to do; duplicates collapse, first source kept', () => {
	assert.equal(parseEvent({EventList: {}}, CONTEXT), {kind: 'invalid', trigger: 'cloudaudit', message: 'EventList: expected an array of events, got an object'});
	assert.equal(parseEvent({EventList: []}, CONTEXT), {kind: 'bind', trigger: 'cloudaudit', targets: [], knownResults: []});
	const plan = bind({
		EventList: [
			auditEvent({eventName: 'PutBucket', resourceName: 'dup'}),
			auditEvent({eventName: 'PutBucket', resourceName: 'dup-1250000000'}),
			auditEvent({eventName: 'PutBucket', resourceName: 'dup', eventRegion: 'ap-beijing'}),
			auditEvent({eventName: 'PutBucket'}, {subject: 'qcs::cos:ap-guangzhou:uid/1250000000:dup'}),
		],
	});
	assert.equal(plan, {
		targets: [created('dup-1250000000', 'ap-guangzhou', 'EventList[0].data.resourceName'), created('dup-1250000000', 'ap-beijing', 'EventList[2].data.resourceName')],
		knownResults: [],
	});
});

test('EventList: 10,000 entries are planned quickly, each accounted for', () => {
	const entries = Array.from({length: 10_000}, (_, index) =>
		index % 10 === 9 ? {broken: true} : auditEvent({eventName: 'PutBucket', resourceName: `bucket-${index % 500}-1250000000`, errorCode: index % 7 === 0 ? 1 : 0}),
	);
	const started = performance.now();
	const plan = bind({EventList: entries});
	const elapsed = performance.now() - started;
	assert.ok(elapsed < 1500, `took ${elapsed} ms`);
	const skippedCount = plan.knownResults.filter((record) => record.outcome === 'skipped').length;
	const notCos = plan.knownResults.filter((record) => record.message?.includes('not a COS CloudAudit event')).length;
	assert.is(notCos, 1000);
	assert.is(skippedCount, notCos + entries.filter((_, index) => index % 10 !== 9 && index % 7 === 0).length);
	assert.ok(plan.targets.length <= 500);
});

// ---- COS trigger ----

test('cos: name gets -appid (not doubled); appid may be a number; region codes are mapped', () => {
	const plan = bind({
		Records: [
			cosRecord({name: 'a', appid: '1250000000', region: 'sh'}),
			cosRecord({name: 'a-1250000000', appid: 1_250_000_000, region: 'sh'}),
			cosRecord({name: 'b', appid: '1250000000', region: 'ap-beijing'}),
			cosRecord({name: 'c', appid: '1250000000', region: 'SGP'}),
			cosRecord({name: 'd', appid: '1250000000', region: 'ca'}),
		],
	});
	assert.equal(plan, {
		targets: [
			target('a-1250000000', 'ap-shanghai', 'Records[0].cos.cosBucket.name'),
			target('b-1250000000', 'ap-beijing', 'Records[2].cos.cosBucket.name'),
			target('c-1250000000', 'ap-singapore', 'Records[3].cos.cosBucket.name'),
			target('d-1250000000', 'na-toronto', 'Records[4].cos.cosBucket.name'),
		],
		knownResults: [],
	});
});

test('cos: region falls back from s3Region/region to the object URL host, then the function region', () => {
	const regionOf = (bucket: Record<string, unknown>, cosObject?: unknown, context = CONTEXT) => bind({Records: [cosRecord({name: 'p', appid: '1250000000', ...bucket}, cosObject)]}, context).targets[0]?.region;
	assert.is(regionOf({region: 'cd', s3Region: 'ap-chongqing'}), 'ap-chongqing');
	assert.is(regionOf({region: 'zz'}, {url: 'http://p-1250000000.cos.ap-hongkong.myqcloud.com/k'}), 'ap-hongkong');
	assert.is(regionOf({region: 'zz'}, {url: 'not a url'}), 'ap-guangzhou');
	assert.is(regionOf({}, undefined, {appId: '1250000000', region: 'ap-chengdu'}), 'ap-chengdu');
});

test('cos: unknown region code and no function region → failed naming the field', () => {
	assert.equal(bind({Records: [cosRecord({name: 'p', appid: '1250000000', region: 'zz'})]}, {appId: '1250000000'}).knownResults, [
		failed('p-1250000000', '', 'Records[0].cos.cosBucket.region: unknown region code "zz", and the function\'s own region is not known (TENCENTCLOUD_REGION)'),
	]);
	assert.equal(bind({Records: [cosRecord({name: 'p', appid: '1250000000'})]}, {}).knownResults, [
		failed('p-1250000000', '', 'Records[0].cos.cosBucket.region: missing (got nothing), and the function\'s own region is not known (TENCENTCLOUD_REGION)'),
	]);
});

test('cos: malformed records are failed records; the others still bind', () => {
	const plan = bind({
		Records: [
			cosRecord({name: 'ok', appid: '1250000000', region: 'gz'}),
			'record',
			{event: {}},
			{cos: {cosBucket: 'testpic'}},
			cosRecord({appid: '1250000000', region: 'gz'}),
			cosRecord({name: 'x', appid: 'abc', region: 'gz'}),
			cosRecord({name: 'x', appid: {}, region: 'gz'}),
			cosRecord({name: 'Bad_Name', appid: '1250000000', region: 'gz'}),
			cosRecord({name: 'y', region: 'gz'}),
		],
	});
	assert.equal(plan.targets, [target('ok-1250000000', 'ap-guangzhou', 'Records[0].cos.cosBucket.name'), target('y-1250000000', 'ap-guangzhou', 'Records[8].cos.cosBucket.name')]);
	assert.equal(plan.knownResults, [
		failed('(unknown)', '', 'Records[1]: expected a COS trigger record, got the string "record"'),
		failed('(unknown)', '', 'Records[2].cos: expected an object, got nothing'),
		failed('(unknown)', '', 'Records[3].cos.cosBucket: expected an object, got the string "testpic"'),
		failed('(unknown)', 'ap-guangzhou', 'Records[4].cos.cosBucket.name: expected the bucket name, got nothing'),
		failed('x', 'ap-guangzhou', 'Records[5].cos.cosBucket.appid: invalid APPID "abc" (expected 5 to 12 digits)'),
		failed('x', 'ap-guangzhou', 'Records[6].cos.cosBucket.appid: expected the APPID, got an object'),
		failed('Bad_Name-1250000000', 'ap-guangzhou', 'Records[7].cos.cosBucket.name: invalid bucket id "Bad_Name-1250000000": the name may only hold a-z, 0-9 and "-", and not start or end with "-"'),
	]);
});

test('cos: 10,000 records of the same bucket → one target, quickly', () => {
	const single = fixture('cos-trigger-single.json');
	const record = (single.Records as unknown[])[0];
	const started = performance.now();
	const plan = bind({Records: Array.from({length: 10_000}, () => structuredClone(record))}, {});
	const elapsed = performance.now() - started;
	assert.ok(elapsed < 1500, `took ${elapsed} ms`);
	assert.equal(plan, {targets: [target('testpic-1253970026', 'ap-chengdu', 'Records[0].cos.cosBucket.name')], knownResults: []});
});

// ---- CloudTrail via EventBridge ----

test('cloudtrail: other operations, failures and bad fields', () => {
	const event = (detail: unknown, region?: string) => ({...fixture('cloudtrail-createbucket.json'), detail, ...(region === undefined ? {} : {region})});
	const detail = (fields: Record<string, unknown>) => ({eventName: 'CreateBucket', awsRegion: 'us-west-2', requestParameters: {bucketName: 'my-bucket'}, ...fields});
	assert.equal(bind(event(detail({})), CONTEXT, 'cloudtrail').knownResults, [skipped('my-bucket', 'us-west-2', 'an S3 bucket (no "-<appid>" suffix): not a COS bucket, nothing to bind')]);
	const cosNamed = detail({awsRegion: 'ap-guangzhou', requestParameters: {bucketName: 'my-bucket-1250000000'}});
	assert.equal(bind(event(cosNamed), CONTEXT, 'cloudtrail').targets, [created('my-bucket-1250000000', 'ap-guangzhou', 'detail.requestParameters.bucketName')]);
	assert.equal(bind(event({...cosNamed, awsRegion: undefined})).targets, [created('my-bucket-1250000000', 'us-east-1', 'detail.requestParameters.bucketName')]);
	assert.equal(bind(event(detail({eventName: 'DeleteBucket'}))).knownResults, [skipped('my-bucket', 'us-west-2', 'not a bucket creation: eventName DeleteBucket')]);
	assert.equal(bind(event(detail({errorCode: 'BucketAlreadyExists'}))).knownResults, [skipped('my-bucket', 'us-west-2', 'creation failed upstream (errorCode BucketAlreadyExists)')]);
	assert.equal(bind(event(detail({requestParameters: {bucketName: 'Bad Name'}}))).knownResults, [failed('Bad Name', 'us-west-2', 'detail.requestParameters.bucketName: invalid bucket name "Bad Name"')]);
	assert.equal(bind(event(detail({requestParameters: null}))).knownResults, [failed('(unknown)', 'us-west-2', 'detail.requestParameters.bucketName: expected the bucket name, got nothing')]);
	assert.equal(bind(event(detail({awsRegion: 'us west'}))).knownResults, [failed('my-bucket', 'us west', 'detail.awsRegion: invalid region "us west"')]);
	assert.equal(bind({...event(detail({awsRegion: undefined})), region: undefined}).knownResults, [failed('my-bucket', '', 'detail.awsRegion: missing (and no envelope region)')]);
	assert.equal(bind(event(detail({eventName: null}))).knownResults, [failed('my-bucket', 'us-west-2', 'detail.eventName: expected an operation name such as "CreateBucket", got null')]);
	assert.equal(bind(event('x')).knownResults, [failed('(unknown)', '', 'detail: expected the CloudTrail record object, got the string "x"')]);
	// Only S3 CloudTrail events are ours.
	assert.is(parseEvent({...fixture('cloudtrail-createbucket.json'), source: 'aws.ec2'}, CONTEXT).kind, 'unsupported');
});

// ---- region codes ----

test('mapShortRegion: documented codes, legacy aliases, pass-through and unknowns', () => {
	const cases: Array<[string, string | undefined]> = [
		['cd', 'ap-chengdu'],
		['gz', 'ap-guangzhou'],
		['sh', 'ap-shanghai'],
		['bj', 'ap-beijing'],
		['tj', 'ap-beijing-1'],
		['cq', 'ap-chongqing'],
		['nj', 'ap-nanjing'],
		['hk', 'ap-hongkong'],
		['sgp', 'ap-singapore'],
		['sg', 'ap-singapore'],
		['ca', 'na-toronto'],
		['ger', 'eu-frankfurt'],
		['de', 'eu-frankfurt'],
		['in', 'ap-mumbai'],
		['mum', 'ap-mumbai'],
		['kr', 'ap-seoul'],
		['jp', 'ap-tokyo'],
		['th', 'ap-bangkok'],
		['usw', 'na-siliconvalley'],
		['use', 'na-ashburn'],
		['szjr', 'ap-shenzhen-fsi'],
		['shjr', 'ap-shanghai-fsi'],
		['bjjr', 'ap-beijing-fsi'],
		['cn-east', 'ap-shanghai'],
		['cn-southwest', 'ap-chengdu'],
		[' GZ ', 'ap-guangzhou'],
		['ap-jakarta', 'ap-jakarta'],
		['AP-TOKYO', 'ap-tokyo'],
		['xx', undefined],
		['', undefined],
		['constructor', undefined],
		['__proto__', undefined],
		['ap guangzhou', undefined],
	];
	for (const [code, region] of cases) {
		assert.is(mapShortRegion(code), region, code);
	}
});

test.run();
