// Benchmarks (issue "Benchmarks and failure drills", §1 and §3): ours against a baseline written on the
// official SDK (bench/baseline/handler.ts) and against the ideal, side by side in one run, on loopback
// against the emulator. Usage: npm run bench  |  node bench/run.mjs [--quick] [--only load,signing]
//
// The emulator runs in this process; every measured function runs in a child process of its own, so
// times and peak RSS are the function's. Every loop is bounded in count; children are killed after
// CHILD_TIMEOUT_MS. Timing never fails the run (the machine is shared); wrong results do (exit code 1).
import {execFileSync} from 'node:child_process';
import {createHash, createHmac, randomBytes} from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {gzipSync} from 'node:zlib';
import {buildAll, OUT, ROOT} from './build.mjs';
import {fmt, median, percentile, ratio, runChild, startChild, table} from './util.mjs';

const QUICK = process.argv.includes('--quick');
// Sections to run (names as in SECTIONS below); a partial run does not overwrite bench/results.md.
const ONLY = process.argv.includes('--only') ? (process.argv[process.argv.indexOf('--only') + 1] ?? '').split(',') : undefined;
const PLAN = QUICK
	? {coldRuns: 3, warmEvents: 40, warmups: 5, longLivedEvents: 200, batchSizes: [40, 200], loadRounds: 1, signRounds: 3, signIterations: 20_000}
	: {coldRuns: 9, warmEvents: 200, warmups: 20, longLivedEvents: 1000, batchSizes: [200, 2000], loadRounds: 3, signRounds: 7, signIterations: 100_000};
const CONCURRENCIES = [1, 8, 32];
// Emulator latency per request: warm invocations and batches at a realistic CI round trip, the load test lower
// so the runner, not the emulator, is what is loaded.
const WARM_LATENCY_MS = 20;
// A bucket named in a PutBucket event was just created: binding it needs the bind and nothing else.
const IDEAL_REQUESTS_PER_NEW_BUCKET = 1;
const BATCH_LATENCY_MS = 20;
const LOAD_LATENCY_MS = 5;
const LOAD_REQUESTS = 200;
// One bucket in ten starts bound in the batch runs, spread over both regions (the bound list is then account-wide).
const BOUND_EVERY = 10;
const CI_PAGE_SIZE = 100;
// Above this ideal wall time a batch configuration runs once, below it three times (median).
const LONG_BATCH_MS = 10_000;
const DRILL_CONCURRENCIES = [8, 32];
const HEAP_64MB_FLAGS = ['--max-old-space-size=32', '--max-semi-space-size=1'];
const CHILD_TIMEOUT_MS = 180_000;
const REQUEST_TIMEOUT_MS = 30_000;
const SCF_MEMORY_MB = 64;
const REGION = 'ap-guangzhou';
const OTHER_REGION = 'ap-shanghai';
const APP_ID = '1250000000';
const KB_PER_MB = 1024;

const log = (line) => process.stderr.write(`bench: ${line}\n`);
const range = (n) => Array.from({length: n}, (_, index) => index);
const rotate = (items, by) => items.map((_, index) => items[(index + by) % items.length]);
const failures = [];
const check = (ok, message) => ok || failures.push(message);

let commit = 'unknown commit';
try {
	commit = execFileSync('git', ['describe', '--always', '--dirty'], {cwd: ROOT, encoding: 'utf8'}).trim();
} catch {}

log(`building bundles of ${commit} (${QUICK ? 'quick' : 'full'} run)`);
const bundles = await buildAll();
const {startEmulator, DEMO_CREDENTIALS, getAuthorization, fromCosSdkOptions, sdkGetAuthorization} = createRequire(import.meta.url)(bundles.harness);
const emu = await startEmulator({maxRequestLog: 1_000_000});
// Exactly this environment, nothing inherited: a stray BINDER_* variable would fail our config on purpose.
const functionEnv = {
	PATH: process.env.PATH ?? '',
	TENCENTCLOUD_SECRETID: DEMO_CREDENTIALS.secretId,
	TENCENTCLOUD_SECRETKEY: DEMO_CREDENTIALS.secretKey,
	TENCENTCLOUD_REGION: REGION,
	TENCENTCLOUD_APPID: APP_ID,
	BINDER_ENDPOINT: emu.url,
};
const IMPLS = {ours: bundles.ours, baseline: bundles.baseline};
const script = (name) => path.join(ROOT, 'bench', name);
const eventTemplate = fs.readFileSync(path.join(ROOT, 'test/fixtures/events/cloudaudit-putbucket-resourcename-qcs.json'), 'utf8');
const putBucketEvent = (bucket) => JSON.parse(eventTemplate.replaceAll(`examplebucket-${APP_ID}`, bucket));
const timerEvent = (concurrency) => ({Type: 'Timer', TriggerName: 'bench', Time: new Date().toISOString(), Message: JSON.stringify({concurrency})});

