import {CLOUD_BUS_REGION, COS_PUT_BUCKET_PATTERN, DEFAULT_NAMESPACE, DEFAULT_RUNTIME, FUNCTION_NAME, HANDLER, SCF_REGIONS} from './facts.js';
import {parseYaml, YamlError, type YamlNode} from './yaml-subset.js';

// What doctor takes from serverless.yml: service, stage, region, namespace, runtime, role, and the one function with
// its timer, function URL and EventBridge events, resolved the way serverless resolves them for the deploy
// (`${opt:…}`, `${env:…}`, `${param:…}`, `${self:…}`, `${sls:stage}`, quoted fallbacks) and defaulted the way the
// plugin's planner does (deploy/serverless-tencent/plan.cjs). The deploy record on the function is the truth about
// what the deploy manages; this file says what it should be.

/** The timer the function should have. */
export type TimerSpec = {name: string; cron: string; enabled: boolean; argument: string};
/** The function URL it should have. */
export type HttpSpec = {name: string; authType: 'NONE' | 'CAM'; enableExtranet: boolean; enableIntranet: boolean};
/** An EventBridge rule that should target it. */
export type RuleSpec = {name: string; enabled: boolean; pattern: unknown; eventBusId: string | undefined};

/** The deployment doctor checks. */
export type DeploymentSpec = {
	service: string;
	stage: string;
	region: string;
	namespace: string;
	runtime: string;
	/** The execution role's name. */
	role: string;
	/** provider.uin, when given (else GetCallerIdentity's AccountId). */
	uin: string | undefined;
	function: {key: string; name: string; namespace: string; region: string; timers: TimerSpec[]; http: HttpSpec | undefined; rules: RuleSpec[]};
};

export type ReadOptions = {
	/** `--stage`. */
	stage?: string;
	/** `--region`. */
	region?: string;
	/** `--function`: which function when serverless.yml has several. */
	functionKey?: string;
	/** `--param name=value`, as given to the deploy. */
	params?: Record<string, string>;
	env: Record<string, string | undefined>;
};

/** serverless.yml cannot be read as doctor needs it: the message names the field (or line) and why. */
export class ServiceConfigError extends Error {
	override readonly name = 'ServiceConfigError' as const;
}

type Value = string | number | boolean | null | undefined;

const VARIABLE = /\$\{([^${}]*)\}/g;
const MAX_DEPTH = 10;

function child(node: YamlNode | undefined, key: string): YamlNode | undefined {
	return node?.kind === 'map' ? node.entries.get(key) : undefined;
}

/**
Resolves scalars and `${…}` variables against one serverless.yml. `stage` stays unset while the stage itself is
being resolved, so that `sls:stage` and `param:` can refuse to refer to it.
*/
class Resolver {
	stage: string | undefined;
	private readonly cliParams: Record<string, string>;

	constructor(private readonly root: YamlNode, private readonly options: ReadOptions) {
		this.cliParams = options.params ?? {};
	}

	/** A node as a plain value (scalars only), variables resolved. */
	scalar(node: YamlNode | undefined, field: string, depth = 0): Value {
		if (node === undefined) {
			return undefined;
		}

		if (node.kind === 'unsupported') {
			throw new ServiceConfigError(`serverless.yml line ${node.line}, ${field}: doctor does not read ${node.reason}`);
		}

		if (node.kind !== 'scalar') {
			throw new ServiceConfigError(`serverless.yml line ${node.line}, ${field}: expected a value, got a ${node.kind === 'map' ? 'mapping' : 'list'}`);
		}

		return typeof node.value === 'string' ? this.resolveString(node.value, field, depth) : node.value;
	}

	/** A whole subtree as JSON values (an event pattern), variables resolved in its strings. */
	plain(node: YamlNode, field: string, depth: number): unknown {
		if (node.kind === 'map') {
			return Object.fromEntries([...node.entries].map(([key, value]) => [key, this.plain(value, `${field}.${key}`, depth)]));
		}

		if (node.kind === 'seq') {
			return node.items.map((item, index) => this.plain(item, `${field}[${index}]`, depth));
		}

		return this.scalar(node, field, depth);
	}

