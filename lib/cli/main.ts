import {readFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {checkedStatus, createClient, failure} from '../client/client.js';
import {credentialsFromEnv} from '../client/credentials.js';
import {parseBucketId, validateRegion} from '../client/names.js';
import {isBinderError} from '../errors/binder-error.js';
import {bindTargets, syncAccount} from '../function/batch.js';
import {loadConfig, secretsOf} from '../function/config.js';
import {parsePatterns} from '../function/events/sync-options.js';
import {createLogger} from '../function/logger.js';
import {handle, type HandlerHttpReply, type InvocationResult} from '../function/main-handler.js';
import {serveFunction} from '../function/local-server.js';
import {allSettled, summarize, type BucketResult} from '../results.js';
import {mapWithConcurrency} from '../utils/pool.js';
import {withDemoCredentials} from './demo.js';
import {createPrinter, processIo, type CliIo, type Printer} from './output.js';
import {createProgress, NO_PROGRESS, type Progress} from './progress.js';
import {waitForSignal} from './signals.js';
import {runStart} from './start.js';
import {DoctorUsageError, runDoctor} from '../doctor/command.js';
import {COMMAND_HELP, overview} from './usage.js';

/** A mistake in how the CLI was called: exit code 2. */
export class UsageError extends Error {}

const COMMON: ParseArgsConfig['options'] = {
	region: {type: 'string'},
	json: {type: 'boolean', default: false},
	concurrency: {type: 'string'},
};

function parse(argv: string[], options: ParseArgsConfig['options'] = {}) {
	try {
		return parseArgs({args: argv, options: {...COMMON, ...options}, allowPositionals: true, strict: true});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

function integerOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
	if (value === undefined) {
		return fallback;
	}

	const number = Number(value);
	if (!/^\d+$/.test(String(value)) || number < min || number > max) {
		throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
	}

	return number;
}

function regionOption(value: unknown, env: NodeJS.ProcessEnv, required: boolean, flag = '--region'): string | undefined {
	const region = (value as string | undefined) ?? env.TENCENTCLOUD_REGION;
	const field = value === undefined ? 'TENCENTCLOUD_REGION' : flag;
	if (region === undefined) {
		if (required) {
			throw new UsageError('--region is required (or set TENCENTCLOUD_REGION)');
		}

		return undefined;
	}

	try {
		return validateRegion(region, field);
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

function bucketArguments(positionals: string[], region: string): string[] {
	if (positionals.length === 0) {
		throw new UsageError('name at least one bucket as <name>-<appid>');
	}

	for (const [index, bucket] of positionals.entries()) {
		try {
			parseBucketId(bucket, `bucket argument ${index + 1}`, region);
		} catch (error) {
			throw new UsageError((error as Error).message);
		}
	}

	return [...new Set(positionals)];
}

async function readJsonFile(path: string, what: string): Promise<unknown> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		throw new UsageError(`${what}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}

	try {
		return JSON.parse(text) as unknown;
	} catch (error) {
		throw new UsageError(`${what}: ${path} is not valid JSON: ${(error as Error).message}`);
	}
}

/** 0 when every bucket ended as planned; a bucket left undone for lack of time counts as not. */
const exitFor = (results: readonly BucketResult[]) => (allSettled(results.filter((result) => result.outcome !== 'skipped')) && !results.some((result) => result.outcome === 'skipped' && result.code === 'TimeBudget') ? 0 : 1);

/** What a command gets: its arguments, the user's environment, the one it runs with, and where to print. */
type CommandContext = {
	args: string[];
	/** The environment as given. */
	env: NodeJS.ProcessEnv;
	/** With the emulator's demo keys filled in when BINDER_ENDPOINT is a loopback emulator (see demo.ts). */
	runEnv: NodeJS.ProcessEnv;
	print: Printer;
	io: CliIo;
};

type Command = (context: CommandContext) => Promise<number>;

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
function clientFor(runEnv: NodeJS.ProcessEnv, config: ReturnType<typeof loadConfig>, progress: Progress = NO_PROGRESS) {
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
function perBucket(kind: 'bind' | 'status' | 'unbind'): Command {
	return async (context) => {
		const {values, positionals} = parse(context.args, {'dry-run': {type: 'boolean', default: false}, force: {type: 'boolean', default: false}});
		const region = regionOption(values.region, context.env, true)!;
		const buckets = bucketArguments(positionals, region);
		const json = values.json === true;
		const config = preflight(context.runEnv);
		const concurrency = integerOption(values.concurrency, 'concurrency', config.concurrency, 1, 64);
		const progress = kind === 'bind' ? progressFor(context, 'bind', json, {total: buckets.length, showAfterMs: buckets.length === 1 ? SINGLE_BIND_QUIET_MS : 0}) : NO_PROGRESS;
		const client = clientFor(context.runEnv, config, progress);
		let results: Array<BucketResult & Record<string, unknown>>;
		try {
			if (kind === 'bind') {
				const dryRun = values['dry-run'] === true || config.dryRun;
				results = await bindTargets(client, buckets.map((bucket) => ({bucket, region})), {concurrency, dryRun, force: values.force === true, onSettled: (result) => progress.settled(result)});
			} else if (kind === 'status') {
				results = await mapWithConcurrency(buckets, concurrency, async (bucket) => {
					const result = await client.ensureBound(bucket, region, {dryRun: true});
					return {...result, ciStatus: checkedStatus(result)};
				});
			} else {
				results = await mapWithConcurrency(buckets, concurrency, async (bucket) => {
					const started = performance.now();
					const durationMs = () => Math.round(performance.now() - started);
					try {
						const answer = await client.unbind(bucket, region);
						return {bucket, region, outcome: 'unbound' as never, requestId: answer.requestId, durationMs: durationMs()};
					} catch (error) {
						return {bucket, region, ...failure(error), durationMs: durationMs()};
					}
				});
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

const list: Command = async ({args, env, runEnv, print}) => {
	const {values} = parse(args, {prefix: {type: 'string'}});
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

const buckets: Command = async ({args, env, runEnv, print}) => {
	const {values} = parse(args);
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

const sync: Command = async (context) => {
	const {args, env, runEnv, print} = context;
	const {values} = parse(args, {
		regions: {type: 'string'},
		include: {type: 'string', multiple: true},
		exclude: {type: 'string', multiple: true},
		'dry-run': {type: 'boolean', default: false},
		force: {type: 'boolean', default: false},
	});
	const json = values.json === true;
	const regions = values.regions === undefined ? undefined : (values.regions as string).split(',').map((region) => regionOption(region.trim(), env, true, '--regions')!);
	const include = values.include === undefined ? undefined : parsePatterns(values.include, '--include');
	const exclude = values.exclude === undefined ? undefined : parsePatterns(values.exclude, '--exclude');
	const config = preflight(runEnv);
	const concurrency = integerOption(values.concurrency, 'concurrency', config.concurrency, 1, 64);
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
const invoke: Command = async ({args, runEnv, print}) => {
	const {values, positionals} = parse(args, {context: {type: 'string'}});
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

const serve: Command = async ({args, runEnv, print}) => {
	const {values} = parse(args, {port: {type: 'string'}, host: {type: 'string'}});
	const port = integerOption(values.port, 'port', 9001, 0, 65_535);
	preflight(runEnv);
	const stopped = waitForSignal();
	const server = await serveFunction({port, host: values.host as string | undefined, env: runEnv, write: (line) => print.line(line)});
	print.line(`main_handler served as a function URL at ${server.url}`);
	await stopped;
	await server.close();
	return 0;
};

const emulator: Command = async ({args, env, io}) => {
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
const doctor: Command = async ({args, runEnv, print, io}) => {
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

const COMMANDS: Record<string, Command> = {
	bind: perBucket('bind'),
	status: perBucket('status'),
	unbind: perBucket('unbind'),
	list,
	buckets,
	sync,
	invoke,
	serve,
	emulator,
	doctor,
	start: async ({args, env, print}) => runStart(args, env, {print, usageError: (message) => new UsageError(message)}),
};

const isCommand = (name: string | undefined): name is string => name !== undefined && Object.hasOwn(COMMANDS, name);

/** Everything before a `--` (after it, `-h` is an argument like any other). */
const options = (args: string[]) => (args.includes('--') ? args.slice(0, args.indexOf('--')) : args);
const asksHelp = (args: string[]) => options(args).some((arg) => arg === '-h' || arg === '--help');
const asksVersion = (args: string[]) => options(args).includes('--version');

export function version(): string {
	// lib/cli/main.ts and dist/cli/main.js both sit two levels below package.json.
	return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}).version;
}

/**
Run the CLI; resolves with the exit code. `io` is where it prints and the clock it reads (tests pass
pseudo-streams). Help is looked for before anything else: `-h`/`--help` anywhere among a command's
arguments prints that command's usage and exits 0, whatever else is there, and nothing is sent.
*/
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = processIo()): Promise<number> {
	const runEnv = withDemoCredentials(env);
	const print = createPrinter(io, secretsOf(runEnv));
	const [command, ...rest] = argv;
	const usageError = (message: string, usage: string) => {
		print.errorLine(`cos-ci-binder: ${message}\n\n${usage}`);
		return 2;
	};

	if (command === undefined) {
		return usageError('name a command', overview());
	}

	if (command === 'help' || command === '-h' || command === '--help') {
		const topic = rest[0];
		if (topic === undefined || topic.startsWith('-')) {
			print.line(overview());
			return 0;
		}

		if (!isCommand(topic)) {
			return usageError(`unknown command ${JSON.stringify(topic)}`, overview());
		}

		print.line(COMMAND_HELP[topic]!.text);
		return 0;
	}

	if (command === '--version' || command === 'version') {
		print.line(version());
		return 0;
	}

	if (!isCommand(command)) {
		return usageError(`unknown command ${JSON.stringify(command)}`, overview());
	}

	if (asksHelp(rest)) {
		print.line(COMMAND_HELP[command]!.text);
		return 0;
	}

	if (asksVersion(rest)) {
		print.line(version());
		return 0;
	}

	try {
		return await COMMANDS[command]!({args: rest, env, runEnv, print, io});
	} catch (error) {
		if (error instanceof UsageError) {
			print.errorLine(`cos-ci-binder ${command}: ${error.message}\nRun "cos-ci-binder ${command} --help" for usage.`);
			return 2;
		}

		if (isBinderError(error) && (error.code === 'InvalidConfig' || error.code === 'MissingCredentials' || error.code === 'InvalidArgument' || error.code === 'InvalidInput')) {
			print.errorLine(`cos-ci-binder ${command}: ${error.message}`);
			return 2;
		}

		print.errorLine(`cos-ci-binder ${command}: ${isBinderError(error) ? `${error.code}: ` : ''}${(error as Error).message}`);
		return 1;
	}
}
