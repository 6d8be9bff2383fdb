// Failure drills (issue "Benchmarks and failure drills", §2), time-related: latency past the request
// timeout, answers that arrive after the client gave up, a dead or stuck webhook, and the function's time
// budget under a storm. Invariants only: no assertion on speed, except that an invocation returns before
// the deadline its context announces (that is the contract, not a benchmark).
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {
	assertConverges,
	assertInvariants,
	assertThrowRule,
	context,
	describeRun,
	drill,
	operationOf,
	populate,
	sleepUnlessAborted,
} from '../support/drills-harness.js';
import {startReceiver} from '../support/receiver.js';

const BUCKETS = 200;
const TIMEOUT_MS = 150;

test('drill 2 — latency spikes past BINDER_REQUEST_TIMEOUT_MS (60–200 ms vs 100 ms, every operation): failures are Timeout and transient, never a crash; without faults it converges', () =>
	// Latency applies to every operation (`faults.operations` does not narrow it), so the spikes come from
	// the jitter. The emulator does the work *before* the latency: a bind whose answer came too late did
	// happen, its retry binds again (see drill 2b), and the re-check after the last timeout finds it on
	// (already-bound). A bucket fails only when both its binds and its re-checks all time out.
	// Seed 7: the serial GetService and DescribeCIBuckets calls draw the shortest latencies (61, 68 ms).
	drill('latency', {emulator: {seed: 7}, env: {BINDER_REQUEST_TIMEOUT_MS: '100', BINDER_RETRIES: '1', BINDER_CONCURRENCY: '16'}, jitterSeed: 6}, async (d) => {
		populate(d.emu, BUCKETS, {boundEvery: 4});
		d.emu.setFaults({latencyMs: 60, latencyJitterMs: 140});
		const run = await d.timer();
		assertThrowRule(run, 'latency');
		assertInvariants(run, d.emu, {label: 'latency', maxBindCount: 2});
		assert.is(run.error, undefined, describeRun(run));
		const failed = run.results.filter((item) => item.outcome === 'failed');
		assert.ok(failed.length > 0, `some binds ran out of attempts: ${describeRun(run)}`);
		for (const item of failed) {
			assert.is(item.code, 'Timeout', `${item.bucket}: ${item.code} ${item.message ?? ''}`);
			assert.is(item.transient, true);
		}

		assert.ok(run.thrown, 'Timeout failures are transient: the timer throws so the platform retries');
		const timeouts = d.lines.filter((line) => line.message === 'bucket result' && line.code === 'Timeout').length;
		assert.is(timeouts, failed.length);
		await assertConverges(d, 'latency', {maxBindCount: 2});
	}));

/**
A fetch hook that lets the first CreateCIBucket of each bucket reach the emulator (the bind happens) and
then holds its answer past the client's timeout, the way a slow network would; later attempts pass.
With `alsoStatusAfterBind`, every status read of a bucket after its late bind is held as well.
*/
function lateBindAnswers(emulatorUrl: string, options: {alsoStatusAfterBind?: boolean} = {}) {
	const late = new Set<string>();
	return async (request: Request, next: (request: Request) => Promise<Response>) => {
		const operation = operationOf(request, emulatorUrl);
		const host = new URL(request.url).pathname.split('/')[1]!;
		const response = await next(request);
		if (operation === 'CreateCIBucket' && !late.has(host)) {
			late.add(host);
			await sleepUnlessAborted(10 * TIMEOUT_MS, request.signal);
		} else if (operation === 'DescribeCIBucketStatus' && options.alsoStatusAfterBind && late.has(host)) {
			await sleepUnlessAborted(10 * TIMEOUT_MS, request.signal);
		}

		return response;
	};
}

test('drill 2b — a bind that took effect but answered after the timeout: not sent again; the status says on, so bound, bound once', () =>
	drill('late bind answer, rebind error', {emulator: {faults: {rebindAnswer: 'error'}}, env: {BINDER_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS), BINDER_CONCURRENCY: '8'}}, async (d) => {
		populate(d.emu, 24);
		d.setFetchHook(lateBindAnswers(d.emu.url));
		const run = await d.timer();
		assertThrowRule(run, 'late answers');
		assertInvariants(run, d.emu, {label: 'late answers'});
		assert.is(run.summary!.bound, 24, describeRun(run));
		assert.ok(run.results.every((item) => /bind answer lost \(Timeout\); status is on/.test(item.message ?? '')), describeRun(run));
		assert.ok(d.emu.buckets().every((bucket) => bucket.bindCount === 1));
		await assertConverges(d, 'late bind answer, rebind error');
	}));

// A CreateCIBucket that timed out is not retried as is (it may have taken effect): the status is read
// and a second bind is sent only if it is off.
test('drill 2b — a bind that took effect but answered after the timeout, rebind answered 200: bound, and bound only once', () =>
	drill('late bind answer, rebind ok', {emulator: {faults: {rebindAnswer: 'ok'}}, env: {BINDER_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS), BINDER_CONCURRENCY: '8'}}, async (d) => {
		populate(d.emu, 24);
		d.setFetchHook(lateBindAnswers(d.emu.url));
		const run = await d.timer();
		assertThrowRule(run, 'late answers');
		assert.is(run.summary!.failed, 0, describeRun(run));
		assert.ok(run.results.every((item) => item.outcome === 'bound' || item.outcome === 'already-bound'), describeRun(run));
		assertInvariants(run, d.emu, {label: 'late answers (rebind ok)', maxBindCount: 1});
	}));