function writeEvents(name, events) {
	const file = path.join(OUT, `events-${name}.json`);
	fs.writeFileSync(file, JSON.stringify(events));
	return file;
}

/** Empty the emulator, set its latency, create `buckets` ({bucket, region?, bound?}) and clear the request log. */
function resetEmulator(latencyMs, buckets) {
	emu.reset();
	emu.setFaults({latencyMs});
	for (const {bucket, region = REGION, bound = false, capabilities} of buckets) emu.createBucket(bucket, region, {bound, capabilities});
	emu.clearRequests();
}

const allBound = (buckets) => buckets.every(({bucket}) => emu.bucket(bucket)?.ci === 'on');
// Rows of the ours / baseline / ideal tables.
const HEADERS = ['', 'ours', 'SDK baseline', 'ideal', 'ours ÷ baseline', 'ours ÷ ideal', 'baseline ÷ ideal'];
// What an empty Node process holds; set by the cold start section.
let emptyRss = {rssMB: Number.NaN, anonMB: Number.NaN};
const row = (label, ours, baseline, ideal, digits = 1) => [label, fmt(ours, digits), fmt(baseline, digits), fmt(ideal, digits), ratio(ours, baseline), ratio(ours, ideal), ratio(baseline, ideal)];

async function coldStart() {
	const runs = PLAN.coldRuns;
	resetEmulator(0, range(runs).flatMap((index) => Object.keys(IMPLS).map((name) => ({bucket: `cold-${name}-${index}-${APP_ID}`}))));
	const samples = {empty: [], ours: [], baseline: []};
	for (const index of range(runs)) {
		// Rotate the order so that a noisy moment does not always hit the same one.
		for (const name of rotate(['empty', 'ours', 'baseline'], index)) {
			const args = name === 'empty' ? ['--empty'] : [IMPLS[name], JSON.stringify(putBucketEvent(`cold-${name}-${index}-${APP_ID}`))];
			const report = await runChild(script('cold-start-child.cjs'), args, {env: functionEnv, timeoutMs: CHILD_TIMEOUT_MS});
			if (name !== 'empty') check(report.outcomes.join() === 'bound', `cold start ${name} #${index}: outcomes [${report.outcomes}], expected [bound]`);
			samples[name].push(report);
		}
	}

	const m = (name, pick) => median(samples[name].map(pick));
	emptyRss = {rssMB: m('empty', (s) => s.maxRssKB / KB_PER_MB), anonMB: m('empty', (s) => s.anonKB / KB_PER_MB)};
	const size = (name, pack = (data) => data) => pack(fs.readFileSync(IMPLS[name])).length / 1024;
	return {
		title: `1. Cold start (median of ${runs} fresh processes each; emulator latency 0; one CloudAudit PutBucket event → bind (ours), status + bind (baseline))`,
		body: table(HEADERS, [
			row('bundle, raw (KiB)', size('ours'), size('baseline'), Number.NaN),
			row('bundle, gzip (KiB)', size('ours', gzipSync), size('baseline', gzipSync), Number.NaN),
			row('require(bundle) (ms)', m('ours', (s) => s.requireMs), m('baseline', (s) => s.requireMs), Number.NaN),
			row('process start → bundle loaded (ms)', m('ours', (s) => s.bootMs + s.requireMs), m('baseline', (s) => s.bootMs + s.requireMs), m('empty', (s) => s.bootMs)),
			row('first invocation (ms)', m('ours', (s) => s.firstMs), m('baseline', (s) => s.firstMs), Number.NaN),
			row('process start → first event handled (ms)', m('ours', (s) => s.bootMs + s.requireMs + s.firstMs), m('baseline', (s) => s.bootMs + s.requireMs + s.firstMs), m('empty', (s) => s.bootMs)),
			row('spawn → first event handled, wall seen by the parent (ms)', m('ours', (s) => s.reportMs), m('baseline', (s) => s.reportMs), m('empty', (s) => s.reportMs)),
			row('peak RSS (MB)', m('ours', (s) => s.maxRssKB / KB_PER_MB), m('baseline', (s) => s.maxRssKB / KB_PER_MB), emptyRss.rssMB),
			row('anonymous RSS at exit (MB)', m('ours', (s) => s.anonKB / KB_PER_MB), m('baseline', (s) => s.anonKB / KB_PER_MB), emptyRss.anonMB),
		]),
		notes: [
			'Ideal = an empty Node script in a fresh process (what `node -e \'\'` costs): its startup time, wall time and RSS. Times inside the process are from `performance.now()` (process start = 0).',
			'Process exit is left out: after any `fetch`, Node 20 takes tens of milliseconds more to exit (a bare `fetch` does it too), which an SCF instance does not pay per invocation.',
		],
	};
}

