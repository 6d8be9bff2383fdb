import {readFile} from 'node:fs/promises';
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {checkedStatus, createClient, failure} from '../client/client.js';
import {parseBucketId, validateRegion} from '../client/names.js';
import {isBinderError} from '../errors/binder-error.js';
import {bindTargets, syncAccount} from '../function/batch.js';
import {loadConfig} from '../function/config.js';
import {parsePatterns} from '../function/events/sync-options.js';
import {createLogger} from '../function/logger.js';
import {handle} from '../function/main-handler.js';
import {serveFunction} from '../function/local-server.js';
import {allSettled, summarize, type BucketResult} from '../results.js';
import {mapWithConcurrency} from '../utils/pool.js';
import {printRecord} from './output.js';
import {runStart} from './start.js';
import {withDemoCredentials} from './demo.js';

const USAGE = `cos-ci-binder — bind Tencent Cloud COS buckets to Cloud Infinite

Usage:
  cos-ci-binder bind <bucket-appid>... --region R [--dry-run] [--force] [--json]
  cos-ci-binder status <bucket-appid>... --region R [--json]
  cos-ci-binder unbind <bucket-appid>... --region R [--json]
  cos-ci-binder list [--region R] [--prefix P] [--json]        bound buckets (DescribeCIBuckets)
  cos-ci-binder buckets [--region R] [--json]                  all COS buckets, marked bound or not
  cos-ci-binder sync [--regions a,b] [--include p] [--exclude p] [--dry-run] [--force] [--json]
  cos-ci-binder invoke <event.json> [--context ctx.json]       run main_handler on an event
  cos-ci-binder serve [--port N]                               serve the handler as a function URL
  cos-ci-binder emulator [--port N] [--seed N] [--latency-ms N]
  cos-ci-binder start [--once] [--port N] [--timer-seconds N]  emulator + function wired together

Options:
  --region R        region of the buckets (default: $TENCENTCLOUD_REGION)
  --json            one JSON object per bucket per line
  --concurrency N   requests in flight (default 8)

Credentials come from TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY / TENCENTCLOUD_SESSIONTOKEN,
the endpoint from BINDER_ENDPOINT (e.g. the emulator's URL). Exit codes: 0 every bucket ended bound,
already bound or as planned; 1 some bucket failed; 2 usage error.`;

/** A mistake in how the CLI was called: exit code 2. */
class UsageError extends Error {}

