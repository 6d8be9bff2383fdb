// The real-sample corpus (test/fixtures/events/real/, sources in its README.md): every published sample of
// every trigger, and records built from the published CloudAudit formats, through main_handler against
// the emulator, each with its outcome asserted.
import {readdirSync, readFileSync} from 'node:fs';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import type {EmulatorOptions} from '../../lib/emulator/index.js';
import {APP, type Harness, parseLogs, withFunction} from '../support/function.js';

const DIR = new URL('../fixtures/events/real/', import.meta.url);
const GZ = 'ap-guangzhou';

const sample = (name: string): any => JSON.parse(readFileSync(new URL(name, DIR), 'utf8'));
const operations = (harness: Harness) => harness.emu.requests.map((request) => request.operation);
const outcomes = (result: any) => result.results.map((item: any) => [item.bucket, item.region, item.outcome, item.code]);

/** The record inside a tccli DescribeEvents answer: JSON text, as CloudAudit returns it. */
const auditRecordOf = (name: string): any => JSON.parse(sample(name).Response.Events[0].CloudAuditEvent);

/** The documented EventBridge envelope (docs 1108/46246) around a record of `product`. */
const envelope = (product: string, record: unknown) => ({
	specversion: '1.0',
	id: '13a3f42d-7258-4ada-da6d-023a333b4662',
	source: `${product}.cloud.tencent`,
	type: `${product}:CloudEvent:ConsoleCall`,
	subject: `qcs::${product}:ap-guangzhou:uin/100000000001:`,
	time: 1_615_430_559_146,
	region: GZ,
	datacontenttype: 'application/json;charset=utf-8',
	data: record,
});

function assertUnsupported(result: any, message: RegExp): void {
	assert.is(result.trigger, 'unsupported');
	assert.is(result.error.code, 'UnsupportedEvent');
	assert.match(result.error.message, message);
	assert.equal(result.results, []);
}

function assertHttp(result: any, logs: string[], expected: {status: number; flavor: 'function-url' | 'gateway'; sourceIp?: string}): void {
	assert.is(result.statusCode, expected.status, result.body);
	assert.equal(Object.keys(result).sort(), expected.flavor === 'function-url' ? ['body', 'headers', 'statusCode'] : ['body', 'headers', 'isBase64Encoded', 'statusCode']);
	assert.type(JSON.parse(result.body), 'object');
	assert.is(parseLogs(logs).find((line) => line.message === 'http request')?.sourceIp, expected.sourceIp);
}

type Expectation = {
	emulator?: EmulatorOptions;
	env?: Record<string, string | undefined>;
	setup?: (harness: Harness) => void;
	check: (result: any, harness: Harness) => void;
};

const NO_ROUTE = /^no route \/.*; try POST \/bind/;