/** `total` PutBucket events, one new bucket each, in one fresh process of `name`; checks that each bound its bucket. */
async function invokeMany(name, total, latencyMs) {
	const buckets = range(total).map((index) => ({bucket: `warm-${name}-${index}-${APP_ID}`}));
	resetEmulator(latencyMs, buckets);
	const events = writeEvents(`warm-${name}`, buckets.map(({bucket}) => putBucketEvent(bucket)));
	log(`warm: ${name}, ${total} invocations, latency ${latencyMs} ms`);
	const report = await runChild(script('invoke-child.cjs'), [IMPLS[name], events], {env: functionEnv, timeoutMs: CHILD_TIMEOUT_MS});
	check(report.outcomes.bound === total && allBound(buckets), `warm ${name} (${total} events): outcomes ${JSON.stringify(report.outcomes)}, expected ${total} bound`);
	return {...report, requests: emu.requests.length};
}

async function warm() {
	const total = PLAN.warmups + PLAN.warmEvents;
	const stats = {};
	for (const name of Object.keys(IMPLS)) {
		const report = await invokeMany(name, total, WARM_LATENCY_MS);
		const durations = report.durationsMs.slice(PLAN.warmups);
		// Each side waits out the latency once per request it sends: what is left is its own overhead.
		const requestsPerEvent = report.requests / total;
		const overheads = durations.map((ms) => ms - requestsPerEvent * WARM_LATENCY_MS);
		stats[name] = {
			p50: median(durations),
			p95: percentile(durations, 95),
			overhead50: median(overheads),
			overhead95: percentile(overheads, 95),
			cpu50: median(report.cpuMs.slice(PLAN.warmups)),
			requests: requestsPerEvent,
			rssMB: report.maxRssKB / KB_PER_MB,
			anonMB: report.peakAnonKB / KB_PER_MB,
		};
	}

	const line = (label, key, ideal, digits) => row(label, stats.ours[key], stats.baseline[key], ideal, digits);
	return {
		title: `2. Warm invocation (${PLAN.warmEvents} PutBucket events after ${PLAN.warmups} warm-ups, one new bucket each; emulator latency ${WARM_LATENCY_MS} ms per request)`,
		body: table(HEADERS, [
			line('handler time, median (ms)', 'p50', IDEAL_REQUESTS_PER_NEW_BUCKET * WARM_LATENCY_MS),
			line('handler time, p95 (ms)', 'p95', IDEAL_REQUESTS_PER_NEW_BUCKET * WARM_LATENCY_MS),
			line('overhead = time − requests × latency, median (ms)', 'overhead50', 0, 2),
			line('overhead, p95 (ms)', 'overhead95', 0, 2),
			line('function CPU per event, median (ms)', 'cpu50', Number.NaN, 2),
			line('requests per new bucket on the event path', 'requests', IDEAL_REQUESTS_PER_NEW_BUCKET, 2),
			line('peak RSS (MB)', 'rssMB', Number.NaN),
			line('peak anonymous RSS (MB)', 'anonMB', Number.NaN),
		]),
		notes: [
			'Ideal = one request per new bucket (the bind: a bucket named in a PutBucket event was just created, so there is no status to read first) at the injected latency, zero overhead. Ours binds first and reads the status only when the bind fails; the baseline reads the status, then binds.',
			'The overhead subtracts each side\'s own requests × latency and includes the emulator\'s handling of them; CPU per event is the function process\'s alone.',
		],
	};
}

