// A loopback fake of the Tencent Cloud API 3.0 endpoints the deploy plugin and `doctor` use (SCF, EventBridge,
// STS, and for doctor's reads CAM and CLS). It
// keeps per-region state in memory, answers like the real API (HTTP 200, `{"Response": {…, "RequestId"}}`,
// errors as `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`), and records every call.
//
// It is deliberately the strict reading of the API. Each rule cites where it comes from:
// - every parameter is checked against the official SDK's `*_models.d.ts` (unknown → UnknownParameter,
//   missing → MissingParameter, wrong type → InvalidParameter; ./sdk-models.ts);
// - TC3-HMAC-SHA256: the Host must be the product's own host (finance regions: their own), the credential
//   scope must name that product, SignedHeaders must include content-type and host, a temporary key's
//   X-TC-Token must match (signature v3 and common parameters pages, cited at `authenticate`);
// - a POST body is at most 10 MB;
// - function states take time on an injected clock (`clock`, `transitionMs`), never a number of polls;
// - GetCallerIdentity answers a sub-account key as a sub-account (AccountId = owner, UserId = the key's UIN);
// - and the per-action rules cited next to each check (SDK model lines, SDK error lists, doc pages).
//
// Connect to it with TENCENTCLOUD_API_CONNECT_TO=<url>: requests keep their real Host (scf.tencentcloudapi.com…).
// Listed trigger descriptions have the shapes public tooling reports (timer `{"cron": …}`, `Enable` as 1/0,
// an http trigger's URL in `NetConfig.ExtranetUrl`).
import {createHash, createHmac} from 'node:crypto';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {checkRequest, loadModels, ModelViolation, type ModelFile} from './sdk-models.js';

export type FakeCredential = {
	secretId: string;
	secretKey: string;
	/** A temporary key: every request must carry this as X-TC-Token. */
	token?: string;
	/** The key belongs to this sub-account of the account (GetCallerIdentity answers it as UserId/PrincipalId). */
	subAccountUin?: string;
};

export type FakeService = 'scf' | 'eb' | 'sts' | 'cam' | 'cls';

/** One answered request. Never holds the Authorization header, the secret key, the token or code bytes. */
export type FakeCall = {
	/** `unknown` when the version header named no service the fake knows. */
	service: FakeService | 'unknown';
	action: string;
	region: string | undefined;
	/** The Host header the request was signed for (port removed). */
	host: string;
	/** The request body, with `Code.ZipFile` / `ZipFile` replaced by a short summary. */
	params: Record<string, unknown>;
	secretId: string | undefined;
	/** The error code answered, if any. */
	error?: string;
};

export type InjectedError = {code: string; message?: string; /** @default 1 */ times?: number};

/** Milliseconds since the epoch, as the fake's services see time. */
export interface FakeClock {
	now(): number;
}

/** Real time. */
export const wallClock: FakeClock = {now: () => Date.now()};

/** Time that moves only when told to: `advance(ms)`. */
export class ManualClock implements FakeClock {
	#now: number;
	constructor(start = Date.UTC(2025, 0, 1)) {
		this.#now = start;
	}

	now(): number {
		return this.#now;
	}

	advance(ms: number): void {
		if (!(ms >= 0)) throw new RangeError(`advance(${ms})`);
		this.#now += ms;
	}
}

/** How long each transitional state lasts, in clock milliseconds. */
export type TransitionTimes = {create: number; update: number; delete: number};

/**
What GetFunctionAddress reports as CodeSha256: of the zip as uploaded (hex or base64), of something else (SCF
may well hash a package it rebuilt: `repackaged`), or nothing.
*/
export type CodeShaMode = 'hex' | 'base64' | 'repackaged' | 'absent';

export type FakeOptions = {
	/** Keys accepted. @default one sub-account key of the account: {secretId: 'AKIDfakedeploy0001', secretKey: 'fake-secret-key-0001', subAccountUin: '100000000002'} */
	credentials?: FakeCredential[];
	/** The account (main account) UIN. @default '100000000001' */
	uin?: string;
	/** @default '1250000000' */
	appId?: string;
	/** The clock transitional states are measured on. @default wallClock */
	clock?: FakeClock;
	/**
	How long Creating/Updating/Deleting last. With 0 the next request already sees the new state; tests of waiting
	inject a ManualClock and non-zero times. @default {create: 0, update: 0, delete: 0}
	*/
	transitionMs?: Partial<TransitionTimes>;
	/** Whether ap-guangzhou has the cloud-service event bus (EventBridge activated). @default true */
	cloudBus?: boolean;
	/** @default 'repackaged' */
	codeSha256?: CodeShaMode;
};

export type FakeTrigger = {type: string; name: string; desc: string; enable: number; customArgument: string | undefined; qualifier: string; addTime: string; modTime: string};

export type FakeFunction = {
	region: string;
	namespace: string;
	name: string;
	runtime: string;
	handler: string;
	memorySize: number;
	timeout: number;
	role: string;
	description: string;
	environment: Array<{Key: string; Value: string}>;
	/** Hex SHA-256 of the zip as uploaded (not what GetFunctionAddress reports; see CodeShaMode). */
	zipSha256: string;
	codeBytes: number;
	/** As of the last request that looked at it. */
	status: string;
	/** Clock time the current transitional state ends. */
	readyAt: number;
	triggers: FakeTrigger[];
	/** The CLS topic its logs go to (GetFunction `ClsTopicId`); every function gets one, as SCF's default delivery does (583/39328). */
	clsTopicId: string | undefined;
	clsLogsetId: string | undefined;
	/** Replaces the generated function URL, so it can point at a local `serve` (setFunctionUrl). */
	urlOverride: string | undefined;
};

/** A CAM policy: `document` is the policy JSON as CAM stores it. */
export type FakePolicy = {id: number; name: string; document: string; /** 1 custom, 2 preset (GetPolicyResponse.Type). */ type: 1 | 2};
/** A CAM role: its trust policy (`PolicyDocument` of GetRole's RoleInfo) and the policies attached to it. */
export type FakeRole = {id: string; name: string; trustPolicy: string; policyIds: number[]};
/** One function log line as SCF delivers it to CLS (user log, SCF_Type Custom: 583/60336). */
export type FakeLogLine = {topicId: string; time: number; fields: Record<string, string | number>};

export type FakeRule = {region: string; RuleId: string; RuleName: string; EventBusId: string; EventPattern: string; Enable: boolean; Description: string};
export type FakeTarget = {region: string; TargetId: string; RuleId: string; EventBusId: string; Type: string; TargetDescription: {ResourceDescription: string}};

/** A function, as tests name it for out-of-band changes. */
export type FunctionRef = {region: string; namespace?: string; name: string};

export interface FakeTencentCloud {
	/** `http://127.0.0.1:PORT`: the value for TENCENTCLOUD_API_CONNECT_TO. */
	readonly url: string;
	readonly credentials: FakeCredential[];
	/** The account (main account) UIN. */
	readonly uin: string;
	readonly clock: FakeClock;
	/** A copy of the call log, oldest first. */
	readonly calls: FakeCall[];
	clearCalls(): void;
	/** Calls whose action does not start with Get, List, Describe or Search. */
	mutatingCalls(): FakeCall[];
	/** The next `times` calls of `action` fail with `code`. */
	injectError(action: string, error: InjectedError): void;
	functions(): FakeFunction[];
	rules(): FakeRule[];
	targets(): FakeTarget[];
	/** Someone replaces the code in the console: new zip, Updating for `transitionMs.update`. */
	consoleUpdateCode(ref: FunctionRef, zip: Buffer): void;
	/** Someone adds a trigger by hand in the console. */
	consoleAddTrigger(ref: FunctionRef, trigger: {type: string; name: string; desc: string}): void;
	/** Someone edits one environment variable in the console (undefined removes it). */
	consoleSetVariable(ref: FunctionRef, key: string, value: string | undefined): void;
	/** EventBridge activated or not from now on: whether ap-guangzhou has the cloud-service bus. */
	setCloudBus(enabled: boolean): void;
	/** The function's URL (its http trigger's `ExtranetUrl`) as reported from now on: e.g. a local `serve`. */
	setFunctionUrl(ref: FunctionRef, url: string): void;
	/** Someone changes the function's log delivery: another topic, or none. */
	consoleSetLogTopic(ref: FunctionRef, topicId: string | undefined): void;
	/** The function writes one line to stdout: SCF delivers it to the function's CLS topic (583/60336). Returns false without a topic. */
	appendLog(ref: FunctionRef, line: {message: string; requestId: string; time?: number}): boolean;
	/** CAM: create (or replace) a role with a trust policy and attached policies; returns the role. */
	addRole(role: {name: string; trustPolicy: unknown; policies?: Array<{name: string; document: unknown; type?: 1 | 2}>}): FakeRole;
	/** CAM: the role's attached policies become these. */
	setRolePolicies(roleName: string, policies: Array<{name: string; document: unknown; type?: 1 | 2}>): void;
	roles(): FakeRole[];
	policies(): FakePolicy[];
	close(): Promise<void>;
}

