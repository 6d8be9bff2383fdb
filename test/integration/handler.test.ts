import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {createClient} from '../../lib/client/client.js';
import {APP, context, events, parseLogs, requestClock, withFunction} from '../support/function.js';

const GZ = 'ap-guangzhou';

test('EventBridge PutBucket: the new bucket is bound; one log line per bucket and a summary', () =>
	withFunction({}, async ({emu, invoke, logs}) => {
		emu.createBucket(`fresh-${APP}`, GZ);
		const result = await invoke(events.putBucket(`fresh-${APP}`, GZ));
		assert.is(result.trigger, 'cloudaudit');
		assert.equal(result.summary, {total: 1, bound: 1, 'already-bound': 0, 'would-bind': 0, skipped: 0, failed: 0});
		assert.is(result.results[0].bucket, `fresh-${APP}`);
		assert.is(emu.bucket(`fresh-${APP}`)?.ci, 'on');
		const lines = parseLogs(logs);
		const bucketLines = lines.filter((line) => line.message === 'bucket result');
		assert.is(bucketLines.length, 1);
		assert.is(bucketLines[0]!.bucket, `fresh-${APP}`);
		assert.is(bucketLines[0]!.outcome, 'bound');
		assert.is(bucketLines[0]!.requestId, 'req-test');
		assert.is(bucketLines[0]!.trigger, 'cloudaudit');
		assert.type(bucketLines[0]!.durationMs, 'number');
		const summary = lines.find((line) => line.message === 'invocation summary');
		assert.is(summary?.summary.bound, 1);
		assert.ok(JSON.parse(JSON.stringify(result)), 'serialisable');
	}));

test('a new bucket on the event path costs one request: the bind, no status read first', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`fresh-${APP}`, GZ);
		emu.clearRequests();
		const result = await invoke(events.putBucket(`fresh-${APP}`, GZ));
		assert.is(result.results[0].outcome, 'bound');
		assert.is(result.results[0].requests, 1);
		assert.equal(
			emu.requests.map((request) => request.operation),
			['CreateCIBucket'],
		);
	}));

test('only creation events bind first: a COS trigger and POST /bind still read the status first', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`pics-${APP}`, GZ);
		emu.clearRequests();
		await invoke(events.cos(['pics'], 'gz'));
		assert.equal(
			emu.requests.map((request) => request.operation),
			['DescribeCIBucketStatus', 'CreateCIBucket'],
		);
		emu.createBucket(`api-${APP}`, GZ);
		emu.clearRequests();
		await invoke(events.url('POST', '/bind', {body: JSON.stringify({buckets: [`api-${APP}`], region: GZ})}));
		assert.equal(
			emu.requests.map((request) => request.operation),
			['DescribeCIBucketStatus', 'CreateCIBucket'],
		);
	}));

test('replayed PutBucket is harmless whatever a second bind answers upstream (undocumented): never a failure', async () => {
	// Upstream refuses a second bind: the failed bind is followed by a status read, `on` → already-bound.
	await withFunction({emulator: {faults: {rebindAnswer: 'error'}}}, async ({emu, invoke}) => {
		emu.createBucket(`fresh-${APP}`, GZ);
		await invoke(events.putBucket(`fresh-${APP}`, GZ));
		emu.clearRequests();
		const again = await invoke(events.putBucket(`fresh-${APP}`, GZ));
		assert.is(again.results[0].outcome, 'already-bound');
		assert.match(again.results[0].message, /bind answered BucketAlreadyBound; status is on/);
		assert.equal(
			emu.requests.map((request) => request.operation),
			['CreateCIBucket', 'DescribeCIBucketStatus'],
		);
		assert.is(emu.bucket(`fresh-${APP}`)?.bindCount, 1);
		assert.is(emu.bucket(`fresh-${APP}`)?.ci, 'on');
	});
	// Upstream accepts it: bound again, still one request, still on.
	await withFunction({emulator: {faults: {rebindAnswer: 'ok'}}}, async ({emu, invoke}) => {
		emu.createBucket(`fresh-${APP}`, GZ);
		await invoke(events.putBucket(`fresh-${APP}`, GZ));
		const again = await invoke(events.putBucket(`fresh-${APP}`, GZ));
		assert.is(again.results[0].outcome, 'bound');
		assert.is(again.summary.failed, 0);
		assert.is(emu.bucket(`fresh-${APP}`)?.ci, 'on');
	});
});

