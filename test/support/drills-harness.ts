// Failure drills: the real handler, over loopback HTTP, against the emulator's fault injection.
// Shared by test/integration/drills*.test.ts. Everything here asserts invariants, never exact timings.
import * as assert from 'uvu/assert';
import {startEmulator, type Emulator, type EmulatorBucket, type EmulatorOptions} from '../../lib/emulator/index.js';
import {createRng} from '../../lib/emulator/rng.js';
import {handle, type InvocationResult} from '../../lib/function/main-handler.js';
import {OUTCOMES, summarize, type BucketResult, type ResultSummary} from '../../lib/core/results.js';
import {APP, TOKEN, context, events, functionEnv} from './function.js';

export {APP, TOKEN, context, events};

export const REGIONS = ['ap-guangzhou', 'ap-shanghai', 'ap-beijing'] as const;

/** No drill may take longer than this: a hang fails the test instead of stalling the suite. */
export const DRILL_TIMEOUT_MS = 30_000;

// Taken once at load: a hostile body that reached a naive XML-to-object mapper would add keys here.
const OBJECT_PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();

/** Object.prototype is exactly as it was: nothing was polluted through `__proto__`/`constructor` tags or keys. */
export function assertPrototypeClean(label = ''): void {
	assert.is(({} as Record<string, unknown>).polluted, undefined, `${label}: ({}).polluted is set`);
	assert.is(({} as Record<string, unknown>).CIStatus, undefined, `${label}: ({}).CIStatus is set`);
	assert.equal(Object.getOwnPropertyNames(Object.prototype).sort(), OBJECT_PROTOTYPE_KEYS, `${label}: Object.prototype changed`);
	assert.is(Object.getPrototypeOf({}), Object.prototype, `${label}: prototype of {} changed`);
}

/** Reject with a clear message when `promise` has not settled within `ms`; `onTimeout` may free what hangs. */
export async function guard<T>(promise: Promise<T>, ms: number, label: string, onTimeout?: () => unknown): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_resolve, reject) => {
		timer = setTimeout(() => {
			void onTimeout?.();
			reject(new Error(`${label}: did not finish within ${ms} ms (hang)`));
		}, ms);
	});
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

/** `count` buckets `<prefix>NNN-APPID` spread over the three regions; every `boundEvery`-th starts bound (0: none). */
export function populate(emu: Emulator, count: number, options: {prefix?: string; boundEvery?: number} = {}): string[] {
	const names: string[] = [];
	for (let index = 0; index < count; index++) {
		const bucket = `${options.prefix ?? 'drill'}${String(index).padStart(4, '0')}-${APP}`;
		emu.createBucket(bucket, REGIONS[index % REGIONS.length]!, {bound: options.boundEvery ? index % options.boundEvery === 0 : false});
		names.push(bucket);
	}

	return names;
}

/** What one invocation of an async trigger left: its return value or its error, and what it logged. */
export type Run = {
	/** The handler's return value; undefined when it threw. */
	result: InvocationResult | undefined;
	/** What the handler threw, if it did. */
	thrown: unknown;
	/** The per-bucket results: returned, or rebuilt from the `bucket result` log lines when the handler threw. */
	results: BucketResult[];
	summary: ResultSummary | undefined;
	/** Whether `results` were rebuilt from the log lines (the handler threw). */
	fromLogs: boolean;
	/** The invocation-level error (listing failed, …), returned or logged. */
	error: {code: string; message: string; transient?: boolean} | undefined;
	sync: InvocationResult['sync'];
	lines: Array<Record<string, any>>;
	/** Wall time of the invocation. */
	elapsedMs: number;
};

/** Per-request hook on the handler's fetch (the `fetch` dependency): see the tests for uses. */
export type FetchHook = (request: Request, next: (request: Request) => Promise<Response>) => Promise<Response>;

export type Drill = {
	emu: Emulator;
	env: Record<string, string | undefined>;
	/** Every log line of every invocation, parsed. */
	lines: Array<Record<string, any>>;
	/** Replace the fetch hook (undefined: plain fetch). */
	setFetchHook: (hook: FetchHook | undefined) => void;
	/** Invoke with any event; resolves with the return value or rejects with what the handler threw. */
	invoke: (event: unknown, ctx?: unknown) => Promise<any>;
	/** An async trigger: never rejects, the outcome is in the {@link Run}. */
	run: (event: unknown, ctx?: unknown) => Promise<Run>;
	/** A timer tick (batch rebinding). */
	timer: (ctx?: unknown, message?: unknown) => Promise<Run>;
	/** `POST /sync` through the HTTP API (never throws): status code and parsed body. */
	httpSync: (body?: unknown, ctx?: unknown) => Promise<{statusCode: number; body: any}>;
};

