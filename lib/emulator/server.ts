import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import type {Socket} from 'node:net';
import {performance} from 'node:perf_hooks';
import {handleAdmin, type AdminAnswer} from './admin.js';
import {findAuthorization, verifyRequest} from './auth.js';
import {EmulatorError, isEmulatorError} from './errors.js';
import {cloneFaults, decideFaults, latencyFor, mergeFaults, validateFaults} from './faults.js';
import {deeplyNestedBody, hugeBody, PROXY_ERROR_PAGE, protoTagsBody, truncatedBody} from './hostile-bodies.js';
import {capabilityByName, EMULATOR_CAPABILITIES} from './capabilities.js';
import {performOperation, type Answer} from './operations.js';
import {decodePath, loggableQuery, parseQuery, type QueryParam} from './query.js';
import {createRng, type Rng} from './rng.js';
import {classifyHost, isCiRoute, resolveTarget, routeOperation, type HostRoute, type RequestTarget} from './routing.js';
import {BucketCreatedListeners, type Listener} from './events.js';
import {integerInRange} from '../utils/integer.js';
import {isEmulatorAppId} from './names.js';
import {BucketStore, CredentialStore, validateCredential} from './store.js';
import type {BodyFaultKind, Emulator, EmulatorBucket, EmulatorCredential, EmulatorFaults, EmulatorOperation, EmulatorOptions, RequestLogEntry} from './types.js';
import {container, element, xmlDocument} from './xml.js';

/** The public demo key pair the emulator accepts by default. Not a secret: it only opens the emulator. */
export const DEMO_CREDENTIALS: EmulatorCredential = Object.freeze({
	secretId: 'AKIDEMULATORDEMO0000000000000000',
	secretKey: 'emulator-demo-secret-key-0000000',
});

/** Request bodies above this are refused before being buffered. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

const DEFAULTS = {
	port: 0,
	host: '127.0.0.1',
	appId: '1250000000',
	ownerUin: '100000000001',
	seed: 1,
	maxRequestLog: 10_000,
} as const;

const OWNER_UIN = /^\d{1,20}$/;

type Config = {
	port: number;
	host: string;
	appId: string;
	ownerUin: string;
	credentials: EmulatorCredential[];
	faults: EmulatorFaults;
	seed: number;
	maxRequestLog: number;
};

function resolveOptions(options: EmulatorOptions): Config {
	const integer = (name: string, value: unknown, min: number, max: number): number => {
		const integer = integerInRange(value, min, max);
		if (integer === undefined) {
			throw new TypeError(`startEmulator: options.${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
		}

		return integer;
	};

	const text = (name: string, value: unknown, valid: (value: string) => boolean, expected: string): string => {
		if (typeof value !== 'string' || !valid(value)) {
			throw new TypeError(`startEmulator: options.${name} must be ${expected}, got ${JSON.stringify(value)}`);
		}

		return value;
	};

	const credentials = options.credentials ?? [DEMO_CREDENTIALS];
	if (!Array.isArray(credentials) || credentials.length === 0) {
		throw new TypeError('startEmulator: options.credentials must be a non-empty array');
	}

	let faults: EmulatorFaults;
	try {
		faults = validateFaults(options.faults ?? {});
	} catch (error) {
		throw new TypeError(`startEmulator: options.${(error as Error).message}`, {cause: error});
	}

	return {
		port: integer('port', options.port ?? DEFAULTS.port, 0, 65_535),
		host: text('host', options.host ?? DEFAULTS.host, (value) => /^[\w.:-]+$/.test(value), 'a host name or IP address'),
		appId: text('appId', options.appId ?? DEFAULTS.appId, isEmulatorAppId, '5 to 12 digits'),
		ownerUin: text('ownerUin', options.ownerUin ?? DEFAULTS.ownerUin, (value) => OWNER_UIN.test(value), 'digits'),
		credentials: credentials.map((credential, index) => validateCredential(credential, `startEmulator: options.credentials[${index}]`)),
		faults,
		seed: integer('seed', options.seed ?? DEFAULTS.seed, -(2 ** 31), 2 ** 32 - 1),
		maxRequestLog: integer('maxRequestLog', options.maxRequestLog ?? DEFAULTS.maxRequestLog, 0, 10_000_000),
	};
}

/** ISO 8601 without milliseconds, the way COS prints times. */
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Where a request stands while it is handled: what the log and the error body need. */
type Progress = {
	requestId: string;
	flavour: 'ci' | 'cos';
	host: string;
	path: string;
	query: Record<string, string>;
	operation: EmulatorOperation;
	resource: string;
	secretId: string | undefined;
	/** Close the connection after answering (an unread body is left behind). */
	closeConnection: boolean;
};

