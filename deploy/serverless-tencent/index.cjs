'use strict';
// A Serverless Framework v3 provider plugin for Tencent Cloud SCF, kept in this repository: serverless v3
// refuses Tencent's component CLI ("Serverless Framework CLI no longer supports Serverless Tencent CLI",
// serverless/serverless bin/serverless.js; "Remove support for Serverless Tencent CLI", serverless#11658),
// so the provider is a local plugin (`plugins: [./deploy/serverless-tencent]` in serverless.yml).
// It registers the `tencent` provider, a closed config schema, and hooks:
//   package → bundle + zip (deploy/bundle.mjs) into .serverless/<service>.zip
//   deploy  → create/update the function, converge timer/http triggers and EventBridge rules (converge.cjs)
//   remove  → delete rules, triggers, function
//   info    → function state, triggers, URL, rules
//   invoke local → run the bundled handler on an event file
const fs = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const {fork} = require('node:child_process');
const {pathToFileURL} = require('node:url');
const {defineSchema} = require('./schema.cjs');
const {buildPlan, ConfigError} = require('./plan.cjs');
const {TencentApi, TencentDeployError, resolveCredentials} = require('./api.cjs');
const {CLOUD_BUS_REGION} = require('./constants.cjs');
const {deployService, removeService, realWait} = require('./converge.cjs');
const {recordFromFunction} = require('./record.cjs');
const scf = require('./scf.cjs');
const eventbridge = require('./eventbridge.cjs');

const PROVIDER = 'tencent';
/** Poll interval and bound for SCF's asynchronous create/update/delete; overridable for tests. */
const DEFAULT_POLL_MS = 2000;
const DEFAULT_WAIT_SECONDS = 300;
const CREDENTIAL_COMMANDS = new Set(['deploy', 'remove', 'info']);

class TencentProvider {
	static getProviderName() {
		return PROVIDER;
	}

	constructor(serverless, options = {}, utils = {}) {
		this.serverless = serverless;
		this.options = options;
		// Tells serverless to load this plugin only for `provider.name: tencent`.
		this.provider = PROVIDER;
		this.logger = utils.log ?? fallbackLog();
		this.writeText = utils.writeText ?? ((text) => process.stdout.write(`${text}\n`));
		serverless.setProvider(PROVIDER, this);
		defineSchema(serverless.configSchemaHandler);

		// serverless v3 keeps `--region` for AWS services only; declaring it gives it back to these commands
		// (serverless.yml reads it as ${opt:region}).
		const region = {region: {usage: 'Tencent Cloud region, e.g. ap-guangzhou', shortcut: 'r', type: 'string'}};
		this.commands = {
			deploy: {options: region},
			remove: {options: region},
			info: {options: region},
			invoke: {commands: {local: {options: region}}},
		};

		this.hooks = {
			'initialize': () => this.guard(() => this.initialize()),
			// `before:`, not the event itself: serverless' own package hook runs first and would zip the whole
			// service folder (node_modules included) unless an artifact is already set.
			'before:package:createDeploymentArtifacts': () => this.guard(() => this.packageArtifact()),
			'deploy:deploy': () => this.guard(() => this.deploy()),
			'deploy:function:initialize': () => this.guard(() => {
				throw new TencentDeployError('`serverless deploy function` is not supported by the tencent provider: run `serverless deploy` (it changes only what differs)');
			}),
			'remove:remove': () => this.guard(() => this.remove()),
			'info:info': () => this.guard(() => this.info()),
			'invoke:invoke': () => this.guard(() => {
				throw new TencentDeployError('`serverless invoke` (remote) is not supported by the tencent provider: use `serverless invoke local`, or call the function URL');
			}),
			'invoke:local:invoke': () => this.guard(() => this.invokeLocal()),
		};
	}

	/** serverless calls these on providers in a few generic places. */
	getStage() {
		return this.options.stage ?? this.serverless.service.provider.stage ?? 'dev';
	}

