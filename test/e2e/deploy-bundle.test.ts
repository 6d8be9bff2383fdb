// The shipped artifact, proven the way SCF will use it: bundle the real handler, unzip the package into
// an empty folder, `require('./index.js')` there in a fresh `node` with no node_modules in reach, and run
// `main_handler` on a recorded PutBucket event against the emulator. The bucket must end up bound.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {bundle, type BundleResult} from '../../deploy/bundle.mjs';
import {readZip} from '../../deploy/zip.mjs';
import {DEMO_CREDENTIALS, startEmulator} from '../../lib/emulator/index.js';
import {settlesWithin, startHostileServer} from '../support/hostile-server.js';
import {SCF_NODE_VERSION, scfNodePath} from '../support/scf-runtime.mjs';
import {ROOT} from '../support/paths.js';
import {runProcess} from '../support/process.js';

const EVENT = path.join(ROOT, 'test/fixtures/events/cloudaudit-putbucket-resourcename-qcs.json');
const BUCKET = 'examplebucket-1250000000';
const REGION = 'ap-guangzhou';
/** SCF bills GB-seconds and cold starts grow with the bundle: keep it an order below cos-nodejs-sdk-v5 (≈830 KB). */
const MAX_ZIP_BYTES = 200 * 1024;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-bundle-'));
let built: BundleResult;

/** Run `node -e script` in `cwd` with exactly `env` (async: the emulator lives in this process). */
const node = (script: string, cwd: string, env: Record<string, string>, binary = process.execPath, flags: string[] = []) => runProcess(binary, [...flags, '-e', script], {cwd, env, watchdogMs: 30_000});

test.before(async () => {
	built = await bundle({entry: 'handlers/index.ts', outdir: path.join(work, 'build'), cwd: ROOT, log: () => {}});
});

test.after(() => {
	fs.rmSync(work, {recursive: true, force: true});
});

test('the bundle: one minified CommonJS index.js, only Node built-ins outside it, size recorded', () => {
	const meta = JSON.parse(fs.readFileSync(built.metaPath, 'utf8')) as {inputs: Record<string, unknown>; outputs: Record<string, {imports: Array<{path: string; external?: boolean}>}>};
	const [output] = Object.values(meta.outputs);
	for (const imported of output!.imports) assert.ok(imported.external && (imported.path.startsWith('node:') || !imported.path.includes('/')), `only built-ins stay outside: ${imported.path}`);
	const inputs = Object.keys(meta.inputs);
	assert.ok(inputs.some((input) => input.startsWith('handlers/')));
	for (const deployOnly of ['tencentcloud-sdk-nodejs', 'esbuild', 'serverless', 'cos-nodejs-sdk-v5']) {
		assert.not.ok(
			inputs.some((input) => input.includes(`node_modules/${deployOnly}/`)),
			`${deployOnly} must not reach the bundle`,
		);
	}
	const code = fs.readFileSync(built.indexPath, 'utf8');
	assert.ok(code.startsWith('"use strict";'), 'CommonJS');
	const lines = code.split('\n');
	// Minified: long lines, no indentation (a few newlines survive inside template literals).
	assert.ok(code.length / lines.length > 1000 && !lines.some((line) => /^\s{2,}\S/.test(line)), 'minified');
	assert.not.match(code, /@license|@preserve|Copyright \(c\)/i, 'no legal comments');
	const sizes = JSON.parse(fs.readFileSync(built.sizePath, 'utf8')) as Record<string, number>;
	assert.is(sizes['index.js'], built.rawBytes);
	assert.is(sizes['cos-ci-binder.zip'], built.zipBytes);
	assert.ok(built.zipBytes < MAX_ZIP_BYTES, `zip is ${built.zipBytes} bytes`);
	console.log(`  bundle: index.js ${built.rawBytes} B, zip ${built.zipBytes} B`);
});

test('the package is reproducible: bundling again gives the same zip bytes', async () => {
	const again = await bundle({entry: 'handlers/index.ts', outdir: path.join(work, 'again'), cwd: ROOT, log: () => {}});
	assert.is(again.sha256, built.sha256);
});

// Under the runtime users get: SCF's Nodejs18.15 is Node v18.15.0 exactly (no AbortSignal.any, undici
// 5.20), run from the official binary (test/support/scf-runtime.mjs), and under this machine's Node.
const RUNTIMES = [
	[` under SCF's Node ${SCF_NODE_VERSION}`, scfNodePath()],
	[` under Node ${process.version}`, process.execPath],
] as const;