/** What to send back. */
type Outcome =
	| {kind: 'xml' | 'json' | 'raw'; status: number; contentType: string; body: string | Buffer; code?: string; requestIdHeader: boolean}
	| {kind: 'huge'; requestId: string}
	| {kind: 'admin'; answer: AdminAnswer}
	| {kind: 'reset'};

/** All mutable state of one emulator; the HTTP handler and the programmatic API share it. */
class Runtime {
	readonly config: Config;
	readonly store: BucketStore;
	readonly listeners = new BucketCreatedListeners();
	credentials: CredentialStore;
	faults: EmulatorFaults;
	rng: Rng;
	log: RequestLogEntry[] = [];
	closed = false;
	readonly #idRng: Rng;
	#counter = 0;
	readonly #timers = new Set<{timer: NodeJS.Timeout; resolve: (value: boolean) => void}>();

	constructor(config: Config) {
		this.config = config;
		this.store = new BucketStore(config.appId);
		this.credentials = new CredentialStore(config.credentials);
		this.faults = cloneFaults(config.faults);
		this.rng = createRng(config.seed);
		// Ids draw from their own generator so that adding a log line never shifts the fault sequence.
		this.#idRng = createRng(config.seed ^ 0x5f_37_59_df);
	}

	reset(): void {
		this.store.clear();
		this.credentials = new CredentialStore(this.config.credentials);
		this.faults = cloneFaults(this.config.faults);
		this.rng = createRng(this.config.seed);
		this.log = [];
	}

	/** The emulator's clock: real time plus `clockOffsetMs`. */
	nowMs(): number {
		return Date.now() + (this.faults.clockOffsetMs ?? 0);
	}

	/** A request id shaped like the service's (base64 of `<hex>_<hex>_<counter>`): unique per emulator, seed-determined. */
	nextId(): string {
		this.#counter += 1;
		const random = Math.floor(this.#idRng() * 0xff_ff_ff_ff).toString(16).padStart(8, '0');
		const seed = (this.config.seed >>> 0).toString(16).padStart(8, '0');
		return Buffer.from(`${seed}_${random}_${this.#counter.toString(16).padStart(6, '0')}`).toString('base64');
	}

	record(entry: RequestLogEntry): void {
		if (this.config.maxRequestLog === 0) {
			return;
		}

		this.log.push(entry);
		if (this.log.length > this.config.maxRequestLog) {
			this.log.splice(0, this.log.length - this.config.maxRequestLog);
		}
	}

	createBucket(bucket: string, region: string, options: {bound?: boolean; createdAt?: string; capabilities?: string[]}, requestId: string): EmulatorBucket {
		if (typeof bucket !== 'string' || typeof region !== 'string') {
			throw new TypeError('createBucket: bucket and region must be strings');
		}

		const capabilities = options.capabilities ?? [];
		if (!Array.isArray(capabilities) || capabilities.some((name) => capabilityByName(name) === undefined)) {
			throw new TypeError(`createBucket: capabilities must be an array of ${EMULATOR_CAPABILITIES.map((item) => item.name).join(', ')}, got ${JSON.stringify(capabilities)}`);
		}

		const createdAt = options.createdAt ?? isoSeconds(this.nowMs());
		if (Number.isNaN(Date.parse(createdAt))) {
			throw new TypeError(`createBucket: createdAt must be an ISO 8601 time, got ${JSON.stringify(createdAt)}`);
		}

		const created = this.store.create(bucket, region, createdAt, options.bound ?? false, capabilities);
		const {name, appId} = this.store.idOf(created.bucket);
		this.listeners.emit({
			bucket: created.bucket,
			region: created.region,
			appId,
			name,
			time: new Date(this.nowMs()).toISOString(),
			requestId,
		});
		return created;
	}

	/** Wait before answering; resolves `false` when the emulator closed meanwhile. Never keeps a closed emulator alive. */
	delay(ms: number): Promise<boolean> {
		if (ms <= 0 || this.closed) {
			return Promise.resolve(!this.closed);
		}

		return new Promise((resolve) => {
			const entry = {
				timer: setTimeout(() => {
					this.#timers.delete(entry);
					resolve(true);
				}, ms),
				resolve,
			};
			this.#timers.add(entry);
		});
	}

	close(): void {
		this.closed = true;
		for (const entry of this.#timers) {
			clearTimeout(entry.timer);
			entry.resolve(false);
		}

		this.#timers.clear();
	}
}

/** Read the body, refusing (not buffering) more than {@link MAX_REQUEST_BODY_BYTES}. `undefined` = too large. */
function readRequestBody(request: IncomingMessage): Promise<Buffer | undefined> {
	const declared = Number(request.headers['content-length']);
	if (declared > MAX_REQUEST_BODY_BYTES) {
		return Promise.resolve(undefined);
	}

	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		const settle = (result: Buffer | undefined) => {
			request.off('data', onData);
			request.off('end', onEnd);
			request.off('error', onEnd);
			request.off('aborted', onEnd);
			resolve(result);
		};

		const onData = (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_REQUEST_BODY_BYTES) {
				request.pause();
				settle(undefined);
			} else {
				chunks.push(chunk);
			}
		};