test('bind first: an unbind in progress is reported as a status read first would report it (transient, retried)', () =>
	withFunction({emulator: {faults: {unbindDelayMs: 60_000}}}, async ({emu, env, invoke}) => {
		emu.createBucket(`leaving-${APP}`, GZ, {bound: true});
		await createClient({env}).unbind(`leaving-${APP}`, GZ);
		assert.is(emu.bucket(`leaving-${APP}`)?.ci, 'unbinding');
		try {
			await invoke(events.putBucket(`leaving-${APP}`, GZ));
			assert.unreachable('should throw so the platform retries');
		} catch (error) {
			assert.is((error as Error).name, 'TransientFailureError');
			assert.match((error as Error).message, /BucketUnbinding/);
		}
	}));

test('EventList batch: failed creation skipped with reason, invalid entry failed naming the field, the rest bound', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`one-${APP}`, GZ);
		emu.createBucket(`two-${APP}`, 'ap-shanghai');
		const failedCreation = events.putBucket(`three-${APP}`, GZ, {errorCode: 10_003});
		const noBucket = {...events.putBucket('x', GZ), subject: undefined, data: {eventName: 'PutBucket', eventRegion: GZ, errorCode: 0}};
		const result = await invoke({EventList: [events.putBucket(`one-${APP}`, GZ), events.putBucket(`two-${APP}`, 'ap-shanghai'), failedCreation, noBucket]});
		const byOutcome = (outcome: string) => result.results.filter((item: any) => item.outcome === outcome);
		assert.is(result.summary.total, 4);
		assert.is(byOutcome('bound').length, 2);
		assert.is(byOutcome('skipped').length, 1);
		assert.is(byOutcome('skipped')[0].bucket, `three-${APP}`);
		assert.is(byOutcome('failed').length, 1);
		// A PutBucket whose bucket cannot be read is unrecognised, not quietly lost: see handler-unrecognized.test.ts.
		assert.is(byOutcome('failed')[0].code, 'UnrecognizedEvent');
		assert.match(byOutcome('failed')[0].message, /EventList\[3\]/);
		assert.is(result.unrecognized.length, 1);
		assert.is(emu.bucket(`two-${APP}`)?.ci, 'on');
	}));

test('COS trigger: the bucket (short region code) is bound once per event', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`pics-${APP}`, GZ);
		const result = await invoke(events.cos(['pics', 'pics', 'pics'], 'gz'));
		assert.is(result.trigger, 'cos');
		assert.is(result.summary.total, 1);
		assert.is(result.results[0].outcome, 'bound');
		assert.is(result.results[0].region, GZ);
		assert.is(emu.requests.filter((entry) => entry.operation === 'CreateCIBucket').length, 1);
	}));

test('timer: batch rebinding of 600 buckets across 3 regions with 10% transient 503s — every bucket bound, none lost', () =>
	withFunction({emulator: {seed: 7}, env: {BINDER_CONCURRENCY: '16', BINDER_RETRIES: '6'}}, async ({emu, invoke, logs}) => {
		const regions = ['ap-guangzhou', 'ap-shanghai', 'ap-beijing'];
		for (let index = 0; index < 600; index++) {
			emu.createBucket(`bulk${String(index).padStart(3, '0')}-${APP}`, regions[index % 3]!, {bound: index % 4 === 0});
		}

		emu.setFaults({errorRates: {SlowDown: 0.05, ServiceUnavailable: 0.05}});
		const result = await invoke(events.timer(''));
		assert.is(result.trigger, 'timer');
		assert.is(result.summary.total, 600);
		assert.is(result.summary.failed, 0, JSON.stringify(result.results.filter((item: any) => item.outcome === 'failed').slice(0, 3)));
		assert.is(result.summary['already-bound'] + result.summary.bound, 600);
		assert.is(result.summary.bound, 450);
		assert.ok(emu.buckets().every((bucket) => bucket.ci === 'on'));
		assert.ok(emu.buckets().every((bucket) => bucket.bindCount <= 1), 'bound exactly once');
		assert.is(new Set(result.results.map((item: any) => item.bucket)).size, 600);
		assert.ok(emu.requests.some((entry) => entry.status === 503), 'faults were injected');
		assert.is(parseLogs(logs).filter((line) => line.message === 'bucket result').length, 600);
	}));

