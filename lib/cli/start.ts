import {randomBytes} from 'node:crypto';
import {parseArgs} from 'node:util';
import {DEMO_CREDENTIALS, startEmulator, type Emulator} from '../emulator/index.js';
import {handle} from '../function/main-handler.js';
import {serveFunction} from '../function/local-server.js';

// Demo buckets the embedded emulator starts with: some bound, some not, in three regions.
const DEMO_BUCKETS = [
	{name: 'photos', region: 'ap-guangzhou', bound: true},
	{name: 'videos', region: 'ap-guangzhou', bound: false},
	{name: 'archive', region: 'ap-shanghai', bound: false},
	{name: 'avatars', region: 'ap-beijing', bound: true},
	{name: 'thumbnails', region: 'ap-beijing', bound: false},
];

const TIME_LIMIT_MS = 300_000;

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

/**
`npm start`: the function and, without Tencent credentials, the embedded emulator, wired together.
Creating a bucket in the emulator delivers a CloudAudit PutBucket event to the function (as
EventBridge would); a timer tick runs batch rebinding; the HTTP API is served on localhost.
With `--once` it runs one tick and one bucket creation, prints the results and exits.
*/
export async function runStart(argv: string[], env: NodeJS.ProcessEnv, usageError: (message: string) => Error): Promise<number> {
	let values;
	try {
		({values} = parseArgs({
			args: argv,
			options: {once: {type: 'boolean', default: false}, port: {type: 'string'}, 'emulator-port': {type: 'string'}, 'timer-seconds': {type: 'string'}},
			strict: true,
		}));
	} catch (error) {
		throw usageError((error as Error).message);
	}

	const port = (name: string, fallback: number) => {
		const raw = values[name as 'port'];
		const value = raw === undefined ? fallback : Number(raw);
		if (!Number.isInteger(value) || value < 0 || value > 65_535) {
			throw usageError(`--${name} must be a port number from 0 to 65535`);
		}

		return value;
	};

	const timerSeconds = values['timer-seconds'] === undefined ? 60 : Number(values['timer-seconds']);
	if (!Number.isInteger(timerSeconds) || timerSeconds < 1) {
		throw usageError('--timer-seconds must be a whole number ≥ 1');
	}

	// Every option is checked before anything starts: a server left running would keep the process alive.
	const functionPort = port('port', 9001);
	const emulatorPort = port('emulator-port', 0);

	const hasKeys = Boolean(env.TENCENTCLOUD_SECRETID ?? env.TENCENTCLOUD_SECRET_ID);
	const runEnv: NodeJS.ProcessEnv = {...env};
	let emulator: Emulator | undefined;
	if (!hasKeys && !env.BINDER_ENDPOINT) {
		emulator = await startEmulator({port: emulatorPort});
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
	} else if (!hasKeys) {
		throw usageError('BINDER_ENDPOINT is set but TENCENTCLOUD_SECRETID/SECRETKEY are not');
	}

	const generatedToken = runEnv.BINDER_HTTP_TOKEN ? undefined : randomBytes(18).toString('base64url');
	if (generatedToken) {
		runEnv.BINDER_HTTP_TOKEN = generatedToken;
	}

	const write = (line: string) => process.stdout.write(`${line}\n`);
	let counter = 0;
	const invoke = async (event: unknown, kind: string) => {
		try {
			return await handle(event, context(kind, ++counter), {env: runEnv, write});
		} catch (error) {
			write(JSON.stringify({level: 'error', message: `handler threw: ${(error as Error).message}`}));
			return undefined;
		}
	};

	const pending = new Set<Promise<unknown>>();
	const track = (promise: Promise<unknown>) => {
		pending.add(promise);
		void promise.finally(() => pending.delete(promise));
	};

	emulator?.on('bucket-created', (created) => {
		track(invoke(putBucketEvent(created.bucket, created.region, created.appId, created.requestId), 'eventbridge'));
	});
	const tick = () => invoke({Type: 'Timer', TriggerName: 'local-timer', Time: new Date().toISOString(), Message: ''}, 'timer');

	if (values.once) {
		await tick();
		emulator?.createBucket('fresh-1250000000', 'ap-guangzhou');
		await Promise.all(pending);
		const state = emulator?.buckets().map((bucket) => `${bucket.bucket} (${bucket.region}): CI ${bucket.ci}`);
		process.stdout.write(`\nEmulator state after one timer tick and one bucket creation:\n  ${state?.join('\n  ') ?? '(real account: see the logs above)'}\n`);
		await emulator?.close();
		return 0;
	}

	let server;
	try {
		server = await serveFunction({port: functionPort, env: runEnv, write});
	} catch (error) {
		// Port taken, most likely: say so, and do not leave the emulator holding the process open.
		await emulator?.close();
		throw usageError(`cannot serve the function on port ${functionPort}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (try --port)`);
	}

	const tokenShown = generatedToken ?? '<your BINDER_HTTP_TOKEN>';
	process.stdout.write(
		[
			'',
			'cos-ci-binder is running.',
			emulator ? `  Emulator (Tencent CI/COS stand-in): ${emulator.url}  — demo account APPID 1250000000` : '  Against Tencent Cloud with your credentials.',
			`  Function URL (main_handler):        ${server.url}`,
			`  HTTP token for this run:            ${tokenShown}`,
			`  Timer: batch rebinding every ${timerSeconds} s (one tick now).`,
			'',
			'Try:',
			...(emulator
				? [
						'  # create a bucket: EventBridge delivers PutBucket to the function, which binds it',
						`  curl -s -X POST ${emulator.url}/_emulator/buckets -H 'content-type: application/json' -d '{"bucket":"newbucket-1250000000","region":"ap-guangzhou"}'`,
						`  curl -s ${emulator.url}/_emulator/state`,
					]
				: []),
			'  # call the HTTP API (the first timer tick has bound the demo buckets already: expect already-bound)',
			`  curl -s -X POST ${server.url}/bind -H 'authorization: Bearer ${tokenShown}' -H 'content-type: application/json' -d '{"buckets":["videos-1250000000"],"region":"ap-guangzhou"}'`,
			`  curl -s '${server.url}/status?bucket=videos-1250000000&region=ap-guangzhou' -H 'authorization: Bearer ${tokenShown}'`,
			`  curl -s -X POST ${server.url}/sync -H 'authorization: Bearer ${tokenShown}' -H 'content-type: application/json' -d '{"dryRun":true}'`,
			'',
			'Ctrl-C stops.',
			'',
		].join('\n'),
	);
	await tick();
	const timer = setInterval(() => track(tick()), timerSeconds * 1000);
	const {waitForSignal} = await import('./main.js');
	await waitForSignal();
	clearInterval(timer);
	await Promise.all(pending);
	await server.close();
	await emulator?.close();
	return 0;
}
