import {leastPrivilegePolicy} from '../binder/cam-policy.js';
import {DEFAULT_POLICY, isBindOnly, parsePolicy as parseServicePolicy, type ServicePolicy} from '../binder/services.js';
import {isPermissionDenied} from '../cloud-api/cloud-api-error.js';
import {decide, trustAllows, type Decision} from './cam-policy.js';
import type {CanaryOutcome} from './canary.js';
import {CLOUD_BUS_REGION, HANDLER, QUALIFIER, RECORD_VARIABLE, ruleMarker, SCF_SERVICE_PRINCIPAL, targetResource} from './facts.js';
import {asBool, describeError, parseJson, roleNameOf, type Facts, type ListedTrigger, type UrlProbe} from './inspect.js';
import type {DeploymentSpec} from './service-config.js';

// The verdicts: each check is a pure function of the facts (inspect.ts) and, for the last ones, of the canary.
// A check passes only on evidence; what cannot be shown is `unverified` (not a pass), with what would show it.

/** One line of the report (`--json`: one object). */
export type CheckResult = {
	check: string;
	ok: boolean;
	/** What was found. */
	detail: string;
	/** What to do about it; null when nothing needs doing. */
	fix: string | null;
	/** Not a failure found, but nothing proves a pass either. */
	unverified?: true;
} & Record<string, unknown>;

const pass = (check: string, detail: string, extra: Record<string, unknown> = {}): CheckResult => ({check, ok: true, detail, fix: null, ...extra});
const fail = (check: string, detail: string, fix: string, extra: Record<string, unknown> = {}): CheckResult => ({check, ok: false, detail, fix, ...extra});
const unverified = (check: string, detail: string, fix: string): CheckResult => ({check, ok: false, unverified: true, detail, fix});

const deployCommand = (spec: DeploymentSpec) => `npx serverless deploy --stage ${spec.stage} --region ${spec.region}`;
const fnLabel = (spec: DeploymentSpec) => `${spec.function.namespace}/${spec.function.name} (${spec.region})`;
const DOCTOR_POLICY = 'give the key the read permissions in deploy/cam-doctor-policy.json';
const short = (text: string, length = 200) => (text.length > length ? `${text.slice(0, length)}…` : text);

/** Deep-sorted JSON: patterns that differ only in key order compare equal. */
function canonicalJson(value: unknown): string {
	const sort = (item: unknown): unknown => {
		if (Array.isArray(item)) {
			return item.map(sort);
		}

		if (item && typeof item === 'object') {
			return Object.fromEntries(
				Object.keys(item)
					.sort()
					.map((key) => [key, sort((item as Record<string, unknown>)[key])]),
			);
		}

		return item;
	};

	return JSON.stringify(sort(value));
}

/** Why a check could not look: the keys were refused, or the function is not there. */
function blocked(facts: Facts, check: string): CheckResult | undefined {
	if (facts.keysRefused) {
		return fail(check, 'not checked: the keys were refused (see keys)', 'fix the keys first');
	}

	if (facts.fn.error) {
		return fail(check, `not checked: the function could not be read (${describeError(facts.fn.error)})`, 'see function');
	}

	if (facts.fn.value === undefined) {
		return fail(check, `not checked: there is no function ${fnLabel(facts.spec)}`, deployCommand(facts.spec));
	}

	return undefined;
}

export function checkKeys(facts: Facts): CheckResult {
	const {identity} = facts;
	if (identity.error) {
		return facts.keysRefused
			? fail('keys', describeError(identity.error), 'Use a valid API key of the deploying account: TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY (and TENCENTCLOUD_SESSION_TOKEN with temporary keys); a deleted, disabled or mistyped key fails like this.')
			: fail('keys', `could not ask who the keys belong to: ${describeError(identity.error)}`, 'Check the network (or TENCENTCLOUD_API_CONNECT_TO), then run doctor again.');
	}

	const who = identity.value.userId && identity.value.userId !== identity.value.accountId ? `sub-account ${identity.value.userId} of account ${identity.value.accountId}` : `account ${identity.value.accountId}`;
	const appId = facts.appId.value ? `APPID ${facts.appId.value}` : `APPID unknown (${describeError(facts.appId.error)}; set TENCENTCLOUD_APPID)`;
	return pass('keys', `${who}, ${appId}`);
}

