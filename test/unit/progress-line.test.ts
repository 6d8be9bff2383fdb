// The progress line on its own: what it draws for each result, retry and tick, on a clock the test owns.
// (test/integration/cli-progress.test.ts checks when the CLI draws it.)
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {createProgress, formatDuration} from '../../lib/cli/progress.js';
import type {BucketResult} from '../../lib/core/results.js';

const ERASE = '\r\u001B[2K';

const result = (bucket: string, outcome: BucketResult['outcome']): BucketResult => ({bucket, region: 'ap-guangzhou', outcome, durationMs: 1});

test('createProgress: ETA from the timed results only; cut to the terminal width; stop erases', () => {
	let now = 0;
	const writes: string[] = [];
	const progress = createProgress({write: (text) => writes.push(text), now: () => now, label: 'sync', refreshMs: 3_600_000});
	const last = () => writes.at(-1)!.slice(ERASE.length);
	assert.is(last(), 'sync: listing buckets… 0s');
	progress.planned(10);
	for (const name of ['a', 'b', 'c', 'd', 'e']) {
		progress.settled(result(name, 'already-bound'), false);
	}

	assert.is(last(), 'sync 5/10 · 5 bound · 0 failed · 0s elapsed');
	now = 2000;
	progress.settled(result('f', 'bound'));
	assert.is(last(), 'sync 6/10 · 6 bound · 0 failed · ETA 8s');
	now = 3000;
	progress.retrying({operation: 'CreateCIBucket', bucket: 'g', attempt: 1, delayMs: 100, code: 'SlowDown'});
	assert.is(last(), 'sync 6/10 · 6 bound · 0 failed · ETA 12s · waiting to retry g after SlowDown (retry 1)');
	progress.retrying({operation: 'CreateCIBucket', bucket: 'h', attempt: 2, delayMs: 100, code: 'Timeout'});
	assert.is(last(), 'sync 6/10 · 6 bound · 0 failed · ETA 12s · waiting to retry h after Timeout (retry 2) (+1 more)');
	now = 4000;
	progress.settled(result('g', 'failed'));
	progress.settled(result('h', 'would-bind'));
	assert.is(last(), 'sync 8/10 · 6 bound · 1 would bind · 1 failed · ETA 3s');
	progress.stop();
	assert.is(writes.at(-1), ERASE);
	const count = writes.length;
	progress.settled(result('i', 'bound'));
	assert.is(writes.length, count, 'nothing after stop');

	const narrow: string[] = [];
	createProgress({write: (text) => narrow.push(text), now: () => 0, label: 'bind', total: 3, columns: 20, refreshMs: 3_600_000}).stop();
	assert.is(narrow[0], `${ERASE}bind 0/3 · 0 bound…`);
	assert.is(narrow[0]!.length - ERASE.length, 19);
});

test('formatDuration', () => {
	assert.equal([0, 499, 1500, 59_400, 60_000, 185_000, 3_599_000, 3_720_000].map(formatDuration), ['0s', '0s', '2s', '59s', '1m00s', '3m05s', '59m59s', '1h02m']);
});

test.run();
