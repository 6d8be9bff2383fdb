// Failure drills (issue "Benchmarks and failure drills", §2): error storms, connection resets and hostile
// bodies, through the real handler over loopback HTTP against the emulator's seeded fault injection.
// Each drill asserts invariants (no crash, no hang, one result per bucket, bound at most once, counts
// that add up) and then that a clean run converges. Seeds are chosen so that the serial listing calls
// (GetService, DescribeCIBuckets: the first draws of the fault RNG) are not faulted where a drill needs
// the listing; what happens to the concurrent binds depends on arrival order, hence invariants, not counts.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import type {BodyFaultKind} from '../../lib/emulator/index.js';
import {
	assertConverges,
	assertInvariants,
	assertPrototypeClean,
	assertThrowRule,
	describeRun,
	drill,
	populate,
	REGIONS,
} from '../support/drills-harness.js';

const BUCKETS = 200;
const STORM = {errorRates: {SlowDown: 0.15, InternalError: 0.15}};

test('drill 1 — error storm (30% 503/500), default retries: nearly all bind, failures are transient with a code, reruns converge', () =>
	drill('error storm', {emulator: {seed: 11}, env: {BINDER_CONCURRENCY: '16'}, jitterSeed: 1}, async (d) => {
		populate(d.emu, BUCKETS, {boundEvery: 4});
		d.emu.setFaults(STORM);
		const first = await d.timer();
		assertThrowRule(first, 'storm run 1');
		assertInvariants(first, d.emu, {label: 'storm run 1'});
		assert.is(first.error, undefined, describeRun(first));
		assert.is(first.sync?.listed, BUCKETS);
		assert.equal(new Set(first.results.map((item) => item.region)), new Set(REGIONS));
		const settled = first.summary!.bound + first.summary!['already-bound'];
		assert.ok(settled >= BUCKETS * 0.9, `most bind with retries: ${describeRun(first)}`);
		for (const item of first.results.filter((result) => result.outcome === 'failed')) {
			assert.ok(item.transient, `${item.bucket}: ${item.code} should be transient`);
			assert.ok(['SlowDown', 'InternalError'].includes(String(item.code)), `${item.bucket}: code ${item.code}`);
			if (!first.fromLogs) {
				assert.match(item.message!, /SlowDown|InternalError/);
			}
		}

		const statuses = new Set(d.emu.requests.map((entry) => entry.status));
		assert.ok(statuses.has(503) && statuses.has(500), 'both fault kinds were injected');

		// Still under the storm: a rerun only has the leftovers to do; they bind within a few runs.
		let runs = 1;
		let last = first;
		while (last.summary!.failed > 0 && runs < 4) {
			last = await d.timer();
			runs++;
			assertThrowRule(last, `storm run ${runs}`);
			assertInvariants(last, d.emu, {label: `storm run ${runs}`});
		}

		assert.is(last.summary!.failed, 0, `still failing after ${runs} storm runs: ${describeRun(last)}`);
		await assertConverges(d, 'error storm');
	}));

test('drill 1b — error storm without retries: POST /sync reports ~30% transient failures (200, no throw); the timer throws TransientFailureError; a clean run converges', () =>
	drill('error storm, no retries', {emulator: {seed: 11}, env: {BINDER_RETRIES: '0', BINDER_CONCURRENCY: '12'}, jitterSeed: 2}, async (d) => {
		populate(d.emu, BUCKETS, {boundEvery: 4});
		d.emu.setFaults(STORM);
		const reply = await d.httpSync();
		assert.is(reply.statusCode, 200, JSON.stringify(reply.body).slice(0, 300));
		assertInvariants(reply.body, d.emu, {label: 'POST /sync'});
		const failed = reply.body.results.filter((item: any) => item.outcome === 'failed');
		assert.ok(failed.length > 10, `a 30% storm without retries fails some binds: ${describeRun(reply.body)}`);
		assert.ok(
			failed.every((item: any) => item.transient === true && ['SlowDown', 'InternalError'].includes(item.code) && item.message.includes(item.code) && item.message.includes(item.bucket)),
			JSON.stringify(failed.slice(0, 3)),
		);

		// The timer trigger throws for transient failures so the platform retries; its results are in the logs.
		let threw = 0;
		for (let index = 0; index < 3; index++) {
			const run = await d.timer();
			assertThrowRule(run, `timer ${index + 1}`);
			assertInvariants(run, d.emu, {label: `timer ${index + 1}`});
			threw += run.thrown === undefined ? 0 : 1;
		}

		assert.ok(threw > 0, 'the storm made at least one timer invocation throw TransientFailureError');
		await assertConverges(d, 'error storm without retries');
	}));