	getRegion() {
		return this.options.region ?? this.serverless.service.provider.region ?? 'ap-guangzhou';
	}

	log(message, level = 'notice') {
		(this.logger[level] ?? this.logger.notice).call(this.logger, message);
	}

	/** Our errors become serverless errors: printed as a message, without a stack trace. */
	async guard(action) {
		try {
			return await action();
		} catch (error) {
			if (error instanceof TencentDeployError || error instanceof ConfigError) {
				const ServerlessError = this.serverless.classes.Error;
				throw new ServerlessError(error.message, error instanceof ConfigError ? 'TENCENT_INVALID_CONFIGURATION' : `TENCENT_${String(error.code ?? 'DEPLOY_ERROR').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`);
			}
			throw error;
		}
	}

	get serviceDir() {
		return this.serverless.serviceDir ?? process.cwd();
	}

	plan() {
		this.cachedPlan ??= buildPlan(this.serverless.service, this.options);
		return this.cachedPlan;
	}

	initialize() {
		this.plan();
		const command = this.serverless.processedInput?.commands?.[0];
		// Fail before bundling, not after, when the command will need the API.
		if (CREDENTIAL_COMMANDS.has(command)) this.credentials = resolveCredentials();
	}

	packagePath() {
		return path.resolve(this.serviceDir, this.options.package ?? this.serverless.service.package?.path ?? '.serverless');
	}

	async packageArtifact() {
		const plan = this.plan();
		const given = this.serverless.service.package?.artifact;
		if (given) {
			this.log(`Using package.artifact ${given} as it is (not bundling ${plan.entry})`);
			return;
		}
		const {bundle} = await import(pathToFileURL(path.join(__dirname, '..', 'bundle.mjs')).href);
		const result = await bundle({entry: plan.entry, outdir: this.packagePath(), name: plan.service, cwd: this.serviceDir, log: (line) => this.log(line)});
		this.serverless.service.package ??= {};
		this.serverless.service.package.artifact = result.zipPath;
	}

	api(plan) {
		this.credentials ??= resolveCredentials();
		return new TencentApi({
			region: plan.region,
			credentials: this.credentials,
			onCall: ({service, action, attempt, region}) => this.log(`${service}:${action}${region === plan.region ? '' : ` (${region})`}${attempt > 1 ? ` (attempt ${attempt})` : ''}`, 'info'),
		});
	}

	waitOptions() {
		const positive = (value, fallback) => (Number.isFinite(Number(value)) && Number(value) > 0 ? Number(value) : fallback);
		const intervalMs = positive(process.env.SERVERLESS_TENCENT_POLL_MS, DEFAULT_POLL_MS);
		const timeoutMs = positive(process.env.SERVERLESS_TENCENT_WAIT_SECONDS, DEFAULT_WAIT_SECONDS) * 1000;
		return realWait({intervalMs, timeoutMs});
	}

	async deploy() {
		const plan = this.plan();
		const given = this.serverless.service.package?.artifact;
		const artifact = given ? path.resolve(this.serviceDir, given) : path.join(this.packagePath(), `${plan.service}.zip`);
		let zip;
		try {
			zip = await fs.readFile(artifact);
		} catch {
			throw new TencentDeployError(`No code package at ${path.relative(this.serviceDir, artifact) || artifact}: run \`serverless package\` first, or deploy without --package`);
		}
		const api = this.api(plan);
		const log = (message, level) => this.log(message, level);
		this.log(`Deploying ${plan.service} (${plan.stage}) to ${plan.region} with ${this.credentials.source} credentials`);
		let changes;
		try {
			changes = await deployService({plan, zip, api, wait: this.waitOptions(), log});
		} finally {
			api.close();
		}
		if (changes.length === 0) this.log(`No changes: ${plan.service} in ${plan.region} is up to date`);
		else this.logger.success?.(`Deployed ${plan.service} to ${plan.region}: ${changes.length} change${changes.length === 1 ? '' : 's'}`);
		const urlApi = this.api(plan);
		try {
			for (const fn of plan.functions) {
				if (!fn.triggers.some((trigger) => trigger.type === 'http')) continue;
				const url = scf.functionUrl(await scf.listTriggers(urlApi, fn));
				this.writeText(`${fn.key}: ${url ?? '(function URL not reported yet: see `serverless info`)'}`);
			}
		} finally {
			urlApi.close();
		}
	}