async function longLived() {
	const total = PLAN.longLivedEvents;
	const window = Math.floor(total / 10);
	const stats = {};
	for (const name of Object.keys(IMPLS)) {
		const report = await invokeMany(name, total, 0);
		// The first window starts after the warm-ups, so JIT warm-up does not count as a change.
		const first = report.cpuMs.slice(PLAN.warmups, PLAN.warmups + window);
		const last = report.cpuMs.slice(-window);
		stats[name] = {first: median(first), last: median(last), lastMs: median(report.durationsMs.slice(-window)), rssMB: report.maxRssKB / KB_PER_MB};
	}

	const line = (label, key, ideal, digits = 2) => row(label, stats.ours[key], stats.baseline[key], ideal, digits);
	return {
		title: `2b. Long-lived instance (${total} PutBucket events in one process, emulator latency 0): does an invocation leave anything behind?`,
		body: table(HEADERS, [
			line(`function CPU per event, invocations ${PLAN.warmups + 1}–${PLAN.warmups + window}, median (ms)`, 'first', Number.NaN),
			line(`function CPU per event, invocations ${total - window + 1}–${total}, median (ms)`, 'last', Number.NaN),
			row('last ÷ first', stats.ours.last / stats.ours.first, stats.baseline.last / stats.baseline.first, 1, 2),
			line(`handler time, invocations ${total - window + 1}–${total}, median (ms)`, 'lastMs', Number.NaN),
			line('peak RSS (MB)', 'rssMB', Number.NaN, 1),
		]),
		notes: ['Ideal: the same cost per event at the end as at the start (ratio 1).'],
	};
}

function batchBuckets(n) {
	return range(n).map((index) => ({
		bucket: `batch-${String(index).padStart(5, '0')}-${APP_ID}`,
		region: index % 4 < 2 ? REGION : OTHER_REGION,
		bound: index % BOUND_EVERY === 0,
	}));
}

// The capability sweep: every bound bucket already has media, one in two of those doc too.
const CAPABILITY_SWEEP_BUCKETS = 2000;
const CAPABILITY_SWEEP_CONCURRENCY = 32;

/**
Requests per bucket of a 2,000-bucket sweep with three services (ci, media, doc). Ideal: the listings (one GetService
page, the DescribeCIBuckets pages, one DescribeMediaBuckets and one DescribeDocProcessBuckets list, 100 per page)
plus exactly the calls that change something: a bind per unbound bucket and an enable per missing capability.
*/
async function capabilitySweep() {
	const n = CAPABILITY_SWEEP_BUCKETS;
	const buckets = batchBuckets(n).map((bucket, index) => ({...bucket, capabilities: bucket.bound ? (index % (2 * BOUND_EVERY) === 0 ? ['doc', 'media'] : ['media']) : []}));
	resetEmulator(BATCH_LATENCY_MS, buckets);
	log(`batch: capability sweep, ${n} buckets, ci,media,doc, concurrency ${CAPABILITY_SWEEP_CONCURRENCY}`);
	const events = writeEvents('capabilities', [timerEvent(CAPABILITY_SWEEP_CONCURRENCY)]);
	const report = await runChild(script('invoke-child.cjs'), [IMPLS.ours, events], {env: {...functionEnv, BINDER_SERVICES: 'ci,media,doc'}, timeoutMs: CHILD_TIMEOUT_MS});
	const pages = (count) => Math.max(1, Math.ceil(count / CI_PAGE_SIZE));
	const nBound = buckets.filter((bucket) => bucket.bound).length;
	const withMedia = buckets.filter((bucket) => bucket.capabilities.includes('media')).length;
	const withDoc = buckets.filter((bucket) => bucket.capabilities.includes('doc')).length;
	const ideal = 1 + pages(nBound) + pages(withMedia) + pages(withDoc) + (n - nBound) + (n - withMedia) + (n - withDoc);
	const done = emu.buckets().every((bucket) => bucket.ci === 'on' && bucket.capabilities?.join() === 'doc,media');
	check(done && report.outcomes.failed === undefined, `capability sweep: outcomes ${JSON.stringify(report.outcomes)}, every bucket bound with doc and media: ${done}`);
	return [`requests per bucket, ${n}-bucket sweep with 3 capabilities (ci, media, doc)`, fmt(emu.requests.length / n, 3), fmt(ideal / n, 3), ratio(emu.requests.length / n, ideal / n)];
}