test('drill 3 — connection resets (20% of requests): no crash, resets retried, bound once, converges', () =>
	drill('resets', {emulator: {seed: 2}, env: {BINDER_CONCURRENCY: '16'}, jitterSeed: 3}, async (d) => {
		populate(d.emu, BUCKETS, {boundEvery: 5});
		d.emu.setFaults({resetRate: 0.2});
		const run = await d.timer();
		assertThrowRule(run, 'resets');
		assertInvariants(run, d.emu, {label: 'resets'});
		assert.is(run.error, undefined, describeRun(run));
		// Reads are retried; a bind whose answer was lost is re-read and sent again only once (never blindly),
		// so a bucket may fail only when resets took both of its binds, or every attempt of a read. Which
		// requests the seeded faults hit depends on the order of 16 concurrent lanes, so the assertion is
		// on that mechanism, per bucket, not on a share of buckets (about 4% of unbound ones fail this way).
		const resetsOf = (bucket: string, operation: string) =>
			d.emu.requests.filter((entry) => entry.code === 'ConnectionReset' && entry.operation === operation && entry.host.startsWith(`${bucket}.`)).length;
		for (const item of run.results.filter((result) => result.outcome === 'failed')) {
			assert.ok(item.transient && item.code === 'NetworkError', `${item.bucket}: ${item.code}`);
			assert.ok(resetsOf(item.bucket, 'CreateCIBucket') >= 2 || resetsOf(item.bucket, 'DescribeCIBucketStatus') >= 4, `${item.bucket} failed without its binds or reads all reset`);
		}

		assert.ok(run.summary!.bound + run.summary!['already-bound'] + run.summary!.failed === BUCKETS, describeRun(run));

		const resets = d.emu.requests.filter((entry) => entry.code === 'ConnectionReset').length;
		assert.ok(resets > 20, `resets were injected (${resets})`);
		// A reset happens before the work: the retried bind is the only one.
		await assertConverges(d, 'resets');
	}));

const KINDS: BodyFaultKind[] = ['html', 'truncated', 'deepNesting', 'huge', 'protoTags'];

for (const kind of KINDS) {
	test(`drill 4 — hostile ${kind} bodies: on GetService a reported sync error (never a crash, nothing bound); on DescribeCIBuckets a per-bucket fallback that binds everything`, () =>
		drill(`body fault ${kind}`, {emulator: {seed: 5}, env: {BINDER_CONCURRENCY: '16'}, jitterSeed: 4}, async (d) => {
			populate(d.emu, BUCKETS, {boundEvery: 4});
			const transient = kind === 'html'; // A proxy's 502 page: the request never reached the service.
			d.emu.setFaults({bodyFaults: {[kind]: 1}, operations: ['GetService']});

			// The HTTP API never throws: 502 with the listing error.
			const reply = await d.httpSync();
			assert.is(reply.statusCode, 502, JSON.stringify(reply.body).slice(0, 300));
			assertInvariants(reply.body, d.emu, {label: `${kind} on GetService, POST /sync`});
			assert.ok(['InvalidResponse', 'ResponseTooLarge'].includes(reply.body.error.code), reply.body.error.code);
			assert.is(reply.body.error.transient, transient, JSON.stringify(reply.body.error));
			assert.is(reply.body.results.length, 0);

			// The timer: returns the error, or throws TransientFailureError when the failure is transient.
			const run = await d.timer();
			assertThrowRule(run, `${kind} on GetService, timer`);
			assertInvariants(run, d.emu, {label: `${kind} on GetService, timer`});
			assert.is(run.error?.code, reply.body.error.code);
			assert.is(run.thrown !== undefined, transient);
			assert.ok(
				d.emu.buckets().every((bucket) => bucket.bindCount === 0),
				'nothing bound without a bucket list',
			);

			// DescribeCIBuckets unreadable: each bucket's status is read instead, and everything binds.
			d.emu.setFaults({bodyFaults: {[kind]: 1}, operations: ['DescribeCIBuckets']});
			d.emu.clearRequests();
			const fallback = await d.timer();
			assertThrowRule(fallback, `${kind} on DescribeCIBuckets`);
			assertInvariants(fallback, d.emu, {label: `${kind} on DescribeCIBuckets`});
			assert.is(fallback.error, undefined);
			assert.is(fallback.sync?.boundListUsed, false);
			assert.is(fallback.summary!.failed, 0, describeRun(fallback));
			assert.is(fallback.summary!.bound, BUCKETS * 0.75);
			assert.is(fallback.summary!['already-bound'], BUCKETS * 0.25);
			const statusReads = d.emu.requests.filter((entry) => entry.operation === 'DescribeCIBucketStatus').length;
			assert.ok(statusReads >= BUCKETS, `every bucket's status was read (${statusReads})`);
			assert.ok(
				d.lines.some((line) => line.message === 'could not list bound buckets; checking each bucket instead'),
				'the fallback is logged',
			);
			assertPrototypeClean(kind);
			await assertConverges(d, `body fault ${kind}`);
		}));
}