test('timer Message options: regions, include/exclude, dryRun → would-bind and nothing bound', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`img-a-${APP}`, GZ);
		emu.createBucket(`img-b-${APP}`, 'ap-shanghai');
		emu.createBucket(`tmp-c-${APP}`, GZ);
		emu.createBucket(`img-d-${APP}`, GZ, {bound: true});
		const result = await invoke(events.timer({regions: [GZ], include: ['img-*'], exclude: ['tmp-*'], dryRun: true}));
		assert.is(result.summary.total, 2);
		assert.is(result.summary['would-bind'], 1);
		assert.is(result.summary['already-bound'], 1);
		assert.is(result.sync.excluded, 2);
		assert.ok(emu.buckets().filter((bucket) => bucket.bucket !== `img-d-${APP}`).every((bucket) => bucket.ci === 'off'));
	}));

test('BINDER_DRY_RUN applies to event triggers too', () =>
	withFunction({env: {BINDER_DRY_RUN: 'true'}}, async ({emu, invoke}) => {
		emu.createBucket(`fresh-${APP}`, GZ);
		const result = await invoke(events.putBucket(`fresh-${APP}`, GZ));
		assert.is(result.results[0].outcome, 'would-bind');
		assert.is(emu.bucket(`fresh-${APP}`)?.ci, 'off');
	}));

test('force re-binds bound buckets', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`a-${APP}`, GZ, {bound: true});
		emu.createBucket(`b-${APP}`, GZ);
		const result = await invoke(events.timer({force: true}));
		assert.is(result.summary.bound, 2);
		assert.is(emu.bucket(`a-${APP}`)?.bindCount, 1);
	}));

test('time budget: stops starting binds before the deadline; the rest are skipped (TimeBudget), none lost', () =>
	withFunction({env: {BINDER_CONCURRENCY: '2', BINDER_TIME_MARGIN_MS: '1000'}}, async ({emu, invoke}) => {
		for (let index = 0; index < 60; index++) {
			emu.createBucket(`slow${String(index).padStart(2, '0')}-${APP}`, GZ);
		}

		// A clock that advances 250 ms per request the emulator has seen, so the budget runs out after
		// the same amount of work on any machine, however loaded: about 36 requests fit before the margin.
		const result = await invoke(events.timer(''), requestClock(emu, {startMs: 10_000, msPerRequest: 250}));
		assert.is(result.summary.total, 60);
		assert.ok(result.summary.skipped > 0, 'some were cut off');
		assert.ok(result.summary.bound > 0, 'some were bound');
		assert.is(result.summary.bound + result.summary.skipped, 60);
		const skipped = result.results.filter((item: any) => item.outcome === 'skipped');
		assert.ok(skipped.every((item: any) => item.code === 'TimeBudget' && /time budget/.test(item.message)));
		// The skipped ones really were not bound, so the next run picks them up.
		for (const item of skipped) {
			assert.is(emu.bucket(item.bucket)?.ci, 'off');
		}

		const next = await invoke(events.timer(''));
		assert.is(next.summary.bound, result.summary.skipped);
		assert.ok(emu.buckets().every((bucket) => bucket.ci === 'on'), 'every bucket bound after the second run');
	}));

test('a short function timeout shrinks the margin: an event is still handled within SCF\'s 3 s default', () =>
	withFunction({}, async ({emu, invoke}) => {
		emu.createBucket(`quick-${APP}`, GZ);
		const result = await invoke(events.putBucket(`quick-${APP}`, GZ), context(3000));
		assert.is(result.results[0].outcome, 'bound');
	}));

test('an event bucket skipped for time makes the handler throw, so the platform retries it', () =>
	withFunction({env: {BINDER_CONCURRENCY: '1', BINDER_TIME_MARGIN_MS: '1000'}}, async ({emu, invoke, logs}) => {
		const names = ['t1', 't2', 't3', 't4'].map((name) => `${name}-${APP}`);
		for (const name of names) {
			emu.createBucket(name, GZ);
		}

		// 1 s of "time" per request: after three requests the remaining time is inside the 1 s margin.
		try {
			await invoke({EventList: names.map((name) => events.putBucket(name, GZ))}, requestClock(emu, {startMs: 4000, msPerRequest: 1000}));
			assert.unreachable('should throw');
		} catch (error) {
			assert.is((error as Error).name, 'TransientFailureError');
			assert.match((error as Error).message, /TimeBudget/);
		}

		const cut = parseLogs(logs).filter((line) => line.message === 'bucket result' && line.code === 'TimeBudget');
		assert.ok(cut.length > 0 && cut.length < names.length, `${cut.length} cut off`);
		assert.ok(cut.every((line) => emu.bucket(line.bucket)?.ci === 'off'), 'the ones cut off were not bound');
	}));

