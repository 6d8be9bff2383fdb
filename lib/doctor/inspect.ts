import type {Client} from '../client/client.js';
import type {CloudApi} from '../cloud-api/client.js';
import {hasCode, isCloudApiError, isPermissionDenied, type CloudApiError} from '../cloud-api/cloud-api-error.js';
import {isBinderError} from '../core/errors.js';
import {parsePolicy, type ParsedPolicy} from './cam-policy.js';
import {recordFromFunction, type DeployRecord} from './deploy-record.js';
import {CLOUD_BUS_NAME, CLOUD_BUS_REGION, CLOUD_BUS_TYPE, QUALIFIER} from './facts.js';
import type {DeploymentSpec} from './service-config.js';

// Everything doctor learns about a deployment, gathered with read-only calls. Each fact is either known or carries
// the error that kept it unknown; the verdicts (checks.ts) are pure functions of these facts.

/** A fact that may have failed to load. */
export type Known<T> = {value: T; error?: undefined} | {value?: undefined; error: CloudApiError | Error};

/** SCF's GetFunction answer, the fields doctor reads. */
export type FunctionDetail = {
	Status?: string;
	StatusDesc?: string;
	StatusReasons?: Array<{ErrorCode?: string; ErrorMessage?: string}>;
	Runtime?: string;
	Handler?: string;
	Role?: string;
	MemorySize?: number;
	Timeout?: number;
	ClsTopicId?: string;
	Environment?: {Variables?: Array<{Key?: string; Value?: string}>};
};

/** One listed trigger (ListTriggers `Triggers[]`). */
export type ListedTrigger = {Type?: string; TriggerName?: string; TriggerDesc?: string; Enable?: unknown; Qualifier?: string; CustomArgument?: string | null};

/** An EventBridge rule as found on its bus, with its targets. */
export type FoundRule = {busId: string; ruleId: string; name: string; enabled: boolean; description: string; pattern: string | undefined; targets: Array<{type: string; resource: string}>};

/** The answer of one request to the function URL. */
export type UrlProbe = {status: number; body: string} | {error: string};

export type Facts = {
	spec: DeploymentSpec;
	/** STS GetCallerIdentity: whose keys these are. */
	identity: Known<{accountId: string; userId: string; type: string}>;
	/** Whether the keys were refused outright: then nothing else was asked. */
	keysRefused: boolean;
	/** The account's APPID (CAM GetUserAppId, or TENCENTCLOUD_APPID). */
	appId: Known<string>;
	/** GetFunction: undefined value = no such function. */
	fn: Known<FunctionDetail | undefined>;
	record: {record: DeployRecord; error?: undefined} | {record?: undefined; error: string} | undefined;
	/** GetFunctionAddress CodeSha256 now (null: not reported). */
	codeSha256: Known<string | null> | undefined;
	triggers: Known<ListedTrigger[]> | undefined;
	/** The function URL, from the http trigger. */
	url: string | undefined;
	/** BINDER_HTTP_TOKEN: the function's own, else the caller's environment. */
	token: {value: string; from: 'function' | 'environment'} | undefined;
	/** The execution role by name: its trust policy and attached policies. */
	role: Known<{name: string; trust: ParsedPolicy; policies: ParsedPolicy[]} | undefined> | undefined;
	/** The cloud-service event bus in ap-guangzhou (undefined value: EventBridge has none). */
	cloudBus: Known<{id: string; name: string} | undefined> | undefined;
	/** The rules serverless.yml configures, by name (undefined: not found on its bus). */
	rules: Known<Map<string, FoundRule | undefined>> | undefined;
	healthz: UrlProbe | undefined;
	/** GET /status for one bucket, with the token. */
	status: (UrlProbe & {bucket: string; region: string}) | undefined;
	/** A dry-run POST /sync for that bucket: the role's GetService and DescribeCIBuckets, used only when CAM cannot be read. */
	sync: UrlProbe | undefined;
};

export type InspectDeps = {
	/** Read-only API 3.0 calls with the deployer's keys. */
	api: CloudApi;
	/** The COS/CI client with the deployer's keys (BINDER_ENDPOINT honoured): picks a bucket for /status. */
	client: Client;
	/** One HTTP request to the function URL. */
	http: (request: {method: 'GET' | 'POST'; url: string; headers?: Record<string, string>; body?: string}) => Promise<{status: number; body: string}>;
	env: Record<string, string | undefined>;
};

const PAGE = 100;
/** "每页行数，不能大于200" (ListAttachedRolePoliciesRequest.Rp). */
const CAM_PAGE = 200;

