// A loopback fake of the Tencent Cloud API 3.0 endpoint, for the SCF, EventBridge and STS actions the
// deploy plugin uses. It keeps per-region state in memory, answers like the real API (HTTP 200,
// `{"Response": {…, "RequestId"}}`, errors as `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`),
// checks the TC3-HMAC-SHA256 signature of every request, and records every call for assertions.
//
// Where the real service's behaviour is documented only loosely, the fake is the stricter reading (it
// refuses changes while a function is not Active, a rule delete while targets remain, empty environment
// values), so a plugin that passes here has not leaned on leniency. Listed trigger descriptions have the
// shapes public tooling reports (timer `{"cron": …}`, `Enable` as 1/0, an http trigger's URL in
// `NetConfig.ExtranetUrl`).
import {createHash, createHmac} from 'node:crypto';
import http from 'node:http';
import type {AddressInfo} from 'node:net';

export type FakeCredential = {secretId: string; secretKey: string};

export type FakeService = 'scf' | 'eb' | 'sts';

/** One answered request. Never holds the Authorization header, the secret key or code bytes. */
export type FakeCall = {
	/** `unknown` when the version header named no service the fake knows. */
	service: FakeService | 'unknown';
	action: string;
	region: string | undefined;
	/** The request body, with `Code.ZipFile` replaced by a short summary. */
	params: Record<string, unknown>;
	secretId: string | undefined;
	/** The error code answered, if any. */
	error?: string;
};

export type InjectedError = {code: string; message?: string; /** @default 1 */ times?: number};

export type FakeOptions = {
	/** Keys accepted. @default [{secretId: 'AKIDfakedeploy0001', secretKey: 'fake-secret-key-0001'}] */
	credentials?: FakeCredential[];
	/** The account UIN (GetCallerIdentity, EventBridge targets). @default '100000000001' */
	uin?: string;
	/** @default '1250000000' */
	appId?: string;
	/** How many GetFunction polls a create, update or delete stays transitional. @default 1 */
	pendingPolls?: number;
	/** Whether each region has a cloud-service event bus (EventBridge activated). @default true */
	cloudBus?: boolean;
};

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
	codeSha256: string;
	codeBytes: number;
	status: string;
	pendingPolls: number;
	triggers: FakeTrigger[];
};

export type FakeTrigger = {type: string; name: string; desc: string; enable: number; customArgument: string | undefined; qualifier: string; addTime: string; modTime: string};
export type FakeRule = {region: string; RuleId: string; RuleName: string; EventBusId: string; EventPattern: string; Enable: boolean; Description: string};
export type FakeTarget = {region: string; TargetId: string; RuleId: string; EventBusId: string; Type: string; TargetDescription: {ResourceDescription: string}};

export interface FakeTencentCloud {
	/** `http://127.0.0.1:PORT`: the value for TENCENTCLOUD_API_ENDPOINT. */
	readonly url: string;
	readonly credentials: FakeCredential[];
	readonly uin: string;
	/** A copy of the call log, oldest first. */
	readonly calls: FakeCall[];
	clearCalls(): void;
	/** Calls whose action does not start with Get, List or Describe. */
	mutatingCalls(): FakeCall[];
	/** The next `times` calls of `action` fail with `code`. */
	injectError(action: string, error: InjectedError): void;
	functions(): FakeFunction[];
	rules(): FakeRule[];
	targets(): FakeTarget[];
	close(): Promise<void>;
}

const VERSIONS: Record<string, FakeService> = {'2018-04-16': 'scf', '2021-04-16': 'eb', '2018-08-13': 'sts'};
const SIGNATURE = /^TC3-HMAC-SHA256 Credential=([^/\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/\s]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;
const MAX_SKEW_SECONDS = 300;
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const FUNCTION_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;
const RULE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;
const SCF_RESOURCE = /^qcs::scf:([a-z0-9-]+):uin\/(\d+):namespace\/([^/]+)\/function\/([^/]+)\/(\$LATEST|\$DEFAULT|\d+)$/;
const TRANSITIONAL = new Set(['Creating', 'Updating', 'Deleting']);
const RUNTIMES = new Set(['Nodejs12.16', 'Nodejs14.18', 'Nodejs16.13', 'Nodejs18.15']);

class ApiError extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

type Params = Record<string, unknown>;

function str(params: Params, name: string, required = true): string | undefined {
	const value = params[name];
	if (value === undefined || value === null) {
		if (required) throw new ApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
		return undefined;
	}
	if (typeof value !== 'string') throw new ApiError('InvalidParameter', `The parameter \`${name}\` must be a string.`);
	return value;
}

function num(params: Params, name: string): number | undefined {
	const value = params[name];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'number' || !Number.isFinite(value)) throw new ApiError('InvalidParameter', `The parameter \`${name}\` must be a number.`);
	return value;
}

