'use strict';
// EventBridge: a rule on the cloud-service event bus that matches COS bucket creation (CloudAudit
// PutBucket), with the function as its one target. That bus exists in ap-guangzhou only, so every call here
// goes through an API client of that region (constants.CLOUD_BUS_REGION); the planner refuses the event path
// for functions elsewhere. Rules this plugin creates carry a marker description naming the function and its
// region, so a rule dropped from serverless.yml is found and deleted on the next deploy, and `remove` finds
// them all, without touching a rule another deployment of the same name in another region made.
const c = require('./constants.cjs');
const {TencentDeployError} = require('./api.cjs');
const {canonicalJson} = require('./plan.cjs');

const PAGE = 100;

/** CreateRule descriptions: "数字、中英文及常用标点符号，不超过200个字符" (CreateRuleRequest.Description). */
const marker = (fn) => `Managed by serverless for SCF function ${fn.name} in namespace ${fn.namespace}, ${fn.region}.`;

/**
The target resource, `qcs::scf:<region>:uin/<uin>:namespace/<ns>/function/<name>/$LATEST` (TargetDescription.
ResourceDescription in eb_models.d.ts). `uin` is the account owner's (GetCallerIdentity AccountId), also when a
sub-account deploys: resources belong to the main account.
*/
const resourceDescription = (uin, fn) => `qcs::scf:${fn.region}:uin/${uin}:namespace/${fn.namespace}/function/${fn.name}/${c.QUALIFIER}`;

/** A function outside the cloud bus's region can have no rule of ours (the planner refuses them), so nothing there is looked up. */
const outsideBusRegion = (fn) => fn.rules.length === 0 && fn.region !== c.CLOUD_BUS_REGION;

async function listAll(api, action, params, field) {
	const items = [];
	for (let offset = 0; ; offset += PAGE) {
		const page = await api.call('eb', action, {...params, Offset: offset, Limit: PAGE});
		const batch = page[field] ?? [];
		items.push(...batch);
		if (batch.length < PAGE || items.length >= (page.TotalCount ?? 0)) return items;
	}
}

/**
The cloud-service event bus, where CloudAudit events arrive (call with an API client of CLOUD_BUS_REGION).
ListEventBuses is filtered by `Type: Cloud` (SDK model: "Cloud: 云服务事件集"); the one named `default` is
preferred because that is the bus EventBridge creates on activation. Returns undefined when there is none
(EventBridge never activated).
*/
async function findCloudBus(api) {
	const buses = await listAll(api, 'ListEventBuses', {Filters: [{Name: 'Type', Values: [c.CLOUD_BUS_TYPE]}]}, 'EventBuses');
	const cloud = buses.filter((bus) => bus.Type === undefined || bus.Type === c.CLOUD_BUS_TYPE);
	return cloud.find((bus) => bus.EventBusName === c.CLOUD_BUS_NAME) ?? cloud[0];
}

function noBusError(region) {
	return new TencentDeployError(
		`EventBridge has no cloud-service event bus in ${region}: activate EventBridge once in the console with the main account (it creates the bus in ${c.CLOUD_BUS_REGION} and the EB_QCSRole service role), then enable CloudAudit on that bus (README, "Deploy to SCF")`,
		{code: 'NoCloudEventBus'},
	);
}

/** Resolve the bus of each rule; the default lookup is made once and cached in `context`. */
async function busFor(api, rule, context) {
	if (rule?.eventBusId) return rule.eventBusId;
	if (context.defaultBusId === undefined) {
		const bus = await findCloudBus(api);
		context.defaultBusId = bus?.EventBusId ?? null;
	}
	if (context.defaultBusId === null && rule) throw noBusError(api.region);
	return context.defaultBusId ?? undefined;
}

async function deleteRule(api, busId, rule) {
	const targets = await listAll(api, 'ListTargets', {EventBusId: busId, RuleId: rule.RuleId}, 'Targets');
	for (const target of targets) await api.call('eb', 'DeleteTarget', {EventBusId: busId, RuleId: rule.RuleId, TargetId: target.TargetId});
	await api.call('eb', 'DeleteRule', {EventBusId: busId, RuleId: rule.RuleId});
}

