// Field paths (BINDER_EVENT_BUCKET_PATH / BINDER_EVENT_REGION_PATH) and the digest of unrecognised records.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {digestRecord, parseEvent, parseFieldPath, readFieldPath} from '../../lib/function/events/index.js';
import {auditEvent, CONTEXT} from '../support/event-fixtures.js';

const values = (root: unknown, path: string) => readFieldPath(root, parseFieldPath(path)).map((found) => `${found.path}=${found.value}`);

test('paths: keys, indexes both ways, quoted keys, wildcards; JSON text decoded at every step', () => {
	const record = {
		requestParameters: '{"Bucket": "examplebucket-1250000000", "Region": "ap-guangzhou"}',
		resources: '["*", "qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*"]',
		'odd-key': {inner: ['a', {deep: '{"x": "found"}'}]},
		nested: '{"list": "[\\"one\\", \\"two\\"]"}',
	};
	assert.equal(values(record, 'requestParameters.Bucket'), ['requestParameters.Bucket=examplebucket-1250000000']);
	assert.equal(values(record, '$.requestParameters.Region'), ['requestParameters.Region=ap-guangzhou']);
	assert.equal(values(record, 'resources[1]'), ['resources[1]=qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*']);
	assert.equal(values(record, 'resources.1'), values(record, 'resources[1]'));
	// An array at the end gives its strings in order (JSON text, twice nested, included).
	assert.equal(values(record, 'resources'), ['resources[0]=*', 'resources[1]=qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000/*']);
	assert.equal(values(record, 'nested.list'), ['nested.list[0]=one', 'nested.list[1]=two']);
	assert.equal(values(record, '["odd-key"].inner[1].deep.x'), ['["odd-key"].inner[1].deep.x=found']);
	assert.equal(values(record, 'resources[*]').length, 2);
	assert.equal(values({a: {b: 'x', c: 'y', d: 3}}, 'a.*'), ['a.b=x', 'a.c=y']);
	// Missing, wrong types, inherited names: nothing, never a throw.
	for (const path of ['requestParameters.Nope', 'resources[9]', 'resources.Bucket', 'constructor', '__proto__.x', 'odd-key']) {
		assert.equal(values(record, path), [], path);
	}

	assert.equal(values('{"a": "b"}', 'a'), ['a=b']);
	assert.equal(values(null, 'a'), []);
});

test('paths: at most 100 values, however wide the record', () => {
	const wide = {items: Array.from({length: 5000}, (_, index) => `b${index}`)};
	assert.is(values(wide, 'items').length, 100);
	assert.is(values({items: Array.from({length: 500}, () => ({x: ['a', 'b', 'c']}))}, 'items.*.x').length, 100);
});