export function checkFunction(facts: Facts): CheckResult {
	const {spec} = facts;
	if (facts.keysRefused) {
		return blocked(facts, 'function')!;
	}

	if (facts.fn.error) {
		return fail('function', describeError(facts.fn.error), isPermissionDenied(facts.fn.error) ? DOCTOR_POLICY : 'Run doctor again; if it persists, check the SCF console.');
	}

	const detail = facts.fn.value;
	if (!detail) {
		return fail('function', `no function ${fnLabel(spec)}`, `Deploy it: ${deployCommand(spec)} (or pass the --stage / --region it was deployed with).`);
	}

	const shape = `${detail.Runtime ?? '?'}, ${detail.MemorySize ?? '?'} MB, ${detail.Timeout ?? '?'} s`;
	if (detail.Status === 'Active') {
		return pass('function', `${fnLabel(spec)} is Active (${shape})`);
	}

	const reasons = (detail.StatusReasons ?? []).map((reason) => `${reason.ErrorCode ?? ''} ${reason.ErrorMessage ?? ''}`.trim()).filter(Boolean);
	const why = `${detail.StatusDesc ? ` (${detail.StatusDesc})` : ''}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`;
	return ['Creating', 'Updating', 'Publishing'].includes(String(detail.Status))
		? fail('function', `${fnLabel(spec)} is ${detail.Status}${why}`, 'A change is in progress: wait for it to finish, then run doctor again.')
		: fail('function', `${fnLabel(spec)} is ${String(detail.Status)}${why}`, `See the function in the SCF console; fix the cause, then ${deployCommand(spec)}.`);
}

export function checkRuntime(facts: Facts): CheckResult {
	const problem = blocked(facts, 'runtime');
	if (problem) {
		return problem;
	}

	const {spec} = facts;
	const detail = facts.fn.value!;
	if (detail.Runtime !== spec.runtime) {
		return fail('runtime', `the function runs ${String(detail.Runtime)}, serverless.yml says ${spec.runtime}`, `SCF cannot change a runtime in place: npx serverless remove --stage ${spec.stage} --region ${spec.region}, then ${deployCommand(spec)}.`);
	}

	if (detail.Handler !== HANDLER) {
		return fail('runtime', `the handler is ${JSON.stringify(detail.Handler)}, the bundle exports ${HANDLER}`, deployCommand(spec));
	}

	return pass('runtime', `${spec.runtime}, handler ${HANDLER}`);
}

export function checkCode(facts: Facts): CheckResult {
	const problem = blocked(facts, 'code');
	if (problem) {
		return problem;
	}

	const {spec} = facts;
	const record = facts.record!;
	if (record.error) {
		return record.error === 'absent'
			? fail('code', `no deploy record (${RECORD_VARIABLE}) on the function: it was not deployed by this project's serverless plugin, or its environment was replaced`, deployCommand(spec))
			: fail('code', `the deploy record ${RECORD_VARIABLE} is unreadable (${record.error})`, `Do not edit it by hand; ${deployCommand(spec)} writes it again.`);
	}

	const {zipSha256, codeSha256} = record.record!;
	if (codeSha256 === null) {
		return pass('code', `deploy record: package sha256 ${zipSha256.slice(0, 12)}…; SCF reported no CodeSha256 at that deploy, so the code is not compared (the deploy trusts its record the same way)`);
	}

	const live = facts.codeSha256!;
	if (live.error) {
		return fail('code', `could not read the function's CodeSha256: ${describeError(live.error)}`, isPermissionDenied(live.error) ? DOCTOR_POLICY : 'Run doctor again.');
	}

	if (live.value === null) {
		return unverified('code', `the deploy record has CodeSha256 ${codeSha256.slice(0, 12)}…, but GetFunctionAddress reports none now: the code cannot be compared`, `${deployCommand(spec)} uploads the package again if in doubt.`);
	}

	if (live.value !== codeSha256) {
		return fail('code', `the code was replaced outside serverless since the last deploy (CodeSha256 ${live.value.slice(0, 12)}…, recorded ${codeSha256.slice(0, 12)}…)`, `${deployCommand(spec)} puts the project's code back.`);
	}

	return pass('code', `the package of the last deploy (sha256 ${zipSha256.slice(0, 12)}…, CodeSha256 ${codeSha256.slice(0, 12)}… unchanged)`);
}

/** Whether a probe of the function shows that it used the role's keys: /status answered with a CI status or a CI error other than a refusal. */
function roleKeysWork(facts: Facts): boolean {
	const result = statusResult(facts.status);
	return result !== undefined && (result.status !== undefined || (result.code !== undefined && !/^(AccessDenied|InvalidAccessKeyId|ExpiredToken|MissingCredentials|SignatureDoesNotMatch)$/.test(result.code)));
}