// The bind timed out after taking effect and the re-check of the status timed out too: the state is
// unknown, so the result must be transient (the async trigger throws and the platform retries).
test('drill 2b — late bind answer, 409 on the retry and the status re-check timing out: never a permanent failure', () =>
	drill(
		'late bind answer, re-check lost',
		{emulator: {faults: {rebindAnswer: 'error'}}, env: {BINDER_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS), BINDER_RETRIES: '1', BINDER_CONCURRENCY: '4'}},
		async (d) => {
			populate(d.emu, 4);
			d.setFetchHook(lateBindAnswers(d.emu.url, {alsoStatusAfterBind: true}));
			const run = await d.timer();
			assertThrowRule(run, 're-check lost');
			assertInvariants(run, d.emu, {label: 're-check lost'});
			for (const item of run.results) {
				assert.ok(
					item.outcome === 'bound' || item.outcome === 'already-bound' || (item.outcome === 'failed' && item.transient === true),
					`${item.bucket} is bound (${d.emu.bucket(item.bucket)?.ci}) but ended ${item.outcome} ${item.code} transient=${String(item.transient)}`,
				);
			}

			await assertConverges(d, 'late bind answer, re-check lost');
		},
	));

const WEBHOOK_BUCKETS = 60;
const WEBHOOK_LIMIT_MS = 4000;

for (const [name, start] of [
	[
		'closed port',
		async () => {
			const receiver = await startReceiver();
			await receiver.close();
			return receiver;
		},
	],
	['never answers', () => startReceiver(() => 'hang')],
	['503 forever', () => startReceiver(() => ({status: 503}))],
] as const) {
	test(`drill 7 — webhook ${name}: bindings unaffected, delivered false, the invocation returns before its deadline`, async () => {
		const receiver = await start();
		try {
			await drill(`webhook ${name}`, {env: {BINDER_WEBHOOK_URL: `${receiver.url}/hook`, BINDER_TIME_MARGIN_MS: '1000'}, jitterSeed: 7}, async (d) => {
				populate(d.emu, WEBHOOK_BUCKETS, {boundEvery: 3});
				const run = await d.timer(context(WEBHOOK_LIMIT_MS));
				assertThrowRule(run, name);
				assertInvariants(run, d.emu, {label: name});
				assert.is(run.summary!.failed + run.summary!.skipped, 0, describeRun(run));
				assert.is(run.summary!.bound, WEBHOOK_BUCKETS - WEBHOOK_BUCKETS / 3);
				const delivery = run.result!.webhook!;
				assert.is(delivery.delivered, false);
				assert.ok(delivery.attempts >= 1, JSON.stringify(delivery));
				if (name === '503 forever') {
					assert.is(delivery.status, 503);
					assert.ok(receiver.received.length > 1, 'retried within the budget');
				}

				assert.ok(run.elapsedMs < WEBHOOK_LIMIT_MS, `returned after ${Math.round(run.elapsedMs)} ms, past the ${WEBHOOK_LIMIT_MS} ms deadline`);
				assert.ok(run.lines.some((line) => line.message === 'webhook not delivered'));
			});
		} finally {
			await receiver.close();
		}
	});
}

test('drill 8 — time budget under a storm (latency + 20% errors, short deadline): the rest is skipped (TimeBudget), none lost, returns before the deadline; the next run binds exactly what was left', () =>
	drill('time budget', {emulator: {seed: 11}, env: {BINDER_CONCURRENCY: '8', BINDER_TIME_MARGIN_MS: '1000'}, jitterSeed: 8}, async (d) => {
		populate(d.emu, BUCKETS, {boundEvery: 4});
		d.emu.setFaults({latencyMs: 80, errorRates: {SlowDown: 0.1, InternalError: 0.1}});
		const limitMs = 2500;
		const run = await d.timer(context(limitMs));
		assertThrowRule(run, 'budget');
		assertInvariants(run, d.emu, {label: 'budget'});
		assert.is(run.error, undefined, describeRun(run));
		// Every request takes ≥ 80 ms: 8 lanes cannot bind 150 buckets in the 1.5 s before the margin.
		assert.ok(run.summary!.skipped > 0, describeRun(run));
		assert.ok(run.summary!.bound > 0, describeRun(run));
		for (const item of run.results.filter((result) => result.outcome === 'skipped')) {
			assert.is(item.code, 'TimeBudget');
			if (!/interrupted/.test(item.message ?? '')) {
				// Never started: not bound, so the next run has it.
				assert.is(d.emu.bucket(item.bucket)?.ci, 'off', `${item.bucket} skipped but bound`);
			}
		}

		assert.not.ok(
			run.results.some((item) => item.code === 'Aborted'),
			'a bind cut off by the deadline is reported as skipped (TimeBudget), not failed',
		);
		assert.ok(run.elapsedMs < limitMs, `returned after ${Math.round(run.elapsedMs)} ms, past the ${limitMs} ms deadline`);
		const off = d.emu.buckets().filter((bucket) => bucket.ci === 'off').length;
		const next = await assertConverges(d, 'time budget');
		assert.is(next.summary!.bound, off);
	}));

test.run();
