// The CLI under the oldest runtime we promise (`engines: >=18`) and the one SCF runs: Node v18.15.0, the
// official binary (test/support/scf-runtime.mjs), running the CLI bundled as a user's `npx` would run the built
// JavaScript (bundleCli: tsx cannot load TypeScript there).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {startEmulator, type Emulator} from '../../lib/emulator/index.js';
import {bundleCli} from '../support/cli.js';
import {emulatorEnv} from '../support/emulator.js';
import {SCF_NODE_VERSION, scfNodePath} from '../support/scf-runtime.mjs';
import {ROOT} from '../support/paths.js';
import {runProcess} from '../support/process.js';

const APP = '1250000000';
const GZ = 'ap-guangzhou';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-runtime-'));
const cli = path.join(work, 'cli.mjs');
const node18 = scfNodePath();
let emu: Emulator;

/** The bundled CLI under Node 18.15, with only PATH and the emulator's demo environment (plus `env`). */
const run = (args: string[], env: Record<string, string> = {}) => runProcess(node18, [cli, ...args], {cwd: work, env: {PATH: process.env.PATH ?? '/usr/bin:/bin', ...emulatorEnv(emu), ...env}});

const records = (stdout: string) => stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

test.before(async () => {
	await bundleCli(cli);
	emu = await startEmulator();
});

test.after(async () => {
	await emu.close();
	fs.rmSync(work, {recursive: true, force: true});
});

test(`the binary really is SCF's Node ${SCF_NODE_VERSION}`, async () => {
	const version = await runProcess(node18, ['--version']);
	assert.is(version.stdout.trim(), SCF_NODE_VERSION);
	assert.is(typeof (AbortSignal as {any?: unknown}).any, 'function', 'this process is newer: the check above is what makes the test meaningful');
});

test(`--help under Node ${SCF_NODE_VERSION}: usage on stdout, exit 0, nothing on stderr, no request`, async () => {
	const before = emu.requests.length;
	const result = await run(['--help']);
	assert.is(result.code, 0, result.stderr);
	assert.match(result.stdout, /Usage/);
	assert.is(result.stderr, '');
	assert.is(emu.requests.length, before);
});

test(`bind, status, unbind and sync --dry-run under Node ${SCF_NODE_VERSION} against the emulator`, async () => {
	emu.createBucket(`n18-a-${APP}`, GZ);
	emu.createBucket(`n18-b-${APP}`, GZ);
	const bound = await run(['bind', `n18-a-${APP}`, '--region', GZ, '--json']);
	assert.is(bound.code, 0, bound.stdout + bound.stderr);
	assert.is(bound.stderr, '');
	assert.is(records(bound.stdout)[0]?.outcome, 'bound');
	assert.is(emu.bucket(`n18-a-${APP}`)?.ci, 'on');

	const status = await run(['status', `n18-a-${APP}`, '--region', GZ, '--json']);
	assert.is(status.code, 0, status.stderr);
	assert.is(records(status.stdout)[0]?.ciStatus, 'on');

	const sync = await run(['sync', '--regions', GZ, '--dry-run', '--json']);
	assert.is(sync.code, 0, sync.stderr);
	const planned = records(sync.stdout).find((record) => record.bucket === `n18-b-${APP}`);
	assert.is(planned?.outcome, 'would-bind', sync.stdout);
	assert.is(emu.bucket(`n18-b-${APP}`)?.ci, 'off', 'a dry run binds nothing');

	const unbound = await run(['unbind', `n18-a-${APP}`, '--region', GZ, '--json']);
	assert.is(unbound.code, 0, unbound.stdout + unbound.stderr);
	assert.not.equal(emu.bucket(`n18-a-${APP}`)?.ci, 'on');
});

test(`invoke under Node ${SCF_NODE_VERSION}: a PutBucket event binds its bucket and the process exits 0`, async () => {
	emu.createBucket(`n18-event-${APP}`, GZ);
	const eventFile = path.join(work, 'event.json');
	const event = fs.readFileSync(path.join(ROOT, 'test/fixtures/events/cloudaudit-putbucket-resourcename-qcs.json'), 'utf8').replaceAll(`examplebucket-${APP}`, `n18-event-${APP}`);
	fs.writeFileSync(eventFile, event);
	const result = await run(['invoke', eventFile], {TENCENTCLOUD_REGION: GZ, TENCENTCLOUD_APPID: APP});
	assert.is(result.code, 0, result.stdout + result.stderr);
	assert.is(emu.bucket(`n18-event-${APP}`)?.ci, 'on', result.stdout + result.stderr);
});

test.run();