export function checkRole(facts: Facts): CheckResult {
	const problem = blocked(facts, 'role');
	if (problem) {
		return problem;
	}

	const {spec} = facts;
	const actual = roleNameOf(facts.fn.value!.Role);
	if (actual === '') {
		return fail('role', 'the function has no execution role, so it gets no keys to call CI with', `Create the role (README, "Deploy to SCF", step 1), then ${deployCommand(spec)}.`);
	}

	if (actual !== spec.role) {
		return fail('role', `the function runs as ${actual}, serverless.yml says ${spec.role}`, deployCommand(spec));
	}

	const role = facts.role!;
	if (role.error) {
		if (isPermissionDenied(role.error) && roleKeysWork(facts)) {
			return pass('role', `the function runs as ${actual}; CAM is not readable with this key (${describeError(role.error)}), but /status answered with the role's keys, so SCF assumes it`);
		}

		return isPermissionDenied(role.error)
			? unverified('role', `the function runs as ${actual}; whether the role exists and lets SCF assume it cannot be read with this key (${describeError(role.error)})`, `${DOCTOR_POLICY} (cam:GetRole, cam:ListAttachedRolePolicies, cam:GetPolicy).`)
			: fail('role', `could not read role ${actual}: ${describeError(role.error)}`, 'Run doctor again.');
	}

	if (!role.value) {
		return fail('role', `the function runs as ${actual}, which does not exist in CAM`, `Create it (README, "Deploy to SCF", step 1: trust policy deploy/cam-trust-policy.json, permissions deploy/cam-policy.json).`);
	}

	if (role.value.trust.error) {
		return fail('role', `role ${actual}: its trust policy is unreadable (${role.value.trust.error})`, 'Set its trust policy to deploy/cam-trust-policy.json in the CAM console.');
	}

	if (!trustAllows(role.value.trust, SCF_SERVICE_PRINCIPAL)) {
		return fail('role', `role ${actual} does not let SCF (${SCF_SERVICE_PRINCIPAL}) assume it: the function gets no keys`, 'Set its trust policy to deploy/cam-trust-policy.json in the CAM console.');
	}

	return pass('role', `the function runs as ${actual}; SCF may assume it (trust policy allows ${SCF_SERVICE_PRINCIPAL})`);
}

const describeDecision = (decision: Decision) =>
	decision.decision === 'deny' ? `denied by ${decision.policy}` : decision.decision === 'none' ? 'allowed by no attached policy' : decision.decision === 'undecided' ? `depends on ${decision.why} in ${decision.policy}` : `allowed by ${decision.policy}`;

/** The bucket the CreateCIBucket permission is evaluated for. */
export const probeBucket = (appId: string, canaryBucket?: string) => canaryBucket ?? `examplebucket-${appId}`;

/** A permission the role needs: an action, on a bucket's CI resource or on `*`. */
type Permission = {action: string; resource: (region: string, appId: string, bucket: string) => string};