for (const [label, binary] of RUNTIMES) test(`unzipped alone, required by a bare node, main_handler binds the new bucket in the emulator${label}, nothing on stderr`, async () => {
	const entries = readZip(fs.readFileSync(built.zipPath));
	assert.equal(
		entries.map((entry) => entry.name),
		['index.js'],
		'just index.js at the zip root (handler index.main_handler)',
	);
	const dir = fs.mkdtempSync(path.join(work, 'scf-code-'));
	for (const entry of entries) fs.writeFileSync(path.join(dir, entry.name), entry.data);

	const emu = await startEmulator();
	try {
		emu.createBucket(BUCKET, REGION);
		assert.is(emu.bucket(BUCKET)?.ci, 'off');
		const script = `
			// Nothing but this folder: no node_modules anywhere up the tree may be used.
			for (const name of ['ky', 'txml', 'tencentcloud-sdk-nodejs']) {
				try { require.resolve(name); throw new Error(name + ' is resolvable from the code folder'); }
				catch (error) { if (error.code !== 'MODULE_NOT_FOUND') throw error; }
			}
			const {main_handler} = require('./index.js');
			const event = JSON.parse(process.env.TEST_EVENT);
			const deadline = Date.now() + 300000;
			const context = {request_id: 'req-bundle', function_name: 'cos-ci-binder-dev-binder', function_version: '$LATEST', namespace: 'default',
				tencentcloud_region: ${JSON.stringify(REGION)}, tencentcloud_appid: '1250000000', getRemainingTimeInMillis: () => deadline - Date.now()};
			main_handler(event, context).then(
				(result) => { process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n'); },
				(error) => { process.stderr.write('THREW ' + (error && error.stack || error) + '\\n'); process.exitCode = 1; });
		`;
		const run = await node(
			script,
			dir,
			{
				PATH: process.env.PATH ?? '/usr/bin:/bin',
				TEST_EVENT: fs.readFileSync(EVENT, 'utf8'),
				BINDER_ENDPOINT: emu.url,
				TENCENTCLOUD_SECRETID: DEMO_CREDENTIALS.secretId,
				TENCENTCLOUD_SECRETKEY: DEMO_CREDENTIALS.secretKey,
				TENCENTCLOUD_REGION: REGION,
				TENCENTCLOUD_APPID: '1250000000',
			},
			binary,
		);
		assert.is(run.code, 0, run.stdout + run.stderr);
		assert.is(run.stderr, '', 'no warnings, no errors');
		const line = run.stdout.split('\n').find((candidate) => candidate.startsWith('RESULT '));
		assert.ok(line, run.stdout + run.stderr);
		const result = JSON.parse(line!.slice('RESULT '.length)) as {summary: {bound: number; failed: number}; results: Array<{bucket: string; outcome: string}>};
		assert.is(result.summary.bound, 1, JSON.stringify(result));
		assert.is(result.summary.failed, 0);
		assert.is(result.results[0]?.bucket, BUCKET);
		assert.is(emu.bucket(BUCKET)?.ci, 'on', 'the bucket ends bound');
		assert.ok(
			emu.requests.some((request) => request.operation === 'CreateCIBucket' && request.status === 200),
			'bound through CreateCIBucket',
		);
	} finally {
		await emu.close();
	}
});

// The deadline guard in the runtime users get: on Node 18.15 even a fetch that has not got its headers
// yet ignores an abort after a garbage collection, so this is where a trickling backend used to hang.
for (const [label, binary] of RUNTIMES) test(`unzipped bundle${label}: a trickling backend still gets every bucket a record before the deadline, and node exits`, async () => {
	const entries = readZip(fs.readFileSync(built.zipPath));
	const dir = fs.mkdtempSync(path.join(work, 'scf-hostile-'));
	for (const entry of entries) fs.writeFileSync(path.join(dir, entry.name), entry.data);
	const server = await startHostileServer('trickle');
	try {
		const script = `
			const {main_handler} = require('./index.js');
			const names = ['t1-1250000000', 't2-1250000000'];
			const event = {EventList: names.map((bucket) => ({source: 'cos.cloud.tencent', type: 'cos:CloudEvent:ApiCall', region: 'ap-guangzhou',
				subject: 'qcs::cos:ap-guangzhou:uid/1250000000:' + bucket, data: {eventName: 'PutBucket', errorCode: 0, resourceName: 'qcs::cos:ap-guangzhou:uid/1250000000:' + bucket}}))};
			const deadline = Date.now() + 2500;
			setTimeout(() => globalThis.gc(), 400);
			main_handler(event, {request_id: 'req-trickle', getRemainingTimeInMillis: () => deadline - Date.now()}).then(
				() => { process.stdout.write('RETURNED\\n'); },
				(error) => { process.stdout.write('THREW ' + error.name + ' ' + (Date.now() < deadline) + '\\n'); });
		`;
		const run = await settlesWithin(
			node(script, dir, {PATH: process.env.PATH ?? '/usr/bin:/bin', BINDER_ENDPOINT: server.url, BINDER_REQUEST_TIMEOUT_MS: '120000', TENCENTCLOUD_SECRETID: 'AKIDx', TENCENTCLOUD_SECRETKEY: 'k'}, binary, ['--expose-gc']),
			25_000,
			'the bundle against a trickling backend',
		);
		assert.is(run.code, 0, run.stdout + run.stderr);
		assert.ok(run.stdout.includes('THREW TransientFailureError true'), `throws (so SCF retries) before the deadline: ${run.stdout}`);
		const records = run.stdout.split('\n').filter((line) => line.includes('"bucket result"')).map((line) => JSON.parse(line) as {bucket: string; code: string});
		assert.equal(records.map((record) => record.bucket).sort(), ['t1-1250000000', 't2-1250000000'], run.stdout);
		assert.ok(records.every((record) => record.code === 'TimeBudget'));
		await server.drained();
	} finally {
		await server.close();
	}
});

test.run();