	private resolveString(text: string, field: string, depth: number): Value {
		if (depth > MAX_DEPTH) {
			throw new ServiceConfigError(`${field}: variables nested more than ${MAX_DEPTH} deep (a cycle?)`);
		}

		const whole = /^\$\{([^${}]*)\}$/.exec(text);
		if (whole) {
			return this.resolveVariable(whole[1]!, field, depth);
		}

		if (text.includes('${') && text.replace(VARIABLE, '').includes('${')) {
			throw new ServiceConfigError(`${field}: doctor reads \${source:name, fallback} variables, not nested ones: ${JSON.stringify(text.slice(0, 100))}`);
		}

		return text.replace(VARIABLE, (_match, inner: string) => {
			const value = this.resolveVariable(inner, field, depth);
			return value === null || value === undefined ? '' : String(value);
		});
	}

	/** `opt:stage, env:X, 'literal'`: the first source that has a value. */
	private resolveVariable(inner: string, field: string, depth: number): Value {
		const sources = inner.split(',').map((source) => source.trim());
		for (const source of sources) {
			const value = this.resolveSource(source, field, depth);
			if (value !== undefined && value !== null) {
				return value;
			}
		}

		throw new ServiceConfigError(`${field}: \${${inner}} has no value here (none of ${sources.join(', ')} is set)`);
	}