test('BINDER_EVENT_BUCKET_PATH: a shape nobody foresaw needs a setting, not a release', () => {
	// A bucket where no built-in reader looks, in JSON text inside JSON text.
	const record = {eventName: 'PutBucket', eventSource: 'cos.ap-chengdu.myqcloud.com', errorCode: '0', extra: '{"target": {"bucketName": "hidden-1250000000"}}'};
	const without = parseEvent(auditEvent(record), CONTEXT);
	assert.is(without.kind === 'bind' && without.knownResults[0]?.code, 'UnrecognizedEvent');
	// With the envelope: the path may name the field from the envelope (`data.…`) or from the record.
	for (const path of ['data.extra.target.bucketName', 'extra.target.bucketName', 'nothing.here,extra.target.bucketName']) {
		const plan = parseEvent(auditEvent(record), {...CONTEXT, bucketPaths: path.split(',').map((item) => parseFieldPath(item))});
		assert.equal(plan, {kind: 'bind', trigger: 'cloudaudit', targets: [{bucket: 'hidden-1250000000', region: 'ap-chengdu', source: 'data.extra.target.bucketName', created: true}], knownResults: []}, path);
	}

	// Bare (an EventBridge transform passed only $.data on): the same record-relative path works.
	const bare = parseEvent({...record, httpMethod: 'PUT'}, {...CONTEXT, bucketPaths: [parseFieldPath('extra.target.bucketName')]});
	assert.equal(bare, {kind: 'bind', trigger: 'cloudaudit', targets: [{bucket: 'hidden-1250000000', region: 'ap-chengdu', source: 'extra.target.bucketName', created: true}], knownResults: []});
	// What a configured path finds is checked like anything else: no id is built from text that is not a name.
	const wrong = parseEvent(auditEvent({...record, extra: '{"target": {"bucketName": "Not A Bucket"}}'}), {...CONTEXT, bucketPaths: [parseFieldPath('data.extra.target.bucketName')]});
	assert.is(wrong.kind === 'bind' && wrong.targets.length, 0);
	assert.match(wrong.kind === 'bind' ? (wrong.knownResults[0]?.message ?? '') : '', /looked in BINDER_EVENT_BUCKET_PATH, resourceName.*passed over data\.extra\.target\.bucketName "Not A Bucket" \(not a bucket name/);
	// Paths arriving through the context are re-parsed; malformed ones are dropped, never trusted.
	const junk = parseEvent(auditEvent(record), {...CONTEXT, bucketPaths: [{text: 'a..b', segments: [{key: 'extra'}]}, 'extra.target.bucketName', 42] as never});
	assert.is(junk.kind === 'bind' && junk.targets[0]?.bucket, 'hidden-1250000000');
});

test('digest: every field path with its type and a cut value; JSON text followed; credentials and addresses hidden', () => {
	const token = 'xxx--Jqr7dXvw3EBEXWNcJljzbZeJeoIrQx9gafWtHV1Lg9zu7hSpY91LAF414n21D41bpodncbz8u12C-xxx';
	const record = {
		userIdentity: {
			secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
			accountId: '100000000001',
			sessionContext: JSON.stringify({token, appId: 1250000000, userIp: '111.111.11.111'}),
		},
		eventName: 'PutBucket',
		errorCode: 0,
		sourceIPAddress: '203.0.113.24',
		resources: '["*"]',
		requestParameters: JSON.stringify({Bucket: 'b'.repeat(80), Authorization: 'q-sign-algorithm=sha1&q-signature=abc'}),
		ok: true,
		nothing: null,
	};
	const digest = digestRecord(record);
	assert.equal(digest, [
		'(record): object',
		'userIdentity: object',
		'userIdentity.secretId: string (hidden, 36 characters)',
		'userIdentity.accountId: string "100000000001"',
		'userIdentity.sessionContext: json-text object',
		`userIdentity.sessionContext.token: string (hidden, ${token.length} characters)`,
		'userIdentity.sessionContext.appId: number 1250000000',
		'userIdentity.sessionContext.userIp: string (hidden, 14 characters)',
		'eventName: string "PutBucket"',
		'errorCode: number 0',
		'sourceIPAddress: string (hidden, 12 characters)',
		'resources: json-text array(1)',
		'resources[0]: string "*"',
		'requestParameters: json-text object',
		`requestParameters.Bucket: string "${'b'.repeat(40)}…"`,
		'requestParameters.Authorization: string (hidden, 37 characters)',
		'ok: boolean true',
		'nothing: null',
	]);
	const text = digest.join('\n');
	for (const secret of ['AKIDz8krbs', 'Jqr7dXvw3', '111.111', '203.0.113', 'q-signature']) {
		assert.not.ok(text.includes(secret), secret);
	}
});

test('digest: bounded in lines, depth and line length; odd keys quoted; never throws', () => {
	// 20 shown per level (the rest counted), 60 lines in all, then one line saying how many were left out.
	const row = Object.fromEntries(Array.from({length: 200}, (_, index) => [`k${index}`, index]));
	const digest = digestRecord(Object.fromEntries(Array.from({length: 30}, (_, index) => [`r${index}`, row])));
	assert.is(digest.length, 61);
	assert.ok(digest.includes('r0.k19: number 19') && !digest.includes('r0.k20: number 20'));
	assert.match(digest.at(-1) ?? '', /^\(\d+ more fields not shown\)$/);
	let deep: unknown = 'bottom';
	for (let index = 0; index < 50; index++) {
		deep = {[`level-${index}-${'x'.repeat(40)}`]: deep};
	}

	const deepDigest = digestRecord(deep);
	assert.ok(deepDigest.length <= 10, `${deepDigest.length} lines`);
	assert.ok(deepDigest.every((line) => line.length <= 301 && !line.includes('\n')));
	assert.ok(digestRecord({'a\nb': 'c\u2028d'}).every((line) => !/[\n\u2028]/.test(line)));
	const hostile = new Proxy({}, {ownKeys: () => {
		throw new Error('boom');
	}});
	assert.equal(digestRecord(hostile), ['(record): object', '(record): could not be read']);
	assert.equal(digestRecord('plain text'), ['(record): string "plain text"']);
});

test('unrecognised records carry their digest in the plan, with paths relative to the entry', () => {
	const plan = parseEvent({EventList: [auditEvent({eventName: 'PutBucket', resources: '["*"]', errorCode: '0'})]}, CONTEXT);
	assert.is(plan.kind, 'bind');
	if (plan.kind === 'bind') {
		assert.is(plan.unrecognized?.length, 1);
		const [record] = plan.unrecognized ?? [];
		assert.is(record?.path, 'EventList[0]');
		assert.is(record?.eventName, 'PutBucket');
		assert.ok(record?.digest.includes('data.resources: json-text array(1)'), record?.digest.join('\n'));
		assert.ok(record?.digest.includes('data.resources[0]: string "*"'));
		assert.is(plan.knownResults[0]?.code, 'UnrecognizedEvent');
		assert.is(plan.knownResults[0]?.message, record?.message);
	}
});

test.run();