/** One batch rebinding run of `name` in a fresh process; checks that exactly the unbound buckets were bound. */
async function runBatch(name, n, concurrency, nodeArgs = []) {
	const buckets = batchBuckets(n);
	const nBound = buckets.filter((bucket) => bucket.bound).length;
	resetEmulator(BATCH_LATENCY_MS, buckets);
	const events = writeEvents(`batch-${concurrency}`, [timerEvent(concurrency)]);
	const report = await runChild(script('invoke-child.cjs'), [IMPLS[name], events], {env: functionEnv, timeoutMs: CHILD_TIMEOUT_MS, nodeArgs});
	const ok = report.outcomes.bound === n - nBound && report.outcomes['already-bound'] === nBound && allBound(buckets);
	check(ok, `batch ${name} n=${n} c=${concurrency} ${nodeArgs.join(' ')}: outcomes ${JSON.stringify(report.outcomes)}, expected ${n - nBound} bound and ${nBound} already-bound`);
	return {ok, ms: report.durationsMs[0], cpuMs: report.cpuMs[0], requests: emu.requests.length / n, rssMB: report.maxRssKB / KB_PER_MB, anonMB: report.peakAnonKB / KB_PER_MB};
}

async function batch() {
	const rows = [];
	let oursPeak = {rssMB: 0, anonMB: 0};
	for (const n of PLAN.batchSizes) {
		const nBound = batchBuckets(n).filter((bucket) => bucket.bound).length;
		const unbound = n - nBound;
		// One GetService page (≤ 2000 buckets) and the DescribeCIBuckets pages of the bound list.
		const listingPages = 1 + Math.max(1, Math.ceil(nBound / CI_PAGE_SIZE));
		for (const concurrency of CONCURRENCIES) {
			const idealMs = (listingPages + Math.ceil(unbound / concurrency)) * BATCH_LATENCY_MS;
			const reps = QUICK || idealMs > LONG_BATCH_MS ? 1 : 3;
			const samples = {ours: [], baseline: []};
			for (const rep of range(reps)) {
				for (const name of Object.keys(IMPLS)) {
					log(`batch: ${name}, ${n} buckets, concurrency ${concurrency}, run ${rep + 1}/${reps}`);
					samples[name].push(await runBatch(name, n, concurrency));
				}
			}

			const m = (name, key) => median(samples[name].map((sample) => sample[key]));
			const peak = (name, key) => Math.max(...samples[name].map((sample) => sample[key]));
			oursPeak = {rssMB: Math.max(oursPeak.rssMB, peak('ours', 'rssMB')), anonMB: Math.max(oursPeak.anonMB, peak('ours', 'anonMB'))};
			rows.push([
				`${n} (${unbound} unbound)`,
				String(concurrency),
				fmt(m('ours', 'ms'), 0),
				fmt(m('baseline', 'ms'), 0),
				fmt(idealMs, 0),
				ratio(m('ours', 'ms'), m('baseline', 'ms')),
				ratio(m('ours', 'ms'), idealMs),
				ratio(m('baseline', 'ms'), idealMs),
				`${fmt(m('ours', 'requests'), 3)} / ${fmt(m('baseline', 'requests'), 3)} / ${fmt((listingPages + unbound) / n, 3)}`,
				`${fmt(m('ours', 'cpuMs') / n, 2)} / ${fmt(m('baseline', 'cpuMs') / n, 2)}`,
				`${fmt(peak('ours', 'rssMB'))} / ${fmt(peak('baseline', 'rssMB'))}`,
				`${fmt(peak('ours', 'anonMB'))} / ${fmt(peak('baseline', 'anonMB'))}`,
				peak('ours', 'rssMB') < SCF_MEMORY_MB ? 'yes' : 'no',
			]);
		}
	}

	// The same batch with the V8 heap Node gives itself when it sees a 64 MB memory limit.
	const drillRows = [];
	const n = PLAN.batchSizes.at(-1);
	for (const concurrency of DRILL_CONCURRENCIES) {
		const samples = {};
		for (const name of Object.keys(IMPLS)) {
			log(`batch, 64 MB heap: ${name}, ${n} buckets, concurrency ${concurrency}`);
			samples[name] = await runBatch(name, n, concurrency, HEAP_64MB_FLAGS);
		}

		const both = (key, digits = 1) => `${fmt(samples.ours[key], digits)} / ${fmt(samples.baseline[key], digits)}`;
		drillRows.push([String(n), String(concurrency), both('ms', 0), ratio(samples.ours.ms, samples.baseline.ms), both('rssMB'), both('anonMB'), `${samples.ours.ok ? 'yes' : 'no'} / ${samples.baseline.ok ? 'yes' : 'no'}`]);
	}

	const capabilityRow = await capabilitySweep();
	return {
		title: `3. Batch rebinding (timer event; ${100 / BOUND_EVERY}% of buckets already bound, two regions; emulator latency ${BATCH_LATENCY_MS} ms; median of 3 runs, 1 when the ideal is over ${LONG_BATCH_MS / 1000} s)`,
		body: [
			table(
				['buckets', 'concurrency', 'ours (ms)', 'SDK baseline (ms)', 'ideal (ms)', 'ours ÷ baseline', 'ours ÷ ideal', 'baseline ÷ ideal', 'requests per bucket: ours / baseline / ideal', 'CPU ms per bucket: ours / baseline', 'peak RSS MB: ours / baseline', 'peak anon. RSS MB: ours / baseline', `ours peak RSS < ${SCF_MEMORY_MB} MB`],
				rows,
			),
			'',
			`In a heap sized for ${SCF_MEMORY_MB} MB (\`${HEAP_64MB_FLAGS.join(' ')}\`, about what Node 20 on x64 derives from a ${SCF_MEMORY_MB} MB memory limit: old space ¼ × 2 of it, minimum semi-spaces), one run each:`,
			'',
			table(['buckets', 'concurrency', 'wall ms: ours / baseline', 'ours ÷ baseline', 'peak RSS MB: ours / baseline', 'peak anon. RSS MB: ours / baseline', 'completed, all bound: ours / baseline'], drillRows),
			'',
			'With capabilities beyond the binding (`BINDER_SERVICES=ci,media,doc`), ours only (the SDK baseline has no such policy):',
			'',
			table(['', 'ours', 'ideal', 'ours ÷ ideal'], [capabilityRow]),
		].join('\n'),
		notes: [
			`Ideal wall = (listing pages + ceil(unbound / concurrency)) × ${BATCH_LATENCY_MS} ms; ideal requests = listing pages + one bind per unbound bucket. Peak RSS (VmHWM) and peak anonymous RSS (RssAnon sampled every 10 ms) are the function process's: Node itself, the bundle and the batch; the highest of the runs.`,
			`Ours peaks at ${fmt(oursPeak.rssMB)} MB RSS, ${fmt(oursPeak.anonMB)} MB of it anonymous, with an unconstrained heap. An empty Node process has ~${fmt(emptyRss.rssMB)} MB RSS, only ~${fmt(emptyRss.anonMB)} MB of it anonymous (the rest is the node binary mapped from disk).`,
			'The baseline reads one GetService page (the SDK\'s getService drops NextMarker, so it cannot page past 2000 buckets), has no time budget, and does no retries of its own.',
		],
	};
}

