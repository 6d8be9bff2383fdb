'use strict';
// Facts about SCF and EventBridge that the schema, the planner and the API code share. Sources: the API 3.0
// models shipped in tencentcloud-sdk-nodejs (tencentcloud/services/scf/v20180416/scf_models.d.ts,
// eb/v20210416/eb_models.d.ts), the error lists of TencentCloud/tencentcloud-sdk-go
// (tencentcloud/scf/v20180416/errors.go, tencentcloud/eb/v20210416/errors.go) and the doc pages cited
// next to each value.

/**
Regions the plugin deploys to: exactly those CreateTrigger lists as supported ("This API only supports:
ap-bangkok, …, sa-saopaulo", www.tencentcloud.com/document/api/583/18589). Every deploy creates triggers,
so a region missing there (ap-mumbai, na-toronto, …) is refused before the first call rather than failing
half-way. `*-fsi` are the finance zones, open to approved accounts only; they have their own API hosts.
*/
const SCF_REGIONS = Object.freeze([
	'ap-bangkok',
	'ap-beijing',
	'ap-chengdu',
	'ap-chongqing',
	'ap-guangzhou',
	'ap-hongkong',
	'ap-jakarta',
	'ap-nanjing',
	'ap-seoul',
	'ap-shanghai',
	'ap-shanghai-fsi',
	'ap-shenzhen-fsi',
	'ap-singapore',
	'ap-tokyo',
	'eu-frankfurt',
	'na-ashburn',
	'na-siliconvalley',
	'sa-saopaulo',
]);
/** Where CreateTrigger's region list came from, for messages. */
const SCF_REGIONS_SOURCE = 'www.tencentcloud.com/document/api/583/18589';

/**
Finance regions answer on `<service>.<region>.tencentcloudapi.com`, not on the shared host ("If the common
parameter Region is a Finance region, a domain name with the Finance region needs to be specified, for
example: scf.ap-shanghai-fsi.tencentcloudapi.com", intl.cloud.tencent.com/document/product/583/18589).
*/
const isFinanceRegion = (region) => /-fsi$/.test(String(region));

/** The API host of a product in a region (see isFinanceRegion). */
const apiHost = (service, region) => (isFinanceRegion(region) ? `${service}.${region}.tencentcloudapi.com` : `${service}.tencentcloudapi.com`);

/**
A TC3-HMAC-SHA256 POST body may be at most 10 MB ("POST requests that signed with TC3-HMAC-SHA256 signatures
can have a size up to 10 MB": tencentyun/intlcloud-documents, API/API 3.0/计算/无服务器云函数/调用方式/请求结构_intl.md).
Read as 10^7 bytes, the smaller of the two readings of "MB". The zip travels base64 inside that body, so this,
not CreateFunction's 50 MB or UpdateFunctionCode's 20 MB, is the binding limit.
*/
const MAX_REQUEST_BYTES = 10_000_000;

/** The bundle targets node18 (deploy/bundle.mjs), so only the runtime it was built for is accepted. */
const RUNTIMES = Object.freeze(['Nodejs18.15']);
const DEFAULT_RUNTIME = 'Nodejs18.15';
const HANDLER = 'index.main_handler';
/** The file SCF loads for HANDLER: "文件名称.方法名称" (CreateFunctionRequest.Handler in scf_models.d.ts). */
const HANDLER_FILE = 'index.js';
const DEFAULT_ENTRY = 'handlers/index.ts';
const DEFAULT_NAMESPACE = 'default';
/** SCF's own default is 3 s; the binder's batch work needs minutes (EventBridge allows 300 s, 248/87558). */
const DEFAULT_TIMEOUT = 300;
const DEFAULT_MEMORY = 128;
/** CreateFunction: "64, 128 MB-3072 MB in 128 MB steps". */
const MEMORY_SIZES = Object.freeze([64, ...Array.from({length: 24}, (_, i) => (i + 1) * 128)]);
const MIN_TIMEOUT = 1;
const MAX_TIMEOUT = 900;
/** Triggers are created on, and EventBridge targets point at, this version. */
const QUALIFIER = '$LATEST';

/** CreateFunction: letters, digits, `-`, `_`; starts with a letter, ends with neither `-` nor `_`; 2-60. */
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;
/** Namespaces follow the function-name rule (CreateNamespace), `default` being the one every account has. */
const NAMESPACE_NAME = FUNCTION_NAME;
/** CreateTrigger (timer): letters, digits, `-`, `_`, up to 100 characters; we also require a leading letter. */
const TRIGGER_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** CreateRule: letters, digits, `_`, `-`; starts with a letter, ends with a letter or digit; 2-60 (Chinese allowed upstream, not here). */
const RULE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;
/** CAM role names: letters, digits and `+=,.@_-`, up to 128 characters. */
const ROLE_NAME = /^[\w+=,.@-]{1,128}$/;
/**
Descriptions are sent to CreateFunction ("English letters, digits, spaces, commas, newlines and periods;
Chinese allowed") and, on every later change, to UpdateFunctionConfiguration, whose model allows no newline
("英文字母、数字、空格、逗号和英文句号，支持中文": UpdateFunctionConfigurationRequest.Description). A
description must pass both, so newlines are refused.
*/
const DESCRIPTION = /^[A-Za-z0-9 ,.\u4e00-\u9fa5]{0,1000}$/;