		const onEnd = () => settle(Buffer.concat(chunks));
		request.on('data', onData);
		request.on('end', onEnd);
		request.on('error', onEnd);
		request.on('aborted', onEnd);
	});
}

function errorXml(progress: Progress, code: string, message: string): string {
	const traceId = Buffer.from(`trace_${progress.requestId}`).toString('base64').replace(/=+$/, '');
	const fields = [element('Code', code), element('Message', message)];
	if (progress.flavour === 'cos') {
		fields.push(element('Resource', progress.resource));
	}

	fields.push(element('RequestId', progress.requestId), element('TraceId', traceId));
	return xmlDocument(container('Error', ...fields));
}

function errorOutcome(progress: Progress, error: EmulatorError): Outcome {
	return {kind: 'xml', status: error.status, contentType: 'application/xml', body: errorXml(progress, error.code, error.message), code: error.code, requestIdHeader: true};
}

function answerOutcome(answer: Answer): Outcome {
	return {kind: 'xml', status: answer.status, contentType: answer.contentType, body: answer.body, requestIdHeader: true};
}

/** Replace the real answer with a hostile body (the work was done; only the answer is damaged). */
function applyBodyFault(kind: BodyFaultKind, outcome: Outcome, requestId: string): Outcome {
	const code = `BodyFault:${kind}`;
	switch (kind) {
		case 'truncated': {
			return outcome.kind === 'xml' ? {...outcome, body: truncatedBody(outcome.body), code} : outcome;
		}

		case 'deepNesting': {
			return {kind: 'raw', status: 200, contentType: 'application/xml', body: deeplyNestedBody(requestId), code, requestIdHeader: true};
		}

		case 'protoTags': {
			return {kind: 'raw', status: 200, contentType: 'application/xml', body: protoTagsBody(requestId), code, requestIdHeader: true};
		}

		case 'huge': {
			return {kind: 'huge', requestId};
		}

		case 'html': {
			return proxyErrorOutcome();
		}
	}
}

/** A proxy in front of the service answers: no request id header, and nothing reached the backend. */
function proxyErrorOutcome(): Outcome {
	return {kind: 'raw', status: 502, contentType: 'text/html', body: PROXY_ERROR_PAGE, code: 'BodyFault:html', requestIdHeader: false};
}

/** Handle one signed (or unroutable) service request; everything thrown becomes an error answer. */
async function serve(runtime: Runtime, request: IncomingMessage, progress: Progress): Promise<Outcome> {
	const method = (request.method ?? 'GET').toUpperCase();
	const target = resolveTarget(request);
	const body = await readRequestBody(request);
	if (target.kind === 'admin') {
		return serveAdmin(runtime, method, target, body, progress);
	}

	const {route, operation, query} = authorize(runtime, request, method, target, body, progress);
	const decision = decideFaults(runtime.faults, operation, runtime.rng);
	if (decision.reset) {
		return {kind: 'reset'};
	}

	if (decision.errorCode !== undefined) {
		throw new EmulatorError(decision.errorCode, faultMessage(decision.errorCode));
	}

	if (decision.bodyFault === 'html') {
		return proxyErrorOutcome();
	}

	let outcome: Outcome;
	try {
		outcome = answerOutcome(
			performOperation(operation, {
				route,
				query,
				requestId: progress.requestId,
				store: runtime.store,
				appId: runtime.config.appId,
				ownerUin: runtime.config.ownerUin,
				faults: runtime.faults,
				createBucket: (bucket, region) => runtime.createBucket(bucket, region, {}, progress.requestId),
			}),
		);
	} catch (error) {
		if (!isEmulatorError(error)) {
			throw error;
		}

		outcome = errorOutcome(progress, error);
	}

	return decision.bodyFault === undefined ? outcome : applyBodyFault(decision.bodyFault, outcome, progress.requestId);
}

