// ensure(): the binding and the capabilities beyond it, idempotent like ensureBound; the policy (BINDER_SERVICES,
// BINDER_SERVICES_RULES); and the function's paths that apply it (event, COS trigger, sweep, POST /bind, POST /sync).
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {createClient} from '../../lib/client/client.js';
import {ensure} from '../../lib/binder/ensure.js';
import {ensureBound} from '../../lib/binder/ensure-bound.js';
import {compilePolicy, parsePolicy, parseServiceRules, parseServices, policyCapabilities} from '../../lib/binder/services.js';
import {syncAccount} from '../../lib/binder/sync.js';
import {isBinderError} from '../../lib/core/errors.js';
import {summarize} from '../../lib/core/results.js';
import {DEMO_CREDENTIALS, startEmulator, type Emulator, type EmulatorOptions} from '../../lib/emulator/index.js';
import {loadConfig} from '../../lib/function/config.js';
import {sanitizeReport} from '../../lib/function/webhook/sanitize.js';
import {APP, events, parseLogs, withFunction} from '../support/function.js';

const GZ = 'ap-guangzhou';
const SH = 'ap-shanghai';
const silent = {warn: () => undefined};

async function withClient(options: EmulatorOptions, run: (emu: Emulator, client: ReturnType<typeof createClient>) => Promise<void>) {
	const emu = await startEmulator(options);
	try {
		await run(emu, createClient({endpoint: emu.url, credentials: DEMO_CREDENTIALS, env: {}, retry: {baseDelayMs: 1, maxDelayMs: 5}}));
	} finally {
		await emu.close();
	}
}

const operations = (emu: Emulator) => emu.requests.map((entry) => entry.operation);

function thrown(run: () => unknown): {field?: string; message: string; code: string} {
	try {
		run();
	} catch (error) {
		assert.ok(isBinderError(error));
		return {field: error.field, message: error.message, code: String(error.code)};
	}

	return assert.unreachable('expected an error') as never;
}

test('ci only: ensure is ensureBound, request for request, with no services map', () =>
	withClient({}, async (emu, client) => {
		emu.createBucket(`a-${APP}`, GZ);
		emu.createBucket(`b-${APP}`, GZ);
		const viaEnsure = await ensure(client, `a-${APP}`, GZ, ['ci']);
		const ensureOps = operations(emu);
		emu.clearRequests();
		const direct = await ensureBound(client, `b-${APP}`, GZ);
		assert.equal(operations(emu), ensureOps);
		assert.equal({...viaEnsure, durationMs: 0, requestId: ''}, {...direct, bucket: `a-${APP}`, durationMs: 0, requestId: ''});
		assert.not.ok('services' in viaEnsure);
	}));

test('ci, media, doc on a new bucket: bind first, then each capability checked by its filtered list and enabled; a replay changes nothing', () =>
	withClient({}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const first = await ensure(client, `photos-${APP}`, GZ, ['ci', 'media', 'doc']);
		assert.is(first.outcome, 'bound');
		assert.equal(first.services, {ci: 'bound', media: 'enabled', doc: 'enabled'});
		assert.equal(operations(emu), ['DescribeCIBucketStatus', 'CreateCIBucket', 'DescribeMediaBuckets', 'CreateMediaBucket', 'DescribeDocProcessBuckets', 'CreateDocProcessBucket']);
		assert.is(first.requests, 6);
		assert.equal(emu.bucket(`photos-${APP}`)?.capabilities, ['doc', 'media']);
		assert.equal(emu.requests[2]!.query, {regions: GZ, bucketNames: `photos-${APP}`, pageNumber: '1', pageSize: '100'});

		emu.clearRequests();
		const again = await ensure(client, `photos-${APP}`, GZ, ['ci', 'media', 'doc']);
		assert.equal([again.outcome, again.services, again.requests], ['already-bound', {ci: 'already-bound', media: 'already-enabled', doc: 'already-enabled'}, 3]);
		assert.not.ok(operations(emu).some((operation) => operation.startsWith('Create')));
	}));

test('dry run: would-bind and would-enable, nothing changes', () =>
	withClient({}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		emu.createBucket(`half-${APP}`, GZ, {bound: true, capabilities: ['pic']});
		const result = await ensure(client, `photos-${APP}`, GZ, ['ci', 'media'], {dryRun: true});
		assert.equal([result.outcome, result.services], ['would-bind', {ci: 'would-bind', media: 'would-enable'}]);
		const half = await ensure(client, `half-${APP}`, GZ, ['ci', 'pic', 'asr'], {dryRun: true});
		assert.equal(half.services, {ci: 'already-bound', pic: 'already-enabled', asr: 'would-enable'});
		assert.is(emu.bucket(`photos-${APP}`)?.ci, 'off');
		assert.is(emu.bucket(`photos-${APP}`)?.capabilities, undefined);
		assert.not.ok(operations(emu).some((operation) => operation.startsWith('Create')));
	}));

