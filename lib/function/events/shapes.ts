// The Tencent event shapes we read, as far as they are documented: SCF's trigger event pages (COS trigger
// 583/9707, timer 583/9708, function URL 583/96099, all under cloud.tencent.com/document/product/) and
// EventBridge's CloudEvents envelope (248/65658).
// Values arrive untrusted, so parsers read them as `unknown`; these types name the fields (and, used with
// `own<T>()`, make a misspelt field name a compile error).

/** Tencent EventBridge's CloudEvents envelope (EventBridge docs 248/65658). */
export type TencentCloudEvent = {
	specversion?: string;
	id?: string;
	/** `<product>.cloud.tencent`, e.g. `cos.cloud.tencent`. */
	source: string;
	/** `<product>:CloudEvent:ApiCall|ConsoleCall|MiniProgramCall` for CloudAudit records. */
	type: string;
	/** Often a CAM resource: `qcs::cos:ap-guangzhou:uid/1250000000:examplebucket-1250000000`. */
	subject?: string;
	/** Epoch milliseconds, as a number or a string. Not needed for planning. */
	time?: number | string;
	region?: string;
	datacontenttype?: string;
	/** The raw CloudAudit record; one documentation version calls it a string, so a JSON string is accepted. */
	data?: CloudAuditData | string;
};

/** Batch delivery of EventBridge events. */
export type TencentEventList = {EventList: TencentCloudEvent[]};

/**
The fields of a CloudAudit record we look at. Published records (tccli
`tccli/examples/cloudaudit/v20190319/DescribeEvents.md` and `LookUpEvents.md`; CloudAudit's field table,
"查看操作记录") carry `resources`, `requestParameters` and `userIdentity.sessionContext` as JSON text,
`resourceName` relative to the product (`instance/ins-…`) or empty, `errorCode` as `0` or `"0"`. Where COS
puts the bucket of a `PutBucket` is not published.
*/
export type CloudAuditData = {
	/** `PutBucket` for a bucket creation. */
	eventName?: string;
	/** Where the call was made; may be the request's region rather than the resource's. */
	eventRegion?: string;
	/** `<product>.<region>.<domain>`; for COS `cos.<region>.myqcloud.com`. */
	eventSource?: string;
	resourceType?: string;
	resourceRegion?: string;
	/** Relative to the product (`policy/7934***`), empty, or (in our fixtures) a bare id or CAM resource. */
	resourceName?: string;
	/** JSON text of an array of CAM resources (`"[\"*\"]"`), an array, an object, or empty. */
	resources?: unknown;
	/** JSON text of an object (`"{\"Bucket\": …, \"Region\": …}"`) or the object. */
	requestParameters?: unknown;
	/** `accountId` is a UIN, not an APPID; `sessionContext` (JSON text or object) holds `appId`. */
	userIdentity?: unknown;
	/** Non-zero / non-empty when the call failed. */
	errorCode?: number | string;
	apiErrorCode?: number | string;
	/** Present on records delivered without their envelope, which makes them look like HTTP events. */
	httpMethod?: string;
};

/** `userIdentity` of a CloudAudit record: the fields we read. */
export type CloudAuditIdentity = {accountId?: string | number; sessionContext?: unknown};

/** `userIdentity.sessionContext`: the APPID of the caller's account. */
export type CloudAuditSession = {appId?: string | number};

/** One entry of `data.resources` when it is an object. */
export type CloudAuditResource = {name?: string; resourceName?: string; resourceId?: string};

/** The `requestParameters` keys that may hold the bucket, most specific first. */
export type CloudAuditRequestParameters = {bucket?: string; Bucket?: string; bucketName?: string; BucketName?: string; Host?: string; host?: string; Region?: string; region?: string};

/** COS trigger event (SCF docs 583/9707). */
export type CosTriggerEvent = {Records: CosTriggerRecord[]};

export type CosTriggerRecord = {
	cos: {
		cosSchemaVersion?: string;
		cosObject?: {url?: string; key?: string; size?: number; vid?: string; meta?: Record<string, string>};
		cosBucket: {
			/** Without the `-<appid>` suffix. */
			name: string;
			appid?: string | number;
			/** A short code such as `cd`, sometimes a region id. */
			region?: string;
			/** Sent by some deliveries: the full region id. */
			s3Region?: string;
		};
		cosNotificationId?: string;
	};
	event?: {eventName?: string; eventVersion?: string; eventSource?: string; eventTime?: number | string; eventQueue?: string; requestParameters?: unknown; reqid?: number | string};
};

/** Timer trigger event (SCF docs 583/9708). */
export type TimerEvent = {
	Type: 'Timer';
	TriggerName?: string;
	/** ISO time the trigger fired. */
	Time?: string;
	/** The trigger's custom argument: empty, or JSON sync options. */
	Message?: string;
};

/** SCF function URL event (SCF docs 583/96099): no `requestContext`. */
export type ScfFunctionUrlEvent = {
	httpMethod: string;
	path: string;
	headers?: Record<string, string>;
	queryString?: Record<string, string | string[]>;
	body?: string;
	isBase64Encoded?: boolean;
};

/** Legacy SCF API Gateway event. */
export type ScfApiGatewayEvent = ScfFunctionUrlEvent & {
	requestContext: {serviceId?: string; path?: string; httpMethod?: string; requestId?: string; identity?: unknown; sourceIp?: string; stage?: string};
	queryStringParameters?: Record<string, string | string[]>;
	headerParameters?: Record<string, string>;
	pathParameters?: Record<string, string>;
	stageVariables?: Record<string, string>;
};
