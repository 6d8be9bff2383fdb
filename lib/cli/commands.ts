// The commands that talk to the binder (bind, status, unbind, list, buckets, sync) and to the function
// (invoke, serve), plus the emulator. Each resolves with its exit code.
import {createClient} from '../client/client.js';
import {credentialsFromEnv} from '../client/credentials.js';
import {allSettled, summarize, type BucketResult} from '../core/results.js';
import {bindTargets} from '../binder/batch.js';
import {leastPrivilegePolicy} from '../binder/cam-policy.js';
import {parsePatterns} from '../binder/scope.js';
import {compilePolicy, parseServices, policyOf, type ServicePolicy} from '../binder/services.js';
import {isAppId} from '../core/names.js';
import {checkStatus} from '../binder/status.js';
import {syncAccount} from '../binder/sync.js';
import {unbindBucket} from '../binder/unbind.js';
import {createLogger, handle, loadConfig, secretsOf, serveFunction, type BinderConfig, type HandlerHttpReply, type InvocationResult} from '../function/index.js';
import {mapWithConcurrency} from '../utils/pool.js';
import {waitForStop} from '../utils/signals.js';
import {bucketArguments, concurrencyOption, integerOption, parseCommandArgs, readJsonFile, regionOption, UsageError} from './args.js';
import {createPrinter, type CliIo, type PrintedRecord, type Printer} from './output.js';
import {createProgress, NO_PROGRESS, type Progress} from './progress.js';
import {DoctorUsageError, runDoctor} from '../doctor/command.js';

/** 0 when every bucket ended as planned; a bucket left undone for lack of time counts as not. */
export const exitFor = (results: readonly BucketResult[]) => (allSettled(results.filter((result) => result.outcome !== 'skipped')) && !results.some((result) => result.outcome === 'skipped' && result.code === 'TimeBudget') ? 0 : 1);

/** What a command gets: its arguments, the user's environment, the one it runs with, and where to print. */
export type CommandContext = {
	args: string[];
	/** The environment as given. */
	env: NodeJS.ProcessEnv;
	/** With the emulator's demo keys filled in when BINDER_ENDPOINT is a loopback emulator (see demo.ts). */
	runEnv: NodeJS.ProcessEnv;
	print: Printer;
	io: CliIo;
};

export type Command = (context: CommandContext) => Promise<number>;

/**
The function's settings and the keys, checked before anything is sent: a bad setting or missing keys
are the caller's to fix (exit 2), not a per-bucket failure (exit 1) after a round of doomed requests.
*/
function preflight(runEnv: NodeJS.ProcessEnv) {
	const config = loadConfig(runEnv);
	credentialsFromEnv(runEnv);
	return config;
}

/** A client with the function's settings (BINDER_RETRIES, the request timeout) that tells `progress` of its retries. */
function clientFor(runEnv: NodeJS.ProcessEnv, config: BinderConfig, progress: Progress = NO_PROGRESS) {
	return createClient({
		env: runEnv,
		retry: {retries: config.retries},
		timeoutMs: config.requestTimeoutMs,
		onRetry: ({operation, bucket, attempt, delayMs, error}) => progress.retrying({operation, bucket, attempt, delayMs, code: error.code}),
	});
}

// A single bind that answers at once shows no line; one still going after this long says what it waits on.
const SINGLE_BIND_QUIET_MS = 3000;

/** A live progress line on stderr, only on a terminal and never with `--json`. */
function progressFor(context: CommandContext, label: string, json: boolean, options: {total?: number; showAfterMs?: number} = {}): Progress {
	const {stderr} = context.io;
	if (json || stderr.isTTY !== true) {
		return NO_PROGRESS;
	}

	return createProgress({write: (text) => context.print.stderr(text), now: context.io.now, label, columns: stderr.columns, ...options});
}

/** `bind`, `status`, `unbind`: named buckets in one region, one record each. */
export function perBucket(kind: 'bind' | 'status' | 'unbind'): Command {
	return async (context) => {
		const {values, positionals} = parseCommandArgs(context.args, {
			'dry-run': {type: 'boolean', default: false},
			force: {type: 'boolean', default: false},
			...(kind === 'bind' ? {services: {type: 'string'}} : {}),
		});
		const region = regionOption(values.region, context.env, true)!;
		const buckets = bucketArguments(positionals, region);
		const json = values.json === true;
		const config = preflight(context.runEnv);
		const concurrency = concurrencyOption(values.concurrency, config.concurrency);
		const progress = kind === 'bind' ? progressFor(context, 'bind', json, {total: buckets.length, showAfterMs: buckets.length === 1 ? SINGLE_BIND_QUIET_MS : 0}) : NO_PROGRESS;
		const client = clientFor(context.runEnv, config, progress);
		let results: PrintedRecord[];
		try {
			if (kind === 'bind') {
				const dryRun = values['dry-run'] === true || config.dryRun;
				results = await bindTargets(client, buckets.map((bucket) => ({bucket, region})), {
					concurrency,
					dryRun,
					force: values.force === true,
					services: compilePolicy(servicesOption(values.services, config.services)),
					onSettled: (result) => progress.settled(result),
				});
			} else if (kind === 'status') {
				results = await mapWithConcurrency(buckets, concurrency, async (bucket) => {
					const {status, result} = await checkStatus(client, bucket, region);
					return {...result, ciStatus: status};
				});
			} else {
				results = await mapWithConcurrency(buckets, concurrency, async (bucket) => unbindBucket(client, bucket, region));
			}
		} finally {
			progress.stop();
		}

		for (const result of results) {
			context.print.record(result, json);
		}

		return results.some((result) => result.outcome === 'failed') ? 1 : 0;
	};
}