const EXPECTED: Record<string, Expectation> = {
	// ---- verbatim: CloudAudit (tccli examples) ----
	// API answers, not events: a function given one says what it saw. The records inside are tested below.
	'tccli-cloudaudit-DescribeEvents.output.json': {check: (result) => assertUnsupported(result, /an object with key "Response"/)},
	'tccli-cloudaudit-DescribeEvents-3.0.526.output.json': {check: (result) => assertUnsupported(result, /an object with key "Response"/)},
	'tccli-cloudaudit-LookUpEvents.output.json': {check: (result) => assertUnsupported(result, /an object with key "Response"/)},

	// ---- verbatim: SCF trigger samples (docs 583/31927, 583/9707; tencentyun/scf-go-lib events/*_test.go) ----
	'scf-docs-31927-cos.json': {
		emulator: {appId: '1253970026'},
		setup: ({emu}) => emu.createBucket('testpic-1253970026', 'ap-chengdu'),
		check(result, harness) {
			assert.is(result.trigger, 'cos');
			assert.equal(outcomes(result), [['testpic-1253970026', 'ap-chengdu', 'bound', undefined]]);
			// A COS trigger only says "make sure": the status is read first.
			assert.equal(operations(harness), ['DescribeCIBucketStatus', 'CreateCIBucket']);
			// The sample's signed Authorization header never reaches the logs.
			assert.not.ok(harness.logs.join('\n').includes('098ac7dfe9cf21116f946c4b4c29001c2b449b14'));
		},
	},
	'scf-docs-9707-cos.json': {
		emulator: {appId: '1253970026'},
		setup: ({emu}) => emu.createBucket('testpic-1253970026', 'ap-chengdu', {bound: true}),
		check(result, harness) {
			assert.equal(outcomes(result), [['testpic-1253970026', 'ap-chengdu', 'already-bound', undefined]]);
			assert.equal(operations(harness), ['DescribeCIBucketStatus']);
		},
	},
	'scf-go-lib-cos.json': {
		emulator: {appId: '123456'},
		setup: ({emu}) => emu.createBucket('ritchiechen-cos-test-123456', 'ap-beijing'),
		check: (result) => assert.equal(outcomes(result), [['ritchiechen-cos-test-123456', 'ap-beijing', 'bound', undefined]]),
	},
	'scf-docs-31927-timer.json': {
		setup: ({emu}) => emu.createBucket(`nightly-${APP}`, GZ),
		check(result, harness) {
			// "user define msg body" is a label: the default sync runs, and the label is logged.
			assert.is(result.trigger, 'timer');
			assert.is(result.error, undefined);
			assert.equal(outcomes(result), [[`nightly-${APP}`, GZ, 'bound', undefined]]);
			const line = parseLogs(harness.logs).find((entry) => entry.message.startsWith('timer message is a label'));
			assert.is(line?.label, 'user define msg body');
		},
	},
	'scf-go-lib-timer.json': {
		setup: ({emu}) => emu.createBucket(`nightly-${APP}`, GZ, {bound: true}),
		check(result) {
			assert.is(result.trigger, 'timer');
			assert.equal(outcomes(result), [[`nightly-${APP}`, GZ, 'already-bound', undefined]]);
		},
	},
	'scf-docs-31927-apigw.json': {
		check(result, {logs}) {
			assertHttp(result, logs, {status: 404, flavor: 'gateway', sourceIp: '10.0.2.14'});
			assert.match(JSON.parse(result.body).error.message, NO_ROUTE);
		},
	},
	'scf-go-lib-apigw.json': {
		check(result, {logs}) {
			assertHttp(result, logs, {status: 404, flavor: 'gateway', sourceIp: '8.8.8.8'});
			assert.match(JSON.parse(result.body).error.message, /^no route \/ritchiechen-apigw-test;/);
		},
	},
	'scf-docs-96099-function-url.json': {
		check(result, {logs}) {
			assertHttp(result, logs, {status: 404, flavor: 'function-url'});
			assert.match(JSON.parse(result.body).error.message, NO_ROUTE);
		},
	},
	'scf-docs-69491-function-url.json': {
		check: (result, {logs}) => assertHttp(result, logs, {status: 404, flavor: 'function-url', sourceIp: '111.206.96.145'}),
	},
	'scf-docs-31927-ckafka.json': {check: (result) => assertUnsupported(result, /Records\[0\] is not a COS trigger record \(it has key "Ckafka"\)/)},
	'scf-go-lib-ckafka.json': {check: (result) => assertUnsupported(result, /Records\[0\] is not a COS trigger record \(it has key "Ckafka"\)/)},
	'scf-docs-31927-cmq.json': {check: (result) => assertUnsupported(result, /Records\[0\] is not a COS trigger record \(it has key "CMQ"\)/)},
	'scf-go-lib-cmq.json': {check: (result) => assertUnsupported(result, /Records\[0\] is not a COS trigger record \(it has key "CMQ"\)/)},
	'scf-docs-31927-cls.json': {check: (result) => assertUnsupported(result, /an object with key "clslogs"/)},
	'scf-docs-31927-mps.json': {check: (result) => assertUnsupported(result, /an object with keys "EventType", "WorkflowTaskEvent"/)},

	// ---- constructed from the published CloudAudit formats ----
	// The case: resources "[\"*\"]" once became the bucket id `["*"]-<appid>`. Bound, in one request.
	'constructed-cloudaudit-putbucket-star.json': {
		setup: ({emu}) => emu.createBucket(`examplebucket-${APP}`, GZ),
		check(result, harness) {
			assert.equal(outcomes(result), [[`examplebucket-${APP}`, GZ, 'bound', undefined]]);
			assert.equal(operations(harness), ['CreateCIBucket']);
			assert.is(harness.emu.bucket(`examplebucket-${APP}`)?.ci, 'on');
		},
	},
	// The bucket only in a qcs id with `/*`; eventRegion (the console's) differs from the bucket's region.
	'constructed-cloudaudit-putbucket-resources-qcs.json': {
		setup: ({emu}) => emu.createBucket(`photos-${APP}`, 'ap-shanghai'),
		check: (result) => assert.equal(outcomes(result), [[`photos-${APP}`, 'ap-shanghai', 'bound', undefined]]),
	},
	// Delivered bare (a rule transform passed only $.data on): recognised before HTTP though it has httpMethod;
	// the region comes from the eventSource endpoint.
	'constructed-cloudaudit-putbucket-bare.json': {
		setup: ({emu}) => emu.createBucket(`bare-${APP}`, 'ap-chengdu'),
		check(result) {
			assert.is(result.trigger, 'cloudaudit');
			assert.equal(outcomes(result), [[`bare-${APP}`, 'ap-chengdu', 'bound', undefined]]);
		},
	},
	// Nothing names the bucket: unrecognised, not thrown (a retry cannot help), logged at error with a digest.
	'constructed-cloudaudit-putbucket-unrecognized.json': {
		check(result, {logs}) {
			assert.equal(outcomes(result), [['(unknown)', GZ, 'failed', 'UnrecognizedEvent']]);
			assert.match(result.results[0].message, /set BINDER_EVENT_BUCKET_PATH/);
			const line = parseLogs(logs).find((entry) => entry.message === 'unrecognized event record');
			assert.is(line?.level, 'error');
			assert.ok(line?.digest.includes('data.resources[0]: string "*"'));
			assert.ok(line?.digest.includes('data.userIdentity.secretId: string (hidden, 36 characters)'));
		},
	},
	'constructed-cloudaudit-putbucket-failed.json': {
		check(result, harness) {
			assert.equal(outcomes(result), [[`denied-${APP}`, GZ, 'skipped', undefined]]);
			assert.match(result.results[0].message, /^creation failed upstream \(errorCode 403\)$/);
			assert.equal(operations(harness), []);
		},
	},
	'constructed-cloudaudit-eventlist.json': {
		setup({emu}) {
			emu.createBucket(`first-${APP}`, GZ);
			emu.createBucket(`second-${APP}`, 'ap-beijing');
		},
		check(result) {
			assert.equal(outcomes(result), [
				[`first-${APP}`, GZ, 'skipped', undefined],
				['(unknown)', '', 'skipped', undefined],
				[`first-${APP}`, GZ, 'bound', undefined],
				[`second-${APP}`, 'ap-beijing', 'bound', undefined],
			]);
			assert.match(result.results[1].message, /^EventList\[3\]: not a COS CloudAudit event \(source "cvm\.cloud\.tencent"/);
		},
	},
};

const samples = readdirSync(DIR)
	.filter((name) => name.endsWith('.json'))
	.sort();

test('every sample has an expectation, every expectation a sample, and every sample its source in the README', () => {
	assert.equal(samples, Object.keys(EXPECTED).sort());
	const readme = readFileSync(new URL('README.md', DIR), 'utf8');
	for (const name of samples) {
		assert.ok(readme.includes(`\`${name}\``), `${name} is not listed in real/README.md`);
	}
});

for (const [name, expectation] of Object.entries(EXPECTED)) {
	test(`real sample ${name}`, () =>
		withFunction({emulator: expectation.emulator, env: expectation.env}, async (harness) => {
			expectation.setup?.(harness);
			harness.emu.clearRequests();
			expectation.check(await harness.invoke(sample(name)), harness);
		}));
}

// ---- the records inside the verbatim tccli answers ----

test('verbatim CloudAudit records of other products (tccli): bare or in the documented envelope, unsupported — never HTTP, never a failure', () =>
	withFunction({}, async ({emu, invoke}) => {
		const createAuditTrack = auditRecordOf('tccli-cloudaudit-DescribeEvents.output.json');
		const lookUpEvents = auditRecordOf('tccli-cloudaudit-DescribeEvents-3.0.526.output.json');
		// The published format, as the issue describes it.
		assert.is(createAuditTrack.resources, '["*"]');
		assert.is(createAuditTrack.errorCode, '0');
		assert.is(typeof createAuditTrack.userIdentity.sessionContext, 'string');
		assert.is(createAuditTrack.httpMethod, 'POST');
		assert.is(typeof lookUpEvents.requestParameters, 'string');
		for (const record of [createAuditTrack, lookUpEvents]) {
			// Bare: it has httpMethod, yet it is a CloudAudit record, not an HTTP request (no 401, no reply).
			const bare = await invoke(record);
			assertUnsupported(bare, new RegExp(`a CloudAudit record of another product \\(eventSource "${record.eventSource.replaceAll('.', '\\.')}", eventName "${record.eventName}"\\)`));
			// In the envelope EventBridge documents: another product's event.
			assertUnsupported(await invoke(envelope('cloudaudit', record)), /source "cloudaudit\.cloud\.tencent"/);
			// As JSON text (how CloudAudit itself hands records over): decoded, then the same answer.
			assertUnsupported(await invoke(JSON.stringify(record)), /a CloudAudit record of another product/);
			// In a batch: skipped with its reason, nothing failed.
			const batch = await invoke({EventList: [envelope('cloudaudit', record), record]});
			assert.equal(batch.summary, {total: 2, bound: 0, 'already-bound': 0, 'would-bind': 0, skipped: 2, failed: 0});
		}

		assert.equal(emu.requests, []);
	}));

test('verbatim LookUpEvents record (tccli): its CloudAuditEvent text is not valid JSON as published; handed over as is, it is unsupported, not a crash', () =>
	withFunction({}, async ({invoke}) => {
		const text = sample('tccli-cloudaudit-LookUpEvents.output.json').Response.Events[0].CloudAuditEvent as string;
		assert.throws(() => JSON.parse(text));
		assertUnsupported(await invoke(text), /^unsupported event: the string "\{\\"actionType\\":/);
	}));

test('the same PutBucket in the published format, with and without its envelope, binds the same bucket', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`bare-${APP}`, 'ap-chengdu');
		const record = sample('constructed-cloudaudit-putbucket-bare.json');
		const inEnvelope = await invoke(envelope('cos', record));
		assert.equal(outcomes(inEnvelope), [[`bare-${APP}`, 'ap-chengdu', 'bound', undefined]]);
		assert.is(inEnvelope.results[0].requests, 1);
	}));

test.run();