function signing() {
	const keyTime = '1700000000;1700000900';
	const host = `examplebucket-${APP_ID}.ci.${REGION}.myqcloud.com`;
	const input = {SecretId: DEMO_CREDENTIALS.secretId, SecretKey: DEMO_CREDENTIALS.secretKey, Method: 'PUT', Pathname: '/', Headers: {host}, KeyTime: keyTime};
	// Ours takes camelCase options: the SDK's are converted once, outside the timed loop.
	const ours = fromCosSdkOptions(input);
	check(getAuthorization(ours) === sdkGetAuthorization(input), 'signing: ours and the SDK disagree on the same input');
	// The least any signer must do: HMAC the key time, hash the canonical request, HMAC the string to sign.
	const httpString = `put\n/\n\nhost=${host}\n`;
	const crypto = () => {
		const signKey = createHmac('sha1', input.SecretKey).update(keyTime).digest('hex');
		const hashed = createHash('sha1').update(httpString).digest('hex');
		return createHmac('sha1', signKey).update(`sha1\n${keyTime}\n${hashed}\n`).digest('hex');
	};

	const signers = {ours: () => getAuthorization(ours), baseline: () => sdkGetAuthorization(input), ideal: crypto};
	const rates = {ours: [], baseline: [], ideal: []};
	let sink = 0;
	for (const round of range(PLAN.signRounds)) {
		for (const name of rotate(Object.keys(signers), round)) {
			const sign = signers[name];
			const started = process.hrtime.bigint();
			for (let index = 0; index < PLAN.signIterations; index++) sink += sign().length;
			rates[name].push(PLAN.signIterations / (Number(process.hrtime.bigint() - started) / 1e9));
		}
	}

	check(sink > 0, 'signing: no output');
	const thousands = (name) => median(rates[name]) / 1000;
	return {
		title: `4. Signing (${PLAN.signIterations.toLocaleString('en')} signatures × ${PLAN.signRounds} rounds each, median; PUT / with host signed)`,
		body: table(HEADERS, [row('signatures per second (thousands)', thousands('ours'), thousands('baseline'), thousands('ideal'))]),
		notes: ['Ours: getAuthorization; baseline: COS.getAuthorization of cos-nodejs-sdk-v5, same inputs and same output (checked). Ideal = the three hash operations alone. Higher is better here.'],
	};
}

