/** A key pair the emulator accepts, optionally a temporary one with its session token. */
export type EmulatorCredential = {
	/** The `q-ak` of the signatures (`AKID…`). */
	secretId: string;
	/** Only ever used as an HMAC key; never logged, never echoed. */
	secretKey: string;
	/**
	When set, every request signed with this key must carry the token: `x-ci-security-token` on CI hosts
	(`x-cos-security-token` accepted there too), `x-cos-security-token` on COS hosts.
	*/
	sessionToken?: string;
};

/** The error codes a random or forced fault can answer with. */
export type FaultErrorCode = 'SlowDown' | 'InternalError' | 'ServiceUnavailable';

/** The hostile bodies the emulator can send instead of the real one. */
export type BodyFaultKind = 'html' | 'truncated' | 'deepNesting' | 'huge' | 'protoTags';

/**
Misbehaviour to inject. Random faults draw from the emulator's seeded RNG, so a run with the same seed,
faults and request sequence fails the same way every time.
*/
export type EmulatorFaults = {
	/** Added before every answer, errors included (not the admin API). @default 0 */
	latencyMs?: number;
	/** Plus a uniform random 0..jitter milliseconds. @default 0 */
	latencyJitterMs?: number;
	/** Probability per request. `SlowDown` and `ServiceUnavailable` answer 503, `InternalError` 500. */
	errorRates?: Partial<Record<FaultErrorCode, number>>;
	/** Deterministic: the next `count` requests (that pass routing and authentication) fail. `TooManyRequests` answers 429. */
	failNext?: {count: number; code: FaultErrorCode | 'TooManyRequests'};
	/** When set, `errorRates`, `failNext`, `resetRate` and `bodyFaults` only apply to these operations. Latency applies to all. */
	operations?: string[];
	/** Probability per request that the socket is destroyed without an answer. */
	resetRate?: number;
	/**
	Probability per request of a hostile body instead of the real one: `html` → a 502 `text/html` proxy page
	(the request never reached the service: no state change); `truncated` → the real answer cut in half;
	`deepNesting` → 200 with 5000 nested tags; `huge` → 200 with a 20 MB body; `protoTags` → 200 XML using
	`<__proto__>` and `<constructor>` tags. Except for `html`, the real work is done before the body is replaced.
	*/
	bodyFaults?: Partial<Record<BodyFaultKind, number>>;
	/** How CreateCIBucket answers for an already bound bucket: 200 again, or the `rebindErrorCode` error. @default 'ok' */
	rebindAnswer?: 'ok' | 'error';
	/** Undocumented upstream, hence configurable. HTTP status from the code table, 409 for unknown codes. @default 'BucketAlreadyBound' */
	rebindErrorCode?: string;
	/**
	How an enable (CreateMediaBucket and the like) answers for a bucket that already has the capability: 200 again,
	or a 403 (media's documented `MediaBucketAlreadyBinded`; `BucketAlreadyBinded` for the others). Undocumented
	upstream, hence configurable. @default 'error'
	*/
	reenableAnswer?: 'ok' | 'error';
	/** The emulator's clock is the real clock plus this; it drives the `Date` header and the signature time checks. @default 0 */
	clockOffsetMs?: number;
	/** How long `unbinding` lasts before `off`, fixed when the unbind is accepted. @default 50 */
	unbindDelayMs?: number;
};

/** Options of {@link startEmulator}. */
export type EmulatorOptions = {
	/** `0` picks a free port. @default 0 */
	port?: number;
	/** @default '127.0.0.1' */
	host?: string;
	/** The account's APPID: the suffix of every bucket id it owns. @default '1250000000' */
	appId?: string;
	/** The account's UIN, shown as the GetService owner. @default '100000000001' */
	ownerUin?: string;
	/** The keys accepted. @default [DEMO_CREDENTIALS] */
	credentials?: EmulatorCredential[];
	faults?: EmulatorFaults;
	/** Seeds the fault RNG and the request ids. @default 1 */
	seed?: number;
	/** Entries kept in `requests`; the oldest are dropped. @default 10000 */
	maxRequestLog?: number;
};

/** The CI binding state of a bucket. */
export type CiStatus = 'on' | 'off' | 'unbinding';