export const list: Command = async ({args, env, runEnv, print}) => {
	const {values} = parseCommandArgs(args, {prefix: {type: 'string'}});
	const region = regionOption(values.region, env, false);
	const bound = await clientFor(runEnv, preflight(runEnv)).listBound({region, bucketNamePrefix: values.prefix as string | undefined});
	for (const item of bound) {
		// The list holds unbinding buckets too: only `on` is bound.
		const outcome = item.status === '' || item.status === 'on' ? 'already-bound' : 'skipped';
		print.record({bucket: item.bucketId, region: item.region, outcome, ciStatus: item.status || 'on', createTime: item.createTime, durationMs: 0}, values.json === true);
	}

	if (values.json !== true) {
		print.errorLine(`${bound.length} bound bucket(s)`);
	}

	return 0;
};

export const buckets: Command = async ({args, env, runEnv, print}) => {
	const {values} = parseCommandArgs(args);
	const region = regionOption(values.region, {} as NodeJS.ProcessEnv, false);
	const client = clientFor(runEnv, preflight(runEnv));
	const [all, bound] = await Promise.all([client.listBuckets({region}), client.listBound({region: region ?? env.TENCENTCLOUD_REGION})]);
	const boundIds = new Set(bound.filter((item) => item.status === '' || item.status === 'on').map((item) => item.bucketId));
	for (const bucket of all) {
		const isBound = boundIds.has(bucket.bucket);
		print.record({bucket: bucket.bucket, region: bucket.region, outcome: isBound ? 'already-bound' : 'would-bind', ciStatus: isBound ? 'on' : 'off', createdAt: bucket.createdAt, durationMs: 0}, values.json === true);
	}

	return 0;
};

export const sync: Command = async (context) => {
	const {args, env, runEnv, print} = context;
	const {values} = parseCommandArgs(args, {
		regions: {type: 'string'},
		include: {type: 'string', multiple: true},
		exclude: {type: 'string', multiple: true},
		'dry-run': {type: 'boolean', default: false},
		force: {type: 'boolean', default: false},
		services: {type: 'string'},
	});
	const json = values.json === true;
	const regions = values.regions === undefined ? undefined : (values.regions as string).split(',').map((region) => regionOption(region.trim(), env, true, '--regions')!);
	const include = values.include === undefined ? undefined : parsePatterns(values.include, '--include');
	const exclude = values.exclude === undefined ? undefined : parsePatterns(values.exclude, '--exclude');
	const config = preflight(runEnv);
	const concurrency = concurrencyOption(values.concurrency, config.concurrency);
	const progress = progressFor(context, 'sync', json);
	const client = clientFor(runEnv, config, progress);
	// A log line (a warning when the bound list cannot be read) erases the progress line first; it is redrawn at the next event.
	const log = createLogger({
		level: config.logLevel,
		base: {requestId: `cli-${process.pid}`, trigger: 'cli'},
		secrets: secretsOf(runEnv),
		write(line) {
			progress.clear();
			print.errorLine(line);
		},
	});
	let report;
	try {
		report = await syncAccount(
			client,
			{
				regions: regions ?? config.regions,
				include: include ?? config.include,
				exclude: exclude ?? config.exclude,
				concurrency,
				dryRun: values['dry-run'] === true || config.dryRun,
				force: values.force === true,
				listRegion: (regions ?? config.regions)[0] ?? config.functionRegion ?? 'ap-guangzhou',
				services: servicesOption(values.services, config.services),
			},
			log,
			undefined,
			{planned: (total) => progress.planned(total), settled: (result, timed) => progress.settled(result, timed)},
		);
	} finally {
		progress.stop();
	}

	for (const result of report.results) {
		print.record(result, json);
	}

	print.errorLine(JSON.stringify({summary: summarize(report.results), listed: report.listed, excluded: report.excluded}));
	return exitFor(report.results);
};

