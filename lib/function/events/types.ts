import type {ServiceName} from '../../client/capabilities.js';
import type {BucketResult} from '../../core/results.js';
import type {FieldPath} from './field-paths.js';

/** One bucket an event asks to bind, and where in the event it was found. */
export type BindTarget = {
	/** `<name>-<appid>`, validated (CloudTrail: the S3 bucket name as given). */
	bucket: string;
	region: string;
	/** Field path the bucket came from, e.g. `EventList[3].data.resourceName`. */
	source: string;
	/**
	The event announced the bucket's creation (CloudAudit `PutBucket`, CloudTrail `CreateBucket`): it was
	just made, so it is bound first and its status read only when the bind fails.
	*/
	created?: true;
};

/**
A bucket-creation record whose bucket (or region) could not be read: what the logs and the webhook
report so that someone can set BINDER_EVENT_BUCKET_PATH / BINDER_EVENT_REGION_PATH.
*/
export type UnrecognizedRecord = {
	/** Where the record is in the event: `''` for the event itself, `EventList[3]`. */
	path: string;
	/** The operation, e.g. `PutBucket`. */
	eventName: string;
	/** Why it was not read, naming what was looked at and the setting that fixes it. */
	message: string;
	/** Scrubbed outline of the record (field paths, types, cut values); see `digestRecord`. */
	digest: string[];
};

/** Where an HTTP request came from; each platform wraps requests differently. */
export type HttpFlavor = 'scf-function-url' | 'scf-apigw' | 'aws-apigw-v1' | 'aws-apigw-v2';

/** An HTTP request, the same whatever platform delivered it. */
export type HttpRequest = {
	/** Upper case: `GET`, `POST`. */
	method: string;
	/** Starts with `/`, no query string; an API Gateway stage prefix (`/release`) is removed. */
	path: string;
	/** Names lowercased; repeated headers joined with `, `. */
	headers: Record<string, string>;
	/** First value of each parameter. */
	query: Record<string, string>;
	/** Base64-decoded (as UTF-8) when the platform flagged it `isBase64Encoded`. */
	body: string | undefined;
	/** `aws-apigw-v2` also covers Lambda function URLs (same payload). */
	flavor: HttpFlavor;
	/**
	The client address as the platform saw it: the gateway's request context, or for an SCF function URL
	the `x-scf-remote-addr` header SCF sets itself (docs 583/96099). Never `x-forwarded-for`, which clients can forge.
	*/
	sourceIp?: string;
};

/** Options a timer, schedule or HTTP call may pass to a sync run. Absent means "use the configured default". */
export type SyncRequestOptions = {
	/** Region ids to sync, e.g. `["ap-guangzhou"]`. */
	regions?: string[];
	/** Bucket id globs (`*`, `?`) to include. */
	include?: string[];
	/** Bucket id globs (`*`, `?`) to exclude. */
	exclude?: string[];
	/** Report `would-bind` instead of binding. */
	dryRun?: boolean;
	/** Bind again even where already bound. */
	force?: boolean;
	/** The services every bucket of this sync gets (`ci` first), instead of BINDER_SERVICES and its rules. */
	services?: ServiceName[];
	/** Buckets worked on at once, 1–64. */
	concurrency?: number;
};

/** Triggers that announce buckets. */
export type BindTrigger = 'cloudaudit' | 'cos' | 'cloudtrail';
/** Triggers that ask for a full sync. */
export type SyncTrigger = 'timer' | 'schedule';
/** Every trigger we recognise. */
export type KnownTrigger = BindTrigger | SyncTrigger | 'http';

/**
What an event asks for, decided without any I/O.

- `bind`: bind `targets`; `knownResults` holds the entries already final (failed creations, broken entries);
  `unrecognized` (only when there are any) the creation records whose bucket could not be read, also in `knownResults`.
- `sync`: run a sync with `options`; `label` is a timer message that was plain text, not options.
- `http`: route `request`.
- `invalid`: a recognised trigger whose event is malformed; `message` names the field.
- `unsupported`: not an event we know; `message` says what was seen.
*/
export type ParsedEvent =
	| {kind: 'bind'; trigger: BindTrigger; targets: BindTarget[]; knownResults: BucketResult[]; unrecognized?: UnrecognizedRecord[]}
	| {kind: 'sync'; trigger: SyncTrigger; options: SyncRequestOptions; label?: string}
	| {kind: 'http'; trigger: 'http'; request: HttpRequest}
	| {kind: 'invalid'; trigger: KnownTrigger; message: string}
	| {kind: 'unsupported'; trigger: 'unsupported'; message: string};

/** What parsing needs from the invocation context. */
export type EventContext = {
	/** `context.tencentcloud_appid` or `TENCENTCLOUD_APPID`: completes bucket names that lack `-<appid>`. */
	appId?: string;
	/** `context.tencentcloud_region` or `TENCENTCLOUD_REGION`: the function's own region (a COS trigger's bucket is always there). */
	region?: string;
	/** BINDER_EVENT_BUCKET_PATH: where else a CloudAudit record may name its bucket, tried first. */
	bucketPaths?: FieldPath[];
	/** BINDER_EVENT_REGION_PATH: where else a CloudAudit record may name the bucket's region, tried first. */
	regionPaths?: FieldPath[];
};
