// Help never runs the command: every subcommand × `-h`/`--help` × before, between and after its arguments
// prints that command's usage on stdout, exits 0, and sends nothing (the emulator logs every request).
import {mkdtemp, readFile, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import type {Emulator} from '../../lib/emulator/index.js';
import {mapWithConcurrency} from '../../lib/utils/pool.js';
import {runCli, type Run} from '../support/cli.js';
import {withEmulator} from '../support/emulator.js';
import {startReceiver} from '../support/receiver.js';

const APP = '1250000000';
const GZ = 'ap-guangzhou';

/** Each command with arguments as a user would type them (positionals and options). */
async function typicalArguments(): Promise<Record<string, string[]>> {
	const dir = await mkdtemp(path.join(tmpdir(), 'binder-help-'));
	const event = path.join(dir, 'event.json');
	const context = path.join(dir, 'context.json');
	await writeFile(event, JSON.stringify({Type: 'Timer', TriggerName: 't', Time: '2026-01-01T00:00:00Z', Message: ''}));
	await writeFile(context, '{}');
	return {
		bind: [`a-${APP}`, `b-${APP}`, '--region', GZ, '--force'],
		status: [`a-${APP}`, `b-${APP}`, '--region', GZ],
		unbind: [`a-${APP}`, `b-${APP}`, '--region', GZ],
		list: ['--prefix', 'a', '--json'],
		buckets: ['--region', GZ, '--json'],
		sync: ['--regions', GZ, '--exclude', 'tmp-*'],
		invoke: [event, '--context', context],
		serve: ['--port', '0'],
		emulator: ['--port', '0'],
		start: ['--once', '--apply', '--port', '0'],
	};
}

/** `-h` before the arguments, between the first and the second (two positionals, or an option and its neighbour), and after them all. */
function everyPosition(args: string[], flag: string): string[][] {
	return [0, 1, args.length].map((index) => [...args.slice(0, index), flag, ...args.slice(index)]);
}

/** Two buckets, one bound, and a webhook receiver: afterwards, no request reached either and nothing changed. */
const withAccount = (body: (emulator: Emulator, env: Record<string, string>) => Promise<void>) =>
	withEmulator({}, async (emulator, env) => {
		const webhook = await startReceiver();
		emulator.createBucket(`a-${APP}`, GZ);
		emulator.createBucket(`b-${APP}`, GZ, {bound: true});
		try {
			await body(emulator, {...env, BINDER_WEBHOOK_URL: `${webhook.url}/hook`});
			assert.equal(emulator.requests, [], 'no request reached the emulator');
			assert.equal(webhook.received, [], 'no webhook was sent');
			assert.equal(
				emulator.buckets().map((bucket) => [bucket.bucket, bucket.ci]),
				[
					[`a-${APP}`, 'off'],
					[`b-${APP}`, 'on'],
				],
			);
		} finally {
			await webhook.close();
		}
	});

function assertUsage(run: Run, command: string, label: string) {
	assert.not.ok(run.killedByWatchdog, `${label}: ran instead of printing help`);
	assert.is(run.code, 0, `${label}: ${run.stderr}`);
	assert.ok(run.stdout.startsWith(`Usage: cos-ci-binder ${command} `), `${label}: ${run.stdout.slice(0, 200)}`);
	assert.match(run.stdout, /-h, --help/, label);
	assert.is(run.stderr, '', label);
}

test('every subcommand × -h/--help × before, between and after the arguments: its usage, exit 0, nothing sent', () =>
	withAccount(async (_emulator, env) => {
		const commands = await typicalArguments();
		const cases = Object.entries(commands).flatMap(([command, args]) => ['-h', '--help'].flatMap((flag) => everyPosition(args, flag).map((position) => [command, ...position])));
		// Without keys `start` would start its own emulator: help must win there too.
		cases.push(['start', '--once', '-h'], ['start', '--help']);
		const runs = await mapWithConcurrency(cases, 6, async (argv, index) => ({argv, run: await runCli(argv, index >= cases.length - 2 ? {} : env, {watchdogMs: 30_000})}));
		for (const {argv, run} of runs) {
			assertUsage(run, argv[0]!, argv.join(' '));
		}

		// Per-command texts, not one big text.
		const texts = new Set(runs.map(({run}) => run.stdout));
		assert.is(texts.size, Object.keys(commands).length);
	}));

test('help wins over bad arguments; `help <command>` and `-h <command>` print that command; `help` alone the overview', () =>
	withAccount(async (_emulator, env) => {
		const cases: Array<[string[], string | undefined]> = [
			[['bind', '--frobnicate', '-h'], 'bind'],
			[['bind', 'NOT A BUCKET', '--region', 'Mars', '--help'], 'bind'],
			[['unbind', `a-${APP}`, '--region', '-h'], 'unbind'],
			[['sync', '--concurrency', 'lots', '-h'], 'sync'],
			[['invoke', '/no/such/file.json', '--help'], 'invoke'],
			[['serve', '--port', 'x', '-h'], 'serve'],
			[['start', '--timer-seconds', '0', '--help'], 'start'],
			[['emulator', '--bogus', '-h'], 'emulator'],
			[['help', 'sync'], 'sync'],
			[['help', 'unbind', '--json'], 'unbind'],
			[['-h', 'bind'], 'bind'],
			[['--help', 'serve'], 'serve'],
		];
		for (const [argv, command] of cases) {
			assertUsage(await runCli(argv, env), command!, argv.join(' '));
		}

		for (const argv of [['help'], ['--help'], ['-h']]) {
			const run = await runCli(argv, env);
			assert.is(run.code, 0, argv.join(' '));
			assert.match(run.stdout, /^cos-ci-binder — /);
			for (const command of ['bind', 'status', 'unbind', 'list', 'buckets', 'sync', 'invoke', 'serve', 'emulator', 'start']) {
				assert.match(run.stdout, new RegExp(`cos-ci-binder ${command} `), `${argv.join(' ')} lists ${command}`);
			}
		}

		// After `--`, `-h` is an argument (here: not a bucket id), not a request for help.
		const literal = await runCli(['bind', '--region', GZ, '--', '-h'], env);
		assert.is(literal.code, 2, literal.stderr);
	}));

test('unknown commands and no command: exit 2, usage on stderr, nothing on stdout', () =>
	withAccount(async (_emulator, env) => {
		for (const argv of [['nope'], ['nope', '--help'], ['help', 'nope'], [], ['--bind']]) {
			const run = await runCli(argv, env);
			assert.is(run.code, 2, argv.join(' '));
			assert.is(run.stdout, '', argv.join(' '));
			assert.match(run.stderr, /Usage:\n\s+cos-ci-binder bind /, argv.join(' '));
		}

		const nope = await runCli(['nope'], env);
		assert.match(nope.stderr, /unknown command "nope"/);
	}));

test('--version prints the package version, also after a command', () =>
	withAccount(async (_emulator, env) => {
		const {version} = JSON.parse(await readFile('package.json', 'utf8')) as {version: string};
		for (const argv of [['--version'], ['version'], ['bind', `a-${APP}`, '--region', GZ, '--version'], ['serve', '--version']]) {
			const run = await runCli(argv, env);
			assert.is(run.code, 0, argv.join(' '));
			assert.is(run.stdout, `${version}\n`, argv.join(' '));
		}
	}));

test.run();