/** Keys the API refused outright (common error codes, 213/30435): asking anything else would fail the same way. */
const KEY_FAILURES = ['AuthFailure.SecretIdNotFound', 'AuthFailure.SignatureFailure', 'AuthFailure.TokenFailure', 'AuthFailure.InvalidSecretId', 'AuthFailure.SignatureExpire', 'AuthFailure.InvalidAuthorization', 'AuthFailure.MFAFailure'];

async function known<T>(work: () => Promise<T>): Promise<Known<T>> {
	try {
		return {value: await work()};
	} catch (error) {
		return {error: error as Error};
	}
}

const asBool = (value: unknown) => value === true || value === 1 || value === '1' || value === 'OPEN';

function parseJson(text: unknown): unknown {
	try {
		return JSON.parse(String(text ?? ''));
	} catch {
		return undefined;
	}
}

/** The function URL of an http trigger: `NetConfig.ExtranetUrl` (583/100227), else any URL in its description. */
export function functionUrl(triggers: readonly ListedTrigger[], name?: string): string | undefined {
	for (const trigger of triggers) {
		if (trigger.Type !== 'http' || (name !== undefined && trigger.TriggerName !== name)) {
			continue;
		}

		const parsed = parseJson(trigger.TriggerDesc) as {NetConfig?: {ExtranetUrl?: unknown; IntranetUrl?: unknown}} | undefined;
		const direct = parsed?.NetConfig?.ExtranetUrl ?? parsed?.NetConfig?.IntranetUrl;
		if (typeof direct === 'string' && /^https?:\/\//.test(direct)) {
			return direct;
		}

		const found = /https?:\/\/[^\s"']+/.exec(String(trigger.TriggerDesc ?? ''));
		if (found) {
			return found[0];
		}
	}

	return undefined;
}

/** A role named in GetFunction: a name, or `qcs::cam::uin/…:roleName/<name>`. */
export const roleNameOf = (role: unknown) => String(role ?? '').replace(/^.*roleName\//, '');

async function listAll<T>(api: CloudApi, service: 'scf' | 'eb', action: string, params: Record<string, unknown>, field: string, region: string): Promise<T[]> {
	const items: T[] = [];
	for (let offset = 0; ; offset += PAGE) {
		const page = await api.call<Record<string, unknown>>(service, action, {...params, Offset: offset, Limit: PAGE}, {region});
		const batch = Array.isArray(page[field]) ? (page[field] as T[]) : [];
		items.push(...batch);
		const total = Number(page.TotalCount ?? 0);
		if (batch.length < PAGE || items.length >= total) {
			return items;
		}
	}
}

async function readRole(api: CloudApi, name: string): Promise<{name: string; trust: ParsedPolicy; policies: ParsedPolicy[]} | undefined> {
	let info: {RoleInfo?: {PolicyDocument?: string}};
	try {
		info = await api.call('cam', 'GetRole', {RoleName: name});
	} catch (error) {
		// "角色不存在" (InvalidParameter.RoleNotExist, tencentcloud-sdk-go tencentcloud/cam/v20190116/errors.go).
		if (hasCode(error, 'InvalidParameter.RoleNotExist') || hasCode(error, 'ResourceNotFound.RoleNotExist')) {
			return undefined;
		}

		throw error;
	}

	const attached: Array<{PolicyId?: number; PolicyName?: string; Deactived?: number}> = [];
	for (let page = 1; ; page++) {
		const answer = await api.call<{List?: typeof attached; TotalNum?: number}>('cam', 'ListAttachedRolePolicies', {RoleName: name, Page: page, Rp: CAM_PAGE});
		const batch = Array.isArray(answer.List) ? answer.List : [];
		attached.push(...batch);
		if (batch.length < CAM_PAGE || attached.length >= Number(answer.TotalNum ?? 0)) {
			break;
		}
	}

	const policies: ParsedPolicy[] = [];
	for (const policy of attached) {
		const label = policy.PolicyName ?? `policy ${String(policy.PolicyId)}`;
		// A policy of a product that went offline grants nothing ("是否已下线", AttachedPolicyOfRole.Deactived).
		if (policy.Deactived === 1 || typeof policy.PolicyId !== 'number') {
			continue;
		}

		const detail = await api.call<{PolicyDocument?: string}>('cam', 'GetPolicy', {PolicyId: policy.PolicyId});
		policies.push(parsePolicy(label, detail.PolicyDocument));
	}

	return {name, trust: parsePolicy('trust policy', info.RoleInfo?.PolicyDocument), policies};
}

async function findRules(api: CloudApi, spec: DeploymentSpec, cloudBusId: string | undefined): Promise<Map<string, FoundRule | undefined>> {
	const found = new Map<string, FoundRule | undefined>();
	const byBus = new Map<string, Array<{RuleId?: string; RuleName?: string}>>();
	for (const rule of spec.function.rules) {
		const busId = rule.eventBusId ?? cloudBusId;
		if (busId === undefined) {
			found.set(rule.name, undefined);
			continue;
		}

		if (!byBus.has(busId)) {
			byBus.set(busId, await listAll(api, 'eb', 'ListRules', {EventBusId: busId}, 'Rules', CLOUD_BUS_REGION));
		}

		const listed = byBus.get(busId)!.find((candidate) => candidate.RuleName === rule.name);
		if (!listed?.RuleId) {
			found.set(rule.name, undefined);
			continue;
		}

		const detail = await api.call<{Enable?: boolean; Description?: string; EventPattern?: string}>('eb', 'GetRule', {EventBusId: busId, RuleId: listed.RuleId}, {region: CLOUD_BUS_REGION});
		const targets = await listAll<{Type?: string; TargetDescription?: {ResourceDescription?: string}}>(api, 'eb', 'ListTargets', {EventBusId: busId, RuleId: listed.RuleId}, 'Targets', CLOUD_BUS_REGION);
		found.set(rule.name, {
			busId,
			ruleId: listed.RuleId,
			name: rule.name,
			enabled: detail.Enable === true,
			description: String(detail.Description ?? ''),
			pattern: detail.EventPattern,
			targets: targets.map((target) => ({type: String(target.Type ?? ''), resource: String(target.TargetDescription?.ResourceDescription ?? '')})),
		});
	}

	return found;
}

/** A bucket to ask /status about: one of the account's in the function's region, else a name that is none. */
async function statusBucket(client: Client, spec: DeploymentSpec, appId: string | undefined): Promise<{bucket: string; region: string}> {
	try {
		const [pick] = await client.listBuckets({region: spec.region});
		if (pick) {
			return {bucket: pick.bucket, region: pick.region};
		}
	} catch {}

	// No bucket to name (or GetService not allowed to this key): a bucket that does not exist still shows that the
	// token is accepted and that the function reaches CI (it answers NoSuchBucket).
	return {bucket: `ccb-doctor-none-${appId ?? '1250000000'}`, region: spec.region};
}

async function probe(deps: InspectDeps, request: Parameters<InspectDeps['http']>[0]): Promise<UrlProbe> {
	try {
		return await deps.http(request);
	} catch (error) {
		return {error: (error as Error).message};
	}
}

async function readIdentity(api: InspectDeps['api'], spec: DeploymentSpec): Promise<Facts['identity']> {
	return known(async () => {
		const answer = await api.call<{AccountId?: string; UserId?: string; Type?: string}>('sts', 'GetCallerIdentity', {}, {region: spec.region});
		return {accountId: String(answer.AccountId ?? ''), userId: String(answer.UserId ?? ''), type: String(answer.Type ?? '')};
	});
}

/** cam:GetUserAppId, else a well-formed TENCENTCLOUD_APPID from the environment. */
async function readAppId(deps: InspectDeps): Promise<Facts['appId']> {
	const envAppId = deps.env.TENCENTCLOUD_APPID?.trim();
	return known(async () => {
		try {
			const answer = await deps.api.call<{AppId?: number | string}>('cam', 'GetUserAppId');
			return String(answer.AppId ?? '');
		} catch (error) {
			if (envAppId && /^\d{5,12}$/.test(envAppId)) {
				return envAppId;
			}

			throw error;
		}
	});
}

type FunctionRef = {FunctionName: string; Namespace: string};

/** GetFunction; a function that does not exist is a fact (undefined), not an error. */
async function readFunction(api: InspectDeps['api'], spec: DeploymentSpec, fnRef: FunctionRef): Promise<Facts['fn']> {
	return known(async () => {
		try {
			return await api.call<FunctionDetail>('scf', 'GetFunction', {...fnRef, Qualifier: QUALIFIER}, {region: spec.region});
		} catch (error) {
			if (hasCode(error, 'ResourceNotFound')) {
				return undefined;
			}

			throw error;
		}
	});
}

/** What only a deployed function has: its deploy record, code hash, triggers, function URL and HTTP token. */
async function readDeployedFunction(facts: Facts, detail: FunctionDetail, deps: InspectDeps, fnRef: FunctionRef): Promise<void> {
	const {api} = deps;
	const {spec} = facts;
	facts.record = recordFromFunction(detail);
	if (facts.record.record?.codeSha256) {
		facts.codeSha256 = await known(async () => {
			const address = await api.call<{CodeSha256?: string}>('scf', 'GetFunctionAddress', {...fnRef, Qualifier: QUALIFIER}, {region: spec.region});
			const value = typeof address.CodeSha256 === 'string' ? address.CodeSha256.trim() : '';
			return value === '' ? null : value;
		});
	}

	facts.triggers = await known(async () => listAll<ListedTrigger>(api, 'scf', 'ListTriggers', fnRef, 'Triggers', spec.region));
	facts.url = spec.function.http && facts.triggers.value ? functionUrl(facts.triggers.value, spec.function.http.name) : undefined;
	const own = detail.Environment?.Variables?.find((variable) => variable.Key === 'BINDER_HTTP_TOKEN')?.Value;
	const fromEnv = deps.env.BINDER_HTTP_TOKEN?.trim();
	facts.token = own ? {value: own, from: 'function'} : fromEnv ? {value: fromEnv, from: 'environment'} : undefined;
}

/** The cloud-service event bus the rules should sit on (by name, else the first of its type). */
async function readCloudBus(api: InspectDeps['api']): Promise<Facts['cloudBus']> {
	return known(async () => {
		const buses = await listAll<{EventBusId?: string; EventBusName?: string; Type?: string}>(api, 'eb', 'ListEventBuses', {Filters: [{Name: 'Type', Values: [CLOUD_BUS_TYPE]}]}, 'EventBuses', CLOUD_BUS_REGION);
		const cloud = buses.filter((bus) => bus.Type === undefined || bus.Type === CLOUD_BUS_TYPE);
		const bus = cloud.find((candidate) => candidate.EventBusName === CLOUD_BUS_NAME) ?? cloud[0];
		return bus?.EventBusId ? {id: bus.EventBusId, name: String(bus.EventBusName ?? '')} : undefined;
	});
}

/** GET /healthz, and with the token GET /status and (when CAM cannot show the role) a dry-run POST /sync. */
async function probeFunctionUrl(facts: Facts, url: string, deps: InspectDeps): Promise<void> {
	const base = url.replace(/\/+$/, '');
	facts.healthz = await probe(deps, {method: 'GET', url: `${base}/healthz`});
	if (!facts.token) {
		return;
	}

	const target = await statusBucket(deps.client, facts.spec, facts.appId.value);
	const authorization = `Bearer ${facts.token.value}`;
	const query = new URLSearchParams({bucket: target.bucket, region: target.region}).toString();
	facts.status = {...(await probe(deps, {method: 'GET', url: `${base}/status?${query}`, headers: {authorization}})), ...target};
	// Without CAM, the role's permissions can only be shown by using them: a dry run lists (GetService,
	// DescribeCIBuckets) and binds nothing.
	if (facts.role?.error && isPermissionDenied(facts.role.error)) {
		const body = JSON.stringify({dryRun: true, include: [target.bucket]});
		facts.sync = await probe(deps, {method: 'POST', url: `${base}/sync`, headers: {authorization, 'content-type': 'application/json'}, body});
	}
}

/** Gather the facts: only Get/List/Search calls, and GET /healthz, GET /status, a dry-run POST /sync on the function URL. */
export async function inspect(spec: DeploymentSpec, deps: InspectDeps): Promise<Facts> {
	const {api} = deps;
	const facts: Facts = {
		spec,
		identity: await readIdentity(api, spec),
		keysRefused: false,
		appId: {error: new Error('not asked')},
		fn: {error: new Error('not asked')},
		record: undefined,
		codeSha256: undefined,
		triggers: undefined,
		url: undefined,
		token: undefined,
		role: undefined,
		cloudBus: undefined,
		rules: undefined,
		healthz: undefined,
		status: undefined,
		sync: undefined,
	};
	if (facts.identity.error && isCloudApiError(facts.identity.error) && KEY_FAILURES.includes(facts.identity.error.code)) {
		facts.keysRefused = true;
		return facts;
	}

	facts.appId = await readAppId(deps);
	const fnRef = {FunctionName: spec.function.name, Namespace: spec.function.namespace};
	facts.fn = await readFunction(api, spec, fnRef);
	const detail = facts.fn.value;
	if (detail) {
		await readDeployedFunction(facts, detail, deps, fnRef);
	}

	const roleName = detail?.Role ? roleNameOf(detail.Role) : spec.role;
	facts.role = await known(async () => readRole(api, roleName));
	if (spec.function.rules.length > 0) {
		facts.cloudBus = await readCloudBus(api);
		facts.rules = await known(async () => findRules(api, spec, facts.cloudBus?.value?.id));
	}

	if (facts.url) {
		await probeFunctionUrl(facts, facts.url, deps);
	}

	return facts;
}

/** The message of an error for a detail line: an API error's own text names the call. */
export const describeError = (error: unknown) => (isCloudApiError(error) || isBinderError(error) ? error.message : String((error as Error)?.message ?? error));

export {asBool, parseJson};