/**
What the role must allow for the services the function is configured with: the statements of the policy
`cos-ci-binder policy` prints (lib/binder/cam-policy.ts), each action evaluated on one bucket's CI resource
(`qcs::ci:<region>:uid/<appid>:bucket/<bucket>/*`, CI authorization granularity,
www.tencentcloud.com/document/product/1045/49896) or on `*` where the policy grants it on `*` (the list calls).
For the default (bind only) these are deploy/cam-policy.json's three.
*/
export function requiredPermissions(policy: ServicePolicy): Permission[] {
	return leastPrivilegePolicy(policy).statement.flatMap((statement) =>
		statement.action.map((action) => ({
			action: action.replace(/^name\//, ''),
			resource: statement.resource.includes('*') ? () => '*' : (region: string, appId: string, bucket: string) => `qcs::ci:${region}:uid/${appId}:bucket/${bucket}/*`,
		})),
	);
}

/** The services policy of the function as deployed (its BINDER_SERVICES, BINDER_SERVICES_RULES), or why it is unreadable. */
function deployedServicePolicy(facts: Facts): {policy: ServicePolicy; error?: undefined} | {policy?: undefined; error: string} {
	const variables = facts.fn.value?.Environment?.Variables ?? [];
	const value = (name: string) => variables.find((variable) => variable.Key === name)?.Value;
	try {
		return {policy: parseServicePolicy(value('BINDER_SERVICES'), value('BINDER_SERVICES_RULES'))};
	} catch (error) {
		return {error: error instanceof Error ? error.message : String(error)};
	}
}

export function checkRolePolicy(facts: Facts, canary: CanaryOutcome | undefined): CheckResult {
	const problem = blocked(facts, 'role-policy');
	if (problem) {
		return problem;
	}

	const {spec} = facts;
	const role = facts.role!;
	const roleName = roleNameOf(facts.fn.value!.Role) || spec.role;
	const services = deployedServicePolicy(facts);
	if (services.error !== undefined) {
		return fail('role-policy', `the function's services setting cannot be read, so what the role needs is unknown: ${services.error}`, `Fix BINDER_SERVICES / BINDER_SERVICES_RULES (README, "Capabilities"), then ${deployCommand(spec)}.`);
	}

	const fix = isBindOnly(services.policy)
		? `Attach deploy/cam-policy.json (APPID replaced by yours) to role ${roleName} (README, "Deploy to SCF", step 1).`
		: `Run \`cos-ci-binder policy\` with the function's BINDER_SERVICES and BINDER_SERVICES_RULES (add --app-id <APPID>) and attach the policy it prints to role ${roleName} (README, "Capabilities").`;
	if (role.value) {
		const appId = facts.appId.value;
		if (!appId) {
			return unverified('role-policy', `the APPID is unknown (${describeError(facts.appId.error)}), so the bucket resource cannot be evaluated`, 'Set TENCENTCLOUD_APPID, or let the key call cam:GetUserAppId.');
		}

		const unreadable = role.value.policies.filter((policy) => policy.error);
		const bucket = probeBucket(appId, canary?.bucket);
		const decisions = requiredPermissions(services.policy).map((permission) => ({action: permission.action, resource: permission.resource(spec.region, appId, bucket), decision: decide(role.value!.policies, permission.action, permission.resource(spec.region, appId, bucket))}));
		const missing = decisions.filter((item) => item.decision.decision !== 'allow');
		const note = unreadable.length > 0 ? `; unreadable: ${unreadable.map((policy) => `${policy.name} (${policy.error})`).join(', ')}` : '';
		if (missing.length > 0) {
			return fail('role-policy', `role ${roleName}: ${missing.map((item) => `${item.action} on ${item.resource} is ${describeDecision(item.decision)}`).join('; ')}${note}`, fix);
		}

		const by = [...new Set(decisions.map((item) => (item.decision as {policy: string}).policy))].join(', ');
		return pass('role-policy', `role ${roleName} allows ${decisions.map((item) => (item.resource === '*' ? item.action : `${item.action} on ${item.resource}`)).join(', ')} (${by})${note}`);
	}

	if (!role.error || !isPermissionDenied(role.error)) {
		return role.error ? fail('role-policy', `could not read role ${roleName}: ${describeError(role.error)}`, 'Run doctor again.') : fail('role-policy', `role ${roleName} does not exist`, fix);
	}

	// CAM cannot be read with this key: show the permissions by what the role's keys did.
	const listing = syncListing(facts.sync);
	const proven: string[] = [];
	const open: string[] = [];
	if (listing.ok) {
		proven.push('cos:GetService and ci:DescribeCIBuckets (a dry-run /sync listed with the role\'s keys)');
	} else {
		open.push(`cos:GetService and ci:DescribeCIBuckets (${listing.why})`);
	}

	if (canary?.bound) {
		proven.push('ci:CreateCIBucket (the canary bucket was bound)');
	} else {
		open.push('ci:CreateCIBucket (only binding a bucket shows it: --canary)');
	}

	if (!isBindOnly(services.policy)) {
		// Neither the dry-run listing nor the canary exercises the capabilities' actions: only CAM shows them.
		const base = new Set(requiredPermissions(DEFAULT_POLICY).map((permission) => permission.action));
		const extra = requiredPermissions(services.policy).map((permission) => permission.action).filter((action) => !base.has(action));
		open.push(`${extra.join(', ')} (for BINDER_SERVICES / BINDER_SERVICES_RULES: only reading CAM shows them)`);
	}

	const head = `CAM is not readable with this key (${describeError(role.error)})`;
	if (listing.denied) {
		return fail('role-policy', `${head}; the role was refused: ${listing.why}`, fix);
	}

	return open.length === 0
		? pass('role-policy', `${head}; shown by use: ${proven.join('; ')}`)
		: unverified('role-policy', `${head}; shown: ${proven.join('; ') || 'nothing'}; not shown: ${open.join('; ')}`, `Run with --canary, or ${DOCTOR_POLICY} (cam:GetRole, cam:ListAttachedRolePolicies, cam:GetPolicy).`);
}

/** What the dry-run /sync showed about GetService and DescribeCIBuckets. */
function syncListing(probe: UrlProbe | undefined): {ok: boolean; denied: boolean; why: string} {
	if (!probe) {
		return {ok: false, denied: false, why: 'not tried: no function URL or no token'};
	}

	if ('error' in probe) {
		return {ok: false, denied: false, why: `the function URL did not answer: ${probe.error}`};
	}

	const body = parseJson(probe.body) as {error?: {code?: string; message?: string}; sync?: {boundListUsed?: boolean}} | undefined;
	if (body?.error) {
		const code = String(body.error.code ?? '');
		return {ok: false, denied: code === 'AccessDenied', why: `GetService failed: ${code}: ${short(String(body.error.message ?? ''))}`};
	}

	if (probe.status !== 200 || !body?.sync) {
		return {ok: false, denied: false, why: `/sync answered HTTP ${probe.status}`};
	}

	return body.sync.boundListUsed ? {ok: true, denied: false, why: ''} : {ok: false, denied: false, why: 'GetService worked; DescribeCIBuckets was not used or failed (see the function\'s warn log)'};
}

/** A listed timer's cron: ListTriggers gives `{"cron": "…"}` (tencent-component-toolkit, triggers/timer.ts) or the bare expression. */
function listedCron(trigger: ListedTrigger): string {
	const parsed = parseJson(trigger.TriggerDesc) as {cron?: unknown} | undefined;
	const cron = typeof parsed?.cron === 'string' ? parsed.cron : String(trigger.TriggerDesc ?? '');
	return cron.trim().split(/\s+/).join(' ');
}

/** The SCF triggers of one type that serverless.yml configures, against the listed ones and the deploy record. */
function triggersOf(facts: Facts, check: string): {listed: ListedTrigger[]; managed: Set<string>; error?: CheckResult} {
	const problem = blocked(facts, check);
	if (problem) {
		return {listed: [], managed: new Set(), error: problem};
	}

	if (facts.triggers!.error) {
		return {listed: [], managed: new Set(), error: fail(check, `could not list the triggers: ${describeError(facts.triggers!.error)}`, isPermissionDenied(facts.triggers!.error) ? DOCTOR_POLICY : 'Run doctor again.')};
	}

	return {listed: facts.triggers!.value!, managed: new Set(facts.record?.record?.triggers ?? [])};
}

export function checkTimer(facts: Facts): CheckResult {
	const {listed, managed, error} = triggersOf(facts, 'timer-trigger');
	if (error) {
		return error;
	}

	const {spec} = facts;
	const timers = spec.function.timers;
	const problems: string[] = [];
	const found: string[] = [];
	for (const timer of timers) {
		const trigger = listed.find((candidate) => candidate.Type === 'timer' && candidate.TriggerName === timer.name);
		if (!trigger) {
			problems.push(`timer ${timer.name} is missing`);
			continue;
		}

		const cron = listedCron(trigger);
		const enabled = asBool(trigger.Enable);
		const argument = String(trigger.CustomArgument ?? '');
		if (cron !== timer.cron) {
			problems.push(`timer ${timer.name} runs "${cron}", serverless.yml says "${timer.cron}"`);
		}

		if (enabled !== timer.enabled) {
			problems.push(`timer ${timer.name} is ${enabled ? 'enabled' : 'disabled'}, serverless.yml says ${timer.enabled ? 'enabled' : 'disabled'}`);
		}

		if (argument !== timer.argument) {
			problems.push(`timer ${timer.name} passes ${JSON.stringify(argument)}, serverless.yml says ${JSON.stringify(timer.argument)}`);
		}

		if ((trigger.Qualifier || QUALIFIER) !== QUALIFIER) {
			problems.push(`timer ${timer.name} fires version ${String(trigger.Qualifier)}, not ${QUALIFIER}`);
		}

		if (!managed.has(`timer/${timer.name}`)) {
			problems.push(`timer ${timer.name} is not in the deploy record (made by hand?)`);
		}

		found.push(`${timer.name} "${cron}" ${enabled ? 'enabled' : 'disabled'}`);
	}

	const wanted = new Set(timers.map((timer) => `timer/${timer.name}`));
	for (const key of managed) {
		if (key.startsWith('timer/') && !wanted.has(key) && listed.some((trigger) => `timer/${String(trigger.TriggerName)}` === key && trigger.Type === 'timer')) {
			problems.push(`${key} is no longer in serverless.yml but still deployed`);
		}
	}

	if (problems.length > 0) {
		return fail('timer-trigger', problems.join('; '), `${deployCommand(spec)} makes the triggers match serverless.yml.`);
	}

	return pass('timer-trigger', timers.length === 0 ? 'serverless.yml configures no timer' : `timer ${found.join(', ')}`);
}

export function checkUrlTrigger(facts: Facts): CheckResult {
	const {listed, managed, error} = triggersOf(facts, 'url-trigger');
	if (error) {
		return error;
	}

	const {spec} = facts;
	const wanted = spec.function.http;
	if (!wanted) {
		return pass('url-trigger', 'serverless.yml configures no function URL');
	}

	const trigger = listed.find((candidate) => candidate.Type === 'http' && candidate.TriggerName === wanted.name);
	if (!trigger) {
		return fail('url-trigger', `function URL trigger ${wanted.name} is missing`, deployCommand(spec));
	}

	const problems: string[] = [];
	const parsed = parseJson(trigger.TriggerDesc) as {AuthType?: unknown} | undefined;
	const authType = String(parsed?.AuthType ?? 'NONE');
	if (authType !== wanted.authType) {
		problems.push(`AuthType is ${authType}, serverless.yml says ${wanted.authType}`);
	}

	if (!asBool(trigger.Enable)) {
		problems.push('it is disabled');
	}

	if (!managed.has(`http/${wanted.name}`)) {
		problems.push('it is not in the deploy record (made by hand?)');
	}

	if (!facts.url) {
		problems.push('SCF reports no URL for it');
	}

	return problems.length > 0 ? fail('url-trigger', `function URL ${wanted.name}: ${problems.join('; ')}`, deployCommand(spec)) : pass('url-trigger', `${wanted.name}: ${facts.url} (AuthType ${authType})`);
}

export function checkEventBridge(facts: Facts): CheckResult {
	const {spec} = facts;
	const rules = spec.function.rules;
	if (facts.keysRefused) {
		return blocked(facts, 'eventbridge-rule')!;
	}

	if (rules.length === 0) {
		return pass('eventbridge-rule', 'serverless.yml configures no eventbridge event: new buckets are bound by the timer sweep only');
	}

	const activate = 'Activate EventBridge once with the main account (README, "Deploy to SCF", step 2): it creates the cloud-service event bus in ap-guangzhou.';
	const bus = facts.cloudBus!;
	if (bus.error) {
		return fail('eventbridge-rule', `could not list the event buses in ${CLOUD_BUS_REGION}: ${describeError(bus.error)}`, isPermissionDenied(bus.error) ? DOCTOR_POLICY : 'Run doctor again.');
	}

	if (!bus.value && rules.some((rule) => rule.eventBusId === undefined)) {
		return fail('eventbridge-rule', `EventBridge has no cloud-service event bus in ${CLOUD_BUS_REGION}`, activate);
	}

	if (facts.rules!.error) {
		return fail('eventbridge-rule', `could not read the rules: ${describeError(facts.rules!.error)}`, isPermissionDenied(facts.rules!.error) ? DOCTOR_POLICY : 'Run doctor again.');
	}

	const uin = spec.uin ?? facts.identity.value?.accountId;
	const fn = {name: spec.function.name, namespace: spec.function.namespace, region: spec.region};
	const recorded = new Set((facts.record?.record?.rules ?? []).map((rule) => `${rule.region}/${rule.name}`));
	const problems: string[] = [];
	const found: string[] = [];
	for (const rule of rules) {
		const live = facts.rules!.value!.get(rule.name);
		if (!live) {
			problems.push(`rule ${rule.name} is missing on ${rule.eventBusId ?? `the cloud-service bus ${bus.value?.id ?? ''}`.trim()}`);
			continue;
		}

		if (live.enabled !== rule.enabled) {
			problems.push(`rule ${rule.name} is ${live.enabled ? 'enabled' : 'disabled'}, serverless.yml says ${rule.enabled ? 'enabled' : 'disabled'}`);
		}

		if (canonicalJson(parseJson(live.pattern) ?? live.pattern) !== canonicalJson(rule.pattern)) {
			problems.push(`rule ${rule.name} matches ${short(String(live.pattern), 160)}, not the configured pattern`);
		}

		if (live.description !== ruleMarker(fn)) {
			problems.push(`rule ${rule.name} was not made by this deployment's serverless (its description is ${JSON.stringify(short(live.description, 80))})`);
		}

		if (facts.record?.record && !recorded.has(`${CLOUD_BUS_REGION}/${rule.name}`)) {
			problems.push(`rule ${rule.name} is not in the deploy record`);
		}

		const resource = uin ? targetResource(uin, fn) : undefined;
		const ours = live.targets.filter((target) => target.type === 'scf' && (resource === undefined ? target.resource.includes(`/function/${fn.name}/`) : target.resource === resource));
		const others = live.targets.filter((target) => !ours.includes(target));
		if (ours.length === 0) {
			problems.push(`rule ${rule.name} has no target naming the function${resource ? ` (${resource})` : ''}`);
		}

		if (others.length > 0) {
			problems.push(`rule ${rule.name} also targets ${others.map((target) => target.resource || target.type).join(', ')}`);
		}

		found.push(`${rule.name} on ${live.busId} → ${spec.function.name}`);
	}

	return problems.length > 0 ? fail('eventbridge-rule', problems.join('; '), `${deployCommand(spec)} makes the rules match serverless.yml.`) : pass('eventbridge-rule', `${found.join(', ')} (COS PutBucket CloudAudit events)`);
}

/** The EventBridge console path to the switch no API reports (EdgeOne's walk-through of the same switch, 1145/80349; 1108/46246). */
const CLOUDAUDIT_SWITCH =
	'In the console, EventBridge → Event Bus, region Guangzhou, open the Tencent Cloud service event bus ("default") and enable the CloudAudit event source (CloudAudit itself and its service role must be activated: www.tencentcloud.com/document/product/1108/46246).';

export function checkCloudAudit(facts: Facts, canary: CanaryOutcome | undefined): CheckResult {
	const {spec} = facts;
	if (facts.keysRefused) {
		return blocked(facts, 'cloudaudit-delivery')!;
	}

	if (spec.function.rules.length === 0) {
		return pass('cloudaudit-delivery', 'not used: serverless.yml configures no eventbridge event');
	}

	const bus = facts.cloudBus!;
	if (bus.error || !bus.value) {
		return fail('cloudaudit-delivery', bus.error ? `could not look for the cloud-service event bus: ${describeError(bus.error)}` : `there is no cloud-service event bus in ${CLOUD_BUS_REGION} to deliver to`, 'Activate EventBridge once with the main account (README, "Deploy to SCF", step 2).');
	}

	const noApi = `the cloud-service bus ${bus.value.id} exists in ${CLOUD_BUS_REGION}; whether CloudAudit delivers to it is a console switch that no API reports (the EventBridge 2021-04-16 and CloudAudit 2019-03-19 APIs have no such field)`;
	if (!canary) {
		return unverified('cloudaudit-delivery', `${noApi}: not verified without --canary`, `Run cos-ci-binder doctor --canary, which creates a bucket and waits for the event to bind it. If it never does: ${CLOUDAUDIT_SWITCH}`);
	}

	if (!canary.created) {
		return unverified('cloudaudit-delivery', `${noApi}; the canary bucket could not be created, so delivery is not shown`, 'See canary.');
	}

	if (!canary.bound) {
		return canary.interrupted
			? unverified('cloudaudit-delivery', `${noApi}; the canary was interrupted before its bucket was bound`, 'Run doctor --canary again and let it finish.')
			: fail('cloudaudit-delivery', `the canary bucket was not bound within the wait: ${noApi}, and the event did not reach the function (or the function could not bind)`, `${CLOUDAUDIT_SWITCH} If it is enabled, look at the function's logs for the canary bucket (an UnsupportedEvent line means the event's shape is not what the function expects: please open an issue with it); a slow audit trail may need a longer --canary-timeout.`);
	}

	const log = canary.log && 'line' in canary.log ? canary.log : undefined;
	if (log && log.trigger !== 'cloudaudit') {
		return unverified('cloudaudit-delivery', `the canary bucket was bound by the ${String(log.trigger)} trigger, not by a CloudAudit event`, `${CLOUDAUDIT_SWITCH} Then run doctor --canary again.`);
	}

	return pass('cloudaudit-delivery', log ? `a CloudAudit PutBucket event reached the function and bound the canary bucket (its log line says trigger cloudaudit)` : `the canary bucket was bound ${formatSeconds(canary.boundAfterMs ?? 0)} after its creation (the function's log line was not found; the only other binder, the timer sweep, runs every few hours)`);
}

const formatSeconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

export function checkHealthz(facts: Facts): CheckResult {
	if (!facts.url) {
		return urlMissing(facts, 'healthz');
	}

	const probe = facts.healthz!;
	if ('error' in probe) {
		return fail('healthz', `${facts.url}/healthz did not answer: ${probe.error}`, 'Check the function URL trigger in the SCF console and the function\'s logs.');
	}

	const body = parseJson(probe.body) as {ok?: unknown} | undefined;
	return probe.status === 200 && body?.ok === true ? pass('healthz', `GET ${facts.url}/healthz → 200 {"ok":true}`) : fail('healthz', `GET /healthz answered HTTP ${probe.status}: ${short(probe.body)}`, 'See the function\'s logs in the SCF console (a crash at load time shows there).');
}

function urlMissing(facts: Facts, check: string): CheckResult {
	const problem = blocked(facts, check);
	if (problem) {
		return problem;
	}

	return facts.spec.function.http ? fail(check, 'not checked: the function URL is unknown (see url-trigger)', deployCommand(facts.spec)) : unverified(check, 'not checked: serverless.yml configures no function URL', 'Add the http event (see serverless.yml in this project) and deploy, to check the function from outside.');
}

/** The parsed answer of GET /status: the CI status, or the failed result's code. */
function statusResult(probe: Facts['status']): {status?: string; code?: string; message?: string; http: number} | undefined {
	if (!probe || 'error' in probe) {
		return undefined;
	}

	const body = parseJson(probe.body) as {status?: unknown; result?: {code?: unknown; message?: unknown}; error?: {code?: unknown; message?: unknown}} | undefined;
	const status = typeof body?.status === 'string' ? body.status : undefined;
	const failure = body?.result ?? body?.error;
	return {status, code: typeof failure?.code === 'string' ? failure.code : undefined, message: typeof failure?.message === 'string' ? failure.message : undefined, http: probe.status};
}

export function checkStatus(facts: Facts): CheckResult {
	if (!facts.url) {
		return urlMissing(facts, 'status');
	}

	const {spec} = facts;
	if (!facts.token) {
		return fail('status', 'BINDER_HTTP_TOKEN is not set on the function, so its HTTP API answers only /healthz', `export BINDER_HTTP_TOKEN="$(openssl rand -hex 24)" and ${deployCommand(spec)}.`);
	}

	const probe = facts.status!;
	if ('error' in probe) {
		return fail('status', `GET /status did not answer: ${probe.error}`, 'See the function\'s logs in the SCF console.');
	}

	const result = statusResult(probe)!;
	const target = `${probe.bucket} (${probe.region})`;
	if (probe.status === 401) {
		return fail('status', `the token was refused (HTTP 401)${facts.token.from === 'environment' ? ': it came from this shell\'s BINDER_HTTP_TOKEN, which is not the function\'s' : ''}`, `Set BINDER_HTTP_TOKEN to the function's token, or deploy again with the new one (${deployCommand(spec)}).`);
	}

	if (result.status) {
		return pass('status', `GET /status with the token: ${target} is CI ${result.status}`);
	}

	if (result.code === 'NoSuchBucket' && probe.bucket.startsWith('ccb-doctor-none-')) {
		return pass('status', `GET /status with the token: no bucket in ${spec.region} to ask about; for a made-up one the function answered NoSuchBucket, so the token and its CI access work`);
	}

	const roleFix = `The function could not read CI with its role's keys: attach deploy/cam-policy.json to role ${roleNameOf(facts.fn.value?.Role) || spec.role}.`;
	return fail('status', `GET /status for ${target} answered HTTP ${probe.status}${result.code ? `: ${result.code}: ${short(result.message ?? '')}` : `: ${short(probe.body)}`}`, result.code === 'AccessDenied' ? roleFix : 'See the function\'s logs in the SCF console for this request.');
}

export function checkCanary(canary: CanaryOutcome, options: {timeoutMs: number}): CheckResult {
	const where = `${canary.bucket} (${canary.region})`;
	const cleanup = canary.cleanup.deleted ? 'deleted afterwards' : 'error' in canary.cleanup ? `NOT deleted: ${canary.cleanup.error}` : `not deleted (${canary.cleanup.skipped})`;
	const leftover = 'error' in canary.cleanup ? ` Delete the bucket ${canary.bucket} (${canary.region}) by hand in the COS console.` : '';
	const extra = {bucket: canary.bucket, region: canary.region, boundAfterMs: canary.boundAfterMs ?? null, logLine: canary.log && 'line' in canary.log ? canary.log.line : null, deleted: canary.cleanup.deleted};
	if (!canary.created) {
		const code = canary.createError?.code ?? '';
		return fail('canary', `could not create ${where}: ${canary.createError?.message ?? 'unknown error'}; ${cleanup}`, `${code === 'AccessDenied' ? 'Let the key create buckets named ccb-canary-* (cos:PutBucket, cos:DeleteBucket: deploy/cam-doctor-policy.json).' : 'Run doctor --canary again.'}${leftover}`, extra);
	}

	if (canary.interrupted && !canary.bound) {
		return fail('canary', `interrupted while waiting for ${where}; bucket ${cleanup}`, `Run doctor --canary again and let it finish.${leftover}`, extra);
	}

	if (!canary.bound) {
		const last = canary.lastStatus ? `CI status still ${canary.lastStatus}` : `no status read${canary.lastError ? ` (${canary.lastError})` : ''}`;
		return fail('canary', `${where} was not bound within ${formatSeconds(options.timeoutMs)}: ${last}; bucket ${cleanup}`, `See cloudaudit-delivery and the function's logs.${leftover}`, extra);
	}

	const log = canary.log === undefined ? 'the function\'s log line was not searched' : 'error' in canary.log ? `its log line could not be searched: ${canary.log.error}` : `function log: ${short(canary.log.line, 400)}`;
	if ('error' in canary.cleanup) {
		return fail('canary', `${where} was bound in ${formatSeconds(canary.boundAfterMs!)}, but the bucket was ${cleanup}`, leftover.trim(), extra);
	}

	return pass('canary', `${where} was bound in ${formatSeconds(canary.boundAfterMs!)}; ${log}; bucket ${cleanup}`, extra);
}