/** A request to the unsigned control API under `/_emulator/`. */
function serveAdmin(runtime: Runtime, method: string, target: Extract<RequestTarget, {kind: 'admin'}>, body: Buffer | undefined, progress: Progress): Outcome {
	progress.host = '_emulator';
	progress.path = target.path;
	progress.query = loggableQuery(safeQuery(target.rawQuery));
	progress.operation = 'Admin';
	if (body === undefined) {
		progress.closeConnection = true;
		return {kind: 'admin', answer: {status: 413, body: {error: {code: 'EntityTooLarge', message: `Bodies are limited to ${MAX_REQUEST_BODY_BYTES} bytes`}}}};
	}

	return {kind: 'admin', answer: handleAdmin(method, target.path, body, adminTarget(runtime))};
}

/**
Route a service request to its operation and verify its signature. Who is asking is checked before what
is asked, as the service does: an unsigned probe learns nothing, and a replay with a changed path fails
its signature before the path is refused.
*/
function authorize(
	runtime: Runtime,
	request: IncomingMessage,
	method: string,
	target: Extract<RequestTarget, {kind: 'service'}>,
	body: Buffer | undefined,
	progress: Progress,
): {route: HostRoute; operation: EmulatorOperation; query: QueryParam[]} {
	progress.host = target.virtualHost;
	progress.path = target.servicePath;
	progress.resource = `${target.virtualHost}${target.servicePath}`;
	const route = classifyHost(target.virtualHost);
	progress.flavour = isCiRoute(route) ? 'ci' : 'cos';
	const query = parseQuery(target.rawQuery);
	progress.query = loggableQuery(query);
	const servicePath = decodePath(target.servicePath);
	progress.path = servicePath;
	if (body === undefined) {
		progress.closeConnection = true;
		throw new EmulatorError('EntityTooLarge', `Your proposed upload exceeds the maximum allowed size (${MAX_REQUEST_BODY_BYTES} bytes)`);
	}

	if (route === undefined) {
		throw new EmulatorError(
			'InvalidURI',
			target.virtualHost === ''
				? 'No virtual host: request http://<emulator>/<host>/<path>, e.g. /ci.ap-guangzhou.myqcloud.com/cibuckets (admin API under /_emulator/)'
				: `Unknown host ${JSON.stringify(target.virtualHost.slice(0, 200))}: expected <bucket>.ci.<region>.myqcloud.com, ci.<region>.myqcloud.com, service.cos.myqcloud.com, cos.<region>.myqcloud.com or <bucket>.cos.<region>.myqcloud.com`,
			404,
		);
	}

	let operation: EmulatorOperation | undefined;
	let routeError: unknown;
	try {
		operation = routeOperation(route, method, servicePath, query.some((param) => param.name === 'unbind'));
		progress.operation = operation;
	} catch (error) {
		routeError = error;
	}

	const found = findAuthorization(request.headers, query);
	progress.secretId = loggableSecretId(found.parsed?.secretId, runtime);
	verifyRequest(
		{
			method,
			pathname: decodePath(target.signPath),
			host: target.signHost,
			headers: request.headers,
			query,
			tokenFlavour: progress.flavour,
			nowMs: runtime.nowMs(),
			lookup: (secretId) => runtime.credentials.lookup(secretId),
		},
		found,
	);
	if (operation === undefined) {
		throw routeError;
	}

	return {route, operation, query};
}

// Characters of an unknown key id kept in the log.
const UNKNOWN_ID_PREFIX = 4;

/**
The key id to log: in full when it is a known key, else only a short prefix. A client that swapped its
SecretId and SecretKey sends the key as `q-ak`, and the log must never hold a key.
*/
function loggableSecretId(secretId: string | undefined, runtime: Runtime): string | undefined {
	if (secretId === undefined || runtime.credentials.lookup(secretId) !== undefined) {
		return secretId;
	}

	return `${secretId.slice(0, UNKNOWN_ID_PREFIX)}…(unknown)`;
}