export type DrillOptions = {
	emulator?: EmulatorOptions;
	env?: Record<string, string | undefined>;
	/** Seeds `Math.random` for the drill, which makes the client's backoff jitter reproducible (the handler offers no other way). */
	jitterSeed?: number;
};

/**
Start an emulator, wire the real handler to it, run `body`, and close everything; the whole drill is
guarded by {@link DRILL_TIMEOUT_MS} (on timeout the emulator is closed, which fails what is in flight).
*/
export async function drill(label: string, options: DrillOptions, body: (drill: Drill) => Promise<void>): Promise<void> {
	const emu = await startEmulator({seed: 1, ...options.emulator});
	const originalRandom = Math.random;
	if (options.jitterSeed !== undefined) {
		Math.random = createRng(options.jitterSeed);
	}

	const env = functionEnv(emu, {BINDER_CONCURRENCY: '16', ...options.env});
	const lines: Array<Record<string, any>> = [];
	let hook: FetchHook | undefined;
	const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
		// ky hands over a Request carrying the attempt's signal, plus options fetch alone understands.
		const request = input instanceof Request ? input : new Request(input, init);
		const next = (outgoing: Request) => fetch(outgoing, input instanceof Request ? init : undefined);
		return hook ? hook(request, next) : next(request);
	}) as typeof fetch;

	const invokeWith = (event: unknown, ctx: unknown, sink: Array<Record<string, any>>) =>
		handle(event, ctx, {
			env,
			fetch: fetchImpl,
			write(line) {
				const parsed = JSON.parse(line) as Record<string, any>;
				sink.push(parsed);
				lines.push(parsed);
			},
		});

	const run = async (event: unknown, ctx: unknown = context()): Promise<Run> => {
		const own: Array<Record<string, any>> = [];
		const started = performance.now();
		let result: InvocationResult | undefined;
		let thrown: unknown;
		try {
			result = (await invokeWith(event, ctx, own)) as InvocationResult;
		} catch (error) {
			thrown = error;
		}

		const elapsedMs = performance.now() - started;
		const summaryLine = own.find((line) => line.message === 'invocation summary');
		// `message` is the log line's own field, so a result's message cannot be logged under that name
		// (see the log-line drill); take it from whichever field carries it.
		const logged = own
			.filter((line) => line.message === 'bucket result')
			.map(({bucket, region, outcome, code, transient, durationMs, requests, ...rest}) => {
				const message = ['detail', 'reason', 'resultMessage', 'errorMessage', 'error'].map((key) => rest[key]).find((value) => typeof value === 'string') as string | undefined;
				return {bucket, region, outcome, code, ...(message === undefined ? {} : {message}), transient, durationMs, requests} as BucketResult;
			});
		return {
			result,
			thrown,
			results: result?.results ?? logged,
			fromLogs: result === undefined,
			summary: result?.summary ?? summaryLine?.summary,
			error: result ? result.error : summaryLine?.error,
			sync: result ? result.sync : summaryLine?.sync,
			lines: own,
			elapsedMs,
		};
	};

	const harness: Drill = {
		emu,
		env,
		lines,
		setFetchHook(next) {
			hook = next;
		},
		invoke: (event, ctx = context()) => invokeWith(event, ctx, []),
		run,
		timer: (ctx, message = '') => run(events.timer(message), ctx),
		async httpSync(body = {}, ctx = context()) {
			const reply = (await invokeWith(events.url('POST', '/sync', {body: JSON.stringify(body)}), ctx, [])) as {statusCode: number; body: string; headers: Record<string, string>};
			assert.match(reply.headers['content-type'] ?? '', /application\/json/);
			return {statusCode: reply.statusCode, body: JSON.parse(reply.body)};
		},
	};

	const started = performance.now();
	try {
		await guard(body(harness), DRILL_TIMEOUT_MS, label, () => emu.close());
	} finally {
		Math.random = originalRandom;
		await emu.close();
		if (process.env.DRILLS_VERBOSE) {
			console.log(`  <${label}> ${Math.round(performance.now() - started)} ms`);
		}
	}
}