const COMMON: ParseArgsConfig['options'] = {
	region: {type: 'string'},
	json: {type: 'boolean', default: false},
	concurrency: {type: 'string'},
	help: {type: 'boolean', short: 'h', default: false},
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

const exitFor = (results: BucketResult[]) => (allSettled(results.filter((result) => result.outcome !== 'skipped')) && !results.some((result) => result.outcome === 'skipped' && result.code === 'TimeBudget') ? 0 : 1);

type Command = (args: string[], env: NodeJS.ProcessEnv, runEnv: NodeJS.ProcessEnv) => Promise<number>;

/** A client with the function's settings: BINDER_RETRIES and the request timeout. */
function configuredClient(runEnv: NodeJS.ProcessEnv) {
	const config = loadConfig(runEnv);
	return {config, client: createClient({env: runEnv, retry: {retries: config.retries}, timeoutMs: config.requestTimeoutMs})};
}

/** `bind`, `status`, `unbind`: named buckets in one region, one record each. */
function perBucket(kind: 'bind' | 'status' | 'unbind'): Command {
	return async (args, env, runEnv) => {
		const {values, positionals} = parse(args, {'dry-run': {type: 'boolean', default: false}, force: {type: 'boolean', default: false}});
		const region = regionOption(values.region, env, true)!;
		const buckets = bucketArguments(positionals, region);
		const {config, client} = configuredClient(runEnv);
		const concurrency = integerOption(values.concurrency, 'concurrency', config.concurrency, 1, 64);
		let results: Array<BucketResult & Record<string, unknown>>;
		if (kind === 'bind') {
			const dryRun = values['dry-run'] === true || config.dryRun;
			results = await bindTargets(client, buckets.map((bucket) => ({bucket, region})), {concurrency, dryRun, force: values.force === true});
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

		for (const result of results) {
			printRecord(result, values.json === true);
		}

		return results.some((result) => result.outcome === 'failed') ? 1 : 0;
	};
}

const list: Command = async (args, env, runEnv) => {
	const {values} = parse(args, {prefix: {type: 'string'}});
	const region = regionOption(values.region, env, false);
	const bound = await configuredClient(runEnv).client.listBound({region, bucketNamePrefix: values.prefix as string | undefined});
	for (const item of bound) {
		// The list holds unbinding buckets too: only `on` is bound.
		const outcome = item.status === '' || item.status === 'on' ? 'already-bound' : 'skipped';
		printRecord({bucket: item.bucketId, region: item.region, outcome, ciStatus: item.status || 'on', createTime: item.createTime, durationMs: 0}, values.json === true);
	}

	if (values.json !== true) {
		process.stderr.write(`${bound.length} bound bucket(s)\n`);
	}

	return 0;
};

const buckets: Command = async (args, env, runEnv) => {
	const {values} = parse(args);
	const region = regionOption(values.region, {} as NodeJS.ProcessEnv, false);
	const {client} = configuredClient(runEnv);
	const [all, bound] = await Promise.all([client.listBuckets({region}), client.listBound({region: region ?? env.TENCENTCLOUD_REGION})]);
	const boundIds = new Set(bound.filter((item) => item.status === '' || item.status === 'on').map((item) => item.bucketId));
	for (const bucket of all) {
		const isBound = boundIds.has(bucket.bucket);
		printRecord({bucket: bucket.bucket, region: bucket.region, outcome: isBound ? 'already-bound' : 'would-bind', ciStatus: isBound ? 'on' : 'off', createdAt: bucket.createdAt, durationMs: 0}, values.json === true);
	}

	return 0;
};

const sync: Command = async (args, env, runEnv) => {
	const {values} = parse(args, {
		regions: {type: 'string'},
		include: {type: 'string', multiple: true},
		exclude: {type: 'string', multiple: true},
		'dry-run': {type: 'boolean', default: false},
		force: {type: 'boolean', default: false},
	});
	const {config, client} = configuredClient(runEnv);
	const regions = values.regions === undefined ? config.regions : (values.regions as string).split(',').map((region) => regionOption(region.trim(), env, true, '--regions')!);
	const log = createLogger({level: config.logLevel, base: {requestId: `cli-${process.pid}`, trigger: 'cli'}, secrets: [], write: (line) => process.stderr.write(`${line}\n`)});
	const report = await syncAccount(
		client,
		{
			regions,
			include: values.include === undefined ? config.include : parsePatterns(values.include, '--include'),
			exclude: values.exclude === undefined ? config.exclude : parsePatterns(values.exclude, '--exclude'),
			concurrency: integerOption(values.concurrency, 'concurrency', config.concurrency, 1, 64),
			dryRun: values['dry-run'] === true || config.dryRun,
			force: values.force === true,
			listRegion: regions[0] ?? config.functionRegion ?? 'ap-guangzhou',
		},
		log,
	);
	for (const result of report.results) {
		printRecord(result, values.json === true);
	}

	process.stderr.write(`${JSON.stringify({summary: summarize(report.results), listed: report.listed, excluded: report.excluded})}\n`);
	return exitFor(report.results);
};

/** Run main_handler exactly as the platform would: the return value on stdout, logs on stderr. */
const invoke: Command = async (args, _env, runEnv) => {
	const {values, positionals} = parse(args, {context: {type: 'string'}});
	if (positionals.length !== 1) {
		throw new UsageError('invoke takes exactly one event file');
	}

	const event = await readJsonFile(positionals[0]!, 'event');
	const context = values.context === undefined ? {} : await readJsonFile(values.context as string, '--context');
	if (typeof context !== 'object' || context === null || Array.isArray(context)) {
		throw new UsageError('--context: must be a JSON object');
	}

	const limit = Number((context as {time_limit_in_ms?: unknown}).time_limit_in_ms) || 300_000;
	const deadline = Date.now() + limit;
	const fullContext = {request_id: `invoke-${process.pid}`, function_name: 'cos-ci-binder', ...context, getRemainingTimeInMillis: () => deadline - Date.now()};
	try {
		const result = await handle(event, fullContext, {env: runEnv, write: (line) => process.stderr.write(`${line}\n`)});
		process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
		return 0;
	} catch (error) {
		process.stderr.write(`main_handler threw: ${(error as Error).message}\n`);
		return 1;
	}
};

const serve: Command = async (args, _env, runEnv) => {
	const {values} = parse(args, {port: {type: 'string'}, host: {type: 'string'}});
	const server = await serveFunction({port: integerOption(values.port, 'port', 9001, 0, 65_535), host: values.host as string | undefined, env: runEnv});
	process.stdout.write(`main_handler served as a function URL at ${server.url}\n`);
	await waitForSignal();
	await server.close();
	return 0;
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
	async emulator(args) {
		const {runEmulatorCli} = await import('../emulator/cli.js');
		await runEmulatorCli(args);
		return 0;
	},
	start: async (args, env) => runStart(args, env, (message) => new UsageError(message)),
};

/** Run the CLI; resolves with the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
	const [command, ...rest] = argv;
	if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
		// Asked for: stdout, exit 0. Not asked for (no command): a usage error, on stderr.
		(command === undefined ? process.stderr : process.stdout).write(`${USAGE}\n`);
		return command === undefined ? 2 : 0;
	}

	const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
	try {
		if (run === undefined) {
			throw new UsageError(`unknown command ${JSON.stringify(command)}`);
		}

		return await run(rest, env, withDemoCredentials(env));
	} catch (error) {
		if (error instanceof UsageError) {
			process.stderr.write(`cos-ci-binder: ${error.message}\nRun "cos-ci-binder --help" for usage.\n`);
			return 2;
		}

		if (isBinderError(error) && (error.code === 'InvalidConfig' || error.code === 'MissingCredentials' || error.code === 'InvalidArgument' || error.code === 'InvalidInput')) {
			process.stderr.write(`cos-ci-binder: ${error.message}\n`);
			return 2;
		}

		process.stderr.write(`cos-ci-binder: ${isBinderError(error) ? `${error.code}: ` : ''}${(error as Error).message}\n`);
		return 1;
	}
}

export function waitForSignal(): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			process.off('SIGINT', done);
			process.off('SIGTERM', done);
			resolve();
		};

		process.once('SIGINT', done);
		process.once('SIGTERM', done);
	});
}