/**
Make the function's EventBridge rules exactly the configured ones. `getUin` is called only when a target
has to be compared or created. Returns the changes made.
*/
async function convergeRules(api, fn, {getUin, log, context}) {
	const changes = [];
	if (outsideBusRegion(fn)) return changes;
	const busIds = new Map();
	for (const rule of fn.rules) busIds.set(rule, await busFor(api, rule, context));

	// Buses to look at: those of the configured rules, plus the default one for rules dropped from the config.
	const buses = new Set(busIds.values());
	try {
		const busId = await busFor(api, undefined, context);
		if (busId) buses.add(busId);
	} catch (error) {
		// A function that does not use EventBridge must still deploy where EventBridge is not activated or
		// not granted (a configured rule would have failed above): then there is nothing of ours to clean up.
		log(`EventBridge not checked for stale rules (${error.message})`, 'info');
	}

	for (const busId of buses) {
		const existing = await listAll(api, 'ListRules', {EventBusId: busId}, 'Rules');
		const wanted = fn.rules.filter((rule) => busIds.get(rule) === busId);
		for (const rule of wanted) {
			const pattern = JSON.stringify(rule.pattern);
			const found = existing.find((candidate) => candidate.RuleName === rule.name);
			let ruleId;
			if (!found) {
				const created = await api.call('eb', 'CreateRule', {EventBusId: busId, RuleName: rule.name, EventPattern: pattern, Enable: rule.enabled, Description: marker(fn)});
				ruleId = created.RuleId;
				if (!ruleId) throw new TencentDeployError(`EventBridge CreateRule returned no RuleId for ${rule.name}`);
				changes.push(`created EventBridge rule ${rule.name}`);
			} else {
				ruleId = found.RuleId;
				const detail = await api.call('eb', 'GetRule', {EventBusId: busId, RuleId: ruleId});
				let livePattern;
				try {
					livePattern = canonicalJson(JSON.parse(detail.EventPattern ?? 'null'));
				} catch {
					livePattern = String(detail.EventPattern);
				}
				const same = livePattern === canonicalJson(rule.pattern) && Boolean(detail.Enable) === rule.enabled && (detail.Description ?? '') === marker(fn);
				if (!same) {
					if ((detail.Description ?? '') !== marker(fn)) log(`EventBridge rule ${rule.name} was not created by this service; taking it over`, 'warning');
					await api.call('eb', 'UpdateRule', {EventBusId: busId, RuleId: ruleId, RuleName: rule.name, EventPattern: pattern, Enable: rule.enabled, Description: marker(fn)});
					changes.push(`updated EventBridge rule ${rule.name}`);
				}
			}

			const resource = resourceDescription(await getUin(), fn);
			const targets = found ? await listAll(api, 'ListTargets', {EventBusId: busId, RuleId: ruleId}, 'Targets') : [];
			const keep = targets.find((target) => target.Type === 'scf' && target.TargetDescription?.ResourceDescription === resource);
			for (const target of targets) {
				if (target === keep) continue;
				await api.call('eb', 'DeleteTarget', {EventBusId: busId, RuleId: ruleId, TargetId: target.TargetId});
				changes.push(`deleted target ${target.TargetId} of EventBridge rule ${rule.name}`);
			}
			if (!keep) {
				await api.call('eb', 'CreateTarget', {EventBusId: busId, RuleId: ruleId, Type: 'scf', TargetDescription: {ResourceDescription: resource}});
				changes.push(`created target ${fn.name} of EventBridge rule ${rule.name}`);
			}
		}

		const wantedNames = new Set(wanted.map((rule) => rule.name));
		for (const stale of existing) {
			if (stale.Description !== marker(fn) || wantedNames.has(stale.RuleName)) continue;
			await deleteRule(api, busId, stale);
			changes.push(`deleted EventBridge rule ${stale.RuleName}`);
		}
	}
	for (const change of changes) log(`${fn.name}: ${change}`);
	return changes;
}

/** Delete the function's rules (configured by name, or carrying its marker) with their targets. */
async function removeRules(api, fn, {log, context}) {
	const changes = [];
	if (outsideBusRegion(fn)) return changes;
	const buses = new Set();
	for (const rule of fn.rules) {
		if (rule.eventBusId) buses.add(rule.eventBusId);
	}
	const defaultBus = await busFor(api, undefined, context);
	if (defaultBus) buses.add(defaultBus);
	for (const busId of buses) {
		const names = new Set(fn.rules.filter((rule) => (rule.eventBusId ?? defaultBus) === busId).map((rule) => rule.name));
		for (const rule of await listAll(api, 'ListRules', {EventBusId: busId}, 'Rules')) {
			if (!names.has(rule.RuleName) && rule.Description !== marker(fn)) continue;
			await deleteRule(api, busId, rule);
			changes.push(`deleted EventBridge rule ${rule.RuleName}`);
		}
	}
	for (const change of changes) log(`${fn.name}: ${change}`);
	return changes;
}

/** For `info`: the function's rules with their targets. */
async function describeRules(api, fn, {context}) {
	const described = [];
	if (outsideBusRegion(fn)) return described;
	const defaultBus = await busFor(api, undefined, context);
	const buses = new Set([defaultBus, ...fn.rules.map((rule) => rule.eventBusId)].filter(Boolean));
	for (const busId of buses) {
		const names = new Set(fn.rules.map((rule) => rule.name));
		for (const rule of await listAll(api, 'ListRules', {EventBusId: busId}, 'Rules')) {
			if (!names.has(rule.RuleName) && rule.Description !== marker(fn)) continue;
			const targets = await listAll(api, 'ListTargets', {EventBusId: busId, RuleId: rule.RuleId}, 'Targets');
			described.push({busId, name: rule.RuleName, ruleId: rule.RuleId, enabled: Boolean(rule.Enable), status: rule.Status, targets: targets.map((target) => target.TargetDescription?.ResourceDescription ?? target.TargetId)});
		}
	}
	return described;
}

module.exports = {convergeRules, removeRules, describeRules, findCloudBus, marker, resourceDescription};
