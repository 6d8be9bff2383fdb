'use strict';
// SCF: bring one function to the plan — code, then triggers, then configuration — and remove it. Every
// mutating call is made only when a comparison says it is needed, so deploying the same configuration twice
// makes no change the second time. What "the same" means is decided by our own deploy record (record.cjs),
// never by guessing how SCF encodes what it reports.
const {createHash} = require('node:crypto');
const c = require('./constants.cjs');
const {TencentDeployError} = require('./api.cjs');
const {canonicalJson, environmentBytes} = require('./plan.cjs');
const {RECORD_VARIABLE, createRecord, encodeRecord, recordFromFunction, triggerKey} = require('./record.cjs');

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
further changes until it is `Active` again. `wait` carries the clock: `{intervalMs, timeoutMs, sleep, now}`.
*/
async function waitActive(api, fn, {wait, until = 'Active'}) {
	const now = wait.now ?? Date.now;
	const deadline = now() + wait.timeoutMs;
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
		if (now() >= deadline) {
			throw new TencentDeployError(`SCF function ${fn.namespace}/${fn.name} did not become ${until === 'gone' ? 'deleted' : 'Active'} within ${Math.round(wait.timeoutMs / 1000)} s (last status ${detail?.Status ?? 'none'})`, {code: 'WaitTimeout'});
		}
		await wait.sleep(wait.intervalMs);
	}
}

/**
The Environment parameter. Never an empty `{Key: '', Value: ''}` pair: Variable's model says neither may be
empty ("不可为空字符", scf_models.d.ts Variable). Clearing the user's variables needs none either: the deploy
record is always one variable, and a non-empty list replaces the old one.
*/
function environmentRequest(environment) {
	const variables = Object.keys(environment)
		.sort()
		.map((key) => ({Key: key, Value: environment[key]}));
	if (variables.length === 0 || variables.some((variable) => variable.Key === '' || variable.Value === '')) {
		throw new TencentDeployError('internal: an environment without the deploy record, or with an empty name or value, must not be sent');
	}
	const bytes = environmentBytes(environment);
	if (bytes > c.MAX_ENVIRONMENT_BYTES) {
		throw new TencentDeployError(`The function environment is ${bytes} bytes of names and values; SCF accepts at most ${c.MAX_ENVIRONMENT_BYTES} (InvalidParameterValue.EnvironmentExceededLimit)`, {code: 'EnvironmentTooLarge'});
	}
	return {Variables: variables};
}

/** The configured variables plus the deploy record. */
const desiredEnvironment = (fn, record) => ({...fn.environment, [RECORD_VARIABLE]: encodeRecord(record)});