export type InvariantOptions = {
	/** The buckets the run had to cover. @default every emulator bucket */
	scope?: (bucket: EmulatorBucket) => boolean;
	/** Highest `bindCount` allowed for a bucket in scope. @default 1 (bound exactly once) */
	maxBindCount?: number;
	label?: string;
};

/**
The invariants every drill must keep, whatever the faults:

- summary counts match the results (`total` and per outcome);
- every bucket in scope ends as exactly one result (set of result buckets == set of emulator buckets in
  scope, no duplicates, nothing outside the scope), with the bucket's own region;
- `bound` and `already-bound` are true in the emulator (`ci` is `on`);
- `failed` carries a code, a message (unless rebuilt from logs) and whether it is transient; `skipped` carries a code;
- a bucket is bound at most `maxBindCount` times;
- the result serialises, and Object.prototype is untouched.

When the listing itself failed (an invocation-level `error`), there are no per-bucket results at all.
*/
export function assertInvariants(run: Pick<Run, 'results' | 'summary' | 'error'> & {fromLogs?: boolean; thrown?: unknown}, emu: Emulator, options: InvariantOptions = {}): void {
	const label = options.label ?? 'run';
	const {results, summary} = run;
	if (process.env.DRILLS_VERBOSE) {
		console.log(`  [${label}] ${describeRun(run)}${'thrown' in run && run.thrown ? ' (threw TransientFailureError)' : ''}`);
	}

	assert.ok(summary, `${label}: no summary (neither returned nor logged)`);
	assert.equal(summary, summarize(results), `${label}: summary does not match the results`);
	assert.is(summary.total, results.length, `${label}: summary.total`);
	for (const outcome of OUTCOMES) {
		assert.is(summary[outcome], results.filter((item) => item.outcome === outcome).length, `${label}: summary.${outcome}`);
	}

	const inScope = emu.buckets().filter(options.scope ?? (() => true));
	if (run.error) {
		// The account listing failed: an invocation-level error with its code, and no per-bucket record.
		assert.type(run.error.code, 'string', `${label}: error.code`);
		assert.ok(run.error.code.length > 0 && run.error.message.length > 0, `${label}: error without code or message`);
		assert.is(results.length, 0, `${label}: per-bucket results despite a listing error`);
	} else {
		const names = results.map((item) => item.bucket);
		const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
		assert.equal(duplicates, [], `${label}: buckets with more than one result`);
		assert.equal(new Set(names), new Set(inScope.map((bucket) => bucket.bucket)), `${label}: result buckets differ from the buckets in scope`);
	}

	for (const item of results) {
		const bucket = emu.bucket(item.bucket);
		assert.ok(bucket, `${label}: result for unknown bucket ${item.bucket}`);
		assert.is(item.region, bucket.region, `${label}: ${item.bucket} region`);
		assert.ok((OUTCOMES as readonly string[]).includes(item.outcome), `${label}: ${item.bucket} outcome ${item.outcome}`);
		if (item.outcome === 'bound' || item.outcome === 'already-bound') {
			assert.is(bucket.ci, 'on', `${label}: ${item.bucket} reported ${item.outcome} but the emulator says ${bucket.ci}`);
		}

		if (item.outcome === 'failed') {
			assert.type(item.code, 'string', `${label}: ${item.bucket} failed without a code`);
			assert.ok(item.code!.length > 0, `${label}: ${item.bucket} failed with an empty code`);
			if (!run.fromLogs) {
				assert.type(item.message, 'string', `${label}: ${item.bucket} failed without a message`);
			}

			assert.type(item.transient, 'boolean', `${label}: ${item.bucket} failed without saying whether it is transient`);
		}

		if (item.outcome === 'skipped') {
			assert.type(item.code, 'string', `${label}: ${item.bucket} skipped without a code`);
		}
	}

	const maxBindCount = options.maxBindCount ?? 1;
	const overBound = inScope.filter((bucket) => bucket.bindCount > maxBindCount).map((bucket) => `${bucket.bucket}×${bucket.bindCount}`);
	assert.equal(overBound, [], `${label}: bound more than ${maxBindCount} time(s)`);
	assert.equal(JSON.parse(JSON.stringify(results)), results.map((item) => JSON.parse(JSON.stringify(item))), `${label}: results do not serialise`);
	assertPrototypeClean(label);
}

