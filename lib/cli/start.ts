import {randomBytes} from 'node:crypto';
import {parseArgs} from 'node:util';
import {credentialsFromEnv} from '../client/credentials.js';
import {DEMO_CREDENTIALS, startEmulator, type Emulator} from '../emulator/index.js';
import {handle, loadConfig, serveFunction, type HandlerHttpReply, type InvocationResult, type LocalServer} from '../function/index.js';
import {parseIntegerInRange} from '../utils/integer.js';
import {waitForStop} from '../utils/signals.js';
import {UsageError} from './args.js';
import {isLoopbackEndpoint} from './demo.js';
import type {Printer} from './output.js';

// Demo buckets the embedded emulator starts with: some bound, some not, in three regions.
const DEMO_BUCKETS = [
	{name: 'photos', region: 'ap-guangzhou', bound: true},
	{name: 'videos', region: 'ap-guangzhou', bound: false},
	{name: 'archive', region: 'ap-shanghai', bound: false},
	{name: 'avatars', region: 'ap-beijing', bound: true},
	{name: 'thumbnails', region: 'ap-beijing', bound: false},
];

const TIME_LIMIT_MS = 300_000;
// Buckets named in the dry-run report; the logs have every one.
const LISTED_BUCKETS = 20;

function context(kind: string, counter: number) {
	const deadline = Date.now() + TIME_LIMIT_MS;
	return {request_id: `start-${kind}-${counter}`, function_name: 'cos-ci-binder', getRemainingTimeInMillis: () => deadline - Date.now()};
}

/** A CloudAudit `PutBucket` event as EventBridge delivers it (see test/fixtures/events). */
export function putBucketEvent(bucket: string, region: string, appId: string, requestId: string) {
	return {
		specversion: '1.0',
		id: requestId,
		source: 'cos.cloud.tencent',
		type: 'cos:CloudEvent:ConsoleCall',
		subject: `qcs::cos:${region}:uid/${appId}:${bucket}`,
		time: Date.now(),
		region,
		datacontenttype: 'application/json;charset=utf-8',
		data: {
			eventName: 'PutBucket',
			eventRegion: region,
			errorCode: 0,
			resourceName: `qcs::cos:${region}:uid/${appId}:${bucket}`,
			requestParameters: {bucket},
		},
	};
}

/** Who the runner talks to: its own emulator, or the account of the keys in the environment. */
export type StartTarget = {kind: 'embedded'} | {kind: 'account'; real: boolean; endpoint: string | undefined};

/**
Keys set (either spelling, as the client reads them) → that account: a real Tencent Cloud account
unless `BINDER_ENDPOINT` is a loopback URL (an emulator run separately). No keys and no endpoint → the
embedded emulator.
*/
export function startTarget(env: NodeJS.ProcessEnv): StartTarget {
	const keysSet = ['TENCENTCLOUD_SECRETID', 'TENCENTCLOUD_SECRET_ID', 'TENCENTCLOUD_SECRETKEY', 'TENCENTCLOUD_SECRET_KEY'].some((name) => env[name]?.trim());
	const endpoint = env.BINDER_ENDPOINT || undefined;
	if (!keysSet && endpoint === undefined) {
		return {kind: 'embedded'};
	}

	return {kind: 'account', real: endpoint === undefined || !isLoopbackEndpoint(endpoint), endpoint};
}

/** What the first lines say about the account, before anything is sent. */
export function describeTarget(target: Extract<StartTarget, {kind: 'account'}>, dryRun: boolean): string[] {
	return [
		target.real
			? `Talking to a REAL Tencent Cloud account${target.endpoint ? ` through ${target.endpoint}` : ''}, with the keys in TENCENTCLOUD_SECRETID/SECRETKEY.`
			: `Talking to the account at ${target.endpoint}, with the keys in TENCENTCLOUD_SECRETID/SECRETKEY.`,
		dryRun
			? '  DRY RUN: nothing is bound. The timer reports what it would bind. To bind for real: npm start -- --apply'
			: '  --apply: unbound buckets in scope WILL be bound.',
	];
}