test('an enable whose answer is lost is re-sent only after the list says absent, and only once', () =>
	withClient({faults: {resetRate: 1, operations: ['CreateMediaBucket']}}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ, {bound: true});
		const result = await ensure(client, `photos-${APP}`, GZ, ['ci', 'media']);
		assert.equal([result.outcome, String(result.code), result.transient], ['failed', 'NetworkError', true]);
		assert.match(result.message ?? '', /^media: /);
		assert.equal(result.services, {ci: 'already-bound', media: 'failed'});
		assert.equal(operations(emu), ['DescribeCIBucketStatus', 'DescribeMediaBuckets', 'CreateMediaBucket', 'DescribeMediaBuckets', 'CreateMediaBucket', 'DescribeMediaBuckets']);
	}));

test('an enable that took effect but whose answer is unreadable ends already-enabled after the list is read again; a second enable answering 403 too', () =>
	withClient({faults: {bodyFaults: {truncated: 1}, operations: ['CreateMediaBucket']}}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ, {bound: true});
		const result = await ensure(client, `photos-${APP}`, GZ, ['ci', 'media']);
		assert.equal([result.outcome, result.services], ['already-bound', {ci: 'already-bound', media: 'already-enabled'}]);
		assert.equal(emu.requests.filter((entry) => entry.operation === 'CreateMediaBucket').length, 1);
		assert.equal(emu.bucket(`photos-${APP}`)?.capabilities, ['media']);
	}));

test('a failing capability fails the record (code, transient, the capability named) without stopping the next; a failed binding skips them all', () =>
	withClient({faults: {failNext: {count: 20, code: 'InternalError'}, operations: ['CreateMediaBucket']}}, async (emu, client) => {
		emu.createBucket(`photos-${APP}`, GZ);
		const result = await ensure(client, `photos-${APP}`, GZ, ['ci', 'media', 'doc']);
		assert.equal([result.outcome, String(result.code), result.transient], ['failed', 'InternalError', true]);
		assert.match(result.message ?? '', /^media: CreateMediaBucket photos-1250000000/);
		assert.equal(result.services, {ci: 'bound', media: 'failed', doc: 'enabled'});
		const missing = await ensure(client, `missing-${APP}`, GZ, ['ci', 'media']);
		assert.equal([missing.outcome, String(missing.code), missing.services], ['failed', 'NoSuchBucket', {ci: 'failed', media: 'skipped'}]);
		assert.equal(summarize([result, missing]).services, {ci: {bound: 1, failed: 1}, media: {failed: 1, skipped: 1}, doc: {enabled: 1}});
	}));

test('policy: names are checked (field and allowed names), ci comes first and is implied, rules name their position, the first match wins', () => {
	assert.equal(parseServices('doc, media', 'BINDER_SERVICES'), ['ci', 'media', 'doc']);
	assert.equal(parseServices(['MEDIA', 'ci'], 'body.services'), ['ci', 'media']);
	const unknown = thrown(() => parseServices('ci,video', 'BINDER_SERVICES'));
	assert.is(unknown.field, 'BINDER_SERVICES');
	assert.match(unknown.message, 'unknown service "video"; allowed: ci, media, doc, file, ai, asr, pic');
	assert.is(thrown(() => parseServices([1], 'body.services')).field, 'body.services[0]');
	assert.is(thrown(() => parseServices([], 'body.services')).field, 'body.services');

	const rules = parseServiceRules('media-*:ci,media; docs-*:doc;media-x*:pic', 'BINDER_SERVICES_RULES');
	assert.equal(rules, [
		{pattern: 'media-*', services: ['ci', 'media']},
		{pattern: 'docs-*', services: ['ci', 'doc']},
		{pattern: 'media-x*', services: ['ci', 'pic']},
	]);
	const servicesFor = compilePolicy({services: ['ci', 'file'], rules});
	assert.equal(servicesFor(`media-x1-${APP}`), ['ci', 'media'], 'first match wins');
	assert.equal(servicesFor(`docs-1-${APP}`), ['ci', 'doc']);
	assert.equal(servicesFor(`other-${APP}`), ['ci', 'file']);
	assert.equal(policyCapabilities({services: ['ci', 'file'], rules}), ['media', 'doc', 'file', 'pic']);

	for (const [text, field, rule] of [
		['media-*:ci,media;docs-*', 'BINDER_SERVICES_RULES rule 2 (position 18)', /expected "pattern:services"/],
		['a:ci;  :media', 'BINDER_SERVICES_RULES rule 2 (position 8)', /pattern before ":" is empty/],
		['Media_*:media', 'BINDER_SERVICES_RULES rule 1 (position 1)', /invalid pattern/],
		['a-*:ci,vid', 'BINDER_SERVICES_RULES rule 1 (position 1)', /unknown service "vid"/],
		['a-*:', 'BINDER_SERVICES_RULES rule 1 (position 1)', /lists no service/],
	] as const) {
		const error = thrown(() => parseServiceRules(text, 'BINDER_SERVICES_RULES'));
		assert.is(error.field, field, text);
		assert.match(error.message, rule);
	}

	assert.equal(parsePolicy(undefined, ' '), {services: ['ci'], rules: []});
	const config = thrown(() => loadConfig({BINDER_SERVICES: 'ci,medai'}));
	assert.equal([config.code, config.field], ['InvalidConfig', 'BINDER_SERVICES']);
	assert.equal(loadConfig({BINDER_SERVICES: 'media', BINDER_SERVICES_RULES: 'x-*:ci'}).services, {services: ['ci', 'media'], rules: [{pattern: 'x-*', services: ['ci']}]});
	assert.equal(loadConfig({}).services, {services: ['ci'], rules: []});
});

