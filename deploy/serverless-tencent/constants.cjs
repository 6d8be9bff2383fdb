'use strict';
// Facts about SCF and EventBridge that the schema, the planner and the API code share. Sources: the SCF
// API 3.0 models shipped in tencentcloud-sdk-nodejs (scf_models.d.ts, eb_models.d.ts) and the SCF docs
// cited next to each value.

/**
Regions where SCF runs, compiled from Tencent's public region tables (not checked against a live account).
A snapshot: a region Tencent adds later is one line here. `ap-*-fsi` are the finance zones, open to
approved accounts only.
*/
const SCF_REGIONS = Object.freeze([
	'ap-bangkok',
	'ap-beijing',
	'ap-chengdu',
	'ap-chongqing',
	'ap-guangzhou',
	'ap-hongkong',
	'ap-jakarta',
	'ap-mumbai',
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
	'na-toronto',
	'sa-saopaulo',
]);

/** The bundle targets node18 (deploy/bundle.mjs), so only the runtime it was built for is accepted. */
const RUNTIMES = Object.freeze(['Nodejs18.15']);
const DEFAULT_RUNTIME = 'Nodejs18.15';
const HANDLER = 'index.main_handler';
const DEFAULT_ENTRY = 'handlers/index.ts';
const DEFAULT_NAMESPACE = 'default';
/** SCF's own default is 3 s; the binder's batch work needs minutes (EventBridge allows 300 s). */
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
/** CreateFunction Description: "English letters, digits, spaces, commas, newlines and periods; Chinese allowed"; 1000 max. */
const DESCRIPTION = /^[A-Za-z0-9 ,.\n\u4e00-\u9fa5]{0,1000}$/;
/** Seven cron fields: second minute hour day month weekday year (583/9708). */
const CRON_FIELDS = Object.freeze(['second', 'minute', 'hour', 'day', 'month', 'weekday', 'year']);
/**
The same rule as a JSON-schema pattern. The named groups are there for the reader of the error: serverless
prints the pattern when it fails, so the message itself lists the seven fields.
*/
const CRON_PATTERN = `^\\s*${CRON_FIELDS.map((field) => `(?<${field}>\\S+)`).join('\\s+')}\\s*$`;
/** SCF reserves these prefixes for its own variables (583/32748). */
const RESERVED_ENV_PREFIXES = Object.freeze(['SCF_', 'QCLOUD_', 'TENCENTCLOUD_']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** EventBridge rule pattern for COS bucket creation through CloudAudit (docs 1359/56084; see shared/reference/scf-events.md). */
const COS_PUT_BUCKET_PATTERN = Object.freeze({
	source: 'cos.cloud.tencent',
	type: ['cos:CloudEvent:ApiCall', 'cos:CloudEvent:ConsoleCall'],
	data: {eventName: ['PutBucket']},
});
/** ListEventBuses filter value of the cloud-service event bus ("Cloud: 云服务事件集"). */
const CLOUD_BUS_TYPE = 'Cloud';
/** The cloud-service bus every account gets when EventBridge is activated is named `default`. */
const CLOUD_BUS_NAME = 'default';

/** Function states, from GetFunction `Status` (583/115197). */
const STATUS_ACTIVE = 'Active';
const TRANSITIONAL_STATUSES = Object.freeze(['Creating', 'Updating', 'Publishing', 'Deleting']);

module.exports = {
	SCF_REGIONS,
	RUNTIMES,
	DEFAULT_RUNTIME,
	HANDLER,
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
	CRON_PATTERN,
	RESERVED_ENV_PREFIXES,
	ENV_NAME,
	COS_PUT_BUCKET_PATTERN,
	CLOUD_BUS_TYPE,
	CLOUD_BUS_NAME,
	STATUS_ACTIVE,
	TRANSITIONAL_STATUSES,
};