/** One paragraph on what a timer tick did or would do. */
export function describeTick(result: InvocationResult | undefined, dryRun: boolean): string {
	if (result === undefined) {
		return 'The timer tick failed: see the logs above.';
	}

	if (result.error) {
		return `The timer tick could not run: ${result.error.code}: ${result.error.message}`;
	}

	const pick = (outcome: string) => result.results.filter((item) => item.outcome === outcome);
	const named = (items: typeof result.results) =>
		items
			.slice(0, LISTED_BUCKETS)
			.map((item) => `    ${item.bucket} (${item.region})`)
			.concat(items.length > LISTED_BUCKETS ? [`    … and ${items.length - LISTED_BUCKETS} more (see the logs above)`] : []);
	const {summary} = result;
	const lines = [`Timer tick: ${summary.total} bucket(s) in scope, ${summary['already-bound']} already bound, ${summary.failed} failed.`];
	if (dryRun) {
		const wouldBind = pick('would-bind');
		lines.push(wouldBind.length === 0 ? '  Nothing to bind.' : `  Would bind ${wouldBind.length} bucket(s) (nothing was bound; --apply binds them):`, ...named(wouldBind));
	} else {
		const bound = pick('bound');
		lines.push(`  Bound ${bound.length} bucket(s)${bound.length > 0 ? ':' : '.'}`, ...named(bound));
	}

	const failed = pick('failed');
	if (failed.length > 0) {
		lines.push('  Failed:', ...failed.slice(0, LISTED_BUCKETS).map((item) => `    ${item.bucket} (${item.region}): ${item.code}: ${item.message ?? ''}`));
	}

	return lines.join('\n');
}

const isInvocation = (value: InvocationResult | HandlerHttpReply | undefined): value is InvocationResult => value !== undefined && !('statusCode' in value);

/** What `start` was asked to do. */
type StartOptions = {once: boolean; apply: boolean; functionPort: number; emulatorPort: number; timerSeconds: number};

const MAX_PORT = 65_535;

/** The flags, all checked before anything starts: a server left running would keep the process alive. */
function parseStartArgs(argv: string[]): StartOptions {
	let values;
	try {
		({values} = parseArgs({
			args: argv,
			options: {
				once: {type: 'boolean', default: false},
				apply: {type: 'boolean', default: false},
				port: {type: 'string'},
				'emulator-port': {type: 'string'},
				'timer-seconds': {type: 'string'},
			},
			strict: true,
		}));
	} catch (error) {
		throw new UsageError((error as Error).message);
	}

	const port = (raw: string | undefined, name: string, fallback: number) => {
		const value = raw === undefined ? fallback : parseIntegerInRange(raw, 0, MAX_PORT);
		if (value === undefined) {
			throw new UsageError(`--${name} must be a port number from 0 to ${MAX_PORT}`);
		}

		return value;
	};

	const timerSeconds = values['timer-seconds'] === undefined ? 60 : parseIntegerInRange(values['timer-seconds'], 1, Number.MAX_SAFE_INTEGER);
	if (timerSeconds === undefined) {
		throw new UsageError('--timer-seconds must be a whole number ≥ 1');
	}

	return {
		once: values.once === true,
		apply: values.apply === true,
		functionPort: port(values.port, 'port', 9001),
		emulatorPort: port(values['emulator-port'], 'emulator-port', 0),
		timerSeconds,
	};
}

/** Who the run talks to and with what environment; the embedded emulator started and filled with the demo account. */
type Run = {target: StartTarget; runEnv: NodeJS.ProcessEnv; dryRun: boolean; emulator: Emulator | undefined; generatedToken: string | undefined};