function page<T>(items: T[], params: Params, defaultLimit = 20): T[] {
	const offset = num(params, 'Offset') ?? 0;
	const limit = num(params, 'Limit') ?? defaultLimit;
	return items.slice(offset, offset + limit);
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const now = () => new Date().toISOString().replace('T', ' ').slice(0, 19);

function environmentOf(value: unknown): Array<{Key: string; Value: string}> {
	const variables = (value as {Variables?: unknown} | undefined)?.Variables;
	if (variables === undefined) return [];
	if (!Array.isArray(variables)) throw new ApiError('InvalidParameterValue.Environment', 'Environment.Variables must be an array.');
	const result: Array<{Key: string; Value: string}> = [];
	for (const item of variables as Array<{Key?: unknown; Value?: unknown}>) {
		// The documented way to clear every variable is one empty pair.
		if (item.Key === '' && item.Value === '' && variables.length === 1) return [];
		if (typeof item.Key !== 'string' || item.Key === '' || typeof item.Value !== 'string' || item.Value === '') {
			throw new ApiError('InvalidParameterValue.Environment', `Environment variable ${JSON.stringify(item.Key)}: key and value must be non-empty strings.`);
		}
		if (/^(SCF_|QCLOUD_|TENCENTCLOUD_)/.test(item.Key)) throw new ApiError('InvalidParameterValue.Environment', `Environment variable ${item.Key} uses a reserved prefix.`);
		result.push({Key: item.Key, Value: item.Value});
	}
	return result;
}

function summarizeParams(params: Params): Params {
	const copy: Params = {...params};
	const code = params.Code as {ZipFile?: unknown} | undefined;
	if (code && typeof code.ZipFile === 'string') {
		const bytes = Buffer.from(code.ZipFile, 'base64');
		copy.Code = {...code, ZipFile: `<zip ${bytes.length} bytes sha256 ${sha256(bytes)}>`};
	}
	return copy;
}

export async function startFakeTencentCloud(options: FakeOptions = {}): Promise<FakeTencentCloud> {
	const credentials = options.credentials ?? [{secretId: 'AKIDfakedeploy0001', secretKey: 'fake-secret-key-0001'}];
	const uin = options.uin ?? '100000000001';
	const appId = options.appId ?? '1250000000';
	const pendingPolls = options.pendingPolls ?? 1;
	const cloudBus = options.cloudBus ?? true;

	const calls: FakeCall[] = [];
	const injected = new Map<string, InjectedError & {times: number}>();
	const functions = new Map<string, FakeFunction>();
	const rules = new Map<string, FakeRule>();
	const targets = new Map<string, FakeTarget>();
	let sequence = 0;
	const nextId = (prefix: string) => `${prefix}-${(++sequence).toString(36).padStart(8, '0')}`;

	const buses = (region: string) => [
		...(cloudBus ? [{EventBusId: `eb-cloud${region.replace(/[^a-z]/g, '').slice(0, 6)}`, EventBusName: 'default', Type: 'Cloud', Description: 'cloud service events', AddTime: '2024-01-01 00:00:00', ModTime: '2024-01-01 00:00:00'}] : []),
		{EventBusId: 'eb-custom0001', EventBusName: 'custom-bus', Type: 'Custom', Description: 'a custom bus', AddTime: '2024-01-01 00:00:00', ModTime: '2024-01-01 00:00:00'},
	];

	const fnKey = (region: string, namespace: string, name: string) => `${region}/${namespace}/${name}`;
	function findFunction(region: string, params: Params): FakeFunction {
		const name = str(params, 'FunctionName')!;
		const namespace = str(params, 'Namespace', false) ?? 'default';
		const found = functions.get(fnKey(region, namespace, name));
		if (!found) throw new ApiError('ResourceNotFound.Function', `未找到指定的Function，请创建后再试。 (function ${namespace}/${name})`);
		return found;
	}
	function requireActive(fn: FakeFunction, action: string) {
		if (fn.status !== 'Active') throw new ApiError(`FailedOperation.${action}`, `当前函数状态无法进行此操作，请在函数状态正常时重试。 (status ${fn.status})`);
	}
	function transition(fn: FakeFunction, status: string) {
		fn.status = status;
		fn.pendingPolls = pendingPolls;
		if (pendingPolls === 0) settle(fn);
	}
	function settle(fn: FakeFunction) {
		if (fn.status === 'Deleting') functions.delete(fnKey(fn.region, fn.namespace, fn.name));
		else fn.status = 'Active';
	}
	function zipOf(params: Params): Buffer {
		const code = params.Code as {ZipFile?: unknown} | undefined;
		const zip = typeof code?.ZipFile === 'string' ? code.ZipFile : typeof params.ZipFile === 'string' ? params.ZipFile : undefined;
		if (zip === undefined) throw new ApiError('InvalidParameterValue.Code', 'Code.ZipFile is required (the fake supports ZipFile code only).');
		const bytes = Buffer.from(zip, 'base64');
		if (bytes.length < 22 || bytes.readUInt32LE(0) !== 0x04034b50) throw new ApiError('InvalidParameterValue.ZipFile', 'ZipFile is not a zip archive.');
		return bytes;
	}
	function listedTrigger(trigger: FakeTrigger) {
		return {
			Enable: trigger.enable,
			Qualifier: trigger.qualifier,
			TriggerName: trigger.name,
			Type: trigger.type,
			TriggerDesc: trigger.desc,
			AvailableStatus: 'Available',
			CustomArgument: trigger.customArgument ?? null,
			AddTime: trigger.addTime,
			ModTime: trigger.modTime,
			Description: null,
		};
	}
	function triggerDesc(fn: FakeFunction, type: string, desc: string | undefined): string {
		if (type === 'timer') {
			const cron = (desc ?? '').trim();
			if (cron.split(/\s+/).length !== 7) throw new ApiError('InvalidParameterValue.TriggerDesc', `TriggerDesc: the cron expression needs 7 fields, got ${JSON.stringify(cron)}.`);
			return JSON.stringify({cron});
		}
		if (type === 'http') {
			let parsed: {AuthType?: unknown; NetConfig?: {EnableIntranet?: unknown; EnableExtranet?: unknown}};
			try {
				parsed = JSON.parse(desc ?? '') as typeof parsed;
			} catch {
				throw new ApiError('InvalidParameterValue.TriggerDesc', 'TriggerDesc of an http trigger must be JSON.');
			}
			if (parsed.AuthType !== 'NONE' && parsed.AuthType !== 'CAM') throw new ApiError('InvalidParameterValue.TriggerDesc', 'AuthType must be NONE or CAM.');
			const extranet = parsed.NetConfig?.EnableExtranet === true;
			const intranet = parsed.NetConfig?.EnableIntranet === true;
			const id = sha256(`${fn.region}/${fn.namespace}/${fn.name}`).slice(0, 10);
			return JSON.stringify({
				AuthType: parsed.AuthType,
				NetConfig: {
					EnableIntranet: intranet,
					EnableExtranet: extranet,
					...(extranet ? {ExtranetUrl: `https://${appId}-${id}.${fn.region}.tencentscf.com`} : {}),
					...(intranet ? {IntranetUrl: `https://${appId}-${id}.${fn.region}.internal.tencentscf.com`} : {}),
				},
			});
		}
		throw new ApiError('InvalidParameterValue.Type', `The fake supports timer and http triggers, not ${JSON.stringify(type)}.`);
	}
	function enableOf(params: Params, fallback: number): number {
		const value = str(params, 'Enable', false);
		if (value === undefined) return fallback;
		if (value !== 'OPEN' && value !== 'CLOSE') throw new ApiError('InvalidParameterValue.Enable', 'Enable must be OPEN or CLOSE.');
		return value === 'OPEN' ? 1 : 0;
	}
	function findBus(region: string, params: Params) {
		const id = str(params, 'EventBusId')!;
		if (!buses(region).some((bus) => bus.EventBusId === id)) throw new ApiError('ResourceNotFound.EventBus', `事件集 ${id} 不存在`);
		return id;
	}
	function findRule(region: string, params: Params): FakeRule {
		const busId = findBus(region, params);
		const rule = rules.get(str(params, 'RuleId')!);
		if (!rule || rule.region !== region || rule.EventBusId !== busId) throw new ApiError('ResourceNotFound.Rule', `事件规则 ${String(params.RuleId)} 不存在`);
		return rule;
	}
	function checkPattern(pattern: string): void {
		let parsed: unknown;
		try {
			parsed = JSON.parse(pattern);
		} catch {
			throw new ApiError('InvalidParameterValue.EventPattern', 'EventPattern must be JSON.');
		}
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ApiError('InvalidParameterValue.EventPattern', 'EventPattern must be a JSON object.');
	}

	const handlers: Record<FakeService, Record<string, (region: string, params: Params) => Params>> = {
		scf: {
			GetFunction(region, params) {
				const fn = findFunction(region, params);
				const view = {
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
					Triggers: fn.triggers.map(listedTrigger),
					ModTime: now(),
				};
				// The answer shows the state before this poll; the next one may see the transition done.
				if (TRANSITIONAL.has(fn.status) && --fn.pendingPolls <= 0) settle(fn);
				return view;
			},
			CreateFunction(region, params) {
				const name = str(params, 'FunctionName')!;
				const namespace = str(params, 'Namespace', false) ?? 'default';
				if (!FUNCTION_NAME.test(name)) throw new ApiError('InvalidParameterValue.FunctionName', `函数名称 ${name} 不符合规范`);
				if (functions.has(fnKey(region, namespace, name))) throw new ApiError('ResourceInUse.Function', `函数 ${name} 已存在`);
				const runtime = str(params, 'Runtime', false) ?? 'Python2.7';
				if (!RUNTIMES.has(runtime)) throw new ApiError('InvalidParameterValue.Runtime', `Runtime ${runtime} is not supported by the fake.`);
				const memorySize = num(params, 'MemorySize') ?? 128;
				if (memorySize !== 64 && (memorySize < 128 || memorySize > 3072 || memorySize % 128 !== 0)) throw new ApiError('InvalidParameterValue.MemorySize', `MemorySize ${memorySize} is invalid.`);
				const timeout = num(params, 'Timeout') ?? 3;
				if (timeout < 1 || timeout > 900) throw new ApiError('InvalidParameterValue.Timeout', `Timeout ${timeout} is invalid.`);
				const zip = zipOf(params);
				const fn: FakeFunction = {
					region,
					namespace,
					name,
					runtime,
					handler: str(params, 'Handler')!,
					memorySize,
					timeout,
					role: str(params, 'Role', false) ?? '',
					description: str(params, 'Description', false) ?? '',
					environment: environmentOf(params.Environment),
					codeSha256: sha256(zip),
					codeBytes: zip.length,
					status: 'Creating',
					pendingPolls,
					triggers: [],
				};
				functions.set(fnKey(region, namespace, name), fn);
				if (pendingPolls === 0) settle(fn);
				return {};
			},
			UpdateFunctionCode(region, params) {
				const fn = findFunction(region, params);
				requireActive(fn, 'UpdateFunctionCode');
				const zip = zipOf(params);
				fn.codeSha256 = sha256(zip);
				fn.codeBytes = zip.length;
				fn.handler = str(params, 'Handler', false) ?? fn.handler;
				transition(fn, 'Updating');
				return {};
			},
			UpdateFunctionConfiguration(region, params) {
				const fn = findFunction(region, params);
				requireActive(fn, 'UpdateFunctionConfiguration');
				for (const forbidden of ['Handler', 'Code', 'Type']) {
					if (params[forbidden] !== undefined) throw new ApiError('InvalidParameter', `UpdateFunctionConfiguration does not take ${forbidden}.`);
				}
				const runtime = str(params, 'Runtime', false);
				if (runtime !== undefined && runtime !== fn.runtime) throw new ApiError('InvalidParameterValue.Runtime', '函数运行环境创建后不支持修改');
				fn.memorySize = num(params, 'MemorySize') ?? fn.memorySize;
				fn.timeout = num(params, 'Timeout') ?? fn.timeout;
				fn.role = str(params, 'Role', false) ?? fn.role;
				fn.description = str(params, 'Description', false) ?? fn.description;
				if (params.Environment !== undefined) fn.environment = environmentOf(params.Environment);
				transition(fn, 'Updating');
				return {};
			},
			GetFunctionAddress(region, params) {
				const fn = findFunction(region, params);
				return {Url: `https://scf-code.example.invalid/${fn.name}.zip?sign=fake`, CodeSha256: fn.codeSha256};
			},
			DeleteFunction(region, params) {
				const fn = findFunction(region, params);
				if (fn.status === 'Deleting') throw new ApiError('FailedOperation.DeleteFunction', '函数正在删除中');
				fn.triggers = [];
				transition(fn, 'Deleting');
				return {};
			},
			ListTriggers(region, params) {
				const fn = findFunction(region, params);
				return {TotalCount: fn.triggers.length, Triggers: page(fn.triggers, params).map(listedTrigger)};
			},
			CreateTrigger(region, params) {
				const fn = findFunction(region, params);
				requireActive(fn, 'CreateTrigger');
				const type = str(params, 'Type')!;
				const name = str(params, 'TriggerName')!;
				if (fn.triggers.some((trigger) => trigger.type === type && trigger.name === name)) throw new ApiError('ResourceInUse.Trigger', `触发器 ${type}/${name} 已存在`);
				if (type === 'http' && fn.triggers.some((trigger) => trigger.type === 'http')) throw new ApiError('ResourceInUse.Trigger', 'A function has at most one function URL.');
				const customArgument = str(params, 'CustomArgument', false);
				if (customArgument !== undefined && type !== 'timer') throw new ApiError('InvalidParameterValue.CustomArgument', 'CustomArgument is for timer triggers only.');
				const trigger: FakeTrigger = {
					type,
					name,
					desc: triggerDesc(fn, type, str(params, 'TriggerDesc', false)),
					enable: enableOf(params, 1),
					customArgument,
					qualifier: str(params, 'Qualifier', false) ?? '$LATEST',
					addTime: now(),
					modTime: now(),
				};
				fn.triggers.push(trigger);
				return {TriggerInfo: listedTrigger(trigger)};
			},
			UpdateTrigger(region, params) {
				const fn = findFunction(region, params);
				requireActive(fn, 'UpdateTrigger');
				const type = str(params, 'Type')!;
				const name = str(params, 'TriggerName')!;
				const trigger = fn.triggers.find((candidate) => candidate.type === type && candidate.name === name);
				if (!trigger) throw new ApiError('ResourceNotFound.Trigger', `触发器 ${type}/${name} 不存在`);
				const desc = str(params, 'TriggerDesc', false);
				if (desc !== undefined) trigger.desc = triggerDesc(fn, type, desc);
				trigger.enable = enableOf(params, trigger.enable);
				const customArgument = str(params, 'CustomArgument', false);
				if (customArgument !== undefined) trigger.customArgument = customArgument === '' ? undefined : customArgument;
				trigger.modTime = now();
				return {};
			},
			DeleteTrigger(region, params) {
				const fn = findFunction(region, params);
				const type = str(params, 'Type')!;
				const name = str(params, 'TriggerName')!;
				const index = fn.triggers.findIndex((candidate) => candidate.type === type && candidate.name === name);
				if (index === -1) throw new ApiError('ResourceNotFound.Trigger', `触发器 ${type}/${name} 不存在`);
				fn.triggers.splice(index, 1);
				return {};
			},
		},
		eb: {
			ListEventBuses(region, params) {
				const filters = (params.Filters ?? []) as Array<{Name?: string; Values?: string[]}>;
				const field: Record<string, 'Type' | 'EventBusName' | 'EventBusId'> = {Type: 'Type', EventBusName: 'EventBusName', EventBusId: 'EventBusId'};
				const matching = buses(region).filter((bus) =>
					filters.every((filter) => {
						const key = field[filter.Name ?? ''];
						if (!key) throw new ApiError('InvalidParameterValue.Filters', `Unknown filter ${String(filter.Name)}.`);
						return (filter.Values ?? []).includes(bus[key]);
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
				if (!RULE_NAME.test(name)) throw new ApiError('InvalidParameterValue.RuleName', `规则名称 ${name} 不符合规范`);
				if ([...rules.values()].some((rule) => rule.region === region && rule.EventBusId === busId && rule.RuleName === name)) throw new ApiError('ResourceInUse.Rule', `规则 ${name} 已存在`);
				const pattern = str(params, 'EventPattern')!;
				checkPattern(pattern);
				const description = str(params, 'Description', false) ?? '';
				if (description.length > 200) throw new ApiError('InvalidParameterValue.Description', 'Description is longer than 200 characters.');
				const rule: FakeRule = {region, RuleId: nextId('rule'), RuleName: name, EventBusId: busId, EventPattern: pattern, Enable: params.Enable === undefined ? true : params.Enable === true, Description: description};
				rules.set(rule.RuleId, rule);
				return {RuleId: rule.RuleId};
			},
			UpdateRule(region, params) {
				const rule = findRule(region, params);
				const pattern = str(params, 'EventPattern', false);
				if (pattern !== undefined) {
					checkPattern(pattern);
					rule.EventPattern = pattern;
				}
				if (params.Enable !== undefined) rule.Enable = params.Enable === true;
				rule.Description = str(params, 'Description', false) ?? rule.Description;
				rule.RuleName = str(params, 'RuleName', false) ?? rule.RuleName;
				return {};
			},
			DeleteRule(region, params) {
				const rule = findRule(region, params);
				if ([...targets.values()].some((target) => target.RuleId === rule.RuleId)) throw new ApiError('FailedOperation.DeleteRule', '请先删除该规则下的事件目标');
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
				if (type !== 'scf') throw new ApiError('InvalidParameterValue.Type', `The fake supports scf targets only, not ${type}.`);
				const resource = (params.TargetDescription as {ResourceDescription?: unknown} | undefined)?.ResourceDescription;
				const match = typeof resource === 'string' ? SCF_RESOURCE.exec(resource) : null;
				if (!match || typeof resource !== 'string') throw new ApiError('InvalidParameterValue.TargetDescription', `ResourceDescription ${JSON.stringify(resource)} is not qcs::scf:<region>:uin/<uin>:namespace/<ns>/function/<name>/<qualifier>.`);
				const [, resourceRegion, resourceUin, namespace, name] = match;
				if (resourceRegion !== region) throw new ApiError('InvalidParameterValue.TargetDescription', `The function is in ${String(resourceRegion)}, the rule in ${region}.`);
				if (resourceUin !== uin) throw new ApiError('InvalidParameterValue.TargetDescription', `uin/${String(resourceUin)} is not this account.`);
				if (!functions.has(fnKey(region, namespace!, name!))) throw new ApiError('ResourceNotFound.Function', `函数 ${String(namespace)}/${String(name)} 不存在`);
				if ([...targets.values()].some((target) => target.RuleId === rule.RuleId && target.TargetDescription.ResourceDescription === resource)) throw new ApiError('ResourceInUse.Target', '事件目标已存在');
				const target: FakeTarget = {region, TargetId: nextId('target'), RuleId: rule.RuleId, EventBusId: rule.EventBusId, Type: type, TargetDescription: {ResourceDescription: resource}};
				targets.set(target.TargetId, target);
				return {TargetId: target.TargetId};
			},
			DeleteTarget(region, params) {
				const rule = findRule(region, params);
				const target = targets.get(str(params, 'TargetId')!);
				if (!target || target.RuleId !== rule.RuleId) throw new ApiError('ResourceNotFound.Target', `事件目标 ${String(params.TargetId)} 不存在`);
				targets.delete(target.TargetId);
				return {};
			},
		},
		sts: {
			GetCallerIdentity: () => ({Arn: `qcs::cam::uin/${uin}:uin/${uin}`, AccountId: uin, UserId: uin, PrincipalId: uin, Type: 'RootAccount'}),
		},
	};

	/** Verify a TC3-HMAC-SHA256 request: well-formed, fresh, a known key, a correct signature. */
	function authenticate(request: http.IncomingMessage, body: Buffer): string {
		const authorization = request.headers.authorization ?? '';
		const match = SIGNATURE.exec(authorization);
		if (!match) throw new ApiError('AuthFailure.InvalidAuthorization', 'The Authorization header is missing or not TC3-HMAC-SHA256.');
		const [, secretId, date, service, signedHeaders, signature] = match as unknown as [string, string, string, string, string, string];
		const timestamp = Number(request.headers['x-tc-timestamp']);
		if (!Number.isInteger(timestamp)) throw new ApiError('AuthFailure.InvalidAuthorization', 'X-TC-Timestamp is missing.');
		if (Math.abs(Date.now() / 1000 - timestamp) > MAX_SKEW_SECONDS) throw new ApiError('AuthFailure.SignatureExpire', 'The signature has expired.');
		if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) throw new ApiError('AuthFailure.InvalidAuthorization', 'The credential date does not match X-TC-Timestamp.');
		const credential = credentials.find((candidate) => candidate.secretId === secretId);
		if (!credential) throw new ApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found.');
		// The credential scope names the first label of the endpoint host ("127" on loopback), not
		// necessarily the product: the SDK derives it that way, so it is taken as given.
		const headerLines = signedHeaders.split(';').map((name) => {
			const value = name === 'host' ? String(request.headers.host ?? '').replace(/:\d+$/, '') : String(request.headers[name] ?? '');
			return `${name}:${value.trim()}\n`;
		});
		const canonicalRequest = `${request.method}\n/\n\n${headerLines.join('')}\n${signedHeaders}\n${sha256(body)}`;
		const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${sha256(canonicalRequest)}`;
		const key = hmac(hmac(hmac(`TC3${credential.secretKey}`, date), service), 'tc3_request');
		if (hmac(key, stringToSign).toString('hex') !== signature) throw new ApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
		return secretId;
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
			const service = VERSIONS[version];
			let params: Params = {};
			let secretId: string | undefined;
			let payload: Params;
			try {
				if (request.method !== 'POST' || request.url !== '/') throw new ApiError('InvalidAction', 'The fake answers POST / only.');
				if (size > MAX_BODY_BYTES) throw new ApiError('RequestSizeLimitExceeded', 'The request body is too large.');
				secretId = authenticate(request, body);
				try {
					params = JSON.parse(body.toString('utf8') || '{}') as Params;
				} catch {
					throw new ApiError('InvalidParameter', 'The body is not JSON.');
				}
				const handler = service ? handlers[service][action] : undefined;
				if (!service || !handler) throw new ApiError('InvalidAction', `The fake does not implement ${action} of version ${version}.`);
				if (!region) throw new ApiError('MissingParameter', 'X-TC-Region is required.');
				const error = injected.get(action);
				if (error) {
					if (--error.times <= 0) injected.delete(action);
					throw new ApiError(error.code, error.message ?? `Injected failure of ${action}.`);
				}
				payload = {...handler(region, params), RequestId: requestId};
				calls.push({service, action, region, params: summarizeParams(params), secretId});
			} catch (error) {
				const apiError = error instanceof ApiError ? error : new ApiError('InternalError', String((error as Error)?.message ?? error));
				payload = {Error: {Code: apiError.code, Message: apiError.message}, RequestId: requestId};
				calls.push({service: service ?? 'unknown', action, region, params: summarizeParams(params), secretId, error: apiError.code});
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
		get calls() {
			return calls.map((call) => structuredClone(call));
		},
		clearCalls: () => {
			calls.length = 0;
		},
		mutatingCalls: () => calls.filter((call) => !/^(Get|List|Describe)/.test(call.action)).map((call) => structuredClone(call)),
		injectError: (action, error) => {
			injected.set(action, {...error, times: error.times ?? 1});
		},
		functions: () => [...functions.values()].map((fn) => structuredClone(fn)),
		rules: () => [...rules.values()].map((rule) => structuredClone(rule)),
		targets: () => [...targets.values()].map((target) => structuredClone(target)),
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((error) => (error ? reject(error) : resolve()));
			}),
	};
}
