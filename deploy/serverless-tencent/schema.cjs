'use strict';
// The configuration schema this provider registers with serverless. Everything is closed
// (`additionalProperties: false`): with `configValidationMode: error` a typo fails `serverless print`
// instead of silently deploying a default. serverless compiles it with ajv in strict mode, so every
// keyword sits next to a `type` and no annotation keyword (`default`) is used: defaults live in plan.cjs.
const c = require('./constants.cjs');

const pattern = (regexp) => regexp.source;

const environment = {
	type: 'object',
	description: `Function environment variables. Empty values are not sent (SCF refuses them). Names starting ${c.RESERVED_ENV_PREFIXES.join(', ')} are reserved by SCF.`,
	propertyNames: {type: 'string', pattern: `^(?!${c.RESERVED_ENV_PREFIXES.join('|')})[A-Za-z_][A-Za-z0-9_]*$`},
	// Numbers and booleans written in YAML are coerced to strings by serverless' ajv (coerceTypes).
	additionalProperties: {type: 'string', maxLength: 4096},
};

const memorySize = {type: 'integer', enum: [...c.MEMORY_SIZES]};
const timeout = {type: 'integer', minimum: c.MIN_TIMEOUT, maximum: c.MAX_TIMEOUT};
const description = {type: 'string', pattern: pattern(c.DESCRIPTION)};

const provider = {
	properties: {
		runtime: {type: 'string', enum: [...c.RUNTIMES]},
		// The region list is checked by the planner, whose message says where the list comes from.
		region: {type: 'string', minLength: 1},
		stage: {type: 'string', pattern: '^[a-zA-Z0-9-]+$'},
		namespace: {type: 'string', pattern: pattern(c.NAMESPACE_NAME)},
		memorySize,
		timeout,
		role: {type: 'string', pattern: pattern(c.ROLE_NAME), description: 'Name of the CAM role SCF assumes to run the function (see deploy/cam-trust-policy.json).'},
		description,
		environment,
		uin: {type: 'string', pattern: '^[0-9]{5,20}$', description: 'Account UIN for EventBridge targets; looked up with sts:GetCallerIdentity when absent.'},
	},
	required: ['role'],
};

const fn = {
	properties: {
		handler: {type: 'string', const: c.HANDLER},
		entry: {type: 'string', minLength: 1, description: `Source file bundled into index.js (default ${c.DEFAULT_ENTRY}).`},
		description,
		memorySize,
		timeout,
		environment,
	},
	required: ['handler'],
};

const events = {
	timer: {
		type: 'object',
		properties: {
			name: {type: 'string', pattern: pattern(c.TRIGGER_NAME)},
			cron: {type: 'string', pattern: c.CRON_PATTERN, description: `Seven fields: ${c.CRON_FIELDS.join(' ')}.`},
			enabled: {type: 'boolean'},
			argument: {type: 'string', maxLength: 4096, description: 'CustomArgument: arrives as event.Message.'},
		},
		required: ['cron'],
		additionalProperties: false,
	},
	http: {
		type: 'object',
		properties: {
			name: {type: 'string', pattern: pattern(c.TRIGGER_NAME)},
			authType: {type: 'string', enum: ['NONE', 'CAM']},
			enableExtranet: {type: 'boolean'},
			enableIntranet: {type: 'boolean'},
		},
		additionalProperties: false,
	},
	eventbridge: {
		type: 'object',
		properties: {
			name: {type: 'string', pattern: pattern(c.RULE_NAME)},
			enabled: {type: 'boolean'},
			pattern: {type: 'object', description: 'EventBridge event pattern; defaults to COS PutBucket CloudAudit events (ApiCall, ConsoleCall, MiniProgramCall).'},
			eventBusId: {type: 'string', pattern: '^eb-[A-Za-z0-9]+$', description: `An event bus in ${c.CLOUD_BUS_REGION}; defaults to the cloud-service event bus there, where CloudAudit events arrive.`},
		},
		additionalProperties: false,
	},
};

/** Register the provider, function and event schemas. */
function defineSchema(configSchemaHandler) {
	configSchemaHandler.defineProvider('tencent', {provider, function: fn});
	for (const [name, schema] of Object.entries(events)) configSchemaHandler.defineFunctionEvent('tencent', name, schema);
}

module.exports = {defineSchema, schemas: {provider, function: fn, events}};