/** Check the keys and settings (nothing is sent before), start the embedded emulator when there are no keys, and say who the run talks to. */
async function prepareRun(env: NodeJS.ProcessEnv, options: StartOptions, print: Printer): Promise<Run> {
	const target = startTarget(env);
	const runEnv: NodeJS.ProcessEnv = {...env};
	if (target.kind === 'account') {
		credentialsFromEnv(env);
		if (!options.apply) {
			runEnv.BINDER_DRY_RUN = 'true';
		}
	}

	const {dryRun} = loadConfig(target.kind === 'embedded' ? {...runEnv, BINDER_ENDPOINT: 'http://127.0.0.1:9000'} : runEnv);
	let emulator: Emulator | undefined;
	if (target.kind === 'embedded') {
		emulator = await startEmulator({port: options.emulatorPort});
		for (const demo of DEMO_BUCKETS) {
			emulator.createBucket(`${demo.name}-1250000000`, demo.region, {bound: demo.bound});
		}

		Object.assign(runEnv, {
			BINDER_ENDPOINT: emulator.url,
			TENCENTCLOUD_SECRETID: DEMO_CREDENTIALS.secretId,
			TENCENTCLOUD_SECRETKEY: DEMO_CREDENTIALS.secretKey,
			TENCENTCLOUD_APPID: '1250000000',
			TENCENTCLOUD_REGION: runEnv.TENCENTCLOUD_REGION ?? 'ap-guangzhou',
		});
	} else {
		print.line(describeTarget(target, dryRun).join('\n'));
	}

	const generatedToken = runEnv.BINDER_HTTP_TOKEN ? undefined : randomBytes(18).toString('base64url');
	if (generatedToken) {
		runEnv.BINDER_HTTP_TOKEN = generatedToken;
	}

	return {target, runEnv, dryRun, emulator, generatedToken};
}

/** Invokes main_handler as the platform would, and keeps count of what went wrong. */
type Invoker = {
	/** One timer tick (batch rebinding); undefined when the handler threw. */
	tick(): Promise<InvocationResult | undefined>;
	/** Keep a promise until it settles, so that the run can wait for it. */
	track(promise: Promise<unknown>): void;
	/** Every tracked invocation settled. */
	settled(): Promise<unknown>;
	/** Invocations that threw, and buckets that failed, so far. */
	readonly threw: number;
	readonly failed: number;
};

/** Wire the handler to the run: ticks on demand, and a PutBucket event for each bucket the emulator creates. */
function createInvoker(run: Run, print: Printer): Invoker {
	let counter = 0;
	let threw = 0;
	let failed = 0;
	const pending = new Set<Promise<unknown>>();
	const invoke = async (event: unknown, kind: string) => {
		try {
			const result = await handle(event, context(kind, ++counter), {env: run.runEnv, write: print.line});
			if (isInvocation(result)) {
				failed += result.summary.failed;
			}

			return result;
		} catch (error) {
			threw++;
			print.line(JSON.stringify({level: 'error', message: `handler threw: ${(error as Error).message}`}));
			return undefined;
		}
	};

	const invoker: Invoker = {
		async tick() {
			const result = await invoke({Type: 'Timer', TriggerName: 'local-timer', Time: new Date().toISOString(), Message: ''}, 'timer');
			return isInvocation(result) ? result : undefined;
		},
		track(promise) {
			pending.add(promise);
			void promise.finally(() => pending.delete(promise));
		},
		settled: () => Promise.all(pending),
		get threw() {
			return threw;
		},
		get failed() {
			return failed;
		},
	};
	run.emulator?.on('bucket-created', (created) => {
		invoker.track(invoke(putBucketEvent(created.bucket, created.region, created.appId, created.requestId), 'eventbridge'));
	});
	return invoker;
}

/**
`npm start`: the function and, without Tencent credentials, the embedded emulator, wired together.
Creating a bucket in the emulator delivers a CloudAudit PutBucket event to the function (as
EventBridge would); a timer tick runs batch rebinding; the HTTP API is served on localhost.
With `--once` it runs one tick (and one bucket creation on the emulator), prints the results and exits.

With keys in the environment it talks to that account instead, and binds nothing unless `--apply`
is given: a newcomer with keys exported in the shell must not bind a production account by trying
the demo. Everything goes to `print` (scrubbed of the caller's secrets; the generated HTTP token is shown
on purpose).
*/
export async function runStart(argv: string[], env: NodeJS.ProcessEnv, print: Printer): Promise<number> {
	const options = parseStartArgs(argv);
	const run = await prepareRun(env, options, print);
	const invoker = createInvoker(run, print);
	return options.once ? runOnce(run, invoker, print) : serveUntilStopped(run, invoker, options, print);
}

