import {mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {jsonLines as lines, runCli} from '../support/cli.js';
import {withEmulator} from '../support/emulator.js';

const APP = '1250000000';
const GZ = 'ap-guangzhou';

const run = (args: string[], env: Record<string, string | undefined>) => runCli(args, env);

test('bind --json: one object per bucket with bucket, region, outcome; exit 0 when all bound', () =>
	withEmulator({}, async (emu, env) => {
		emu.createBucket(`a-${APP}`, GZ);
		emu.createBucket(`b-${APP}`, GZ, {bound: true});
		const result = await run(['bind', `a-${APP}`, `b-${APP}`, '--region', GZ, '--json'], env);
		assert.is(result.code, 0, result.stderr);
		assert.equal(
			lines(result.stdout).map((line) => [line.bucket, line.region, line.outcome]),
			[
				[`a-${APP}`, GZ, 'bound'],
				[`b-${APP}`, GZ, 'already-bound'],
			],
		);
	}));

test('bind: exit 1 when any bucket failed, with code and message', () =>
	withEmulator({}, async (emu, env) => {
		emu.createBucket(`a-${APP}`, GZ);
		const result = await run(['bind', `a-${APP}`, `ghost-${APP}`, '--region', GZ, '--json'], env);
		assert.is(result.code, 1);
		const ghost = lines(result.stdout).find((line) => line.bucket === `ghost-${APP}`)!;
		assert.is(ghost.outcome, 'failed');
		assert.is(ghost.code, 'NoSuchBucket');
		assert.type(ghost.message, 'string');
		const human = await run(['bind', `ghost-${APP}`, '--region', GZ], env);
		assert.match(human.stdout, /failed\s+ghost-1250000000\s+ap-guangzhou\s+NoSuchBucket/);
	}));

test('usage errors exit 2 with a message', () =>
	withEmulator({}, async (_emu, env) => {
		for (const args of [[], ['bind', `a-${APP}`], ['bind', '--region', GZ], ['bind', 'BAD', '--region', GZ], ['bind', `a-${APP}`, '--region', 'Mars'], ['nope'], ['bind', `a-${APP}`, '--region', GZ, '--frobnicate'], ['invoke']]) {
			const result = await run(args, env);
			assert.is(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
		}

	}));

test('bind honours BINDER_DRY_RUN like the function does; start refuses bad options with exit 2', () =>
	withEmulator({}, async (emu, env) => {
		emu.createBucket(`a-${APP}`, GZ);
		const result = await run(['bind', `a-${APP}`, '--region', GZ, '--json'], {...env, BINDER_DRY_RUN: 'true'});
		assert.is(result.code, 0, result.stderr);
		assert.is(lines(result.stdout)[0]!.outcome, 'would-bind');
		assert.is(emu.bucket(`a-${APP}`)?.ci, 'off');
		assert.is((await run(['bind', `a-${APP}`, '--region', GZ], {...env, BINDER_RETRIES: 'many'})).code, 2);
		for (const args of [['start', '--bogus'], ['start', '--timer-seconds', '0'], ['start', '--port', 'x']]) {
			const start = await run(args, {});
			assert.is(start.code, 2, `${args.join(' ')}: ${start.stderr}`);
		}
	}));

test('status, unbind, list, buckets', () =>
	withEmulator({}, async (emu, env) => {
		emu.createBucket(`a-${APP}`, GZ, {bound: true});
		emu.createBucket(`b-${APP}`, 'ap-shanghai');
		const status = await run(['status', `a-${APP}`, '--region', GZ, '--json'], env);
		assert.is(status.code, 0, status.stderr);
		assert.is(lines(status.stdout)[0]!.ciStatus, 'on');
		const list = await run(['list', '--json'], env);
		assert.equal(lines(list.stdout).map((line) => line.bucket), [`a-${APP}`]);
		const buckets = await run(['buckets', '--json'], env);
		assert.equal(lines(buckets.stdout).map((line) => [line.bucket, line.outcome]), [
			[`a-${APP}`, 'already-bound'],
			[`b-${APP}`, 'would-bind'],
		]);
		const unbind = await run(['unbind', `a-${APP}`, '--region', GZ, '--json'], env);
		assert.is(unbind.code, 0, unbind.stderr);
		assert.not.equal(emu.bucket(`a-${APP}`)?.ci, 'on');
	}));

test('sync: binds the unbound, honours --exclude and --dry-run', () =>
	withEmulator({}, async (emu, env) => {
		emu.createBucket(`a-${APP}`, GZ);
		emu.createBucket(`tmp-${APP}`, GZ);
		const dry = await run(['sync', '--dry-run', '--json'], env);
		assert.is(dry.code, 0, dry.stderr);
		assert.ok(lines(dry.stdout).every((line) => line.outcome === 'would-bind'));
		const real = await run(['sync', '--exclude', 'tmp-*', '--json'], env);
		assert.is(real.code, 0, real.stderr);
		assert.equal(lines(real.stdout).map((line) => [line.bucket, line.outcome]), [[`a-${APP}`, 'bound']]);
		assert.is(emu.bucket(`tmp-${APP}`)?.ci, 'off');
	}));

test('invoke runs main_handler on an event file: result on stdout, logs on stderr', () =>
	withEmulator({}, async (emu, env) => {
		emu.createBucket(`fresh-${APP}`, GZ);
		const dir = await mkdtemp(path.join(tmpdir(), 'binder-invoke-'));
		const eventPath = path.join(dir, 'event.json');
		await writeFile(eventPath, JSON.stringify({Records: [{cos: {cosBucket: {name: 'fresh', appid: APP, region: 'gz'}, cosObject: {}}, event: {eventName: 'cos:ObjectCreated:Put'}}]}));
		const result = await run(['invoke', eventPath], {...env, TENCENTCLOUD_REGION: GZ});
		assert.is(result.code, 0, result.stderr);
		const output = JSON.parse(result.stdout);
		assert.is(output.results[0].outcome, 'bound');
		assert.match(result.stderr, /"message":"bucket result"/);
		const notJson = path.join(dir, 'bad.json');
		await writeFile(notJson, '{nope');
		assert.is((await run(['invoke', notJson], env)).code, 2);
		emu.setFaults({errorRates: {SlowDown: 1}});
		const threw = await run(['invoke', eventPath], {...env, TENCENTCLOUD_REGION: GZ, BINDER_RETRIES: '0'});
		assert.is(threw.code, 1);
		assert.match(threw.stderr, /main_handler threw/);
	}));

test('npm start --once: emulator and function wired together; a created bucket gets bound via its PutBucket event', async () => {
	const result = await run(['start', '--once'], {});
	assert.is(result.code, 0, result.stderr);
	assert.match(result.stdout, /fresh-1250000000 \(ap-guangzhou\): CI on/);
	assert.match(result.stdout, /videos-1250000000 \(ap-guangzhou\): CI on/);
	assert.match(result.stdout, /"trigger":"cloudaudit"/);
	assert.not.match(result.stdout, /CI off/);
});

test.run();