test('sweep: one list per capability (every page) for the whole account, no per-bucket list; only what is missing is enabled', () =>
	withClient({}, async (emu, client) => {
		for (let index = 0; index < 150; index++) {
			const capabilities = index % 3 === 0 ? ['media', 'doc'] : index % 3 === 1 ? ['media'] : [];
			emu.createBucket(`b${String(index).padStart(3, '0')}-${APP}`, index % 2 === 0 ? GZ : SH, {bound: index % 5 !== 0, capabilities: index % 5 === 0 ? [] : capabilities});
		}

		const options = {regions: [], include: [], exclude: [], concurrency: 8, dryRun: false, force: false, listRegion: GZ, services: {services: ['ci', 'media', 'doc'] as const, rules: []}};
		const report = await syncAccount(client, options, silent);
		const counts = new Map<string, number>();
		for (const operation of operations(emu)) {
			counts.set(operation, (counts.get(operation) ?? 0) + 1);
		}

		// 150 buckets: 30 unbound (index % 5 === 0), the rest bound; media on 80 of those, doc on 40.
		assert.equal(Object.fromEntries(counts), {
			GetService: 1,
			DescribeCIBuckets: 2,
			DescribeMediaBuckets: 1,
			DescribeDocProcessBuckets: 1,
			CreateCIBucket: 30,
			CreateMediaBucket: 70,
			CreateDocProcessBucket: 110,
		});
		assert.equal(emu.requests.find((entry) => entry.operation === 'DescribeMediaBuckets')!.query, {regions: `${GZ},${SH}`, pageNumber: '1', pageSize: '100'});
		assert.ok(emu.buckets().every((bucket) => bucket.ci === 'on' && bucket.capabilities?.join() === 'doc,media'));
		assert.equal(summarize(report.results).services, {ci: {bound: 30, 'already-bound': 120}, media: {enabled: 70, 'already-enabled': 80}, doc: {enabled: 110, 'already-enabled': 40}});
		assert.equal(report.capabilityListsUsed, {media: true, doc: true});

		emu.clearRequests();
		const again = await syncAccount(client, options, silent);
		assert.ok(again.results.every((result) => result.requests === 0 && result.outcome === 'already-bound'));
		assert.equal(operations(emu), ['GetService', 'DescribeCIBuckets', 'DescribeCIBuckets', 'DescribeMediaBuckets', 'DescribeMediaBuckets', 'DescribeDocProcessBuckets', 'DescribeDocProcessBuckets']);
	}));

test('sweep: a capability list that cannot be read falls back to each bucket\'s filtered list', () =>
	withClient({}, async (emu, client) => {
		emu.createBucket(`a-${APP}`, GZ, {bound: true, capabilities: ['media']});
		emu.createBucket(`b-${APP}`, GZ, {bound: true});
		emu.setFaults({failNext: {count: 4, code: 'ServiceUnavailable'}, operations: ['DescribeMediaBuckets']});
		const warnings: string[] = [];
		const report = await syncAccount(client, {regions: [], include: [], exclude: [], concurrency: 1, dryRun: false, force: false, listRegion: GZ, services: {services: ['ci', 'media'], rules: []}}, {warn: (message) => warnings.push(message)});
		assert.equal(warnings, ['could not list the buckets with media on; checking each bucket instead']);
		assert.equal(report.capabilityListsUsed, {media: false});
		assert.equal(report.results.map((result) => result.services), [{ci: 'already-bound', media: 'already-enabled'}, {ci: 'already-bound', media: 'enabled'}]);
	}));