/** POST `body` as JSON; never rejects: failures come back as status 0 with the error. */
function post(url, {agent, token, body}) {
	return new Promise((resolve) => {
		const started = process.hrtime.bigint();
		const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
		const request = http.request(url, {method: 'POST', agent, timeout: REQUEST_TIMEOUT_MS, headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'}}, (response) => {
			let text = '';
			response.setEncoding('utf8');
			response.on('data', (chunk) => (text += chunk));
			response.on('end', () => resolve({status: response.statusCode, text, ms: elapsed()}));
		});
		request.on('timeout', () => request.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS} ms`)));
		request.on('error', (error) => resolve({status: 0, text: error.message, ms: elapsed()}));
		request.end(JSON.stringify(body));
	});
}

async function load() {
	const token = randomBytes(24).toString('hex');
	const server = await startChild(script('server-child.cjs'), [bundles.server], {env: {...functionEnv, BINDER_HTTP_TOKEN: token}, timeoutMs: 10 * CHILD_TIMEOUT_MS});
	const agent = new http.Agent({keepAlive: true, maxSockets: LOAD_REQUESTS});
	const rounds = [];
	let parentCpuMs = 0;
	try {
		for (const round of range(PLAN.loadRounds)) {
			const buckets = range(LOAD_REQUESTS).map((index) => ({bucket: `load-${round}-${index}-${APP_ID}`}));
			resetEmulator(LOAD_LATENCY_MS, buckets);
			log(`load: round ${round + 1}/${PLAN.loadRounds}, ${LOAD_REQUESTS} concurrent POST /bind`);
			const started = process.hrtime.bigint();
			const cpu = process.cpuUsage();
			const replies = await Promise.all(buckets.map(({bucket}) => post(`${server.report.url}/bind`, {agent, token, body: {buckets: [bucket], region: REGION}})));
			const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
			const used = process.cpuUsage(cpu);
			parentCpuMs += (used.user + used.system) / 1000;

			const answered = replies.filter((reply, index) => {
				if (reply.status !== 200) return false;
				const result = JSON.parse(reply.text).results?.[0];
				return result?.bucket === buckets[index].bucket && result.outcome === 'bound';
			});
			const binds = new Map();
			for (const entry of emu.requests) {
				if (entry.operation === 'CreateCIBucket') binds.set(entry.host.split('.')[0], (binds.get(entry.host.split('.')[0]) ?? 0) + 1);
			}

			const once = buckets.filter(({bucket}) => binds.get(bucket) === 1 && emu.bucket(bucket)?.ci === 'on' && emu.bucket(bucket)?.bindCount === 1);
			const errors = replies.filter((reply) => reply.status !== 200);
			check(errors.length === 0, `load round ${round + 1}: ${errors.length} errors (first: ${errors[0]?.status} ${errors[0]?.text.slice(0, 200)})`);
			check(answered.length === LOAD_REQUESTS, `load round ${round + 1}: ${LOAD_REQUESTS - answered.length} replies without their bucket's result`);
			check(once.length === LOAD_REQUESTS, `load round ${round + 1}: ${LOAD_REQUESTS - once.length} buckets not bound exactly once`);
			const latencies = replies.map((reply) => reply.ms);
			rounds.push({ok: replies.length - errors.length, answered: answered.length, once: once.length, p50: median(latencies), p90: percentile(latencies, 90), p99: percentile(latencies, 99), max: Math.max(...latencies), throughput: LOAD_REQUESTS / (wallMs / 1000)});
		}
	} finally {
		agent.destroy();
	}

	const final = await server.stop();
	const m = (key) => median(rounds.map((item) => item[key]));
	const min = (key) => Math.min(...rounds.map((item) => item[key]));
	const idealMs = 2 * LOAD_LATENCY_MS;
	return {
		title: `5. Load: the local HTTP runner (serveFunction) under ${LOAD_REQUESTS} concurrent POST /bind (one new bucket each, bearer token, emulator latency ${LOAD_LATENCY_MS} ms; ${PLAN.loadRounds} round(s), median)`,
		body: table(
			['', 'ours', 'ideal', 'ours ÷ ideal'],
			[
				['200 OK (worst round)', `${min('ok')} / ${LOAD_REQUESTS}`, String(LOAD_REQUESTS), ''],
				['replies carrying their bucket\'s result (worst round)', `${min('answered')} / ${LOAD_REQUESTS}`, String(LOAD_REQUESTS), ''],
				['buckets bound exactly once (worst round)', `${min('once')} / ${LOAD_REQUESTS}`, String(LOAD_REQUESTS), ''],
				...['p50', 'p90', 'p99', 'max'].map((key) => [`latency ${key} (ms)`, fmt(m(key)), fmt(idealMs), ratio(m(key), idealMs)]),
				['latency p50 of each round, in order (ms)', rounds.map((item) => fmt(item.p50, 0)).join(' → '), fmt(idealMs), ''],
				['throughput (requests/s)', fmt(m('throughput'), 0), fmt(LOAD_REQUESTS / (idealMs / 1000), 0), ratio(m('throughput'), LOAD_REQUESTS / (idealMs / 1000))],
				['server CPU per request (ms)', fmt(final?.cpuMs / (LOAD_REQUESTS * PLAN.loadRounds), 2), '', ''],
				['emulator + load generator CPU per request (ms)', fmt(parentCpuMs / (LOAD_REQUESTS * PLAN.loadRounds), 2), '', ''],
				['server peak RSS (MB)', fmt(final?.maxRssKB / KB_PER_MB), '', ''],
			],
		),
		notes: [
			`Ideal = every request answered after its two requests (status, bind) at ${LOAD_LATENCY_MS} ms, all ${LOAD_REQUESTS} in parallel. The load generator (Node, keep-alive agent, ${LOAD_REQUESTS} sockets) shares this process with the emulator; the server is a child process.`,
			'Every round goes to the same server process, as a long-running runner would: a slowdown from round to round is state that outlives an invocation.',
		],
	};
}