/** A bucket as the emulator holds it. */
export type EmulatorBucket = {
	/** `<name>-<appid>`. */
	bucket: string;
	region: string;
	/** ISO 8601. */
	createdAt: string;
	ci: CiStatus;
	/** Successful CreateCIBucket calls that changed or re-affirmed the binding. */
	bindCount: number;
	/** The capabilities beyond the binding that are on (`media`, `doc`, …), sorted; absent when none is. */
	capabilities?: string[];
};

/** The operation names used in the request log and in `faults.operations`. */
export const OPERATIONS = [
	'CreateCIBucket',
	'DescribeCIBucketStatus',
	'DeleteCIBucket',
	'DescribeCIBuckets',
	'GetService',
	'PutBucket',
	'DeleteBucket',
	'CreateMediaBucket',
	'DescribeMediaBuckets',
	'CreateDocProcessBucket',
	'DescribeDocProcessBuckets',
	'CreateFileProcessBucket',
	'DescribeFileProcessBuckets',
	'CreateAIProcessBucket',
	'DescribeAIProcessBuckets',
	'CreateAsrBucket',
	'DescribeAsrBuckets',
	'CreatePicProcessBucket',
	'DescribePicProcessBuckets',
	'Admin',
	'Unknown',
] as const;

/** One of {@link OPERATIONS}. */
export type EmulatorOperation = (typeof OPERATIONS)[number];

/** One answered (or reset) request. Never holds the Authorization header, signatures, tokens or keys. */
export type RequestLogEntry = {
	/** ISO 8601, emulator clock. */
	time: string;
	method: string;
	/** The routed virtual host (`_emulator` for the admin API, `''` when none could be read). */
	host: string;
	/** The service path, without the virtual host of the endpoint-override form. */
	path: string;
	/** Decoded query parameters, without the `q-*` signature fields and security tokens. */
	query: Record<string, string>;
	operation: string;
	/** `0` when the socket was reset without an answer. */
	status: number;
	/** The error code, for error answers and resets (`ConnectionReset`). */
	code?: string;
	/** The `q-ak` of the signature when it is a known key; for an unknown one only its first characters (it may be a key pasted in the wrong field). */
	secretId?: string;
	durationMs: number;
};

/** Payload of the `bucket-created` event. */
export type BucketCreatedEvent = {
	/** `<name>-<appid>`. */
	bucket: string;
	region: string;
	appId: string;
	/** The bucket name without the APPID. */
	name: string;
	/** ISO 8601, emulator clock. */
	time: string;
	requestId: string;
};

/** A running emulator. */
export interface Emulator {
	/** `http://127.0.0.1:PORT`. */
	readonly url: string;
	readonly port: number;
	/** Stops listening and destroys open sockets, pending latency included. */
	close(): Promise<void>;
	/** Like a PutBucket (same validation: the account's APPID, a new name); emits `bucket-created`. */
	createBucket(bucket: string, region: string, options?: {bound?: boolean; createdAt?: string; capabilities?: string[]}): EmulatorBucket;
	deleteBucket(bucket: string): boolean;
	/** Set the binding at once (no `unbinding` phase, `bindCount` unchanged). Throws for an unknown bucket. */
	setBound(bucket: string, bound: boolean): void;
	/** Turn one capability (`media`, `doc`, `file`, `ai`, `asr`, `pic`) on or off at once. Throws for an unknown bucket or capability. */
	setCapability(bucket: string, capability: string, enabled: boolean): void;
	/** Sorted by bucket id. */
	buckets(): EmulatorBucket[];
	bucket(bucket: string): EmulatorBucket | undefined;
	/** Replaces the faults; throws a `TypeError` naming the first invalid field. */
	setFaults(faults: EmulatorFaults): void;
	/** Merges top-level fields; a field set to `undefined` or `null` is removed. */
	updateFaults(faults: Partial<EmulatorFaults>): void;
	/** Adds a key, or replaces the one with the same `secretId` (clearing its expiry). */
	addCredential(credential: EmulatorCredential): void;
	/** Later requests signed with that key get 400 `ExpiredToken`. Throws for an unknown key. */
	expireSessionToken(secretId: string): void;
	/** A copy of the log, oldest first. */
	readonly requests: RequestLogEntry[];
	clearRequests(): void;
	/** Buckets, faults, credentials, the RNG and the log back to the start options. */
	reset(): void;
	on(event: 'bucket-created', listener: (event: BucketCreatedEvent) => void): void;
}
