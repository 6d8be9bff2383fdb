'use strict';
// SCF: create or update one function so it matches the plan, converge its triggers, remove it. Every
// mutating call is made only when a comparison with the live state says it is needed, so deploying the
// same configuration twice makes no change the second time.
const {createHash} = require('node:crypto');
const c = require('./constants.cjs');
const {TencentDeployError} = require('./api.cjs');
const {canonicalJson} = require('./plan.cjs');

/** UpdateFunctionCode takes at most 20 MB of base64 ZipFile; CreateFunction 50 MB. We use the smaller. */
const MAX_ZIP_BASE64 = 20 * 1024 * 1024;

const isNotFound = (error) => typeof error?.code === 'string' && error.code.startsWith('ResourceNotFound');

/** GetFunction, or undefined when the function does not exist. */
async function getFunction(api, fn) {
	try {
		return await api.call('scf', 'GetFunction', {FunctionName: fn.name, Namespace: fn.namespace, Qualifier: c.QUALIFIER});
	} catch (error) {
		if (isNotFound(error)) return undefined;
		throw error;
	}
}

/**
Wait until the function leaves its transitional state. CreateFunction, UpdateFunctionCode and
UpdateFunctionConfiguration return at once while the function is `Creating`/`Updating`, and SCF refuses
further changes until it is `Active` again.
*/
async function waitActive(api, fn, {wait, until = 'Active'}) {
	const deadline = Date.now() + wait.timeoutMs;
	for (;;) {
		const detail = await getFunction(api, fn);
		if (until === 'gone') {
			if (!detail) return undefined;
		} else {
			if (!detail) throw new TencentDeployError(`SCF function ${fn.namespace}/${fn.name} disappeared while waiting for it to become Active`);
			if (detail.Status === c.STATUS_ACTIVE) return detail;
			if (!c.TRANSITIONAL_STATUSES.includes(detail.Status)) {
				const reasons = (detail.StatusReasons ?? []).map((reason) => `${reason.ErrorCode ?? ''} ${reason.ErrorMessage ?? ''}`.trim()).filter(Boolean);
				throw new TencentDeployError(
					`SCF function ${fn.namespace}/${fn.name} is ${detail.Status}${detail.StatusDesc ? ` (${detail.StatusDesc})` : ''}${reasons.length ? `: ${reasons.join('; ')}` : ''}. Fix the cause, then \`serverless remove\` and deploy again if it stays so.`,
					{code: `FunctionStatus.${detail.Status}`},
				);
			}
		}
		if (Date.now() >= deadline) {
			throw new TencentDeployError(`SCF function ${fn.namespace}/${fn.name} did not become ${until === 'gone' ? 'deleted' : 'Active'} within ${Math.round(wait.timeoutMs / 1000)} s (last status ${detail?.Status ?? 'none'})`, {code: 'WaitTimeout'});
		}
		await wait.sleep(wait.intervalMs);
	}
}

function environmentRequest(environment) {
	const variables = Object.keys(environment)
		.sort()
		.map((key) => ({Key: key, Value: environment[key]}));
	// Clearing every variable takes one empty pair: an empty list leaves the old ones in place
	// (tencent-component-toolkit, scf.updateConfigure).
	return {Variables: variables.length > 0 ? variables : [{Key: '', Value: ''}]};
}