	private resolveSource(source: string, field: string, depth: number): Value {
		const quoted = /^(['"])(.*)\1$/.exec(source);
		if (quoted) {
			return quoted[2]!;
		}

		if (/^-?\d+(\.\d+)?$/.test(source)) {
			return Number(source);
		}

		if (source === 'true' || source === 'false') {
			return source === 'true';
		}

		const match = /^(opt|env|param|self|sls):(.+)$/.exec(source);
		if (!match) {
			throw new ServiceConfigError(`${field}: doctor does not read the variable source ${JSON.stringify(source)} (it reads opt:, env:, param:, self:, sls:stage and quoted strings)`);
		}

		const [, kind, name] = match as unknown as [string, string, string];
		switch (kind) {
			case 'opt': {
				return name === 'stage' ? this.options.stage : name === 'region' ? this.options.region : undefined;
			}

			case 'env': {
				return this.options.env[name];
			}

			case 'param': {
				return this.resolveParam(name, field, depth);
			}

			case 'self': {
				let node: YamlNode | undefined = this.root;
				for (const key of name.split('.')) {
					node = child(node, key);
				}

				return this.scalar(node, `self:${name}`, depth + 1);
			}

			default: {
				if (name !== 'stage') {
					throw new ServiceConfigError(`${field}: doctor reads sls:stage, not sls:${name}`);
				}

				return this.currentStage(field);
			}
		}
	}

	/** `--param` first, else `params.<stage>.<name>`, else `params.default.<name>`. */
	private resolveParam(name: string, field: string, depth: number): Value {
		if (Object.hasOwn(this.cliParams, name)) {
			return this.cliParams[name];
		}

		const params = child(this.root, 'params');
		const own = child(child(params, this.currentStage(field)), name);
		return this.scalar(own ?? child(child(params, 'default'), name), `params.${name}`, depth + 1);
	}

	private currentStage(field: string): string {
		if (this.stage === undefined) {
			throw new ServiceConfigError(`${field}: refers to the stage while the stage itself is being resolved`);
		}

		return this.stage;
	}
}

function text_(value: Value, field: string, fallback?: string): string {
	if (value === undefined || value === null) {
		if (fallback === undefined) {
			throw new ServiceConfigError(`${field}: required`);
		}

		return fallback;
	}

	return String(value);
}

function bool(value: Value, field: string, fallback: boolean): boolean {
	if (value === undefined || value === null) {
		return fallback;
	}

	if (value === true || value === false) {
		return value;
	}

	// `--param="sweepEnabled=false"` arrives as a string, as in the plugin's planner.
	if (value === 'true' || value === 'false') {
		return value === 'true';
	}

	throw new ServiceConfigError(`${field}: must be true or false, got ${JSON.stringify(value)}`);
}

function parseRoot(text: string): YamlNode {
	let root: YamlNode;
	try {
		root = parseYaml(text);
	} catch (error) {
		throw new ServiceConfigError(`serverless.yml: ${error instanceof YamlError ? error.message : String(error)}`);
	}

	if (root.kind !== 'map') {
		throw new ServiceConfigError('serverless.yml: the document is not a mapping');
	}

	return root;
}

type ProviderSpec = Pick<DeploymentSpec, 'service' | 'stage' | 'region' | 'namespace' | 'runtime' | 'role' | 'uin'>;

/** service and provider.*; sets the resolver's stage once it is known. */
function readProvider(resolver: Resolver, root: YamlNode, options: ReadOptions): ProviderSpec {
	const provider = child(root, 'provider');
	const providerName = resolver.scalar(child(provider, 'name'), 'provider.name');
	if (providerName !== 'tencent') {
		throw new ServiceConfigError(`provider.name: doctor checks deployments of the tencent provider (deploy/serverless-tencent), got ${JSON.stringify(providerName)}`);
	}

	const service = text_(resolver.scalar(child(root, 'service'), 'service'), 'service');
	// The stage first, without sls:stage (it is what sls:stage means): --stage, else provider.stage, else dev.
	const stage = options.stage ?? text_(resolver.scalar(child(provider, 'stage'), 'provider.stage'), 'provider.stage', 'dev');
	resolver.stage = stage;
	if (!/^[a-zA-Z0-9-]+$/.test(stage)) {
		throw new ServiceConfigError(`stage: letters, digits and "-" only, got ${JSON.stringify(stage)}`);
	}

	const region = options.region ?? text_(resolver.scalar(child(provider, 'region'), 'provider.region'), 'provider.region', 'ap-guangzhou');
	if (!SCF_REGIONS.includes(region)) {
		throw new ServiceConfigError(`region: ${JSON.stringify(region)} is not a region the deploy plugin deploys to (${SCF_REGIONS.join(', ')})`);
	}

	const namespace = text_(resolver.scalar(child(provider, 'namespace'), 'provider.namespace'), 'provider.namespace', DEFAULT_NAMESPACE);
	const runtime = text_(resolver.scalar(child(provider, 'runtime'), 'provider.runtime'), 'provider.runtime', DEFAULT_RUNTIME);
	const role = text_(resolver.scalar(child(provider, 'role'), 'provider.role'), 'provider.role', '');
	if (role === '') {
		throw new ServiceConfigError('provider.role: required (the CAM role SCF runs the function as)');
	}

	const uinValue = resolver.scalar(child(provider, 'uin'), 'provider.uin');
	const uin = uinValue === undefined || uinValue === null ? undefined : String(uinValue);
	return {service, stage, region, namespace, runtime, role, uin};
}

/** The function to check: `--function`, else the only one defined. */
function pickFunction(root: YamlNode, functionKey: string | undefined): {key: string; fnNode: YamlNode} {
	const functions = child(root, 'functions');
	if (functions?.kind !== 'map' || functions.entries.size === 0) {
		throw new ServiceConfigError('functions: define the function (doctor found none)');
	}

	const keys = [...functions.entries.keys()];
	const key = functionKey ?? (keys.length === 1 ? keys[0]! : undefined);
	if (key === undefined) {
		throw new ServiceConfigError(`functions: serverless.yml defines ${keys.join(', ')}; name the one to check with --function`);
	}

	const fnNode = functions.entries.get(key);
	if (!fnNode) {
		throw new ServiceConfigError(`--function: no function ${JSON.stringify(key)} in serverless.yml (it has ${keys.join(', ')})`);
	}

	return {key, fnNode};
}

/** Reads one field of an event's config, named for errors. */
type EventField = (fieldName: string) => Value;

function readTimer(field: EventField, eventAt: string): TimerSpec {
	const cron = text_(field('cron'), `${eventAt}.timer.cron`);
	const argument = field('argument');
	return {
		name: text_(field('name'), `${eventAt}.timer.name`, 'timer'),
		cron: cron.trim().split(/\s+/).join(' '),
		enabled: bool(field('enabled'), `${eventAt}.timer.enabled`, true),
		argument: argument === undefined || argument === null ? '' : String(argument),
	};
}

function readHttp(field: EventField, eventAt: string): HttpSpec {
	const authType = text_(field('authType'), `${eventAt}.http.authType`, 'NONE');
	if (authType !== 'NONE' && authType !== 'CAM') {
		throw new ServiceConfigError(`${eventAt}.http.authType: NONE or CAM, got ${JSON.stringify(authType)}`);
	}

	return {
		name: text_(field('name'), `${eventAt}.http.name`, 'url'),
		authType,
		enableExtranet: bool(field('enableExtranet'), `${eventAt}.http.enableExtranet`, true),
		enableIntranet: bool(field('enableIntranet'), `${eventAt}.http.enableIntranet`, false),
	};
}

type RuleContext = {resolver: Resolver; config: YamlNode; eventAt: string; region: string; functionName: string};

function readEventBridge(field: EventField, {resolver, config, eventAt, region, functionName}: RuleContext): RuleSpec {
	// The plugin refuses this event outside the cloud bus's region, so such a file was never deployed.
	if (region !== CLOUD_BUS_REGION) {
		throw new ServiceConfigError(`${eventAt}.eventbridge: CloudAudit events arrive on the cloud-service event bus in ${CLOUD_BUS_REGION} only; the deploy refuses this event in ${region} (README, "Where CloudAudit events arrive")`);
	}

	const pattern = child(config, 'pattern');
	const busId = field('eventBusId');
	return {
		name: text_(field('name'), `${eventAt}.eventbridge.name`, `${functionName}-putbucket`),
		enabled: bool(field('enabled'), `${eventAt}.eventbridge.enabled`, true),
		pattern: pattern === undefined ? COS_PUT_BUCKET_PATTERN : resolver.plain(pattern, `${eventAt}.eventbridge.pattern`, 0),
		eventBusId: busId === undefined || busId === null ? undefined : String(busId),
	};
}

/** The function's events: its timers, its function URL (the last http event) and its EventBridge rules. */
function readEvents(resolver: Resolver, fnNode: YamlNode, at: string, region: string, functionName: string): Pick<DeploymentSpec['function'], 'timers' | 'http' | 'rules'> {
	const timers: TimerSpec[] = [];
	let http: HttpSpec | undefined;
	const rules: RuleSpec[] = [];
	const events = child(fnNode, 'events');
	if (events !== undefined && events.kind !== 'seq' && !(events.kind === 'scalar' && events.value === null)) {
		throw new ServiceConfigError(`serverless.yml line ${events.line}, ${at}.events: expected a list`);
	}

	for (const [index, event] of (events?.kind === 'seq' ? events.items : []).entries()) {
		const eventAt = `${at}.events[${index}]`;
		if (event.kind !== 'map' || event.entries.size !== 1) {
			throw new ServiceConfigError(`serverless.yml line ${event.line}, ${eventAt}: expected one event, e.g. "- timer: …"`);
		}

		const [type, config] = [...event.entries][0]!;
		const field: EventField = (fieldName) => resolver.scalar(child(config, fieldName), `${eventAt}.${type}.${fieldName}`);
		if (type === 'timer') {
			timers.push(readTimer(field, eventAt));
		} else if (type === 'http') {
			http = readHttp(field, eventAt);
		} else if (type === 'eventbridge') {
			rules.push(readEventBridge(field, {resolver, config, eventAt, region, functionName}));
		} else {
			throw new ServiceConfigError(`${eventAt}: the deploy plugin supports timer, http and eventbridge events, not ${JSON.stringify(type)}`);
		}
	}

	return {timers, http, rules};
}

/**
Resolve serverless.yml as doctor needs it. Throws a {@link ServiceConfigError} naming the field for anything it
cannot read or resolve, before any request is sent.
*/
export function readServiceConfig(text: string, options: ReadOptions): DeploymentSpec {
	const root = parseRoot(text);
	const resolver = new Resolver(root, options);
	const {service, stage, region, namespace, runtime, role, uin} = readProvider(resolver, root, options);
	const {key, fnNode} = pickFunction(root, options.functionKey);
	const at = `functions.${key}`;
	const name = text_(resolver.scalar(child(fnNode, 'name'), `${at}.name`), `${at}.name`, `${service}-${stage}-${key}`);
	if (!FUNCTION_NAME.test(name)) {
		throw new ServiceConfigError(`${at}.name: ${JSON.stringify(name)} is not an SCF function name`);
	}

	const handler = resolver.scalar(child(fnNode, 'handler'), `${at}.handler`);
	if (handler !== HANDLER) {
		throw new ServiceConfigError(`${at}.handler: the deploy plugin requires ${HANDLER}, got ${JSON.stringify(handler)}`);
	}

	const {timers, http, rules} = readEvents(resolver, fnNode, at, region, name);
	return {service, stage, region, namespace, runtime, role, uin, function: {key, name, namespace, region, timers, http, rules}};
}