const started = Date.now();
const sections = [];
try {
	const SECTIONS = {cold: coldStart, warm, 'long-lived': longLived, batch, signing, load};
	const unknown = ONLY?.filter((name) => !(name in SECTIONS)) ?? [];
	if (unknown.length > 0) throw new Error(`--only: unknown section ${unknown.join(', ')} (expected ${Object.keys(SECTIONS).join(', ')})`);
	for (const [name, section] of Object.entries(SECTIONS)) {
		if (ONLY && !ONLY.includes(name)) continue;
		log(`${name}…`);
		sections.push(await section());
	}
} finally {
	await emu.close();
}

const cpus = os.cpus();
const report = [
	`# Benchmarks${QUICK ? ' (quick run)' : ''}${ONLY ? ` (only ${ONLY.join(', ')})` : ''}`,
	'',
	`${new Date().toISOString().slice(0, 10)}, ${commit}, Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, load average ${os.loadavg()[0].toFixed(2)}; ${((Date.now() - started) / 1000).toFixed(0)} s. Shared machine: read ratios, not absolute numbers. Everything on loopback against the emulator; \`npm run bench\` reproduces it.`,
	'',
	...sections.flatMap(({title, body, notes}) => [`## ${title}`, '', body, '', ...notes.map((note) => `- ${note}`), '']),
	failures.length === 0 ? 'All correctness checks passed (every event bound its bucket, every batch bound exactly the unbound buckets, every load request answered 200 with its result, every bucket bound once).' : `**Correctness checks failed:**\n\n${failures.map((failure) => `- ${failure}`).join('\n')}`,
	'',
].join('\n');
const output = QUICK || ONLY ? path.join(OUT, 'results-partial.md') : path.join(ROOT, 'bench/results.md');
fs.writeFileSync(output, report);
process.stdout.write(report);
log(`written to ${path.relative(ROOT, output)}`);
process.exitCode = failures.length === 0 ? 0 : 1;