	async remove() {
		const plan = this.plan();
		const api = this.api(plan);
		const log = (message, level) => this.log(message, level);
		let changes;
		try {
			changes = await removeService({plan, api, wait: this.waitOptions(), log});
		} finally {
			api.close();
		}
		if (changes.length === 0) this.log(`Nothing to remove: ${plan.service} is not deployed in ${plan.region}`);
		else this.logger.success?.(`Removed ${plan.service} from ${plan.region}`);
	}

	async info() {
		const plan = this.plan();
		const api = this.api(plan);
		try {
			await this.describe(plan, api);
		} finally {
			api.close();
		}
	}

	async describe(plan, api) {
		const context = {};
		const lines = [`service: ${plan.service}`, `stage: ${plan.stage}`, `region: ${plan.region}`, `namespace: ${plan.namespace}`, 'functions:'];
		for (const fn of plan.functions) {
			const detail = await scf.getFunction(api, fn);
			if (!detail) {
				lines.push(`  ${fn.key}: ${fn.name} (not deployed)`);
				continue;
			}
			lines.push(`  ${fn.key}: ${fn.name} (${detail.Status}, ${detail.Runtime}, ${detail.MemorySize} MB, ${detail.Timeout} s, modified ${detail.ModTime ?? '?'})`);
			const {record, error} = recordFromFunction(detail);
			lines.push(
				record
					? `    deploy record: zip sha256 ${record.zipSha256.slice(0, 12)}…, CodeSha256 ${record.codeSha256 ? `${record.codeSha256.slice(0, 12)}…` : 'not reported'}, triggers ${record.triggers.join(', ') || 'none'}, rules ${record.rules.map((rule) => `${rule.region}/${rule.name}`).join(', ') || 'none'}`
					: `    deploy record: ${error === 'absent' ? 'none (not deployed by this plugin yet)' : `unreadable (${error})`}`,
			);
			const triggers = await scf.listTriggers(api, fn);
			for (const trigger of triggers) {
				const normalized = scf.normalizeListed(trigger);
				const what = trigger.Type === 'timer' ? `cron ${normalized.desc}` : trigger.Type === 'http' ? (scf.functionUrl([trigger]) ?? 'URL pending') : normalized.desc;
				lines.push(`    ${trigger.Type} ${trigger.TriggerName}: ${what} (${normalized.enabled ? 'enabled' : 'disabled'})`);
			}
			try {
				for (const rule of await eventbridge.describeRules(api.forRegion(CLOUD_BUS_REGION), fn, {context})) {
					lines.push(`    eventbridge ${rule.name} on ${rule.busId}: ${rule.enabled ? 'enabled' : 'disabled'}, targets ${rule.targets.join(', ') || 'none'}`);
				}
			} catch (error) {
				lines.push(`    eventbridge: not available (${error.message})`);
			}
		}
		this.writeText(lines.join('\n'));
	}

