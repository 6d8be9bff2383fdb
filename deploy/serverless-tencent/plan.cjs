'use strict';
// serverless.yml (as serverless resolved it) → the desired state of the account: pure, no I/O. The schema
// already rejects most mistakes, but `configValidationMode` can be turned down to `warn` or `off`, so every
// rule the deploy depends on is checked here again, with messages that name the field and the rule.
const c = require('./constants.cjs');
const {RECORD_VARIABLE, encodeRecord, triggerKey} = require('./record.cjs');
const {checkServiceSettings} = require('./services.cjs');

/** SCF descriptions allow no `-`, so the service and stage names cannot go in a default. */
const DEFAULT_DESCRIPTION = 'Deployed with serverless.';

/** Thrown for configuration mistakes; the plugin turns it into a ServerlessError. */
class ConfigError extends Error {
	constructor(problems) {
		super(`Invalid Tencent SCF configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
		this.name = 'ConfigError';
		this.problems = problems;
	}
}

/** Deep-sorted JSON, so two patterns that differ only in key order compare equal. */
function canonicalJson(value) {
	const sort = (item) => {
		if (Array.isArray(item)) return item.map(sort);
		if (item && typeof item === 'object') return Object.fromEntries(Object.keys(item).sort().map((key) => [key, sort(item[key])]));
		return item;
	};
	return JSON.stringify(sort(value));
}

/**
A boolean from the config. `--param="sweepEnabled=false"` arrives as the string "false"; serverless' ajv
coerces it during validation, but with validation off it would not be, and `Boolean("false")` is true.
*/
function toBoolean(value, fallback, field, problems) {
	if (value === undefined || value === null) return fallback;
	if (typeof value === 'boolean') return value;
	if (value === 'true' || value === 'false') return value === 'true';
	problems.push(`${field}: must be true or false, got ${JSON.stringify(value)}`);
	return fallback;
}

/** Split a cron string into its fields; SCF wants exactly seven. */
function cronFields(cron) {
	return String(cron).trim().split(/\s+/).filter(Boolean);
}

/** One value of a cron field: a number in range, or one of the field's names (JAN, MON, …). */
function cronValueProblem(value, {min, max, names = []}) {
	if (/^\d+$/.test(value)) {
		const number = Number(value);
		return number >= min && number <= max ? undefined : `${value} is outside ${min}-${max}`;
	}
	if (names.includes(value.toUpperCase())) return undefined;
	return `${JSON.stringify(value)} is not a number${names.length > 0 ? ` or one of ${names.join(', ')}` : ''}`;
}

/** One cron field: `*`, `a`, `a-b`, each optionally `/step`, joined by commas. */
function cronFieldProblem(text, range) {
	for (const part of text.split(',')) {
		const match = /^(\*|[^/*-]+(?:-[^/*-]+)?)(?:\/(\d+))?$/.exec(part);
		if (!match) return `${JSON.stringify(part)} is not *, a value, a range a-b or a step x/n`;
		const [, base, step] = match;
		if (step !== undefined && Number(step) < 1) return `step ${step} must be at least 1`;
		if (base === '*') continue;
		for (const value of base.split('-')) {
			const problem = cronValueProblem(value, range);
			if (problem) return problem;
		}
	}
	return undefined;
}

/**
Check a timer's cron. Returns a message, or undefined when fine. SCF's cron has a seconds field first and a
year field last, each with its own range (583/9708); a Unix cron (5 fields) would be read shifted by one field,
and an hour of 24 is refused upstream only after the function exists.
*/
function checkCron(cron, field) {
	const fields = cronFields(cron);
	if (fields.length !== c.CRON_FIELDS.length) {
		return `${field}: a timer cron needs ${c.CRON_FIELDS.length} fields (${c.CRON_FIELDS.join(' ')}), got ${fields.length}: ${JSON.stringify(String(cron))}. Example: "0 0 */6 * * * *" runs every 6 hours.`;
	}
	for (const [index, name] of c.CRON_FIELDS.entries()) {
		const range = c.CRON_RANGES[name];
		const problem = cronFieldProblem(fields[index], range);
		if (problem) return `${field}: cron field ${index + 1} (${name}, ${range.min}-${range.max}${range.names ? ` or ${range.names[0]}-${range.names.at(-1)}` : ''}): ${problem} (583/9708)`;
	}
	return undefined;
}

/** UTF-8 bytes of an environment as SCF counts it against its 4 KB: names and values. */
function environmentBytes(environment) {
	return Object.entries(environment).reduce((total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
}

/**
Resolve the desired state.

@param {object} service serverless.service
@param {{region?: string, stage?: string}} options CLI options
*/
function buildPlan(service, options = {}) {
	const problems = [];
	const provider = service.provider ?? {};
	const region = String(options.region ?? provider.region ?? 'ap-guangzhou');
	const stage = String(options.stage ?? provider.stage ?? 'dev');
	const namespace = String(provider.namespace ?? c.DEFAULT_NAMESPACE);
	const runtime = String(provider.runtime ?? c.DEFAULT_RUNTIME);

	if (!c.SCF_REGIONS.includes(region)) {
		problems.push(`provider.region: ${JSON.stringify(region)} is not a region where SCF's CreateTrigger works (${c.SCF_REGIONS_SOURCE} lists: ${c.SCF_REGIONS.join(', ')})`);
	}
	if (!c.RUNTIMES.includes(runtime)) problems.push(`provider.runtime: must be one of ${c.RUNTIMES.join(', ')} (the bundle targets node18), got ${JSON.stringify(runtime)}`);
	if (!c.NAMESPACE_NAME.test(namespace)) problems.push(`provider.namespace: invalid namespace ${JSON.stringify(namespace)}`);
	const role = provider.role === undefined || provider.role === null ? '' : String(provider.role);
	if (role === '') {
		problems.push('provider.role: required: the name of the CAM role SCF runs the function as (create it with deploy/cam-trust-policy.json and deploy/cam-policy.json)');
	} else if (!c.ROLE_NAME.test(role)) {
		problems.push(`provider.role: invalid CAM role name ${JSON.stringify(role)}`);
	}
	if (provider.uin !== undefined && !/^[0-9]{5,20}$/.test(String(provider.uin))) problems.push(`provider.uin: must be the numeric account UIN, got ${JSON.stringify(provider.uin)}`);

	const functions = [];
	const functionNames = new Set();
	const ruleNames = new Set();
	for (const key of Object.keys(service.functions ?? {})) {
		const raw = service.functions[key] ?? {};
		const at = `functions.${key}`;
		const name = String(raw.name ?? `${service.service}-${stage}-${key}`);
		if (!c.FUNCTION_NAME.test(name)) {
			problems.push(`${at}.name: SCF function names are 2-60 letters, digits, "-" or "_", start with a letter and end with a letter or digit; got ${JSON.stringify(name)}`);
		}
		if (functionNames.has(name)) problems.push(`${at}.name: ${JSON.stringify(name)} is used by two functions`);
		functionNames.add(name);
		if (raw.handler !== c.HANDLER) problems.push(`${at}.handler: must be ${JSON.stringify(c.HANDLER)} (the bundle is one index.js exporting main_handler), got ${JSON.stringify(raw.handler)}`);

		const memorySize = Number(raw.memorySize ?? provider.memorySize ?? c.DEFAULT_MEMORY);
		if (!c.MEMORY_SIZES.includes(memorySize)) problems.push(`${at}.memorySize: must be 64 or a multiple of 128 from 128 to 3072, got ${JSON.stringify(raw.memorySize ?? provider.memorySize)}`);
		const timeout = Number(raw.timeout ?? provider.timeout ?? c.DEFAULT_TIMEOUT);
		if (!Number.isInteger(timeout) || timeout < c.MIN_TIMEOUT || timeout > c.MAX_TIMEOUT) problems.push(`${at}.timeout: must be a whole number of seconds from ${c.MIN_TIMEOUT} to ${c.MAX_TIMEOUT}, got ${JSON.stringify(raw.timeout ?? provider.timeout)}`);
		const description = String(raw.description ?? provider.description ?? DEFAULT_DESCRIPTION);
		if (!c.DESCRIPTION.test(description)) {
			problems.push(`${at}.description: SCF allows up to 1000 letters, digits, spaces, commas and periods (Chinese too); no newlines, which UpdateFunctionConfiguration refuses`);
		}

		const {environment, omitted} = mergeEnvironment(provider.environment, raw.environment, at, problems);
		problems.push(...checkServiceSettings(environment, `${at}.environment`));
		const triggers = [];
		const rules = [];
		const triggerKeys = new Set();
		(raw.events ?? []).forEach((event, index) => {
			const eventAt = `${at}.events[${index}]`;
			const [type] = Object.keys(event ?? {});
			const config = event?.[type] ?? {};
			if (type === 'timer') {
				const trigger = {
					type: 'timer',
					name: String(config.name ?? 'timer'),
					cron: cronFields(config.cron ?? '').join(' '),
					enabled: toBoolean(config.enabled, true, `${eventAt}.timer.enabled`, problems),
					argument: config.argument === undefined || config.argument === null ? '' : String(config.argument),
				};
				const cronProblem = checkCron(config.cron ?? '', `${eventAt}.timer.cron`);
				if (Buffer.byteLength(trigger.argument) > 4096) problems.push(`${eventAt}.timer.argument: at most 4 KB (583/9708)`);
				if (cronProblem) problems.push(cronProblem);
				if (!c.TRIGGER_NAME.test(trigger.name)) problems.push(`${eventAt}.timer.name: invalid trigger name ${JSON.stringify(trigger.name)}`);
				triggers.push(trigger);
			} else if (type === 'http') {
				const trigger = {
					type: 'http',
					name: String(config.name ?? 'url'),
					authType: String(config.authType ?? 'NONE'),
					enableExtranet: toBoolean(config.enableExtranet, true, `${eventAt}.http.enableExtranet`, problems),
					enableIntranet: toBoolean(config.enableIntranet, false, `${eventAt}.http.enableIntranet`, problems),
				};
				if (!['NONE', 'CAM'].includes(trigger.authType)) problems.push(`${eventAt}.http.authType: must be NONE or CAM`);
				if (!c.TRIGGER_NAME.test(trigger.name)) problems.push(`${eventAt}.http.name: invalid trigger name ${JSON.stringify(trigger.name)}`);
				if (triggers.some((other) => other.type === 'http')) problems.push(`${eventAt}.http: a function has at most one function URL`);
				triggers.push(trigger);
			} else if (type === 'eventbridge') {
				const rule = {
					name: String(config.name ?? `${name}-putbucket`),
					enabled: toBoolean(config.enabled, true, `${eventAt}.eventbridge.enabled`, problems),
					pattern: config.pattern ?? c.COS_PUT_BUCKET_PATTERN,
					eventBusId: config.eventBusId === undefined ? undefined : String(config.eventBusId),
				};
				if (!c.RULE_NAME.test(rule.name)) problems.push(`${eventAt}.eventbridge.name: EventBridge rule names are 2-60 letters, digits, "-" or "_", start with a letter and end with a letter or digit; got ${JSON.stringify(rule.name)}`);
				if (ruleNames.has(rule.name)) problems.push(`${eventAt}.eventbridge.name: rule ${JSON.stringify(rule.name)} is defined twice`);
				ruleNames.add(rule.name);
				if (!rule.pattern || typeof rule.pattern !== 'object' || Array.isArray(rule.pattern)) problems.push(`${eventAt}.eventbridge.pattern: must be an object`);
				if (region !== c.CLOUD_BUS_REGION) {
					problems.push(
						`${eventAt}.eventbridge: CloudAudit events (COS PutBucket) arrive only on the cloud-service event bus in ${c.CLOUD_BUS_REGION} ` +
							`(EventBridge docs 1108/42284 and 1108/46246), and EventBridge documents no target in another region than its bus, so a rule cannot reach a function in ${region}. ` +
							`Deploy to ${c.CLOUD_BUS_REGION} (the function binds buckets of every region from there), or remove this event and rely on the timer sweep.`,
					);
				}
				rules.push(rule);
			} else {
				problems.push(`${eventAt}: unsupported event ${JSON.stringify(type)} (supported: timer, http, eventbridge)`);
				return;
			}
			if (type !== 'eventbridge') {
				const last = triggers.at(-1);
				const triggerKey = `${last.type}/${last.name}`;
				if (triggerKeys.has(triggerKey)) problems.push(`${eventAt}: two ${last.type} triggers are named ${JSON.stringify(last.name)}`);
				triggerKeys.add(triggerKey);
			}
		});

		const recordBytes = Buffer.byteLength(RECORD_VARIABLE) + Buffer.byteLength(
			encodeRecord({zipSha256: '0'.repeat(64), codeSha256: '0'.repeat(64), triggers: triggers.map((trigger) => triggerKey(trigger.type, trigger.name)), rules: rules.map((rule) => ({region, name: rule.name}))}),
		);
		const userBytes = environmentBytes(environment);
		if (userBytes + recordBytes > c.MAX_ENVIRONMENT_BYTES) {
			problems.push(`${at}.environment: ${userBytes} bytes of names and values plus ${recordBytes} for the deploy record (${RECORD_VARIABLE}) exceed SCF's ${c.MAX_ENVIRONMENT_BYTES} (InvalidParameterValue.EnvironmentExceededLimit)`);
		}
		if (environment[RECORD_VARIABLE] !== undefined) problems.push(`${at}.environment.${RECORD_VARIABLE}: reserved for the deploy record this plugin writes`);

		functions.push({
			key,
			name,
			region,
			namespace,
			runtime,
			handler: c.HANDLER,
			entry: String(raw.entry ?? c.DEFAULT_ENTRY),
			memorySize,
			timeout,
			role,
			description,
			environment,
			omittedEnvironment: omitted,
			triggers,
			rules,
		});
	}

	if (functions.length === 0) problems.push('functions: define at least one function');
	const entries = new Set(functions.map((fn) => fn.entry));
	if (entries.size > 1) problems.push(`functions[].entry: all functions share one bundle, so they must share one entry (got ${[...entries].join(', ')})`);
	if (problems.length > 0) throw new ConfigError(problems);

	return {
		service: String(service.service),
		region,
		stage,
		namespace,
		uin: provider.uin === undefined ? undefined : String(provider.uin),
		entry: functions[0].entry,
		functions,
	};
}

/** Provider environment overlaid by the function's; empty values are dropped because SCF rejects them. */
function mergeEnvironment(providerEnvironment, functionEnvironment, at, problems) {
	const merged = {...providerEnvironment, ...functionEnvironment};
	const environment = {};
	const omitted = [];
	for (const [name, value] of Object.entries(merged)) {
		if (!c.ENV_NAME.test(name)) {
			problems.push(`${at}.environment.${name}: invalid variable name`);
			continue;
		}
		const reserved = c.RESERVED_ENV_PREFIXES.find((prefix) => name.startsWith(prefix));
		if (reserved) {
			problems.push(`${at}.environment.${name}: names starting ${reserved} are reserved by SCF`);
			continue;
		}
		if (value === undefined || value === null || String(value) === '') {
			omitted.push(name);
			continue;
		}
		if (typeof value === 'object') {
			problems.push(`${at}.environment.${name}: must be a string, number or boolean`);
			continue;
		}
		environment[name] = String(value);
	}
	return {environment, omitted};
}

module.exports = {buildPlan, checkCron, cronFields, canonicalJson, environmentBytes, ConfigError};