const VERSIONS: Record<string, {service: FakeService; models: string}> = {
	'2018-04-16': {service: 'scf', models: 'v20180416'},
	'2021-04-16': {service: 'eb', models: 'v20210416'},
	'2018-08-13': {service: 'sts', models: 'v20180813'},
	'2019-01-16': {service: 'cam', models: 'v20190116'},
	'2020-10-16': {service: 'cls', models: 'v20201016'},
};
/**
Services without regions: CAM's action pages list Region as "公共参数，本接口不需要传递此参数" (CAM API, product 598),
and the fake has always let STS go without one (the SDK sends it anyway).
*/
const REGIONLESS = new Set<FakeService>(['sts', 'cam']);
const SIGNATURE = /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;
/** "Timestamp 和服务器时间相差不得超过五分钟" (AuthFailure.SignatureExpire, common error codes). Wall time: it is the SDK's clock. */
const MAX_SKEW_SECONDS = 300;
/** TC3-signed POST bodies "can have a size up to 10 MB" (intlcloud-documents, API/API 3.0/计算/无服务器云函数/调用方式/请求结构_intl.md); the smaller reading. */
const MAX_BODY_BYTES = 10_000_000;
/** CreateTrigger "This API only supports: …" (www.tencentcloud.com/document/api/583/18589). */
const CREATE_TRIGGER_REGIONS = new Set([
	'ap-bangkok', 'ap-beijing', 'ap-chengdu', 'ap-chongqing', 'ap-guangzhou', 'ap-hongkong', 'ap-jakarta', 'ap-nanjing', 'ap-seoul',
	'ap-shanghai', 'ap-shanghai-fsi', 'ap-shenzhen-fsi', 'ap-singapore', 'ap-tokyo', 'eu-frankfurt', 'na-ashburn', 'na-siliconvalley', 'sa-saopaulo',
]);
/** The cloud-service event bus "is the default event bus created in Guangzhou region" (1108/42284). */
const CLOUD_BUS_REGION = 'ap-guangzhou';
/** CreateFunctionRequest.FunctionName: 2-60, letters digits - _, starts with a letter, ends with neither - nor _. */
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;
/** CreateRuleRequest.RuleName: 2-60, letters (or Chinese) first, letters/digits/Chinese last. */
const RULE_NAME = /^[A-Za-z\u4e00-\u9fa5][A-Za-z0-9_\u4e00-\u9fa5-]{0,58}[A-Za-z0-9\u4e00-\u9fa5]$/;
/** CreateTriggerRequest.TriggerName for timers: "英文字母、数字、连接符和下划线，最长100个字符". */
const TIMER_NAME = /^[A-Za-z0-9_-]{1,100}$/;
/** CreateFunctionRequest.Description: "1000 个英文字母、数字、空格、逗号、换行符和英文句号，支持中文". */
const CREATE_DESCRIPTION = /^[A-Za-z0-9 ,.\n\u4e00-\u9fa5]{0,1000}$/;
/** UpdateFunctionConfigurationRequest.Description: the same without newlines ("英文字母、数字、空格、逗号和英文句号，支持中文"). */
const UPDATE_DESCRIPTION = /^[A-Za-z0-9 ,.\u4e00-\u9fa5]{0,1000}$/;
/** CreateFunctionRequest.Handler: "文件名称.方法名称", each starting and ending with a letter, 2-60. */
const HANDLER = /^([A-Za-z](?:[A-Za-z0-9_-]{0,58}[A-Za-z])?)\.([A-Za-z](?:[A-Za-z0-9_-]{0,58}[A-Za-z])?)$/;
const SCF_RESOURCE = /^qcs::scf:([a-z0-9-]+):uin\/(\d+):namespace\/([^/]+)\/function\/([^/]+)\/(\$LATEST|\$DEFAULT|\d+)$/;
const TRANSITIONAL = new Set(['Creating', 'Updating', 'Deleting']);
/** CreateFunctionRequest.Runtime's list, the Node.js part (the fake runs nothing else). */
const RUNTIMES = new Set(['Nodejs6.10', 'Nodejs8.9', 'Nodejs10.15', 'Nodejs12.16', 'Nodejs14.18', 'Nodejs16.13', 'Nodejs18.15']);
/** DeleteTriggerRequest.Type: "目前只支持  timer、ckafka 、apigw 、cls 、cos 、cmq 、http 类型". */
const DELETABLE_TRIGGER_TYPES = new Set(['timer', 'ckafka', 'apigw', 'cls', 'cos', 'cmq', 'http']);
/** UpdateTriggerRequest.Type: "目前只支持timer、ckafka、http三种类型". */
const UPDATABLE_TRIGGER_TYPES = new Set(['timer', 'ckafka', 'http']);
/** Event pattern operators (EventBridge "Event Pattern", 1108/42288 / 1359/56084): prefix, suffix, anything-but, contain, array, cidr. */
const PATTERN_OPERATORS = new Set(['prefix', 'suffix', 'anything-but', 'contain', 'array', 'cidr']);
/** Variables SCF keeps for itself ("不支持修改函数系统环境变量和运行环境变量": InvalidParameterValue.EnvironmentSystemProtect, scf errors.go). */
const RESERVED_ENV = /^(SCF_|QCLOUD_|TENCENTCLOUD_)/;
/** "环境变量大小超限，请保持在 4KB 以内" (InvalidParameterValue.EnvironmentExceededLimit, scf errors.go): names and values in UTF-8. */
const MAX_ENVIRONMENT_BYTES = 4096;
/** Seven cron fields and their ranges (583/9708, "Cron Expression Syntax 1"). */
const CRON_RANGES: Array<{name: string; min: number; max: number; names?: string[]}> = [
	{name: 'second', min: 0, max: 59},
	{name: 'minute', min: 0, max: 59},
	{name: 'hour', min: 0, max: 23},
	{name: 'day', min: 1, max: 31},
	{name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']},
	{name: 'week', min: 0, max: 6, names: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']},
	{name: 'year', min: 1970, max: 2099},
];

class ApiError extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

type Params = Record<string, unknown>;

/** Parameters are already type-checked against the models; these read them. */
const str = (params: Params, name: string): string | undefined => (typeof params[name] === 'string' ? (params[name] as string) : undefined);
const num = (params: Params, name: string): number | undefined => (typeof params[name] === 'number' ? (params[name] as number) : undefined);

function page<T>(items: T[], params: Params, defaultLimit = 20): T[] {
	const offset = num(params, 'Offset') ?? 0;
	const limit = num(params, 'Limit') ?? defaultLimit;
	if (limit < 1 || limit > 100) throw new ApiError('InvalidParameterValue.Limit', `Limit ${limit} is outside 1-100 ("最大值为100", ListRulesRequest.Limit).`);
	return items.slice(offset, offset + limit);
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** Names of the entries of a zip, from its central directory; throws on anything that is not a zip. */
function zipEntryNames(zip: Buffer): string[] {
	let end = -1;
	for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
		if (zip.readUInt32LE(at) === 0x06054b50) {
			end = at;
			break;
		}
	}
	if (end < 0) throw new Error('no end of central directory');
	const names: string[] = [];
	let at = zip.readUInt32LE(end + 16);
	for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
		if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry ${i}`);
		const nameLength = zip.readUInt16LE(at + 28);
		names.push(zip.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
		at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
	}
	return names;
}

/** One cron field: `*`, `a`, `a-b`, each optionally `/n`, comma-separated, values in range (583/9708). */
function cronFieldOk(text: string, range: (typeof CRON_RANGES)[number]): boolean {
	const value = (item: string) => (/^\d+$/.test(item) ? Number(item) >= range.min && Number(item) <= range.max : (range.names ?? []).includes(item.toUpperCase()));
	return text.split(',').every((part) => {
		const match = /^(\*|[^/*-]+(?:-[^/*-]+)?)(?:\/(\d+))?$/.exec(part);
		if (!match || (match[2] !== undefined && Number(match[2]) < 1)) return false;
		return match[1] === '*' || match[1]!.split('-').every(value);
	});
}

function checkCron(cron: string): string {
	const fields = cron.trim().split(/\s+/);
	if (fields.length !== 7) throw new ApiError('InvalidParameterValue.TriggerDesc', `TriggerDesc: the cron expression needs 7 fields (583/9708), got ${JSON.stringify(cron)}.`);
	fields.forEach((field, index) => {
		const range = CRON_RANGES[index]!;
		if (!cronFieldOk(field, range)) throw new ApiError('InvalidParameterValue.TriggerDesc', `TriggerDesc: cron field ${range.name} ${JSON.stringify(field)} is outside ${range.min}-${range.max} or malformed (583/9708).`);
	});
	return fields.join(' ');
}

/** An operator object in a pattern's value list: exactly one known operator with a value of its type (1108/42288). */
function checkPatternOperator(item: Record<string, unknown>, at: string): void {
	const keys = Object.keys(item);
	const fail = (why: string) => new ApiError('InvalidParameterValue.EventPattern', `EventPattern ${at}: ${why} (operators: ${[...PATTERN_OPERATORS].join(', ')}; 1108/42288).`);
	if (keys.length !== 1) throw fail(`an operator object has exactly one key, got ${JSON.stringify(keys)}`);
	const [operator] = keys as [string];
	const value = item[operator];
	if (!PATTERN_OPERATORS.has(operator)) throw fail(`unknown operator ${JSON.stringify(operator)}`);
	const isString = typeof value === 'string';
	const ok =
		operator === 'prefix' || operator === 'suffix' || operator === 'array'
			? isString
			: operator === 'cidr'
				? isString && /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(value)
				: operator === 'contain'
					? isString || (Array.isArray(value) && value.every((entry) => typeof entry === 'string'))
					: /* anything-but */ isString || typeof value === 'number' || (Array.isArray(value) && value.every((entry) => typeof entry === 'string' || typeof entry === 'number')) || (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as {prefix?: unknown}).prefix === 'string');
	if (!ok) throw fail(`${JSON.stringify(operator)} does not take ${JSON.stringify(value)}`);
}

/** A rule pattern: a JSON object of nested objects whose leaves are values or lists of values and operators. */
function checkPattern(pattern: string): void {
	let parsed: unknown;
	try {
		parsed = JSON.parse(pattern);
	} catch {
		throw new ApiError('InvalidParameterValue.EventPattern', 'EventPattern must be JSON.');
	}
	const walk = (node: unknown, at: string): void => {
		if (!node || typeof node !== 'object' || Array.isArray(node)) throw new ApiError('InvalidParameterValue.EventPattern', `EventPattern ${at || '(top)'} must be an object.`);
		for (const [key, value] of Object.entries(node)) {
			const here = at ? `${at}.${key}` : key;
			if (Array.isArray(value)) {
				if (value.length === 0) throw new ApiError('InvalidParameterValue.EventPattern', `EventPattern ${here}: an empty list matches nothing.`);
				for (const item of value) if (item !== null && typeof item === 'object') checkPatternOperator(item as Record<string, unknown>, here);
			} else if (value !== null && typeof value === 'object') {
				walk(value, here);
			}
		}
	};
	walk(parsed, '');
}

function summarizeParams(params: Params): Params {
	const copy: Params = {...params};
	const summary = (zip: string) => {
		const bytes = Buffer.from(zip, 'base64');
		return `<zip ${bytes.length} bytes sha256 ${sha256(bytes)}>`;
	};
	const code = params.Code as {ZipFile?: unknown} | undefined;
	if (code && typeof code.ZipFile === 'string') copy.Code = {...code, ZipFile: summary(code.ZipFile)};
	if (typeof params.ZipFile === 'string') copy.ZipFile = summary(params.ZipFile);
	return copy;
}

const DEFAULT_CREDENTIALS: FakeCredential[] = [{secretId: 'AKIDfakedeploy0001', secretKey: 'fake-secret-key-0001', subAccountUin: '100000000002'}];

export async function startFakeTencentCloud(options: FakeOptions = {}): Promise<FakeTencentCloud> {
	const credentials = options.credentials ?? DEFAULT_CREDENTIALS;
	const uin = options.uin ?? '100000000001';
	const appId = options.appId ?? '1250000000';
	const clock = options.clock ?? wallClock;
	const times: TransitionTimes = {create: 0, update: 0, delete: 0, ...options.transitionMs};
	let cloudBus = options.cloudBus ?? true;
	const codeShaMode = options.codeSha256 ?? 'repackaged';
	const models: Record<FakeService, ModelFile> = {
		scf: loadModels('scf', 'v20180416'),
		eb: loadModels('eb', 'v20210416'),
		sts: loadModels('sts', 'v20180813'),
		cam: loadModels('cam', 'v20190116'),
		cls: loadModels('cls', 'v20201016'),
	};

	const calls: FakeCall[] = [];
	const injected = new Map<string, InjectedError & {times: number}>();
	const functions = new Map<string, FakeFunction>();
	const codes = new Map<string, Buffer>();
	const rules = new Map<string, FakeRule>();
	const targets = new Map<string, FakeTarget>();
	const roles = new Map<string, FakeRole>();
	const policies = new Map<number, FakePolicy>();
	const logLines: FakeLogLine[] = [];
	let policySequence = 200_000_000;
	let sequence = 0;
	const nextId = (prefix: string) => `${prefix}-${(++sequence).toString(36).padStart(8, '0')}`;
	const stamp = () => new Date(clock.now()).toISOString().replace('T', ' ').slice(0, 19);

	const buses = (region: string) => [
		...(cloudBus && region === CLOUD_BUS_REGION ? [{EventBusId: 'eb-cloudgz01', EventBusName: 'default', Type: 'Cloud', Description: 'cloud service events', AddTime: '2024-01-01 00:00:00', ModTime: '2024-01-01 00:00:00'}] : []),
		{EventBusId: `eb-custom${region.replace(/[^a-z]/g, '').slice(0, 6)}`, EventBusName: 'custom-bus', Type: 'Custom', Description: 'a custom bus', AddTime: '2024-01-01 00:00:00', ModTime: '2024-01-01 00:00:00'},
	];

	const fnKey = (region: string, namespace: string, name: string) => `${region}/${namespace}/${name}`;
	const uuidOf = (seed: string) => sha256(seed).slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
	const jsonText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
	function roleOf(params: Params): FakeRole {
		const id = str(params, 'RoleId');
		const name = str(params, 'RoleName');
		// "入参 RoleId 与 RoleName 二选一" (GetRoleRequest, ListAttachedRolePoliciesRequest).
		if ((id === undefined) === (name === undefined)) throw new ApiError('InvalidParameter.ParamError', 'Give exactly one of RoleId and RoleName (入参 RoleId 与 RoleName 二选一).');
		const role = [...roles.values()].find((candidate) => (id === undefined ? candidate.name === name : candidate.id === id));
		// "角色不存在" (InvalidParameter.RoleNotExist, TencentCloud/tencentcloud-sdk-go tencentcloud/cam/v20190116/errors.go).
		if (!role) throw new ApiError('InvalidParameter.RoleNotExist', `角色不存在 (${id ?? name}).`);
		return role;
	}
	function storePolicies(list: Array<{name: string; document: unknown; type?: 1 | 2}>): number[] {
		return list.map((policy) => {
			const existing = [...policies.values()].find((candidate) => candidate.name === policy.name);
			const stored: FakePolicy = {id: existing?.id ?? ++policySequence, name: policy.name, document: jsonText(policy.document), type: policy.type ?? 1};
			policies.set(stored.id, stored);
			return stored.id;
		});
	}
	/** `Key:"phrase"` terms joined by AND: the part of CQL (CLS query syntax, 614/47044) SCF's log search tutorial uses (583/43329). */
	function parseQuery(query: string): Array<{key: string; value: string}> {
		const text = query.trim();
		if (text === '' || text === '*') return [];
		return text.split(/\s+AND\s+/).map((term) => {
			const match = /^([A-Za-z_][A-Za-z0-9_]*):"((?:[^"\\]|\\.)*)"$/.exec(term.trim());
			if (!match) throw new ApiError('InvalidParameter', `QueryString: the fake understands Key:"value" terms joined by AND, not ${JSON.stringify(term.slice(0, 80))}.`);
			return {key: match[1]!, value: match[2]!.replace(/\\(.)/g, '$1')};
		});
	}

	/** Let time do its work: a transitional state whose time is up settles. */
	function refresh(fn: FakeFunction): FakeFunction | undefined {
		if (TRANSITIONAL.has(fn.status) && clock.now() >= fn.readyAt) {
			if (fn.status === 'Deleting') {
				functions.delete(fnKey(fn.region, fn.namespace, fn.name));
				codes.delete(fnKey(fn.region, fn.namespace, fn.name));
				return undefined;
			}
			fn.status = 'Active';
		}
		return fn;
	}
	function lookup(region: string, namespace: string, name: string): FakeFunction | undefined {
		const fn = functions.get(fnKey(region, namespace, name));
		return fn && refresh(fn);
	}
	function findFunction(region: string, params: Params): FakeFunction {
		const name = str(params, 'FunctionName') ?? '';
		const namespace = str(params, 'Namespace') ?? 'default';
		const found = lookup(region, namespace, name);
		if (!found) throw new ApiError('ResourceNotFound.Function', `未找到指定的Function，请创建后再试。 (function ${namespace}/${name})`);
		return found;
	}
	function findRef(ref: FunctionRef): FakeFunction {
		const fn = lookup(ref.region, ref.namespace ?? 'default', ref.name);
		if (!fn) throw new Error(`fake: no function ${ref.region}/${ref.namespace ?? 'default'}/${ref.name}`);
		return fn;
	}
	/** "当前函数状态无法进行此操作，请在函数状态正常时重试" (FailedOperation.<Action>, scf errors.go). */
	function requireActive(fn: FakeFunction, action: string) {
		if (fn.status !== 'Active') throw new ApiError(`FailedOperation.${action}`, `当前函数状态无法进行此操作，请在函数状态正常时重试。 (status ${fn.status})`);
	}
	function transition(fn: FakeFunction, status: 'Creating' | 'Updating' | 'Deleting') {
		fn.status = status;
		fn.readyAt = clock.now() + times[status === 'Creating' ? 'create' : status === 'Updating' ? 'update' : 'delete'];
	}
	/** The zip of a request: Code.ZipFile (or UpdateFunctionCode's top-level ZipFile), a readable zip. */
	function zipOf(params: Params): Buffer {
		const code = params.Code as {ZipFile?: unknown} | undefined;
		const zip = typeof code?.ZipFile === 'string' ? code.ZipFile : str(params, 'ZipFile');
		if (zip === undefined) throw new ApiError('MissingParameter.Code', 'Code.ZipFile is required (the fake supports ZipFile code only).');
		const source = str(params, 'CodeSource');
		if (source !== undefined && source !== 'ZipFile') throw new ApiError('InvalidParameterValue.CodeSource', `CodeSource ${source} does not match a ZipFile package.`);
		if (!/^[A-Za-z0-9+/]*={0,2}$/.test(zip) || zip.length % 4 !== 0) throw new ApiError('InvalidParameterValue.ZipFileBase64BinasciiError', '压缩文件base64解码失败');
		return Buffer.from(zip, 'base64');
	}
	/** The handler's file must be in the package ("文件名称.方法名称": CreateFunctionRequest.Handler; InvalidParameterValue.Handler, scf errors.go). */
	function checkHandler(handler: string, zip: Buffer) {
		const match = HANDLER.exec(handler);
		if (!match) throw new ApiError('InvalidParameterValue.Handler', `Handler ${JSON.stringify(handler)} is not "file.function" (CreateFunctionRequest.Handler).`);
		let names: string[];
		try {
			names = zipEntryNames(zip);
		} catch (error) {
			throw new ApiError('InvalidParameterValue.ZipFile', `检测到不是标准的zip文件，请重新压缩后再试。 (${(error as Error).message})`);
		}
		if (!names.includes(`${match[1]}.js`)) throw new ApiError('InvalidParameterValue.Handler', `Handler ${handler}: ${match[1]}.js is not at the root of the package (it holds ${names.join(', ') || 'nothing'}).`);
	}
	function environmentOf(value: unknown): Array<{Key: string; Value: string}> {
		const variables = (value as {Variables?: Array<{Key?: string; Value?: string}>} | undefined)?.Variables ?? [];
		let bytes = 0;
		for (const item of variables) {
			// Variable.Key / Variable.Value: "不可为空字符" (scf_models.d.ts Variable). No exception for one empty pair.
			if (!item.Key || !item.Value) throw new ApiError('InvalidParameterValue.Environment', `Environment variable ${JSON.stringify(item.Key ?? '')}: name and value must not be empty (Variable.Key/Value: 不可为空字符).`);
			if (RESERVED_ENV.test(item.Key)) throw new ApiError('InvalidParameterValue.EnvironmentSystemProtect', `不支持修改函数系统环境变量和运行环境变量 (${item.Key}).`);
			bytes += Buffer.byteLength(item.Key) + Buffer.byteLength(item.Value);
		}
		if (new Set(variables.map((item) => item.Key)).size !== variables.length) throw new ApiError('InvalidParameterValue.Environment', 'Environment variables must have distinct names.');
		if (bytes > MAX_ENVIRONMENT_BYTES) throw new ApiError('InvalidParameterValue.EnvironmentExceededLimit', `环境变量大小超限，请保持在 4KB 以内 (${bytes} bytes).`);
		return variables.map((item) => ({Key: item.Key!, Value: item.Value!}));
	}
	function checkSizes(params: Params) {
		const memorySize = num(params, 'MemorySize');
		if (memorySize !== undefined && memorySize !== 64 && (memorySize < 128 || memorySize > 3072 || memorySize % 128 !== 0)) throw new ApiError('InvalidParameterValue.MemorySize', `MemorySize ${memorySize}: 64, or 128-3072 in steps of 128 (CreateFunctionRequest.MemorySize).`);
		const timeout = num(params, 'Timeout');
		if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > 900)) throw new ApiError('InvalidParameterValue.Timeout', `Timeout ${timeout}: 1-900 s (CreateFunctionRequest.Timeout).`);
	}
	function listedTrigger(trigger: FakeTrigger, fn?: FakeFunction) {
		let desc = trigger.desc;
		if (trigger.type === 'http' && fn?.urlOverride) {
			const parsed = JSON.parse(desc) as {NetConfig: Record<string, unknown>};
			desc = JSON.stringify({...parsed, NetConfig: {...parsed.NetConfig, ExtranetUrl: fn.urlOverride}});
		}
		return {
			Enable: trigger.enable,
			Qualifier: trigger.qualifier,
			TriggerName: trigger.name,
			Type: trigger.type,
			TriggerDesc: desc,
			AvailableStatus: 'Available',
			CustomArgument: trigger.customArgument ?? null,
			AddTime: trigger.addTime,
			ModTime: trigger.modTime,
			Description: null,
		};
	}
	function triggerDesc(fn: FakeFunction, type: string, desc: string | undefined): string {
		if (type === 'timer') return JSON.stringify({cron: checkCron(desc ?? '')});
		if (type === 'http') {
			// A function URL's TriggerDesc: {"AuthType": "NONE"|"CAM", "NetConfig": {"EnableIntranet": bool, "EnableExtranet": bool}}
			// (CreateTriggerRequest.Type → 583/100227, trigger descriptions 583/39901).
			let parsed: {AuthType?: unknown; NetConfig?: {EnableIntranet?: unknown; EnableExtranet?: unknown}};
			try {
				parsed = JSON.parse(desc ?? '') as typeof parsed;
			} catch {
				throw new ApiError('InvalidParameterValue.TriggerDesc', 'TriggerDesc of an http trigger must be JSON.');
			}
			if (parsed.AuthType !== 'NONE' && parsed.AuthType !== 'CAM') throw new ApiError('InvalidParameterValue.TriggerDesc', 'TriggerDesc.AuthType must be NONE or CAM.');
			const net = parsed.NetConfig;
			if (!net || typeof net !== 'object' || typeof net.EnableIntranet !== 'boolean' || typeof net.EnableExtranet !== 'boolean') {
				throw new ApiError('InvalidParameterValue.TriggerDesc', 'TriggerDesc.NetConfig with boolean EnableIntranet and EnableExtranet is required for a function URL (583/100227).');
			}
			if (!net.EnableIntranet && !net.EnableExtranet) throw new ApiError('InvalidParameterValue.TriggerDesc', 'A function URL needs an intranet or an extranet address.');
			const id = sha256(`${fn.region}/${fn.namespace}/${fn.name}`).slice(0, 10);
			return JSON.stringify({
				AuthType: parsed.AuthType,
				NetConfig: {
					EnableIntranet: net.EnableIntranet,
					EnableExtranet: net.EnableExtranet,
					...(net.EnableExtranet ? {ExtranetUrl: `https://${appId}-${id}.${fn.region}.tencentscf.com`} : {}),
					...(net.EnableIntranet ? {IntranetUrl: `https://${appId}-${id}.${fn.region}.internal.tencentscf.com`} : {}),
				},
			});
		}
		throw new ApiError('InvalidParameterValue.Type', `The fake supports timer and http triggers, not ${JSON.stringify(type)}.`);
	}
	function enableOf(params: Params, fallback: number): number {
		const value = str(params, 'Enable');
		if (value === undefined) return fallback;
		if (value !== 'OPEN' && value !== 'CLOSE') throw new ApiError('InvalidParameterValue.Enable', 'Enable must be OPEN or CLOSE (CreateTriggerRequest.Enable).');
		return value === 'OPEN' ? 1 : 0;
	}
	function qualifierOf(params: Params): string {
		const qualifier = str(params, 'Qualifier') ?? '$LATEST';
		if (!/^(\$LATEST|\$DEFAULT|\d+)$/.test(qualifier)) throw new ApiError('InvalidParameterValue.Qualifier', `不支持的函数版本 ${qualifier}`);
		return qualifier;
	}
	function findBus(region: string, params: Params) {
		const id = str(params, 'EventBusId') ?? '';
		if (!buses(region).some((bus) => bus.EventBusId === id)) throw new ApiError('ResourceNotFound.EventBus', `未找到指定事件集 ${id}`);
		return id;
	}
	function findRule(region: string, params: Params): FakeRule {
		const busId = findBus(region, params);
		const rule = rules.get(str(params, 'RuleId') ?? '');
		if (!rule || rule.region !== region || rule.EventBusId !== busId) throw new ApiError('ResourceNotFound.Rule', `未找到指定的Rule ${String(params.RuleId)}`);
		return rule;
	}
	const ebTriggerName = (target: FakeTarget) => `eb-${target.TargetId}`;

	const handlers: Record<FakeService, Record<string, (region: string, params: Params, credential: FakeCredential) => Params>> = {
		scf: {
			GetFunction(region, params) {
				const fn = findFunction(region, params);
				return {
					FunctionName: fn.name,
					Namespace: fn.namespace,
					Runtime: fn.runtime,
					Handler: fn.handler,
					MemorySize: fn.memorySize,
					Timeout: fn.timeout,
					Role: fn.role,
					Description: fn.description,
					Environment: {Variables: fn.environment},
					Status: fn.status,
					StatusDesc: '',
					StatusReasons: [],
					Type: 'Event',
					Qualifier: '$LATEST',
					CodeSize: fn.codeBytes,
					Triggers: fn.triggers.map((trigger) => listedTrigger(trigger, fn)),
					...(fn.clsTopicId ? {ClsTopicId: fn.clsTopicId, ClsLogsetId: fn.clsLogsetId} : {}),
					ModTime: stamp(),
				};
			},
			CreateFunction(region, params) {
				const name = str(params, 'FunctionName')!;
				const namespace = str(params, 'Namespace') ?? 'default';
				if (!FUNCTION_NAME.test(name)) throw new ApiError('InvalidParameter.FunctionName', `FunctionName ${name}: 2-60 letters, digits, - or _, starting with a letter (CreateFunctionRequest.FunctionName).`);
				if (lookup(region, namespace, name)) throw new ApiError('ResourceInUse.Function', `函数已存在 (${name})`);
				// "函数运行环境，默认Python2.7" (CreateFunctionRequest.Runtime); the fake runs Node.js only.
				const runtime = str(params, 'Runtime') ?? 'Python2.7';
				if (!RUNTIMES.has(runtime)) throw new ApiError('InvalidParameterValue.Runtime', `Runtime ${runtime} is not supported by the fake.`);
				checkSizes(params);
				const description = str(params, 'Description') ?? '';
				if (!CREATE_DESCRIPTION.test(description)) throw new ApiError('InvalidParameterValue.Description', 'Description: up to 1000 letters, digits, spaces, commas, newlines and periods (CreateFunctionRequest.Description).');
				const type = str(params, 'Type') ?? 'Event';
				if (type !== 'Event' && type !== 'HTTP') throw new ApiError('InvalidParameterValue.Type', `Type ${type}: Event or HTTP (CreateFunctionRequest.Type).`);
				const zip = zipOf(params);
				const handler = str(params, 'Handler') ?? 'index.main_handler';
				checkHandler(handler, zip);
				const fn: FakeFunction = {
					region,
					namespace,
					name,
					runtime,
					handler,
					memorySize: num(params, 'MemorySize') ?? 128,
					timeout: num(params, 'Timeout') ?? 3,
					role: str(params, 'Role') ?? '',
					description,
					environment: environmentOf(params.Environment),
					zipSha256: sha256(zip),
					codeBytes: zip.length,
					status: 'Creating',
					readyAt: 0,
					triggers: [],
					// SCF's default delivery: a topic of its own logset per function (583/39328); ids are UUIDs.
					clsTopicId: uuidOf(`topic/${region}/${namespace}/${name}`),
					clsLogsetId: uuidOf(`logset/${region}`),
					urlOverride: undefined,
				};
				transition(fn, 'Creating');
				functions.set(fnKey(region, namespace, name), fn);
				codes.set(fnKey(region, namespace, name), zip);
				return {};
			},
			UpdateFunctionCode(region, params) {
				const fn = findFunction(region, params);
				requireActive(fn, 'UpdateFunctionCode');
				const zip = zipOf(params);
				const handler = str(params, 'Handler') ?? fn.handler;
				checkHandler(handler, zip);
				fn.zipSha256 = sha256(zip);
				fn.codeBytes = zip.length;
				fn.handler = handler;
				codes.set(fnKey(fn.region, fn.namespace, fn.name), zip);
				transition(fn, 'Updating');
				return {};
			},
			UpdateFunctionConfiguration(region, params) {
				const fn = findFunction(region, params);
				requireActive(fn, 'UpdateFunctionConfiguration');
				const runtime = str(params, 'Runtime');
				if (runtime !== undefined && runtime !== fn.runtime) throw new ApiError('InvalidParameterValue.Runtime', '函数运行环境，创建时指定，目前不支持修改 (UpdateFunctionConfigurationRequest.Runtime).');
				checkSizes(params);
				const description = str(params, 'Description');
				if (description !== undefined && !UPDATE_DESCRIPTION.test(description)) {
					throw new ApiError('InvalidParameterValue.Description', 'Description: up to 1000 letters, digits, spaces, commas and periods, no newlines (UpdateFunctionConfigurationRequest.Description).');
				}
				const environment = params.Environment === undefined ? undefined : environmentOf(params.Environment);
				fn.memorySize = num(params, 'MemorySize') ?? fn.memorySize;
				fn.timeout = num(params, 'Timeout') ?? fn.timeout;
				fn.role = str(params, 'Role') ?? fn.role;
				fn.description = description ?? fn.description;
				// An empty list leaves the variables as they are (tencent-component-toolkit, scf.updateConfigure).
				if (environment !== undefined && environment.length > 0) fn.environment = environment;
				transition(fn, 'Updating');
				return {};
			},
			GetFunctionAddress(region, params) {
				const fn = findFunction(region, params);
				const zip = codes.get(fnKey(fn.region, fn.namespace, fn.name))!;
				const digest = (data: Buffer) => createHash('sha256').update(data).digest();
				const value =
					codeShaMode === 'hex' ? digest(zip).toString('hex') : codeShaMode === 'base64' ? digest(zip).toString('base64') : codeShaMode === 'repackaged' ? digest(Buffer.concat([Buffer.from('scf-repack:'), zip])).toString('hex') : undefined;
				return {Url: `https://scf-code.example.invalid/${fn.name}.zip?sign=fake`, ...(value === undefined ? {} : {CodeSha256: value})};
			},
			DeleteFunction(region, params) {
				const fn = findFunction(region, params);
				requireActive(fn, 'DeleteFunction');
				fn.triggers = [];
				transition(fn, 'Deleting');
				return {};
			},
			ListTriggers(region, params) {
				const fn = findFunction(region, params);
				return {TotalCount: fn.triggers.length, Triggers: page(fn.triggers, params).map((trigger) => listedTrigger(trigger, fn))};
			},
			CreateTrigger(region, params) {
				if (!CREATE_TRIGGER_REGIONS.has(region)) throw new ApiError('UnsupportedRegion', `接口不支持所传地域 ${region} (CreateTrigger supports ${[...CREATE_TRIGGER_REGIONS].join(', ')}: 583/18589).`);
				const fn = findFunction(region, params);
				requireActive(fn, 'CreateTrigger');
				const type = str(params, 'Type')!;
				const name = str(params, 'TriggerName')!;
				if (type === 'timer' && !TIMER_NAME.test(name)) throw new ApiError('InvalidParameterValue.TriggerName', `TriggerName ${name}: up to 100 letters, digits, - and _ (CreateTriggerRequest.TriggerName).`);
				if (fn.triggers.some((trigger) => trigger.type === type && trigger.name === name)) throw new ApiError('ResourceInUse.Trigger', `TriggerName已存在 (${type}/${name})`);
				if (type === 'http' && fn.triggers.some((trigger) => trigger.type === 'http')) throw new ApiError('ResourceInUse.Trigger', 'A function has at most one function URL.');
				const customArgument = str(params, 'CustomArgument');
				if (customArgument !== undefined && type !== 'timer') throw new ApiError('InvalidParameterValue.CustomArgument', '用户自定义参数，仅支持timer触发器 (CreateTriggerRequest.CustomArgument).');
				if (customArgument !== undefined && Buffer.byteLength(customArgument) > 4096) throw new ApiError('InvalidParameterValue.CustomArgument', 'CustomArgument参数长度超限 (4 KB, 583/9708).');
				const trigger: FakeTrigger = {
					type,
					name,
					desc: triggerDesc(fn, type, str(params, 'TriggerDesc')),
					enable: enableOf(params, 1),
					customArgument,
					qualifier: qualifierOf(params),
					addTime: stamp(),
					modTime: stamp(),
				};
				fn.triggers.push(trigger);
				return {TriggerInfo: listedTrigger(trigger)};
			},
			UpdateTrigger(region, params) {
				const fn = findFunction(region, params);
				requireActive(fn, 'UpdateTrigger');
				const type = str(params, 'Type')!;
				const name = str(params, 'TriggerName')!;
				if (!UPDATABLE_TRIGGER_TYPES.has(type)) throw new ApiError('InvalidParameterValue.Type', `触发器类型，目前只支持timer、ckafka、http三种类型 (UpdateTriggerRequest.Type), not ${type}.`);
				const trigger = fn.triggers.find((candidate) => candidate.type === type && candidate.name === name && candidate.qualifier === qualifierOf(params));
				if (!trigger) throw new ApiError('ResourceNotFound.Trigger', `触发器不存在 (${type}/${name})`);
				const desc = str(params, 'TriggerDesc');
				if (desc !== undefined) trigger.desc = triggerDesc(fn, type, desc);
				trigger.enable = enableOf(params, trigger.enable);
				const customArgument = str(params, 'CustomArgument');
				if (customArgument !== undefined) trigger.customArgument = customArgument === '' ? undefined : customArgument;
				trigger.modTime = stamp();
				return {};
			},
			DeleteTrigger(region, params) {
				const fn = findFunction(region, params);
				const type = str(params, 'Type')!;
				const name = str(params, 'TriggerName')!;
				if (!DELETABLE_TRIGGER_TYPES.has(type)) throw new ApiError('InvalidParameterValue.Type', `要删除的触发器类型，目前只支持 ${[...DELETABLE_TRIGGER_TYPES].join('、')} 类型 (DeleteTriggerRequest.Type), not ${type}.`);
				const index = fn.triggers.findIndex((candidate) => candidate.type === type && candidate.name === name && candidate.qualifier === qualifierOf(params));
				if (index === -1) throw new ApiError('ResourceNotFound.Trigger', `触发器不存在 (${type}/${name})`);
				fn.triggers.splice(index, 1);
				return {};
			},
		},
		eb: {
			ListEventBuses(region, params) {
				const filters = (params.Filters ?? []) as Array<{Name: string; Values: string[]}>;
				// "每次请求的Filters的上限为10，Filter.Values的上限为5" (ListEventBusesRequest.Filters).
				if (filters.length > 10 || filters.some((filter) => filter.Values.length > 5)) throw new ApiError('InvalidParameterValue.Filters', 'At most 10 filters of at most 5 values each (ListEventBusesRequest.Filters).');
				const field: Record<string, 'Type' | 'EventBusName' | 'EventBusId'> = {Type: 'Type', EventBusName: 'EventBusName', EventBusId: 'EventBusId'};
				const matching = buses(region).filter((bus) =>
					filters.every((filter) => {
						const key = field[filter.Name];
						if (!key) throw new ApiError('InvalidParameterValue.Filters', `Unknown filter ${filter.Name} (ListEventBusesRequest.Filters).`);
						return filter.Values.includes(bus[key]);
					}),
				);
				return {TotalCount: matching.length, EventBuses: page(matching, params)};
			},
			ListRules(region, params) {
				const busId = findBus(region, params);
				const matching = [...rules.values()].filter((rule) => rule.region === region && rule.EventBusId === busId);
				return {
					TotalCount: matching.length,
					Rules: page(matching, params).map((rule) => ({
						RuleId: rule.RuleId,
						RuleName: rule.RuleName,
						EventBusId: rule.EventBusId,
						Enable: rule.Enable,
						Description: rule.Description,
						Status: rule.Enable ? 'ENABLE' : 'DISABLE',
						Targets: [...targets.values()].filter((target) => target.RuleId === rule.RuleId).map((target) => ({TargetId: target.TargetId, Type: target.Type})),
					})),
				};
			},
			GetRule(region, params) {
				const rule = findRule(region, params);
				return {EventBusId: rule.EventBusId, RuleId: rule.RuleId, RuleName: rule.RuleName, Status: rule.Enable ? 'ENABLE' : 'DISABLE', Enable: rule.Enable, Description: rule.Description, EventPattern: rule.EventPattern};
			},
			CreateRule(region, params) {
				const busId = findBus(region, params);
				const name = str(params, 'RuleName')!;
				if (!RULE_NAME.test(name)) throw new ApiError('InvalidParameterValue.RuleName', `RuleName ${name}: 2-60 letters, digits, _ or -, starting with a letter (CreateRuleRequest.RuleName).`);
				if ([...rules.values()].some((rule) => rule.region === region && rule.EventBusId === busId && rule.RuleName === name)) throw new ApiError('InvalidParameterValue.RuleName', `A rule named ${name} exists on ${busId}.`);
				const pattern = str(params, 'EventPattern')!;
				checkPattern(pattern);
				const description = str(params, 'Description') ?? '';
				if (description.length > 200) throw new ApiError('InvalidParameterValue.Description', 'Description: at most 200 characters (CreateRuleRequest.Description).');
				const rule: FakeRule = {region, RuleId: nextId('rule'), RuleName: name, EventBusId: busId, EventPattern: pattern, Enable: params.Enable === undefined ? true : params.Enable === true, Description: description};
				rules.set(rule.RuleId, rule);
				return {RuleId: rule.RuleId};
			},
			UpdateRule(region, params) {
				const rule = findRule(region, params);
				const pattern = str(params, 'EventPattern');
				if (pattern !== undefined) checkPattern(pattern);
				const description = str(params, 'Description');
				if (description !== undefined && description.length > 200) throw new ApiError('InvalidParameterValue.Description', 'Description: at most 200 characters (UpdateRuleRequest.Description).');
				const name = str(params, 'RuleName');
				if (name !== undefined && !RULE_NAME.test(name)) throw new ApiError('InvalidParameterValue.RuleName', `RuleName ${name} (UpdateRuleRequest.RuleName).`);
				if (pattern !== undefined) rule.EventPattern = pattern;
				if (params.Enable !== undefined) rule.Enable = params.Enable === true;
				rule.Description = description ?? rule.Description;
				rule.RuleName = name ?? rule.RuleName;
				return {};
			},
			DeleteRule(region, params) {
				const rule = findRule(region, params);
				// "规则下有目标，无法删除，请删除所有目标后重试" (ResourceInUse.Rule, eb errors.go).
				if ([...targets.values()].some((target) => target.RuleId === rule.RuleId)) throw new ApiError('ResourceInUse.Rule', '规则下有目标，无法删除，请删除所有目标后重试。');
				rules.delete(rule.RuleId);
				return {};
			},
			ListTargets(region, params) {
				const rule = findRule(region, params);
				const matching = [...targets.values()].filter((target) => target.RuleId === rule.RuleId);
				return {TotalCount: matching.length, Targets: page(matching, params).map(({region: _region, ...target}) => target)};
			},
			CreateTarget(region, params) {
				const rule = findRule(region, params);
				const type = str(params, 'Type')!;
				if (type !== 'scf') throw new ApiError('InvalidParameterValue.Type', `The fake supports scf targets only, not ${type} (CreateTargetRequest.Type).`);
				const resource = (params.TargetDescription as {ResourceDescription: string}).ResourceDescription;
				const match = SCF_RESOURCE.exec(resource);
				if (!match) throw new ApiError('InvalidParameterValue.TargetDescription', `ResourceDescription ${JSON.stringify(resource)} is not qcs::scf:<region>:uin/<uin>:namespace/<ns>/function/<name>/<qualifier> (TargetDescription.ResourceDescription).`);
				const [, resourceRegion, resourceUin, namespace, name] = match as unknown as [string, string, string, string, string];
				// Undocumented either way; EventBridge's examples and tooling only ever target the bus's own region.
				if (resourceRegion !== region) throw new ApiError('InvalidParameterValue.TargetDescription', `The function is in ${resourceRegion}, the rule's bus in ${region}: the fake allows no cross-region target.`);
				// Resources belong to the main account: a sub-account's UIN names no function.
				if (resourceUin !== uin) throw new ApiError('ResourceNotFound.Function', `未找到指定的Function (uin/${resourceUin} is not the account ${uin})`);
				const fn = lookup(region, namespace, name);
				if (!fn) throw new ApiError('ResourceNotFound.Function', `未找到指定的Function，请创建后再试。 (${namespace}/${name})`);
				// "投递目标创建失败，请检查函数状态" (FailedOperation.CreateTrigger, eb errors.go).
				if (fn.status !== 'Active') throw new ApiError('FailedOperation.CreateTrigger', `投递目标创建失败，请检查函数状态。 (status ${fn.status})`);
				if ([...targets.values()].some((target) => target.RuleId === rule.RuleId && target.TargetDescription.ResourceDescription === resource)) throw new ApiError('ResourceInUse', '事件目标已存在');
				const target: FakeTarget = {region, TargetId: nextId('target'), RuleId: rule.RuleId, EventBusId: rule.EventBusId, Type: type, TargetDescription: {ResourceDescription: resource}};
				targets.set(target.TargetId, target);
				// A target occupies a trigger slot of the function ("投递目标创建失败，函数触发器数量达到限制",
				// LimitExceeded.Trigger, eb errors.go), listed as type eb; DeleteTrigger refuses that type.
				fn.triggers.push({type: 'eb', name: ebTriggerName(target), desc: JSON.stringify({EventBusId: rule.EventBusId, RuleId: rule.RuleId}), enable: 1, customArgument: undefined, qualifier: match[5]!, addTime: stamp(), modTime: stamp()});
				return {TargetId: target.TargetId};
			},
			DeleteTarget(region, params) {
				const rule = findRule(region, params);
				const target = targets.get(str(params, 'TargetId') ?? '');
				if (!target || target.RuleId !== rule.RuleId) throw new ApiError('ResourceNotFound.Target', `未找到指定的Target ${String(params.TargetId)}`);
				targets.delete(target.TargetId);
				const [, resourceRegion, , namespace, name] = SCF_RESOURCE.exec(target.TargetDescription.ResourceDescription) as unknown as [string, string, string, string, string];
				const fn = lookup(resourceRegion, namespace, name);
				if (fn) fn.triggers = fn.triggers.filter((trigger) => !(trigger.type === 'eb' && trigger.name === ebTriggerName(target)));
				return {};
			},
		},
		sts: {
			// AccountId: "当前调用者所属主账号Uin"; UserId / PrincipalId: the key's own UIN (GetCallerIdentityResponse, sts_models.d.ts).
			GetCallerIdentity: (_region, _params, credential) => {
				const caller = credential.subAccountUin ?? uin;
				return {Arn: `qcs::cam::uin/${uin}:uin/${caller}`, AccountId: uin, UserId: caller, PrincipalId: caller, Type: credential.subAccountUin ? 'CAMUser' : 'RootAccount'};
			},
		},
		cam: {
			// Uin: the caller, OwnerUin: the main account, AppId: the account's (GetUserAppIdResponse, cam_models.d.ts).
			GetUserAppId: (_region, _params, credential) => ({Uin: credential.subAccountUin ?? uin, OwnerUin: uin, AppId: Number(appId)}),
			GetRole(_region, params) {
				const role = roleOf(params);
				return {
					RoleInfo: {
						RoleId: role.id,
						RoleName: role.name,
						PolicyDocument: role.trustPolicy,
						Description: '',
						AddTime: '2024-01-01 00:00:00',
						UpdateTime: '2024-01-01 00:00:00',
						ConsoleLogin: 0,
						RoleType: 'user',
						SessionDuration: 7200,
						RoleArn: `qcs::cam::uin/${uin}:roleName/${role.name}`,
					},
				};
			},
			ListAttachedRolePolicies(_region, params) {
				const pageNumber = num(params, 'Page')!;
				const perPage = num(params, 'Rp')!;
				// "页码，从 1 开始"; "每页行数，不能大于200" (ListAttachedRolePoliciesRequest).
				if (!Number.isInteger(pageNumber) || pageNumber < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > 200) throw new ApiError('InvalidParameter.ParamError', `Page from 1 and Rp from 1 to 200, got Page ${pageNumber}, Rp ${perPage}.`);
				const role = roleOf(params);
				const attached = role.policyIds.map((id) => policies.get(id)!);
				return {
					TotalNum: attached.length,
					List: attached.slice((pageNumber - 1) * perPage, pageNumber * perPage).map((policy) => ({
						PolicyId: policy.id,
						PolicyName: policy.name,
						AddTime: '2024-01-01 00:00:00',
						PolicyType: policy.type === 2 ? 'QCS' : 'User',
						CreateMode: 2,
						Deactived: 0,
						DeactivedDetail: [],
						Description: '',
					})),
				};
			},
			GetPolicy(_region, params) {
				const policy = policies.get(num(params, 'PolicyId')!);
				// "策略ID不存在" (InvalidParameter.PolicyIdNotExist, cam errors.go).
				if (!policy) throw new ApiError('InvalidParameter.PolicyIdNotExist', `策略不存在 (${String(params.PolicyId)}).`);
				return {PolicyName: policy.name, Description: '', Type: policy.type, AddTime: '2024-01-01 00:00:00', UpdateTime: '2024-01-01 00:00:00', PolicyDocument: policy.document, PresetAlias: '', IsServiceLinkedRolePolicy: 0, Tags: []};
			},
		},
		cls: {
			SearchLog(region, params) {
				const topicId = str(params, 'TopicId');
				// "TopicId 和 Topics 不能同时使用，在一次请求中有且只能选择一个" (SearchLogRequest.TopicId); the fake has single topics only.
				if (topicId === undefined || params.Topics !== undefined) throw new ApiError('InvalidParameter', 'The fake answers SearchLog on one TopicId (not Topics).');
				const owner = [...functions.values()].find((fn) => fn.region === region && fn.clsTopicId === topicId);
				// "日志主题不存在" (ResourceNotFound.TopicNotExist, tencentcloud-sdk-go tencentcloud/cls/v20201016/errors.go); topics are regional.
				if (!owner) throw new ApiError('ResourceNotFound.TopicNotExist', `日志主题不存在 (${topicId} in ${region}).`);
				const from = num(params, 'From')!;
				const to = num(params, 'To')!;
				// "时间范围为左闭右开区间 [From, To)" (SearchLogRequest.From).
				if (!(from < to)) throw new ApiError('InvalidParameter', `From ${from} must be before To ${to} (milliseconds, [From, To)).`);
				const syntax = num(params, 'QuerySyntax');
				if (syntax !== undefined && syntax !== 1) throw new ApiError('InvalidParameter', 'The fake understands CQL (QuerySyntax 1) only.');
				const limit = num(params, 'Limit') ?? 100;
				// "默认为100，最大值为1000" (SearchLogRequest.Limit).
				if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiError('InvalidParameter', `Limit ${limit} is outside 1-1000.`);
				const sort = str(params, 'Sort') ?? 'desc';
				if (sort !== 'asc' && sort !== 'desc') throw new ApiError('InvalidParameter', `Sort ${sort}: asc or desc.`);
				const terms = parseQuery(str(params, 'QueryString') ?? '');
				// SCF_Message is full-text (a phrase matches inside it); the other SCF_* fields are compared whole (583/60336).
				const matches = (line: FakeLogLine) =>
					terms.every(({key, value}) => {
						const field = line.fields[key];
						return field !== undefined && (key === 'SCF_Message' ? String(field).includes(value) : String(field) === value);
					});
				const found = logLines.filter((line) => line.topicId === topicId && line.time >= from && line.time < to && matches(line)).sort((a, b) => (sort === 'asc' ? a.time - b.time : b.time - a.time));
				return {
					Context: '',
					ListOver: found.length <= limit,
					Analysis: false,
					Results: found.slice(0, limit).map((line, index) => ({Time: line.time, TopicId: topicId, TopicName: `SCF_logtopic_${owner.namespace}`, Source: '', FileName: '', PkgId: `pkg-${index}`, PkgLogId: String(index), HighLights: [], LogJson: JSON.stringify(line.fields), HostName: '', RawLog: '', IndexStatus: ''})),
				};
			},
		},
	};

	/**
	Verify a TC3-HMAC-SHA256 request (signature v3: tencentyun/intlcloud-documents, API/API 3.0/计算/无服务器云函数/
	调用方式/接口鉴权 v3.md; common parameters: …/公共参数.md). Returns the key used.
	*/
	function authenticate(request: http.IncomingMessage, body: Buffer, service: FakeService, region: string | undefined, host: string): FakeCredential {
		const authorization = request.headers.authorization ?? '';
		const match = SIGNATURE.exec(authorization);
		if (!match) throw new ApiError('AuthFailure.InvalidAuthorization', 'The Authorization header is missing or not TC3-HMAC-SHA256.');
		const [, secretId, date, scopeService, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string];
		// "SignedHeaders … content-type 和 host 为必选头部 … 按照字典排序进行拼接".
		const signed = signedHeaders.split(';');
		if (!signed.includes('content-type') || !signed.includes('host')) throw new ApiError('AuthFailure.InvalidAuthorization', `SignedHeaders ${signedHeaders} must include content-type and host.`);
		if (signed.join(';') !== [...signed].sort().join(';')) throw new ApiError('AuthFailure.InvalidAuthorization', `SignedHeaders ${signedHeaders} must be sorted.`);
		for (const name of signed) if (request.headers[name] === undefined) throw new ApiError('AuthFailure.InvalidAuthorization', `Signed header ${name} is not in the request.`);
		// "service 为产品名，必须与调用的产品域名一致".
		if (scopeService !== service) throw new ApiError('AuthFailure.InvalidAuthorization', `The credential scope names service ${JSON.stringify(scopeService)}; this is the ${service} API at ${host}.`);
		const timestamp = Number(request.headers['x-tc-timestamp']);
		if (!Number.isInteger(timestamp)) throw new ApiError('MissingParameter', 'X-TC-Timestamp is missing.');
		if (Math.abs(Date.now() / 1000 - timestamp) > MAX_SKEW_SECONDS) throw new ApiError('AuthFailure.SignatureExpire', '签名过期。Timestamp 和服务器时间相差不得超过五分钟。');
		if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) throw new ApiError('AuthFailure.InvalidAuthorization', 'The credential date does not match X-TC-Timestamp (Date 为 UTC 标准时间的日期).');
		const credential = credentials.find((candidate) => candidate.secretId === secretId);
		if (!credential) throw new ApiError('AuthFailure.SecretIdNotFound', '密钥不存在。');
		const headerLines = signed.map((name) => `${name}:${(name === 'host' ? host : String(request.headers[name] ?? '')).trim().toLowerCase()}\n`);
		const canonicalRequest = `${request.method}\n/\n\n${headerLines.join('')}\n${signedHeaders}\n${sha256(body)}`;
		const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${scopeService}/tc3_request\n${sha256(canonicalRequest)}`;
		const key = hmac(hmac(hmac(`TC3${credential.secretKey}`, date), scopeService), 'tc3_request');
		if (hmac(key, stringToSign).toString('hex') !== signature) throw new ApiError('AuthFailure.SignatureFailure', '签名错误。');
		// X-TC-Token: "临时证书所用的 Token，需要结合临时密钥一起使用 … 长期密钥不需要 Token" (common parameters).
		const token = request.headers['x-tc-token'];
		if (credential.token !== undefined ? token !== credential.token : token !== undefined) {
			throw new ApiError('AuthFailure.TokenFailure', credential.token !== undefined ? 'token 错误: this temporary key needs its X-TC-Token.' : 'token 错误: a long-term key takes no X-TC-Token.');
		}
		void region;
		return credential;
	}

	/**
	The Host a request must be sent to: the product's own host, `<service>.tencentcloudapi.com` or
	`<service>.<region>.tencentcloudapi.com`; in a finance region only the latter ("a domain name with the Finance
	region needs to be specified, for example: scf.ap-shanghai-fsi.tencentcloudapi.com", 583/18589).
	*/
	function checkHost(host: string, service: FakeService, region: string | undefined, action: string) {
		const shared = `${service}.tencentcloudapi.com`;
		const regional = region ? `${service}.${region}.tencentcloudapi.com` : undefined;
		if (host !== shared && host !== regional) throw new ApiError('InvalidAction', `${host} does not serve ${service} ${action}: expected ${shared}${regional ? ` or ${regional}` : ''}.`);
		if (region?.endsWith('-fsi') && host !== regional) throw new ApiError('UnsupportedRegion', `${region} is a finance region: send to ${regional}, not ${host}.`);
	}

	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		let size = 0;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		request.on('end', () => {
			const requestId = `fake-${(++sequence).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
			const body = Buffer.concat(chunks);
			const action = String(request.headers['x-tc-action'] ?? '');
			const version = String(request.headers['x-tc-version'] ?? '');
			const region = request.headers['x-tc-region'] === undefined ? undefined : String(request.headers['x-tc-region']);
			const host = String(request.headers.host ?? '').replace(/:\d+$/, '');
			const service = VERSIONS[version]?.service;
			let params: Params = {};
			let secretId: string | undefined;
			let payload: Params;
			try {
				if (request.method !== 'POST' || request.url !== '/') throw new ApiError('UnsupportedProtocol', 'The fake answers POST / only.');
				if (size > MAX_BODY_BYTES) throw new ApiError('RequestSizeLimitExceeded', `The request body is ${size} bytes; TC3-signed POST bodies are at most 10 MB.`);
				if (!service) throw new ApiError('NoSuchVersion', `接口版本不存在 (${version}).`);
				const handler = handlers[service][action];
				if (!handler) throw new ApiError('InvalidAction', `接口不存在: the fake does not implement ${service} ${action}.`);
				checkHost(host, service, region, action);
				const credential = authenticate(request, body, service, region, host);
				secretId = credential.secretId;
				try {
					params = JSON.parse(body.toString('utf8') || '{}') as Params;
				} catch {
					throw new ApiError('InvalidParameter', 'The body is not JSON.');
				}
				if (!params || typeof params !== 'object' || Array.isArray(params)) throw new ApiError('InvalidParameter', 'The body is not a JSON object.');
				checkRequest(models[service], action, params);
				if (!region && !REGIONLESS.has(service)) throw new ApiError('MissingParameter', 'X-TC-Region is required.');
				const error = injected.get(action);
				if (error) {
					if (--error.times <= 0) injected.delete(action);
					throw new ApiError(error.code, error.message ?? `Injected failure of ${action}.`);
				}
				payload = {...handler(region ?? '', params, credential), RequestId: requestId};
				calls.push({service, action, region, host, params: summarizeParams(params), secretId});
			} catch (error) {
				const apiError = error instanceof ApiError || error instanceof ModelViolation ? error : new ApiError('InternalError', String((error as Error)?.message ?? error));
				payload = {Error: {Code: apiError.code, Message: apiError.message}, RequestId: requestId};
				calls.push({service: service ?? 'unknown', action, region, host, params: summarizeParams(params), secretId, error: apiError.code});
			}
			const text = JSON.stringify({Response: payload});
			response.writeHead(200, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)});
			response.end(text);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		credentials,
		uin,
		clock,
		get calls() {
			return calls.map((call) => structuredClone(call));
		},
		clearCalls: () => {
			calls.length = 0;
		},
		mutatingCalls: () => calls.filter((call) => !/^(Get|List|Describe|Search)/.test(call.action)).map((call) => structuredClone(call)),
		injectError: (action, error) => {
			injected.set(action, {...error, times: error.times ?? 1});
		},
		functions: () =>
			[...functions.values()]
				.map((fn) => refresh(fn))
				.filter((fn): fn is FakeFunction => fn !== undefined)
				.map((fn) => structuredClone(fn)),
		rules: () => [...rules.values()].map((rule) => structuredClone(rule)),
		targets: () => [...targets.values()].map((target) => structuredClone(target)),
		consoleUpdateCode: (ref, zip) => {
			const fn = findRef(ref);
			fn.zipSha256 = sha256(zip);
			fn.codeBytes = zip.length;
			codes.set(fnKey(fn.region, fn.namespace, fn.name), zip);
			transition(fn, 'Updating');
		},
		consoleAddTrigger: (ref, {type, name, desc}) => {
			const fn = findRef(ref);
			fn.triggers.push({type, name, desc, enable: 1, customArgument: undefined, qualifier: '$LATEST', addTime: stamp(), modTime: stamp()});
		},
		consoleSetVariable: (ref, key, value) => {
			const fn = findRef(ref);
			fn.environment = fn.environment.filter((variable) => variable.Key !== key);
			if (value !== undefined) fn.environment.push({Key: key, Value: value});
		},
		setCloudBus: (enabled) => {
			cloudBus = enabled;
		},
		setFunctionUrl: (ref, url) => {
			findRef(ref).urlOverride = url;
		},
		consoleSetLogTopic: (ref, topicId) => {
			findRef(ref).clsTopicId = topicId;
		},
		appendLog: (ref, line) => {
			const fn = findRef(ref);
			if (!fn.clsTopicId) return false;
			const time = line.time ?? clock.now();
			logLines.push({
				topicId: fn.clsTopicId,
				time,
				fields: {SCF_FunctionName: fn.name, SCF_Namespace: fn.namespace, SCF_LogTime: time, SCF_RequestId: line.requestId, SCF_Alias: '', SCF_Qualifier: '$LATEST', SCF_Message: line.message, SCF_Type: 'Custom', SCF_RetryNum: 0},
			});
			return true;
		},
		addRole: ({name, trustPolicy, policies: attached = []}) => {
			const existing = roles.get(name);
			const role: FakeRole = {id: existing?.id ?? String(4_611_686_018_427_000_000n + BigInt(roles.size + 1)), name, trustPolicy: jsonText(trustPolicy), policyIds: storePolicies(attached)};
			roles.set(name, role);
			return structuredClone(role);
		},
		setRolePolicies: (roleName, attached) => {
			const role = roles.get(roleName);
			if (!role) throw new Error(`fake: no role ${roleName}`);
			role.policyIds = storePolicies(attached);
		},
		roles: () => [...roles.values()].map((role) => structuredClone(role)),
		policies: () => [...policies.values()].map((policy) => structuredClone(policy)),
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}
