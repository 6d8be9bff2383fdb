import {startEmulator, type Emulator, type EmulatorOptions} from '../../lib/emulator/index.js';
import {handle} from '../../lib/function/main-handler.js';
import {emulatorEnv} from './emulator.js';

export const APP = '1250000000';
export const TOKEN = 'test-http-token-0123456789abcdef';

/** Event factories, shaped as the platforms deliver them (see test/fixtures/events for recorded ones). */
export const events = {
	putBucket: (bucket: string, region: string, data: Record<string, unknown> = {}) => ({
		specversion: '1.0',
		id: `evt-${bucket}`,
		source: 'cos.cloud.tencent',
		type: 'cos:CloudEvent:ApiCall',
		subject: `qcs::cos:${region}:uid/${APP}:${bucket}`,
		time: 1_700_000_000_000,
		region,
		datacontenttype: 'application/json;charset=utf-8',
		data: {eventName: 'PutBucket', eventRegion: region, errorCode: 0, resourceName: `qcs::cos:${region}:uid/${APP}:${bucket}`, ...data},
	}),
	cos: (names: string[], region = 'gz') => ({
		Records: names.map((name) => ({
			cos: {cosSchemaVersion: '1.0', cosObject: {key: `/${APP}/${name}/a.jpg`, size: 1}, cosBucket: {name, appid: APP, region}},
			event: {eventName: 'cos:ObjectCreated:Put', eventVersion: '1.0', eventSource: 'qcs::cos', eventTime: 1_700_000_000},
		})),
	}),
	timer: (message: unknown = '') => ({Type: 'Timer', TriggerName: 'sync', Time: '2026-11-29T00:00:00Z', Message: typeof message === 'string' ? message : JSON.stringify(message)}),
	url: (method: string, path: string, options: {body?: string; headers?: Record<string, string>; query?: Record<string, string>; token?: string | null} = {}) => ({
		httpMethod: method,
		path,
		headers: {
			'content-type': 'application/json',
			...(options.token === null ? {} : {authorization: `Bearer ${options.token ?? TOKEN}`}),
			...options.headers,
		},
		queryString: options.query ?? {},
		body: options.body ?? '',
	}),
};

/** A context like SCF's, with a countdown. */
export function context(timeLimitMs = 300_000, requestId = 'req-test') {
	const deadline = Date.now() + timeLimitMs;
	return {request_id: requestId, function_name: 'cos-ci-binder', tencentcloud_region: 'ap-guangzhou', tencentcloud_appid: APP, getRemainingTimeInMillis: () => deadline - Date.now()};
}

/**
A context whose clock is the emulator's request log: the remaining time drops by `msPerRequest` for
every request the emulator has received. Time-budget tests use it so that the cut-off falls after the
same amount of work on any machine, however slow or loaded (no wall-clock timing in the assertion).
*/
export function requestClock(emu: Emulator, options: {startMs: number; msPerRequest: number}, requestId = 'req-test') {
	const before = emu.requests.length;
	return {
		...context(options.startMs, requestId),
		getRemainingTimeInMillis: () => options.startMs - options.msPerRequest * (emu.requests.length - before),
	};
}

export type Harness = {
	emu: Emulator;
	env: Record<string, string | undefined>;
	logs: string[];
	invoke: (event: unknown, ctx?: unknown) => Promise<any>;
};

/** The function's environment pointed at an emulator: demo keys, region, APPID, HTTP token. */
export function functionEnv(emu: Emulator, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
	return {
		...emulatorEnv(emu),
		TENCENTCLOUD_REGION: 'ap-guangzhou',
		TENCENTCLOUD_APPID: APP,
		BINDER_HTTP_TOKEN: TOKEN,
		...extra,
	};
}

/** An emulator and the handler wired to it, with captured log lines. */
export async function withFunction(options: {emulator?: EmulatorOptions; env?: Record<string, string | undefined>}, run: (harness: Harness) => Promise<void>) {
	const emu = await startEmulator(options.emulator ?? {});
	const logs: string[] = [];
	const env = functionEnv(emu, options.env);
	try {
		await run({emu, env, logs, invoke: (event, ctx = context()) => handle(event, ctx, {env, write: (line) => logs.push(line)})});
	} finally {
		await emu.close();
	}
}

export const parseLogs = (logs: string[]) => logs.map((line) => JSON.parse(line) as Record<string, any>);