/** Role may come back as a name or as a `qcs::cam::uin/…:roleName/<name>` resource; compare names. */
const roleName = (role) => String(role ?? '').replace(/^.*roleName\//, '');

/** The configuration fields we manage, as GetFunction shows them, that differ from the plan. */
function configDifferences(detail, fn) {
	const differences = [];
	if (Number(detail.MemorySize) !== fn.memorySize) differences.push('memorySize');
	if (Number(detail.Timeout) !== fn.timeout) differences.push('timeout');
	if ((detail.Description ?? '') !== fn.description) differences.push('description');
	if (roleName(detail.Role) !== fn.role) differences.push('role');
	const live = {};
	for (const variable of detail.Environment?.Variables ?? []) {
		// SCF may list variables of its own; they are not ours to compare.
		if (!variable?.Key || c.RESERVED_ENV_PREFIXES.some((prefix) => variable.Key.startsWith(prefix))) continue;
		live[variable.Key] = String(variable.Value ?? '');
	}
	if (canonicalJson(live) !== canonicalJson(fn.environment)) differences.push('environment');
	return differences;
}

/**
Is the deployed code the zip we have? GetFunctionAddress returns `CodeSha256` of the package. Its
encoding is undocumented (hex or base64), so both are accepted; a missing or different value means
"upload": the cost of a wrong guess is one redundant upload, never a stale function.
*/
async function codeMatches(api, fn, zipSha256) {
	let address;
	try {
		address = await api.call('scf', 'GetFunctionAddress', {FunctionName: fn.name, Namespace: fn.namespace, Qualifier: c.QUALIFIER});
	} catch (error) {
		if (isNotFound(error)) return false;
		throw error;
	}
	const live = String(address?.CodeSha256 ?? '').trim();
	if (live === '') return false;
	return live.toLowerCase() === zipSha256.toString('hex') || live === zipSha256.toString('base64');
}

/**
Create or update the function. Returns the list of changes made (empty when none were needed).

@param zip the code package (Buffer)
*/
async function deployFunction(api, fn, zip, {wait, log}) {
	const changes = [];
	const zipBase64 = zip.toString('base64');
	if (zipBase64.length > MAX_ZIP_BASE64) {
		throw new TencentDeployError(`The code package is ${zip.length} bytes; SCF accepts at most ${MAX_ZIP_BASE64} bytes of base64 through the API`, {code: 'PackageTooLarge'});
	}
	const zipSha256 = createHash('sha256').update(zip).digest();
	const target = {FunctionName: fn.name, Namespace: fn.namespace};

	let detail = await getFunction(api, fn);
	if (!detail) {
		await api.call('scf', 'CreateFunction', {
			...target,
			Runtime: fn.runtime,
			Handler: fn.handler,
			Code: {ZipFile: zipBase64},
			CodeSource: 'ZipFile',
			Type: 'Event',
			MemorySize: fn.memorySize,
			Timeout: fn.timeout,
			Role: fn.role,
			Description: fn.description,
			Environment: environmentRequest(fn.environment),
		});
		changes.push(`created function ${fn.name}`);
		log(`Creating function ${fn.namespace}/${fn.name}…`);
		await waitActive(api, fn, {wait});
		return changes;
	}

	if (c.TRANSITIONAL_STATUSES.includes(detail.Status)) {
		log(`Function ${fn.name} is ${detail.Status}; waiting for it to become Active…`);
		detail = await waitActive(api, fn, {wait});
	} else if (detail.Status !== c.STATUS_ACTIVE) {
		await waitActive(api, fn, {wait}); // throws with the status reasons
	}
	if (detail.Runtime && detail.Runtime !== fn.runtime) {
		throw new TencentDeployError(`SCF function ${fn.name} runs ${detail.Runtime}, the configuration asks for ${fn.runtime}; SCF cannot change a runtime in place: run \`serverless remove\`, then deploy again`, {code: 'RuntimeChange'});
	}

	if (detail.Handler !== fn.handler || !(await codeMatches(api, fn, zipSha256))) {
		await api.call('scf', 'UpdateFunctionCode', {...target, Handler: fn.handler, Code: {ZipFile: zipBase64}, CodeSource: 'ZipFile'});
		changes.push(`updated code of ${fn.name}`);
		log(`Updating code of ${fn.name}…`);
		await waitActive(api, fn, {wait});
	}

	const differences = configDifferences(detail, fn);
	if (differences.length > 0) {
		await api.call('scf', 'UpdateFunctionConfiguration', {
			...target,
			MemorySize: fn.memorySize,
			Timeout: fn.timeout,
			Role: fn.role,
			Description: fn.description,
			Environment: environmentRequest(fn.environment),
		});
		changes.push(`updated configuration of ${fn.name} (${differences.join(', ')})`);
		log(`Updating configuration of ${fn.name} (${differences.join(', ')})…`);
		await waitActive(api, fn, {wait});
	}
	return changes;
}

/** Every trigger of the function, all pages. */
async function listTriggers(api, fn) {
	const triggers = [];
	const limit = 100;
	for (let offset = 0; ; offset += limit) {
		const page = await api.call('scf', 'ListTriggers', {FunctionName: fn.name, Namespace: fn.namespace, Offset: offset, Limit: limit});
		triggers.push(...(page.Triggers ?? []));
		if ((page.Triggers ?? []).length < limit || triggers.length >= (page.TotalCount ?? 0)) return triggers;
	}
}

function parseJson(text) {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/**
A trigger as we compare it: the fields we set, in one canonical shape. ListTriggers does not echo what
CreateTrigger was given: a timer's `TriggerDesc` comes back as `{"cron":"…"}` and `Enable` as 1/0
(tencent-component-toolkit, triggers/timer.ts), and an http trigger's description gains the URL.
*/
function normalizeListed(trigger) {
	const type = String(trigger.Type ?? '');
	const enabled = trigger.Enable === 1 || trigger.Enable === '1' || trigger.Enable === true || trigger.Enable === 'OPEN';
	const base = {type, name: String(trigger.TriggerName ?? ''), qualifier: String(trigger.Qualifier || c.QUALIFIER), enabled};
	const desc = String(trigger.TriggerDesc ?? '');
	if (type === 'timer') {
		const parsed = parseJson(desc);
		const cron = typeof parsed?.cron === 'string' ? parsed.cron : desc;
		return {...base, desc: cron.trim().split(/\s+/).join(' '), argument: String(trigger.CustomArgument ?? '')};
	}
	if (type === 'http') {
		const parsed = parseJson(desc) ?? {};
		return {...base, desc: httpDesc(parsed.AuthType ?? 'NONE', parsed.NetConfig?.EnableExtranet ?? false, parsed.NetConfig?.EnableIntranet ?? false), argument: ''};
	}
	return {...base, desc, argument: String(trigger.CustomArgument ?? '')};
}

function httpDesc(authType, enableExtranet, enableIntranet) {
	return JSON.stringify({AuthType: authType, NetConfig: {EnableIntranet: Boolean(enableIntranet), EnableExtranet: Boolean(enableExtranet)}});
}

function normalizeDesired(trigger) {
	const base = {type: trigger.type, name: trigger.name, qualifier: c.QUALIFIER, enabled: Boolean(trigger.enabled ?? true)};
	if (trigger.type === 'timer') return {...base, desc: trigger.cron, argument: trigger.argument};
	return {...base, desc: httpDesc(trigger.authType, trigger.enableExtranet, trigger.enableIntranet), argument: ''};
}

const sameTrigger = (a, b) => a.type === b.type && a.name === b.name && a.qualifier === b.qualifier && a.enabled === b.enabled && a.desc === b.desc && a.argument === b.argument;

function triggerParams(fn, desired) {
	const params = {
		FunctionName: fn.name,
		Namespace: fn.namespace,
		TriggerName: desired.name,
		Type: desired.type,
		TriggerDesc: desired.desc,
		Qualifier: desired.qualifier,
		Enable: desired.enabled ? 'OPEN' : 'CLOSE',
	};
	if (desired.type === 'timer' && desired.argument !== '') params.CustomArgument = desired.argument;
	return params;
}

function deleteParams(fn, listed) {
	// DeleteTrigger wants the description back for some types (cos); passing it is harmless for the rest.
	const params = {FunctionName: fn.name, Namespace: fn.namespace, TriggerName: listed.TriggerName, Type: listed.Type, Qualifier: listed.Qualifier || c.QUALIFIER};
	if (listed.TriggerDesc) params.TriggerDesc = listed.TriggerDesc;
	return params;
}

/**
Make the function's triggers exactly the configured ones: create the missing, update the changed (timer
and http have UpdateTrigger, which keeps a function URL stable; a changed qualifier means delete and
create), delete the rest. Returns the changes made.
*/
async function convergeTriggers(api, fn, {log}) {
	const changes = [];
	const listed = await listTriggers(api, fn);
	const wanted = fn.triggers.map(normalizeDesired);
	const kept = new Set();
	for (const desired of wanted) {
		const index = listed.findIndex((trigger, i) => !kept.has(i) && trigger.Type === desired.type && trigger.TriggerName === desired.name);
		if (index === -1) {
			await api.call('scf', 'CreateTrigger', triggerParams(fn, desired));
			changes.push(`created ${desired.type} trigger ${desired.name}`);
			continue;
		}
		kept.add(index);
		const actual = normalizeListed(listed[index]);
		if (sameTrigger(actual, desired)) continue;
		if (actual.qualifier !== desired.qualifier) {
			await api.call('scf', 'DeleteTrigger', deleteParams(fn, listed[index]));
			await api.call('scf', 'CreateTrigger', triggerParams(fn, desired));
			changes.push(`replaced ${desired.type} trigger ${desired.name}`);
		} else {
			const params = triggerParams(fn, desired);
			// UpdateTrigger clears an argument only when told so explicitly.
			if (desired.type === 'timer' && desired.argument === '' && actual.argument !== '') params.CustomArgument = '';
			await api.call('scf', 'UpdateTrigger', params);
			changes.push(`updated ${desired.type} trigger ${desired.name}`);
		}
	}
	for (const [index, trigger] of listed.entries()) {
		if (kept.has(index)) continue;
		await api.call('scf', 'DeleteTrigger', deleteParams(fn, trigger));
		changes.push(`deleted ${trigger.Type} trigger ${trigger.TriggerName}`);
	}
	for (const change of changes) log(`${fn.name}: ${change}`);
	return changes;
}

/** The function URL, from an http trigger's description (`NetConfig.ExtranetUrl`), or any https URL in it. */
function functionUrl(triggers) {
	for (const trigger of triggers) {
		if (trigger.Type !== 'http') continue;
		const parsed = parseJson(String(trigger.TriggerDesc ?? '')) ?? {};
		const direct = parsed.NetConfig?.ExtranetUrl ?? parsed.NetConfig?.IntranetUrl;
		if (typeof direct === 'string' && direct) return direct;
		const found = /https?:\/\/[^\s"']+/.exec(String(trigger.TriggerDesc ?? ''));
		if (found) return found[0];
	}
	return undefined;
}

/** Delete every trigger, then the function, and wait until it is gone. Returns the changes made. */
async function removeFunction(api, fn, {wait, log}) {
	const changes = [];
	const detail = await getFunction(api, fn);
	if (!detail) {
		log(`Function ${fn.namespace}/${fn.name} does not exist`);
		return changes;
	}
	if (detail.Status === 'Deleting') {
		log(`Function ${fn.namespace}/${fn.name} is already being deleted; waiting…`);
		await waitActive(api, fn, {wait, until: 'gone'});
		return changes;
	}
	if (c.TRANSITIONAL_STATUSES.includes(detail.Status)) await waitActive(api, fn, {wait});
	for (const trigger of await listTriggers(api, fn)) {
		await api.call('scf', 'DeleteTrigger', deleteParams(fn, trigger));
		changes.push(`deleted ${trigger.Type} trigger ${trigger.TriggerName}`);
	}
	await api.call('scf', 'DeleteFunction', {FunctionName: fn.name, Namespace: fn.namespace});
	changes.push(`deleted function ${fn.name}`);
	await waitActive(api, fn, {wait, until: 'gone'});
	for (const change of changes) log(`${fn.name}: ${change}`);
	return changes;
}

module.exports = {
	getFunction,
	waitActive,
	deployFunction,
	convergeTriggers,
	removeFunction,
	listTriggers,
	functionUrl,
	normalizeListed,
	normalizeDesired,
	configDifferences,
	environmentRequest,
};