/** Role may come back as a name or as a `qcs::cam::uin/…:roleName/<name>` resource; compare names. */
const roleName = (role) => String(role ?? '').replace(/^.*roleName\//, '');

/**
The configuration fields we manage, as GetFunction shows them, that differ from the plan. `environment` is the
full desired environment, deploy record included.
*/
function configDifferences(detail, fn, environment = fn.environment) {
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
	const {[RECORD_VARIABLE]: liveRecord, ...liveUser} = live;
	const {[RECORD_VARIABLE]: wantedRecord, ...wantedUser} = environment;
	if (canonicalJson(liveUser) !== canonicalJson(wantedUser)) differences.push('environment');
	if (wantedRecord !== undefined && liveRecord !== wantedRecord) differences.push('deploy record');
	return differences;
}

/**
Refuse a request the API would refuse for its size, before sending it: a TC3-signed POST body is at most
10 MB (constants.MAX_REQUEST_BYTES), and the zip rides in it as base64.
*/
function checkRequestSize(action, params, zip) {
	const bytes = Buffer.byteLength(JSON.stringify(params));
	if (bytes > c.MAX_REQUEST_BYTES) {
		throw new TencentDeployError(
			`The code package is ${zip.length} bytes (${params.Code?.ZipFile?.length ?? params.ZipFile?.length ?? 0} as base64), which makes the ${action} request ${bytes} bytes; ` +
				`Tencent Cloud API 3.0 accepts at most ${c.MAX_REQUEST_BYTES} bytes per TC3-signed POST. Make the bundle smaller (it is one minified index.js; ≈31 KB zipped as shipped).`,
			{code: 'PackageTooLarge'},
		);
	}
}

function createParams(fn, zipBase64, environment) {
	return {
		FunctionName: fn.name,
		Namespace: fn.namespace,
		Runtime: fn.runtime,
		Handler: fn.handler,
		Code: {ZipFile: zipBase64},
		CodeSource: 'ZipFile',
		Type: 'Event',
		MemorySize: fn.memorySize,
		Timeout: fn.timeout,
		Role: fn.role,
		Description: fn.description,
		Environment: environmentRequest(environment),
	};
}

const updateCodeParams = (fn, zipBase64) => ({FunctionName: fn.name, Namespace: fn.namespace, Handler: fn.handler, Code: {ZipFile: zipBase64}, CodeSource: 'ZipFile'});

const updateConfigParams = (fn, environment) => ({
	FunctionName: fn.name,
	Namespace: fn.namespace,
	MemorySize: fn.memorySize,
	Timeout: fn.timeout,
	Role: fn.role,
	Description: fn.description,
	Environment: environmentRequest(environment),
});

/** `CodeSha256` of the deployed package as GetFunctionAddress reports it, verbatim, or null when absent. */
async function liveCodeSha256(api, fn) {
	try {
		const address = await api.call('scf', 'GetFunctionAddress', {FunctionName: fn.name, Namespace: fn.namespace, Qualifier: c.QUALIFIER});
		const value = typeof address?.CodeSha256 === 'string' ? address.CodeSha256.trim() : '';
		return value === '' ? null : value;
	} catch (error) {
		if (isNotFound(error)) return null;
		throw error;
	}
}

/**
Why the code must be uploaded, or undefined when the deployed code is the zip we have. Decided by our record:
the zip's SHA-256 we wrote last time, and SCF's own CodeSha256 as it stood right after that upload (compared
only with itself, so how SCF encodes it does not matter). A function without a readable record is uploaded
to once, and has one from then on.
*/
async function codeUploadReason(api, fn, detail, previous, zipSha256) {
	if (!previous) return 'no deploy record on the function';
	if (previous.zipSha256 !== zipSha256) return 'the code package changed';
	if (detail.Handler !== fn.handler) return `the handler is ${JSON.stringify(detail.Handler)}`;
	if (previous.codeSha256) {
		const live = await liveCodeSha256(api, fn);
		if (live !== null && live !== previous.codeSha256) return 'the code was replaced outside serverless (CodeSha256 changed since the last deploy)';
	}
	return undefined;
}

/**
Create or update the function and its triggers. Order: code (create or upload), then triggers, then
configuration with the new deploy record, so a record is written only after everything it describes is in
place; a deploy that fails half-way leaves the previous record, and the next deploy redoes the rest.
Returns the list of changes made (empty when none were needed).

@param zip the code package (Buffer)
*/
async function deployFunction(api, fn, zip, {wait, log}) {
	const changes = [];
	const zipBase64 = zip.toString('base64');
	const zipSha256 = createHash('sha256').update(zip).digest('hex');
	const triggers = fn.triggers.map((trigger) => triggerKey(trigger.type, trigger.name));
	const rules = fn.rules.map((rule) => ({region: c.CLOUD_BUS_REGION, name: rule.name}));
	const recordFor = (codeSha256) => createRecord({zipSha256, codeSha256, triggers, rules});
	// Both requests that carry the zip are checked before the first call, not when the upload comes.
	checkRequestSize('CreateFunction', createParams(fn, zipBase64, desiredEnvironment(fn, recordFor('0'.repeat(64)))), zip);
	checkRequestSize('UpdateFunctionCode', updateCodeParams(fn, zipBase64), zip);

	let detail = await getFunction(api, fn);
	let codeSha256;
	let managed;
	if (!detail) {
		await api.call('scf', 'CreateFunction', createParams(fn, zipBase64, desiredEnvironment(fn, recordFor(null))));
		changes.push(`created function ${fn.name}`);
		log(`Creating function ${fn.namespace}/${fn.name}…`);
		detail = await waitActive(api, fn, {wait});
		codeSha256 = await liveCodeSha256(api, fn);
		managed = new Set();
	} else {
		if (c.TRANSITIONAL_STATUSES.includes(detail.Status)) {
			log(`Function ${fn.name} is ${detail.Status}; waiting for it to become Active…`);
			detail = await waitActive(api, fn, {wait});
		} else if (detail.Status !== c.STATUS_ACTIVE) {
			await waitActive(api, fn, {wait}); // throws with the status reasons
		}
		if (detail.Runtime && detail.Runtime !== fn.runtime) {
			throw new TencentDeployError(`SCF function ${fn.name} runs ${detail.Runtime}, the configuration asks for ${fn.runtime}; SCF cannot change a runtime in place: run \`serverless remove\`, then deploy again`, {code: 'RuntimeChange'});
		}
		const {record: previous, error} = recordFromFunction(detail);
		if (error && error !== 'absent') log(`${fn.name}: the deploy record ${RECORD_VARIABLE} is unreadable (${error}); treating it as absent`, 'warning');
		const reason = await codeUploadReason(api, fn, detail, previous, zipSha256);
		if (reason) {
			await api.call('scf', 'UpdateFunctionCode', updateCodeParams(fn, zipBase64));
			changes.push(`updated code of ${fn.name} (${reason})`);
			log(`Updating code of ${fn.name} (${reason})…`);
			detail = await waitActive(api, fn, {wait});
			codeSha256 = await liveCodeSha256(api, fn);
		} else {
			codeSha256 = previous.codeSha256;
		}
		managed = new Set(previous?.triggers ?? []);
	}

	changes.push(...(await convergeTriggers(api, fn, {log, managed})));

	const environment = desiredEnvironment(fn, recordFor(codeSha256));
	const differences = configDifferences(detail, fn, environment);
	if (differences.length > 0) {
		await api.call('scf', 'UpdateFunctionConfiguration', updateConfigParams(fn, environment));
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
Make the function's triggers the configured ones: create the missing, update the changed (timer and http have
UpdateTrigger, which keeps a function URL stable; a changed qualifier means delete and create), and delete
those this plugin created earlier (`managed`, from the deploy record) that are no longer configured. Every
other trigger is left alone: EventBridge's `eb` triggers (DeleteTrigger refuses them; they go with their
target), and whatever someone added by hand. Returns the changes made.

@param {{log: Function, managed: Set<string>}} options `managed`: `type/name` keys from the deploy record
*/
async function convergeTriggers(api, fn, {log, managed = new Set()}) {
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
		if (!managed.has(triggerKey(desired.type, desired.name))) log(`${fn.name}: ${desired.type} trigger ${desired.name} was not created by serverless; taking it over`, 'warning');
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
	const leftAlone = [];
	for (const [index, trigger] of listed.entries()) {
		if (kept.has(index)) continue;
		const key = triggerKey(trigger.Type, trigger.TriggerName);
		if (!managed.has(key) || !c.DELETABLE_TRIGGER_TYPES.includes(trigger.Type)) {
			leftAlone.push(key);
			continue;
		}
		await api.call('scf', 'DeleteTrigger', deleteParams(fn, trigger));
		changes.push(`deleted ${trigger.Type} trigger ${trigger.TriggerName}`);
	}
	for (const change of changes) log(`${fn.name}: ${change}`);
	if (leftAlone.length > 0) log(`${fn.name}: left alone, not created by serverless: ${leftAlone.join(', ')}`);
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

/**
Delete the triggers this plugin manages (recorded or configured), then the function (which takes the rest
with it), and wait until it is gone. EventBridge targets are removed before, by eventbridge.removeRules.
Returns the changes made.
*/
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
	const managed = new Set([...(recordFromFunction(detail).record?.triggers ?? []), ...fn.triggers.map((trigger) => triggerKey(trigger.type, trigger.name))]);
	for (const trigger of await listTriggers(api, fn)) {
		if (!managed.has(triggerKey(trigger.Type, trigger.TriggerName)) || !c.DELETABLE_TRIGGER_TYPES.includes(trigger.Type)) continue;
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
	checkRequestSize,
	liveCodeSha256,
};