/**
Async triggers throw only for transient trouble: a `TransientFailureError` exactly when some result is
failed and transient, or the listing failed transiently; anything else thrown is a crash.
*/
export function assertThrowRule(run: Run, label = 'run'): void {
	const transient = run.results.some((item) => item.outcome === 'failed' && item.transient === true) || run.error?.transient === true;
	if (run.thrown === undefined) {
		assert.not.ok(transient, `${label}: transient failures but the handler did not throw (the platform would not retry)`);
		assert.ok(run.result, `${label}: no result`);
	} else {
		assert.is((run.thrown as Error)?.name, 'TransientFailureError', `${label}: the handler crashed: ${String((run.thrown as Error)?.stack ?? run.thrown)}`);
		assert.ok(transient, `${label}: threw TransientFailureError without any transient failure`);
	}
}

/** Every bucket in scope `on`, bound at most `maxBindCount` times. */
export function assertAllBound(emu: Emulator, label: string, maxBindCount = 1, scope: (bucket: EmulatorBucket) => boolean = () => true): void {
	const buckets = emu.buckets().filter(scope);
	const off = buckets.filter((bucket) => bucket.ci !== 'on').map((bucket) => `${bucket.bucket}:${bucket.ci}`);
	assert.equal(off, [], `${label}: not bound`);
	const over = buckets.filter((bucket) => bucket.bindCount > maxBindCount).map((bucket) => `${bucket.bucket}×${bucket.bindCount}`);
	assert.equal(over, [], `${label}: bound more than ${maxBindCount} time(s)`);
}

/**
Remove every fault and run a clean timer tick: it must return (no throw), fail nothing, skip nothing,
and leave every bucket in scope bound, none more than `maxBindCount` times.
*/
export async function assertConverges(drill: Drill, label: string, options: {maxBindCount?: number; scope?: (bucket: EmulatorBucket) => boolean} = {}): Promise<Run> {
	drill.emu.setFaults({});
	drill.setFetchHook(undefined);
	const run = await drill.timer(context());
	assertThrowRule(run, `${label} (clean run)`);
	assertInvariants(run, drill.emu, {label: `${label} (clean run)`, ...options});
	assert.is(run.error, undefined, `${label} (clean run): ${JSON.stringify(run.error)}`);
	assert.is(run.summary!.failed, 0, `${label} (clean run): ${JSON.stringify(run.results.filter((item) => item.outcome === 'failed').slice(0, 3))}`);
	assert.is(run.summary!.skipped, 0, `${label} (clean run): skipped`);
	assertAllBound(drill.emu, `${label} (clean run)`, options.maxBindCount, options.scope);
	return run;
}

/** Count results per outcome and, for failures, per code: for messages. */
export function describeRun(run: Pick<Run, 'results' | 'summary' | 'error'>): string {
	const codes: Record<string, number> = {};
	for (const item of run.results) {
		if (item.outcome === 'failed' || item.outcome === 'skipped') {
			const key = `${item.outcome}:${item.code}${item.transient ? '(transient)' : ''}`;
			codes[key] = (codes[key] ?? 0) + 1;
		}
	}

	return JSON.stringify({summary: run.summary, codes, error: run.error});
}

/** Resolve after `ms`, or reject with the signal's reason as soon as it aborts (like a slow network would). */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal.aborted) {
			reject(signal.reason);
			return;
		}

		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal.reason);
		};

		signal.addEventListener('abort', onAbort, {once: true});
	});
}

/** The emulator operation a service request is for, from its endpoint-override URL (enough for the drills). */
export function operationOf(request: Request, emulatorUrl: string): string {
	const url = new URL(request.url);
	if (!request.url.startsWith(`${emulatorUrl}/`)) {
		return 'External';
	}

	const [, host = '', ...rest] = url.pathname.split('/');
	const path = `/${rest.join('/')}`;
	if (host === 'service.cos.myqcloud.com' || /^cos\.[a-z0-9-]+\.myqcloud\.com$/.test(host)) {
		return 'GetService';
	}

	if (/^ci\.[a-z0-9-]+\.myqcloud\.com$/.test(host) && path.startsWith('/cibuckets')) {
		return 'DescribeCIBuckets';
	}

	if (/\.ci\.[a-z0-9-]+\.myqcloud\.com$/.test(host)) {
		if (request.method === 'GET') {
			return 'DescribeCIBucketStatus';
		}

		return url.searchParams.has('unbind') ? 'DeleteCIBucket' : 'CreateCIBucket';
	}

	return 'Unknown';
}
