// BINDER_SERVICES and BINDER_SERVICES_RULES through `serverless deploy`: serverless.yml passes them (params or the
// shell's environment) into the function's Environment, and the plugin refuses a value the function would refuse,
// before bundling and before any call. The plugin's check (deploy/serverless-tencent/services.cjs) repeats the rules
// of lib/binder/services.ts in CommonJS; the differential test below holds the two to the same verdict.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import fc from 'fast-check';
import {test} from 'uvu';
import {serverlessEnv} from '../support/process.js';
import * as assert from 'uvu/assert';
import {parsePolicy} from '../../lib/binder/services.js';
import {SERVICE_NAMES} from '../../lib/client/capabilities.js';
import {startFakeTencentCloud, type FakeTencentCloud} from '../support/fake-tencentcloud-api.js';

const require = createRequire(import.meta.url);
const plugin = require('../../deploy/serverless-tencent/services.cjs') as {
	SERVICE_NAMES: readonly string[];
	MAX_RULES: number;
	checkServiceSettings: (environment: Record<string, string>, at: string) => string[];
};

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SERVERLESS = path.join(ROOT, 'node_modules/serverless/bin/serverless.js');
const FUNCTION = 'cos-ci-binder-dev-binder';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-services-'));
const home = path.join(work, 'home');
fs.mkdirSync(home);
let fake: FakeTencentCloud;

type Run = {code: number | null; output: string};

/** The serverless CLI with an environment built from scratch (no developer keys), against the fake API. */
function sls(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
	const childEnv: Record<string, string> = {
		...serverlessEnv(home),
		TENCENTCLOUD_API_CONNECT_TO: fake.url,
		TENCENTCLOUD_SECRET_ID: fake.credentials[0]!.secretId,
		TENCENTCLOUD_SECRET_KEY: fake.credentials[0]!.secretKey,
		...env,
	};
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [SERVERLESS, ...args], {cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe']});
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({code, output});
		});
	});
}

/** A service folder like a fresh clone, with a stub handler (the bundle is not what is tested here). */
function makeService(name: string): string {
	const dir = path.join(work, name);
	fs.mkdirSync(path.join(dir, 'handlers'), {recursive: true});
	fs.copyFileSync(path.join(ROOT, 'serverless.yml'), path.join(dir, 'serverless.yml'));
	fs.cpSync(path.join(ROOT, 'deploy'), path.join(dir, 'deploy'), {recursive: true});
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
	fs.writeFileSync(path.join(dir, 'handlers/index.ts'), 'export const main_handler = async () => ({ok: true});\n');
	return dir;
}

const functionVariables = () =>
	Object.fromEntries(fake.functions().find((fn) => fn.name === FUNCTION)!.environment.map((variable) => [variable.Key, variable.Value]));

test.before(async () => {
	fake = await startFakeTencentCloud({credentials: [{secretId: 'AKIDfakeservices01', secretKey: 'fake-secret-key-services', subAccountUin: '100000000002'}]});
});

test.after(async () => {
	await fake?.close();
	fs.rmSync(work, {recursive: true, force: true});
});

test('the plugin knows the same service names as the capability table', () => {
	assert.equal([...plugin.SERVICE_NAMES], [...SERVICE_NAMES]);
});

/** The function's verdict: does its config reader accept these two settings? */
const functionAccepts = (services: string | undefined, rules: string | undefined) => {
	try {
		parsePolicy(services, rules);
		return true;
	} catch {
		return false;
	}
};

const pluginAccepts = (services: string | undefined, rules: string | undefined) =>
	plugin.checkServiceSettings({...(services === undefined ? {} : {BINDER_SERVICES: services}), ...(rules === undefined ? {} : {BINDER_SERVICES_RULES: rules})}, 'env').length === 0;