test('return values are scrubbed of secrets even when the service echoes one the client does not know', async () => {
	const {handle} = await import('../../lib/function/main-handler.js');
	const httpToken = 'http-token-echoed-by-a-proxy-0001';
	const echo: typeof fetch = async () =>
		new Response(`<Error><Code>AccessDenied</Code><Message>token ${httpToken}</Message></Error>`, {status: 403});
	const env = {BINDER_ENDPOINT: 'http://127.0.0.1:9', TENCENTCLOUD_SECRETID: 'AKIDX', TENCENTCLOUD_SECRETKEY: 'secret-key-value', BINDER_HTTP_TOKEN: httpToken};
	const lines: string[] = [];
	const result = await handle(events.putBucket(`a-${APP}`, GZ), context(), {env, fetch: echo, write: (line) => lines.push(line)});
	assert.is((result as any).results[0].code, 'AccessDenied');
	assert.not.match(JSON.stringify(result) + lines.join('\n'), httpToken);
});

test('transient failures make async triggers throw (platform retry); permanent ones are returned', () =>
	withFunction({env: {BINDER_RETRIES: '1'}}, async ({emu, invoke}) => {
		emu.createBucket(`flaky-${APP}`, GZ);
		emu.setFaults({errorRates: {SlowDown: 1}});
		try {
			await invoke(events.putBucket(`flaky-${APP}`, GZ));
			assert.unreachable('should throw');
		} catch (error) {
			assert.is((error as Error).name, 'TransientFailureError');
			assert.match((error as Error).message, /SlowDown/);
		}

		emu.setFaults({});
		const permanent = await invoke(events.putBucket(`ghost-${APP}`, GZ));
		assert.is(permanent.results[0].code, 'NoSuchBucket');
	}));

test('account listing failing transiently makes the timer throw; permanently returns an error', () =>
	withFunction({env: {BINDER_RETRIES: '0'}}, async ({emu, invoke}) => {
		emu.setFaults({errorRates: {InternalError: 1}, operations: ['GetService']});
		try {
			await invoke(events.timer(''));
			assert.unreachable('should throw');
		} catch (error) {
			assert.match((error as Error).message, /InternalError/);
		}
	}));

test('unsupported and invalid events: a clear result, never a throw', () =>
	withFunction({}, async ({invoke}) => {
		for (const event of [null, 42, 'text', [], {}, {Records: [{sqs: {}}]}, {foo: 'bar'}]) {
			const result = await invoke(event);
			assert.is(result.error?.code, 'UnsupportedEvent', JSON.stringify(event));
			assert.ok(result.error.message.length > 0);
			assert.is(result.summary.total, 0);
		}

		const badTimer = await invoke(events.timer('{"regions": 5}'));
		assert.is(badTimer.error?.code, 'InvalidEvent');
		assert.match(badTimer.error.message, /Message/);
	}));

test('bad configuration: an error naming the variable, for events and HTTP', () =>
	withFunction({env: {BINDER_CONCURRENCY: 'lots', BINDER_REGIONNS: 'x'}}, async ({invoke}) => {
		const result = await invoke(events.timer(''));
		assert.is(result.error?.code, 'InvalidConfig');
		assert.match(result.error.message, /BINDER_REGIONNS|BINDER_CONCURRENCY/);
		const reply = await invoke(events.url('GET', '/healthz'));
		assert.is(reply.statusCode, 500);
	}));

test('an unknown BINDER_ variable is refused with a suggestion', () =>
	withFunction({env: {BINDER_REGIONNS: 'ap-guangzhou'}}, async ({invoke}) => {
		const result = await invoke(events.timer(''));
		assert.match(result.error.message, /BINDER_REGIONNS: unknown setting \(did you mean BINDER_REGIONS\?\)/);
	}));

test.run();