test('drill 4 — mixed hostile bodies (30%) on GetService and DescribeCIBuckets, then on every operation: invariants hold, prototypes untouched, converges', () =>
	drill('mixed body faults', {emulator: {seed: 11}, env: {BINDER_CONCURRENCY: '16'}, jitterSeed: 5}, async (d) => {
		populate(d.emu, BUCKETS, {boundEvery: 4});
		const mixed = Object.fromEntries(KINDS.map((kind) => [kind, 0.06])) as Record<BodyFaultKind, number>; // ≈ 27% of requests
		d.emu.setFaults({bodyFaults: mixed, operations: ['GetService', 'DescribeCIBuckets']});
		const listing = await d.timer();
		assertThrowRule(listing, 'mixed on listings');
		assertInvariants(listing, d.emu, {label: 'mixed on listings'});
		// Seed 11: the one GetService call draws no fault, so the sync runs; only the bound list may be lost.
		assert.is(listing.error, undefined, describeRun(listing));
		assert.is(listing.summary!.failed, 0, describeRun(listing));

		// Every operation: a damaged status answer fails that bucket (InvalidResponse); a damaged bind
		// answer comes after the work, and the re-check turns it into already-bound.
		for (const bucket of d.emu.buckets().filter((_bucket, index) => index % 2 === 0)) {
			d.emu.setBound(bucket.bucket, false);
		}

		const before = new Map(d.emu.buckets().map((bucket) => [bucket.bucket, bucket.bindCount]));
		d.emu.setFaults({bodyFaults: Object.fromEntries(KINDS.map((kind) => [kind, 0.3 / KINDS.length]))});
		const everywhere = await d.timer();
		assertThrowRule(everywhere, 'mixed everywhere');
		// setBound(false) kept the bind counts: allow one more bind than each bucket already had.
		assertInvariants(everywhere, d.emu, {label: 'mixed everywhere', maxBindCount: 2});
		for (const bucket of d.emu.buckets()) {
			assert.ok(bucket.bindCount <= before.get(bucket.bucket)! + 1, `${bucket.bucket} bound twice in one run`);
		}

		for (const item of everywhere.results.filter((result) => result.outcome === 'failed')) {
			assert.ok(['InvalidResponse', 'ResponseTooLarge'].includes(String(item.code)), `${item.bucket}: ${item.code} ${item.message}`);
		}

		const faulted = d.emu.requests.filter((entry) => entry.code?.startsWith('BodyFault:')).length;
		assert.ok(faulted > 20, `hostile bodies were sent (${faulted})`);
		assertPrototypeClean('mixed everywhere');
		await assertConverges(d, 'mixed body faults', {maxBindCount: 2});
	}));

test('drill logs — a failed bucket\'s log line carries its failure message, so a run that throws still says why (README: "code/message")', () =>
	drill('log lines', {env: {BINDER_RETRIES: '0'}}, async (d) => {
		populate(d.emu, 6);
		d.emu.setFaults({errorRates: {SlowDown: 1}, operations: ['CreateCIBucket']});
		const reply = await d.httpSync();
		const failures = reply.body.results.filter((item: any) => item.outcome === 'failed');
		assert.is(failures.length, 6);
		const run = await d.timer();
		assert.is((run.thrown as Error)?.name, 'TransientFailureError');
		const lines = run.lines.filter((line) => line.message === 'bucket result');
		assert.is(lines.length, 6);
		for (const line of lines) {
			const values = Object.values(line).filter((value): value is string => typeof value === 'string');
			// The message names the operation, the bucket and the code, e.g. "CreateCIBucket x-125… (ap-…): SlowDown: Please reduce…".
			assert.ok(
				values.some((value) => value.includes('Please reduce your request rate') && value.includes(line.bucket)),
				`the failure message is missing from the log line: ${JSON.stringify(line)}`,
			);
		}
	}));

test.run();