/**
Seven cron fields with their ranges (583/9708, "Cron Expression Syntax 1"): second 0-59, minute 0-59, hour
0-23, day 1-31, month 1-12 or JAN-DEC, weekday 0-6 or MON-SUN, year 1970-2099; each field takes `*`, lists
`,`, ranges `-` and steps `/`.
*/
const CRON_FIELDS = Object.freeze(['second', 'minute', 'hour', 'day', 'month', 'weekday', 'year']);
const CRON_RANGES = Object.freeze({
	second: {min: 0, max: 59},
	minute: {min: 0, max: 59},
	hour: {min: 0, max: 23},
	day: {min: 1, max: 31},
	month: {min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']},
	weekday: {min: 0, max: 6, names: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']},
	year: {min: 1970, max: 2099},
});
/**
The field count as a JSON-schema pattern (ranges are checked by the planner). The named groups are there for
the reader of the error: serverless prints the pattern when it fails, so the message itself lists the fields.
*/
const CRON_PATTERN = `^\\s*${CRON_FIELDS.map((field) => `(?<${field}>\\S+)`).join('\\s+')}\\s*$`;

/** SCF reserves these prefixes for its own variables (583/32748; InvalidParameterValue.EnvironmentSystemProtect). */
const RESERVED_ENV_PREFIXES = Object.freeze(['SCF_', 'QCLOUD_', 'TENCENTCLOUD_']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** "环境变量大小超限，请保持在 4KB 以内" (InvalidParameterValue.EnvironmentExceededLimit, scf errors.go); counted as UTF-8 bytes of names and values. */
const MAX_ENVIRONMENT_BYTES = 4096;

/**
Trigger types DeleteTrigger accepts ("目前只支持 timer、ckafka 、apigw 、cls 、cos 、cmq 、http 类型":
DeleteTriggerRequest.Type). An EventBridge target shows up on the function as a trigger of type `eb` (a
target takes a trigger slot: "投递目标创建失败，函数触发器数量达到限制", LimitExceeded.Trigger in eb errors.go);
it belongs to EventBridge and is removed with DeleteTarget, never DeleteTrigger.
*/
const DELETABLE_TRIGGER_TYPES = Object.freeze(['timer', 'ckafka', 'apigw', 'cls', 'cos', 'cmq', 'http']);

/**
EventBridge rule pattern for COS bucket creation through CloudAudit. `type` lists the three CloudAudit event
types, by where the call came from: "${产品缩写}:CloudEvent:ApiCall / ConsoleCall / MiniProgramCall"
(EventBridge "Cloud Audit events", www.tencentcloud.com/document/product/1108/46246); the CloudAudit
operation for bucket creation is PutBucket (CloudAudit-enabled services list, 1021/37598).
*/
const COS_PUT_BUCKET_PATTERN = Object.freeze({
	source: 'cos.cloud.tencent',
	type: ['cos:CloudEvent:ApiCall', 'cos:CloudEvent:ConsoleCall', 'cos:CloudEvent:MiniProgramCall'],
	data: {eventName: ['PutBucket']},
});
/**
Where CloudAudit events arrive: the cloud-service event bus, which exists in Guangzhou only. "Tencent Cloud
service event bus: It is the default event bus created in Guangzhou region. Cloud Monitor events and
CloudAudit events … will be automatically published to this event bus" (1108/42284); "exception alarms and
CloudAudit events generated by Tencent Cloud services are delivered only to the Tencent Cloud service event
bus" (EventBridge concepts FAQ: tencentyun/intlcloud-documents,
yehe_doc/微服务和Serverless/事件总线/常见问题/概念相关_intl_en.md); CloudAudit must be enabled on that bus
"under the Guangzhou region" (1108/46246). EventBridge documents targets only in the bus's own region, so
the event path is deployed to ap-guangzhou only (README, "Where CloudAudit events arrive").
*/
const CLOUD_BUS_REGION = 'ap-guangzhou';
/** ListEventBuses filter value of the cloud-service event bus ("Cloud: 云服务事件集", ListEventBusesRequest.Filters). */
const CLOUD_BUS_TYPE = 'Cloud';
/** The cloud-service bus every account gets when EventBridge is activated is named `default`. */
const CLOUD_BUS_NAME = 'default';

/** Function states, from GetFunction `Status` (583/115197). */
const STATUS_ACTIVE = 'Active';
const TRANSITIONAL_STATUSES = Object.freeze(['Creating', 'Updating', 'Publishing', 'Deleting']);

module.exports = {
	SCF_REGIONS,
	SCF_REGIONS_SOURCE,
	isFinanceRegion,
	apiHost,
	MAX_REQUEST_BYTES,
	RUNTIMES,
	DEFAULT_RUNTIME,
	HANDLER,
	HANDLER_FILE,
	DEFAULT_ENTRY,
	DEFAULT_NAMESPACE,
	DEFAULT_TIMEOUT,
	DEFAULT_MEMORY,
	MEMORY_SIZES,
	MIN_TIMEOUT,
	MAX_TIMEOUT,
	QUALIFIER,
	FUNCTION_NAME,
	NAMESPACE_NAME,
	TRIGGER_NAME,
	RULE_NAME,
	ROLE_NAME,
	DESCRIPTION,
	CRON_FIELDS,
	CRON_RANGES,
	CRON_PATTERN,
	RESERVED_ENV_PREFIXES,
	ENV_NAME,
	MAX_ENVIRONMENT_BYTES,
	DELETABLE_TRIGGER_TYPES,
	COS_PUT_BUCKET_PATTERN,
	CLOUD_BUS_REGION,
	CLOUD_BUS_TYPE,
	CLOUD_BUS_NAME,
	STATUS_ACTIVE,
	TRANSITIONAL_STATUSES,
};