function faultMessage(code: string): string {
	switch (code) {
		case 'SlowDown': {
			return 'Please reduce your request rate (injected fault)';
		}

		case 'TooManyRequests': {
			return 'Too many requests (injected fault)';
		}

		case 'ServiceUnavailable': {
			return 'Service is unavailable, please try again later (injected fault)';
		}

		default: {
			return 'We encountered an internal error, please try again (injected fault)';
		}
	}
}

// The log is best effort for admin requests: a malformed admin query must not fail the admin call.
function safeQuery(raw: string): QueryParam[] {
	try {
		return parseQuery(raw);
	} catch {
		return [];
	}
}

function adminTarget(runtime: Runtime) {
	return {
		appId: runtime.config.appId,
		ownerUin: runtime.config.ownerUin,
		buckets: () => runtime.store.list(),
		createBucket: (bucket: string, region: string, options: {bound?: boolean; createdAt?: string; capabilities?: string[]}) => runtime.createBucket(bucket, region, options, runtime.nextId()),
		deleteBucket: (bucket: string) => runtime.store.delete(bucket),
		faults: () => cloneFaults(runtime.faults),
		setFaults: (faults: unknown) => {
			runtime.faults = validateFaults(faults);
		},
		updateFaults: (faults: unknown) => {
			runtime.faults = mergeFaults(runtime.faults, faults);
		},
		requests: () => runtime.log.map((entry) => ({...entry, query: {...entry.query}})),
		clearRequests: () => {
			runtime.log = [];
		},
		reset: () => runtime.reset(),
	};
}

function waitForDrainOrClose(response: ServerResponse): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			response.off('drain', done);
			response.off('close', done);
			resolve();
		};

		response.on('drain', done);
		response.on('close', done);
	});
}

/** Write the outcome after the configured latency. Returns the status and code to log. */
async function deliver(runtime: Runtime, request: IncomingMessage, response: ServerResponse, progress: Progress, outcome: Outcome): Promise<{status: number; code?: string}> {
	if (outcome.kind !== 'admin') {
		const stillOpen = await runtime.delay(latencyFor(runtime.faults, runtime.rng));
		if (!stillOpen) {
			request.socket.destroy();
			return {status: 0, code: 'EmulatorClosed'};
		}
	}

	if (outcome.kind === 'reset') {
		request.socket.destroy();
		return {status: 0, code: 'ConnectionReset'};
	}

	response.setHeader('Date', new Date(runtime.nowMs()).toUTCString());
	response.setHeader('Server', progress.flavour === 'ci' ? 'tencent-ci' : 'tencent-cos');
	if (progress.closeConnection) {
		response.setHeader('Connection', 'close');
	}

	const requestIdHeader = progress.flavour === 'ci' ? 'x-ci-request-id' : 'x-cos-request-id';
	if (outcome.kind === 'admin') {
		const body = JSON.stringify(outcome.answer.body);
		response.writeHead(outcome.answer.status, {
			[requestIdHeader]: progress.requestId,
			'Content-Type': 'application/json; charset=utf-8',
			'Content-Length': Buffer.byteLength(body),
		});
		response.end(body);
		const error = (outcome.answer.body as {error?: {code?: string}} | null)?.error;
		return {status: outcome.answer.status, ...(error?.code ? {code: error.code} : {})};
	}

	if (outcome.kind === 'huge') {
		const huge = hugeBody(outcome.requestId);
		response.writeHead(200, {[requestIdHeader]: progress.requestId, 'Content-Type': 'application/xml', 'Content-Length': huge.length});
		for (const chunk of huge.chunks()) {
			if (response.destroyed) {
				break;
			}

			if (!response.write(chunk)) {
				await waitForDrainOrClose(response);
			}
		}

		response.end();
		return {status: 200, code: 'BodyFault:huge'};
	}

	const headers: Record<string, string | number> = {'Content-Type': outcome.contentType, 'Content-Length': Buffer.byteLength(outcome.body)};
	if (outcome.requestIdHeader) {
		headers[requestIdHeader] = progress.requestId;
	}

	response.writeHead(outcome.status, headers);
	response.end(outcome.body);
	return {status: outcome.status, ...(outcome.code === undefined ? {} : {code: outcome.code})};
}