	async invokeLocal() {
		const plan = this.plan();
		const fn = plan.functions.find((candidate) => candidate.key === this.options.function);
		if (!fn) throw new TencentDeployError(`No function ${JSON.stringify(this.options.function)} in serverless.yml (functions: ${plan.functions.map((candidate) => candidate.key).join(', ')})`);
		const event = await this.readInput(this.options.path, this.options.data, {raw: this.options.raw, what: 'event'});
		const context = await this.readInput(this.options.contextPath, this.options.context, {what: 'context'});
		const workdir = await fs.mkdtemp(path.join(os.tmpdir(), 'sls-tencent-invoke-'));
		try {
			const {bundle} = await import(pathToFileURL(path.join(__dirname, '..', 'bundle.mjs')).href);
			const built = await bundle({entry: plan.entry, outdir: workdir, name: 'invoke', cwd: this.serviceDir, log: (line) => this.log(line, 'info')});
			const inputPath = path.join(workdir, 'input.json');
			const input = {bundlePath: built.indexPath, event: event ?? {}, context: context ?? {}, functionName: fn.name, namespace: fn.namespace, region: plan.region, memorySize: fn.memorySize, timeoutSeconds: fn.timeout};
			await fs.writeFile(inputPath, JSON.stringify(input));
			const json = await this.runHandler(inputPath, this.localEnvironment(fn, plan), fn.timeout);
			this.writeText(JSON.stringify(JSON.parse(json), null, 2));
		} finally {
			await fs.rm(workdir, {recursive: true, force: true});
		}
	}

	/** The shell's environment wins over serverless.yml (so a local endpoint or key can be tried), `--env` over both. */
	localEnvironment(fn, plan) {
		const env = {...fn.environment, ...process.env};
		env.SCF_FUNCTIONNAME ??= fn.name;
		env.SCF_NAMESPACE ??= fn.namespace;
		env.TENCENTCLOUD_REGION ??= plan.region;
		for (const pair of [].concat(this.options.env ?? [])) {
			const index = String(pair).indexOf('=');
			if (index > 0) env[pair.slice(0, index)] = pair.slice(index + 1);
		}
		return env;
	}

	async readInput(file, inline, {raw = false, what}) {
		let text = inline;
		if (file) {
			const resolved = path.isAbsolute(file) ? file : path.join(this.serviceDir, file);
			try {
				text = await fs.readFile(resolved, 'utf8');
			} catch (error) {
				throw new TencentDeployError(`Cannot read the ${what} file ${file}: ${error.code ?? error.message}`);
			}
		}
		if (text === undefined) return undefined;
		if (raw) return text;
		try {
			return JSON.parse(text);
		} catch (error) {
			if (file) throw new TencentDeployError(`The ${what} file ${file} is not JSON: ${error.message}`);
			return text; // --data 'plain text' is passed as a string, like serverless' AWS invoke local
		}
	}

	runHandler(inputPath, env, timeoutSeconds) {
		return new Promise((resolve, reject) => {
			// The handler's own output goes to stderr, so stdout carries only the result JSON.
			const child = fork(path.join(__dirname, 'invoke-runner.cjs'), [inputPath], {env, stdio: ['ignore', process.stderr, 'inherit', 'ipc']});
			let outcome;
			const timer = setTimeout(() => {
				outcome ??= {timeout: true};
				child.kill('SIGKILL');
			}, timeoutSeconds * 1000 + 1000);
			child.on('message', (message) => {
				outcome ??= message;
			});
			child.on('error', (error) => {
				outcome ??= {ok: false, name: 'Error', message: error.message};
			});
			child.on('exit', (code, signal) => {
				clearTimeout(timer);
				if (outcome?.ok) return resolve(outcome.json);
				if (outcome?.timeout) return reject(new TencentDeployError(`The handler did not finish within the function timeout (${timeoutSeconds} s)`));
				if (outcome) {
					this.log(outcome.stack ?? '', 'info');
					return reject(new TencentDeployError(`The handler threw ${outcome.name}: ${outcome.message}`));
				}
				reject(new TencentDeployError(`The handler process exited (${signal ?? `code ${code}`}) without a result`));
			});
		});
	}
}

function fallbackLog() {
	const write = (message) => process.stderr.write(`${message}\n`);
	return {notice: write, info: () => {}, warning: write, error: write, success: write};
}

module.exports = TencentProvider;