/** `--services ci,media`: these services for every bucket, instead of BINDER_SERVICES and its rules. */
function servicesOption(value: unknown, fallback: ServicePolicy): ServicePolicy {
	return value === undefined ? fallback : policyOf(parseServices(value, '--services'));
}

/**
`policy`: the least-privilege CAM policy of the execution role for BINDER_SERVICES and BINDER_SERVICES_RULES (or
`--services`), as JSON. For the default it is deploy/cam-policy.json. No keys needed: nothing is sent.
*/
export const policy: Command = async ({args, runEnv, print}) => {
	const {values, positionals} = parseCommandArgs(args, {services: {type: 'string'}, 'app-id': {type: 'string'}});
	if (positionals.length > 0) {
		throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
	}

	const appId = values['app-id'] as string | undefined;
	if (appId !== undefined && !isAppId(appId)) {
		throw new UsageError(`--app-id must be digits, got ${JSON.stringify(appId)}`);
	}

	const config = loadConfig(runEnv);
	print.line(JSON.stringify(leastPrivilegePolicy(servicesOption(values.services, config.services), appId), null, '\t'));
	return 0;
};

/**
The exit code of one invocation, by the README's rule: 2 for a bad configuration, 1 when a bucket
failed (transient or permanent), was left undone for lack of time, or the event was not understood;
for an HTTP event, when the reply is an error or reports a failed bucket.
*/
export function invocationExitCode(result: InvocationResult | HandlerHttpReply): number {
	if ('statusCode' in result) {
		let failed = 0;
		try {
			failed = Number((JSON.parse(result.body) as {summary?: {failed?: unknown}})?.summary?.failed) || 0;
		} catch {}

		return result.statusCode >= 400 || failed > 0 ? 1 : 0;
	}

	if (result.error) {
		return result.error.code === 'InvalidConfig' ? 2 : 1;
	}

	return exitFor(result.results);
}

/** Run main_handler exactly as the platform would: the return value on stdout, logs on stderr. */
export const invoke: Command = async ({args, runEnv, print}) => {
	const {values, positionals} = parseCommandArgs(args, {context: {type: 'string'}});
	if (positionals.length !== 1) {
		throw new UsageError('invoke takes exactly one event file');
	}

	const event = await readJsonFile(positionals[0]!, 'event');
	const context = values.context === undefined ? {} : await readJsonFile(values.context as string, '--context');
	if (typeof context !== 'object' || context === null || Array.isArray(context)) {
		throw new UsageError('--context: must be a JSON object');
	}

	preflight(runEnv);
	const limit = Number((context as {time_limit_in_ms?: unknown}).time_limit_in_ms) || 300_000;
	const deadline = Date.now() + limit;
	const fullContext = {request_id: `invoke-${process.pid}`, function_name: 'cos-ci-binder', ...context, getRemainingTimeInMillis: () => deadline - Date.now()};
	try {
		const result = await handle(event, fullContext, {env: runEnv, write: (line) => print.errorLine(line)});
		print.line(JSON.stringify(result, null, 2));
		return invocationExitCode(result);
	} catch (error) {
		print.errorLine(`main_handler threw: ${(error as Error).message}`);
		return 1;
	}
};

export const serve: Command = async ({args, runEnv, print}) => {
	const {values} = parseCommandArgs(args, {port: {type: 'string'}, host: {type: 'string'}});
	const port = integerOption(values.port, 'port', 9001, 0, 65_535);
	preflight(runEnv);
	const stopped = waitForStop();
	const server = await serveFunction({port, host: values.host as string | undefined, env: runEnv, write: (line) => print.line(line)});
	print.line(`main_handler served as a function URL at ${server.url}`);
	await stopped;
	await server.close();
	return 0;
};

export const emulator: Command = async ({args, env, io}) => {
	const {runEmulatorCli} = await import('../emulator/cli.js');
	// Its banner shows the public demo keys on purpose: scrub only the user's own secrets, not the demo
	// keys that a loopback BINDER_ENDPOINT adds to the run environment.
	const print = createPrinter(io, secretsOf(env));
	try {
		await runEmulatorCli(args, {write: (text) => print.stdout(text)});
	} catch (error) {
		// Its flags are parsed by the emulator itself, which throws an Error naming the flag.
		throw new UsageError((error as Error).message);
	}

	return 0;
};

/** `doctor`: the deployment checked from outside, one line per check (lib/doctor). */
export const doctor: Command = async ({args, runEnv, print, io}) => {
	try {
		return await runDoctor({
			args,
			runEnv,
			io: {line: print.line, errorLine: print.errorLine, progress: io.stderr.isTTY === true ? (text) => print.stderr(text) : undefined, now: io.now},
		});
	} catch (error) {
		if (error instanceof DoctorUsageError) {
			throw new UsageError(error.message);
		}

		throw error;
	}
};