async function handle(runtime: Runtime, request: IncomingMessage, response: ServerResponse): Promise<void> {
	const started = performance.now();
	const progress: Progress = {
		requestId: runtime.nextId(),
		flavour: 'cos',
		host: '',
		path: '',
		query: {},
		operation: 'Unknown',
		resource: '',
		secretId: undefined,
		closeConnection: false,
	};
	let outcome: Outcome;
	try {
		outcome = await serve(runtime, request, progress);
	} catch (error) {
		if (isEmulatorError(error)) {
			outcome = errorOutcome(progress, error);
		} else {
			// A bug in the emulator: answer like the service would, and say so where a developer looks.
			console.error('cos-ci-binder emulator: internal error while handling a request:', error);
			outcome = errorOutcome(progress, new EmulatorError('InternalError', 'We encountered an internal error. Please try again.'));
		}
	}

	let result: {status: number; code?: string};
	try {
		result = await deliver(runtime, request, response, progress, outcome);
	} catch (error) {
		console.error('cos-ci-binder emulator: internal error while answering:', error);
		request.socket.destroy();
		result = {status: 0, code: 'InternalError'};
	}

	runtime.record({
		time: new Date(runtime.nowMs()).toISOString(),
		method: request.method ?? '',
		host: progress.host,
		path: progress.path,
		query: progress.query,
		operation: progress.operation,
		status: result.status,
		...(result.code === undefined ? {} : {code: result.code}),
		...(progress.secretId === undefined ? {} : {secretId: progress.secretId}),
		durationMs: Math.round((performance.now() - started) * 1000) / 1000,
	});
}

/**
Start the local emulator of the Tencent CI and COS APIs the binder uses: strict signature checks,
the documented answers, and injectable faults.

@example
```
const emulator = await startEmulator({faults: {failNext: {count: 1, code: 'SlowDown'}}});
emulator.createBucket('examplebucket-1250000000', 'ap-guangzhou');
// …point the client at emulator.url…
await emulator.close();
```
*/
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const config = resolveOptions(options);
	const runtime = new Runtime(config);
	const sockets = new Set<Socket>();
	const server = createServer((request, response) => {
		handle(runtime, request, response).catch((error: unknown) => {
			console.error('cos-ci-binder emulator: unhandled error:', error);
			request.socket.destroy();
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	server.on('error', (error) => console.error('cos-ci-binder emulator: server error:', error));

	const address = server.address();
	if (address === null || typeof address === 'string') {
		throw new Error('startEmulator: the server has no TCP address');
	}

	const port = address.port;
	const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
	let closing: Promise<void> | undefined;
	const close = () => {
		closing ??= new Promise<void>((resolve) => {
			runtime.close();
			server.close(() => resolve());
			server.closeAllConnections();
			for (const socket of sockets) {
				socket.destroy();
			}
		});
		return closing;
	};

	return emulatorApi(runtime, `http://${hostForUrl}:${port}`, port, close);
}

/** The programmatic face of a running emulator: the same state the HTTP API and the admin API see. */
function emulatorApi(runtime: Runtime, url: string, port: number, close: () => Promise<void>): Emulator {
	return {
		url,
		port,
		close,
		createBucket(bucket, region, options = {}) {
			return runtime.createBucket(bucket, region, options, runtime.nextId());
		},
		deleteBucket: (bucket) => runtime.store.delete(bucket),
		setBound: (bucket, bound) => runtime.store.setBound(bucket, bound),
		setCapability(bucket, capability, enabled) {
			if (capabilityByName(capability) === undefined) {
				throw new TypeError(`setCapability: unknown capability ${JSON.stringify(capability)} (one of ${EMULATOR_CAPABILITIES.map((item) => item.name).join(', ')})`);
			}

			runtime.store.setCapability(bucket, capability, enabled);
		},
		buckets: () => runtime.store.list(),
		bucket: (bucket) => runtime.store.get(bucket),
		setFaults(faults) {
			runtime.faults = validateFaults(faults);
		},
		updateFaults(faults) {
			runtime.faults = mergeFaults(runtime.faults, faults);
		},
		addCredential(credential) {
			runtime.credentials.add(validateCredential(credential, 'addCredential'));
		},
		expireSessionToken: (secretId) => runtime.credentials.expire(secretId),
		get requests() {
			return runtime.log.map((entry) => ({...entry, query: {...entry.query}}));
		},
		clearRequests() {
			runtime.log = [];
		},
		reset: () => runtime.reset(),
		on(event, listener: Listener) {
			if (event !== 'bucket-created') {
				throw new TypeError(`on: unknown event ${JSON.stringify(event)} (only "bucket-created")`);
			}

			runtime.listeners.add(listener);
		},
	};
}
