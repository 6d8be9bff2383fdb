// What `doctor` compares the account with: the facts the deploy plugin (deploy/serverless-tencent/constants.cjs,
// eventbridge.cjs, record.cjs) acts on. They are repeated here because the plugin is not in the published package;
// test/unit/doctor-units.test.ts holds both copies equal.

/** The function's runtime and handler (the bundle is one index.js for Node 18: deploy/bundle.mjs). */
export const DEFAULT_RUNTIME = 'Nodejs18.15';
export const HANDLER = 'index.main_handler';
export const DEFAULT_NAMESPACE = 'default';
/** Triggers and EventBridge targets point at this version. */
export const QUALIFIER = '$LATEST';

/**
Where CloudAudit events arrive: the cloud-service event bus, "the default event bus created in Guangzhou region"
(www.tencentcloud.com/document/product/1108/42284); README, "Where CloudAudit events arrive".
*/
export const CLOUD_BUS_REGION = 'ap-guangzhou';
/** ListEventBuses filter value of the cloud-service bus ("Cloud: 云服务事件集", ListEventBusesRequest.Filters). */
export const CLOUD_BUS_TYPE = 'Cloud';
/** The cloud-service bus EventBridge creates on activation. */
export const CLOUD_BUS_NAME = 'default';

/** The rule pattern the plugin deploys by default: COS PutBucket CloudAudit events of the three call types (1108/46246). */
export const COS_PUT_BUCKET_PATTERN = Object.freeze({
	source: 'cos.cloud.tencent',
	type: ['cos:CloudEvent:ApiCall', 'cos:CloudEvent:ConsoleCall', 'cos:CloudEvent:MiniProgramCall'],
	data: {eventName: ['PutBucket']},
});

/** The description the plugin gives the rules it manages (eventbridge.cjs `marker`). */
export const ruleMarker = (fn: {name: string; namespace: string; region: string}) => `Managed by serverless for SCF function ${fn.name} in namespace ${fn.namespace}, ${fn.region}.`;

/** An EventBridge target naming the function (eventbridge.cjs `resourceDescription`); `uin` is the main account's. */
export const targetResource = (uin: string, fn: {name: string; namespace: string; region: string}) => `qcs::scf:${fn.region}:uin/${uin}:namespace/${fn.namespace}/function/${fn.name}/${QUALIFIER}`;

/** The environment variable holding the deploy record (record.cjs `RECORD_VARIABLE`). */
export const RECORD_VARIABLE = 'SERVERLESS_DEPLOY_RECORD';

/**
Who may assume the execution role: SCF (deploy/cam-trust-policy.json: `sts:AssumeRole` for the service
`scf.qcloud.com`).
*/
export const SCF_SERVICE_PRINCIPAL = 'scf.qcloud.com';

/**
What binding needs, as deploy/cam-policy.json grants it: CreateCIBucket on the account's buckets,
DescribeCIBuckets and GetService (which only take `*`). A bucket's CI resource is written
`qcs::ci:<region>:uid/<appid>:bucket/<bucket>/*` (CI authorization granularity, www.tencentcloud.com/document/product/1045/49896).
*/
export const REQUIRED_PERMISSIONS = Object.freeze([
	{action: 'ci:CreateCIBucket', resource: (region: string, appId: string, bucket: string) => `qcs::ci:${region}:uid/${appId}:bucket/${bucket}/*`},
	{action: 'ci:DescribeCIBuckets', resource: () => '*'},
	{action: 'cos:GetService', resource: () => '*'},
] as const);

/** SCF function names: 2-60 letters, digits, `-`, `_`; a letter first, a letter or digit last (CreateFunction). */
export const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;
/** The regions SCF's CreateTrigger serves (www.tencentcloud.com/document/api/583/18589), as the plugin deploys to. */
export const SCF_REGIONS = Object.freeze([
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