test('the plugin accepts exactly what the function accepts: chosen cases', () => {
	const services = ['ci', 'ci,media', ' Media , DOC ', 'ci,,pic', ',', ' ', 'video', 'ci,video', 'ci;media', 'AI,asr,file'];
	const rules = [
		'media-*:ci,media;docs-*:ci,doc',
		'media-*:ci,media;docs-*',
		'a:ci;  :media',
		'Media_*:media',
		'a-*:ci,vid',
		'a-*:',
		';;a?b:pic;',
		`${'a'.repeat(201)}:ci`,
		`${'a'.repeat(200)}:ci`,
		Array.from({length: 51}, (_, index) => `b${index}:ci`).join(';'),
		Array.from({length: 50}, (_, index) => `b${index}:ci`).join(';'),
		'x:y:z',
	];
	for (const value of services) assert.is(pluginAccepts(value, undefined), functionAccepts(value, undefined), `BINDER_SERVICES=${JSON.stringify(value)}`);
	for (const value of rules) assert.is(pluginAccepts(undefined, value), functionAccepts(undefined, value), `BINDER_SERVICES_RULES=${JSON.stringify(value)}`);
});

test('the plugin accepts exactly what the function accepts: generated settings', () => {
	const word = fc.constantFrom(...SERVICE_NAMES, 'Media', ' doc', 'vid', '', ' ');
	const list = fc.array(word, {maxLength: 4}).map((words) => words.join(','));
	const pattern = fc.stringMatching(/^[a-zA-Z0-9*?_ -]{0,6}$/);
	const rule = fc.tuple(pattern, fc.constantFrom(':', '', '::'), list).map(([left, colon, right]) => `${left}${colon}${right}`);
	const rules = fc.array(rule, {maxLength: 4}).map((items) => items.join(';'));
	fc.assert(
		fc.property(list, rules, (services, ruleText) => {
			assert.is(pluginAccepts(services, undefined), functionAccepts(services, undefined), `BINDER_SERVICES=${JSON.stringify(services)}`);
			assert.is(pluginAccepts(undefined, ruleText), functionAccepts(undefined, ruleText), `BINDER_SERVICES_RULES=${JSON.stringify(ruleText)}`);
		}),
		{numRuns: 500},
	);
});

test('deploy: BINDER_SERVICES from the environment and BINDER_SERVICES_RULES from --param reach the function Environment', async () => {
	const dir = makeService('services');
	const run = await sls(dir, ['deploy', '--param', 'servicesRules=media-*:ci,media;docs-*:ci,doc'], {BINDER_SERVICES: 'ci,pic'});
	assert.is(run.code, 0, run.output);
	const create = fake.calls.find((call) => call.action === 'CreateFunction')!;
	const sent = (create.params.Environment as {Variables: Array<{Key: string; Value: string}>}).Variables;
	assert.ok(sent.some((variable) => variable.Key === 'BINDER_SERVICES' && variable.Value === 'ci,pic'));
	assert.ok(sent.some((variable) => variable.Key === 'BINDER_SERVICES_RULES' && variable.Value === 'media-*:ci,media;docs-*:ci,doc'));
	assert.is(functionVariables().BINDER_SERVICES, 'ci,pic');
	assert.is(functionVariables().BINDER_SERVICES_RULES, 'media-*:ci,media;docs-*:ci,doc');

	fake.clearCalls();
	const unset = await sls(dir, ['deploy']);
	assert.is(unset.code, 0, unset.output);
	assert.equal(fake.mutatingCalls().map((call) => call.action), ['UpdateFunctionConfiguration'], 'unsetting them is a configuration change');
	assert.is(functionVariables().BINDER_SERVICES, undefined, 'empty values are not sent: the function binds only');
	assert.is(functionVariables().BINDER_SERVICES_RULES, undefined);
});

test('deploy: an unknown service or a malformed rule fails before bundling and before any call, naming the field', async () => {
	const dir = makeService('bad-services');
	fake.clearCalls();
	const unknown = await sls(dir, ['deploy'], {BINDER_SERVICES: 'ci,video'});
	assert.is.not(unknown.code, 0, unknown.output);
	assert.match(unknown.output, /functions\.binder\.environment\.BINDER_SERVICES: unknown service "video"; allowed: ci, media, doc, file, ai, asr, pic/);
	const malformed = await sls(dir, ['deploy', '--param', 'servicesRules=media-*:ci,media;Docs_*:doc']);
	assert.is.not(malformed.code, 0, malformed.output);
	assert.match(malformed.output, /functions\.binder\.environment\.BINDER_SERVICES_RULES rule 2: invalid pattern "Docs_\*"/);
	assert.not.match(unknown.output + malformed.output, /bundle:/, 'refused before bundling');
	assert.equal(fake.calls, []);
});

test.run();