test('function: BINDER_SERVICES applies to PutBucket events, COS triggers, timer sweeps, POST /bind and POST /sync; logs and replies carry services', () =>
	withFunction({env: {BINDER_SERVICES: 'ci,media', BINDER_SERVICES_RULES: 'docs-*:ci,doc'}}, async ({emu, invoke, logs}) => {
		emu.createBucket(`fresh-${APP}`, GZ);
		const event = await invoke(events.putBucket(`fresh-${APP}`, GZ));
		assert.equal(event.results[0].services, {ci: 'bound', media: 'enabled'});
		assert.equal(event.summary.services, {ci: {bound: 1}, media: {enabled: 1}});
		assert.equal(emu.requests.map((entry) => entry.operation).slice(0, 3), ['CreateCIBucket', 'DescribeMediaBuckets', 'CreateMediaBucket']);
		const line = parseLogs(logs).find((entry) => entry.message === 'bucket result');
		assert.equal(line?.services, {ci: 'bound', media: 'enabled'});

		emu.createBucket(`docs-1-${APP}`, GZ);
		const cos = await invoke(events.cos([`docs-1`]));
		assert.equal(cos.results[0].services, {ci: 'bound', doc: 'enabled'});

		emu.createBucket(`swept-${APP}`, SH);
		const timer = await invoke(events.timer());
		assert.equal(Object.fromEntries(timer.results.map((result: any) => [result.bucket, result.services])), {
			[`docs-1-${APP}`]: {ci: 'already-bound', doc: 'already-enabled'},
			[`fresh-${APP}`]: {ci: 'already-bound', media: 'already-enabled'},
			[`swept-${APP}`]: {ci: 'bound', media: 'enabled'},
		});

		emu.createBucket(`http-${APP}`, GZ);
		const bind = await invoke(events.url('POST', '/bind', {body: JSON.stringify({buckets: [`http-${APP}`], services: ['ci', 'pic'], dryRun: true})}));
		assert.is(bind.statusCode, 200);
		assert.equal(JSON.parse(bind.body).results[0].services, {ci: 'would-bind', pic: 'would-enable'});
		const bad = await invoke(events.url('POST', '/bind', {body: JSON.stringify({buckets: [`http-${APP}`], services: 'ci,video'})}));
		assert.is(bad.statusCode, 400);
		assert.match(JSON.parse(bad.body).error.message, /body\.services: unknown service "video"/);
		const sync = await invoke(events.url('POST', '/sync', {body: JSON.stringify({include: ['http-*'], services: 'asr'})}));
		const synced = JSON.parse(sync.body);
		assert.equal(synced.results[0].services, {ci: 'bound', asr: 'enabled'});
		assert.equal(synced.sync.capabilityListsUsed, {asr: true});
		assert.equal(emu.bucket(`http-${APP}`)?.capabilities, ['asr']);
	}));

test('function: the default policy keeps today\'s records exactly (no services map, no per-service summary)', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`fresh-${APP}`, GZ);
		const result = await invoke(events.putBucket(`fresh-${APP}`, GZ));
		assert.not.ok('services' in result.results[0]);
		assert.not.ok('services' in result.summary);
		assert.ok(emu.requests.every((entry) => !entry.operation.includes('Media')));
	}));

test('webhook bodies keep the services map and per-service counts, and only known names and states', () => {
	const result = {bucket: `a-${APP}`, region: GZ, outcome: 'bound' as const, durationMs: 1, services: {ci: 'bound' as const, media: 'enabled' as const, evil: 'AKIDSECRET' as never, 'x y': 'enabled' as const}};
	const report = sanitizeReport({requestId: 'r', trigger: 'http', startedAt: 't', durationMs: 1, summary: summarize([result]), results: [result]});
	assert.equal(report.results[0]!.services, {ci: 'bound', media: 'enabled'});
	assert.equal(report.summary.services, {ci: {bound: 1}, media: {enabled: 1}});
	const counts = sanitizeReport({...report, summary: {...report.summary, services: {ci: {'already-bound': 2, AKIDSECRET: 1} as never, media: {'would-enable': 'x'} as never}}});
	assert.equal(counts.summary.services, {ci: {'already-bound': 2}});
	const plain = sanitizeReport({requestId: 'r', trigger: 'http', startedAt: 't', durationMs: 1, summary: summarize([{...result, services: undefined}]), results: [{...result, services: undefined}]});
	assert.not.ok('services' in plain.results[0]!);
	assert.not.ok('services' in plain.summary);
});

test.run();