/** One timer tick (and one bucket creation on the emulator); the exit code says whether anything failed. */
async function runOnce(run: Run, invoker: Invoker, print: Printer): Promise<number> {
	const result = await invoker.tick();
	const {emulator} = run;
	if (emulator) {
		emulator.createBucket('fresh-1250000000', 'ap-guangzhou');
		await invoker.settled();
		const state = emulator.buckets().map((bucket) => `${bucket.bucket} (${bucket.region}): CI ${bucket.ci}`);
		print.line(`\nEmulator state after one timer tick and one bucket creation:\n  ${state.join('\n  ')}`);
		await emulator.close();
	} else {
		print.line(`\n${describeTick(result, run.dryRun)}`);
	}

	// The platform would retry a throwing invocation; here it is the run's failure.
	return invoker.threw > 0 || invoker.failed > 0 ? 1 : 0;
}

/** Serve the function URL and tick on the timer until SIGINT or SIGTERM, then close everything. */
async function serveUntilStopped(run: Run, invoker: Invoker, options: StartOptions, print: Printer): Promise<number> {
	// Listening from now on: a Ctrl-C during the first tick still closes everything cleanly.
	const stopped = waitForStop();
	let server: LocalServer;
	try {
		server = await serveFunction({port: options.functionPort, env: run.runEnv, write: print.line});
	} catch (error) {
		// Port taken, most likely: say so, and do not leave the emulator holding the process open.
		await run.emulator?.close();
		throw new UsageError(`cannot serve the function on port ${options.functionPort}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (try --port)`);
	}

	print.stdout(banner(run, server.url, options.timerSeconds));
	const first = await invoker.tick();
	if (!run.emulator) {
		print.line(describeTick(first, run.dryRun));
	}

	const timer = setInterval(() => invoker.track(invoker.tick()), options.timerSeconds * 1000);
	await stopped;
	clearInterval(timer);
	await invoker.settled();
	await server.close();
	await run.emulator?.close();
	return 0;
}

/** What is running and the commands to try it with. */
function banner(run: Run, serverUrl: string, timerSeconds: number): string {
	const {emulator, target, runEnv, dryRun} = run;
	const tokenShown = run.generatedToken ?? '<your BINDER_HTTP_TOKEN>';
	const auth = `-H 'authorization: Bearer ${tokenShown}'`;
	return [
		'',
		'cos-ci-binder is running.',
		emulator
			? `  Emulator (Tencent CI/COS stand-in): ${emulator.url}  — demo account APPID 1250000000`
			: `  Against ${target.kind === 'account' && target.real ? 'your REAL Tencent Cloud account' : `the account at ${runEnv.BINDER_ENDPOINT}`}${dryRun ? ', DRY RUN (npm start -- --apply binds)' : ', binding for real (--apply)'}.`,
		`  Function URL (main_handler):        ${serverUrl}`,
		`  HTTP token for this run:            ${tokenShown}`,
		`  Timer: batch rebinding every ${timerSeconds} s (one tick now).`,
		'',
		'Try:',
		...(emulator
			? [
					'  # create a bucket: EventBridge delivers PutBucket to the function, which binds it',
					`  curl -s -X POST ${emulator.url}/_emulator/buckets -H 'content-type: application/json' -d '{"bucket":"newbucket-1250000000","region":"ap-guangzhou"}'`,
					`  curl -s ${emulator.url}/_emulator/state`,
					'  # call the HTTP API (the first timer tick has bound the demo buckets already: expect already-bound)',
					`  curl -s -X POST ${serverUrl}/bind ${auth} -H 'content-type: application/json' -d '{"buckets":["videos-1250000000"],"region":"ap-guangzhou"}'`,
					`  curl -s '${serverUrl}/status?bucket=videos-1250000000&region=ap-guangzhou' ${auth}`,
				]
			: [
					'  # the HTTP API, with one of your buckets (<name>-<appid>) and its region',
					`  curl -s '${serverUrl}/status?bucket=<name>-<appid>&region=<region>' ${auth}`,
					...(dryRun ? ['  # this run is a dry run: /bind and /sync report would-bind unless a request sends "dryRun": false'] : []),
				]),
		`  curl -s -X POST ${serverUrl}/sync ${auth} -H 'content-type: application/json' -d '{"dryRun":true}'`,
		'',
		'Ctrl-C stops.',
		'',
	].join('\n');
}
