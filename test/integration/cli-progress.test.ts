// The live progress line: drawn on stderr only when it is a terminal and without --json. main() runs
// in-process with pseudo-streams (one claims to be a TTY) and an injected clock, against the emulator.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {main} from '../../lib/cli/main.js';
import type {CliIo} from '../../lib/cli/output.js';
import {withEmulator} from '../support/emulator.js';

const APP = '1250000000';
const GZ = 'ap-guangzhou';
const ERASE = '\r\u001B[2K';

type Pseudo = {isTTY: boolean; columns: number; writes: string[]; write(text: string): boolean; readonly text: string};

function pseudoStream(isTTY: boolean): Pseudo {
	const writes: string[] = [];
	return {
		isTTY,
		columns: 200,
		writes,
		write(text) {
			writes.push(text);
			return true;
		},
		get text() {
			return writes.join('');
		},
	};
}

/** A clock that moves on by `step` ms at every reading. */
const steppingClock = (step: number) => {
	let now = 0;
	return () => (now += step);
};

async function run(argv: string[], env: Record<string, string>, options: {tty: boolean; now?: () => number}) {
	const stdout = pseudoStream(false);
	const stderr = pseudoStream(options.tty);
	const io: CliIo = {stdout, stderr, now: options.now ?? steppingClock(250)};
	const code = await main(argv, env, io);
	return {code, stdout, stderr};
}

/** The progress lines drawn, in order (each write starts by erasing the line). */
const drawn = (stderr: Pseudo) => stderr.writes.filter((write) => write.startsWith(ERASE) && write.length > ERASE.length).map((write) => write.slice(ERASE.length));

test('sync on a terminal: listing, then done/total with bound and failed so far and an ETA; erased before the results', () =>
	withEmulator({}, async (emulator, env) => {
		emulator.createBucket(`a-${APP}`, GZ, {bound: true});
		for (const name of ['b', 'c', 'd']) {
			emulator.createBucket(`${name}-${APP}`, GZ);
		}

		const {code, stdout, stderr} = await run(['sync', '--concurrency', '1'], env, {tty: true});
		assert.is(code, 0, stderr.text);
		const lines = drawn(stderr);
		assert.match(lines[0]!, /^sync: listing buckets… \d+s$/);
		assert.ok(lines.some((line) => /^sync 0\/4 · 0 bound · 0 failed · \d+s elapsed$/.test(line)), lines.join('\n'));
		// The bound one is known from the list at once; the ETA counts only the binds.
		assert.ok(lines.some((line) => /^sync 1\/4 · 1 bound · 0 failed · \d+s elapsed$/.test(line)), lines.join('\n'));
		assert.ok(lines.some((line) => /^sync 2\/4 · 2 bound · 0 failed · ETA \d+s$/.test(line)), lines.join('\n'));
		assert.is(lines.at(-1), 'sync 4/4 · 4 bound · 0 failed');
		// The line is erased before the summary, and no escape code reaches stdout.
		assert.is(stderr.writes.at(-3), `${ERASE}sync 4/4 · 4 bound · 0 failed`);
		assert.is(stderr.writes.at(-2), ERASE);
		assert.match(stderr.writes.at(-1)!, /^\{"summary":/);
		assert.not.match(stdout.text, /\u001B|\r/);
		assert.is(stdout.text.trim().split('\n').length, 4);
	}));

test('multi-bucket bind on a terminal: bound and failed counted as they come', () =>
	withEmulator({}, async (emulator, env) => {
		emulator.createBucket(`a-${APP}`, GZ);
		emulator.createBucket(`b-${APP}`, GZ, {bound: true});
		const {code, stderr} = await run(['bind', `a-${APP}`, `b-${APP}`, `ghost-${APP}`, '--region', GZ, '--concurrency', '1'], env, {tty: true});
		assert.is(code, 1);
		const lines = drawn(stderr);
		assert.match(lines[0]!, /^bind 0\/3 · 0 bound · 0 failed · \d+s elapsed$/);
		assert.is(lines.at(-1), 'bind 3/3 · 2 bound · 1 failed');
	}));

test('not a terminal, or --json: no progress line, no escape codes', () =>
	withEmulator({}, async (emulator, env) => {
		emulator.createBucket(`a-${APP}`, GZ);
		emulator.createBucket(`b-${APP}`, GZ);
		const piped = await run(['sync'], env, {tty: false});
		assert.is(piped.code, 0);
		assert.not.match(piped.stderr.text, /\u001B|\r/);
		assert.is(piped.stderr.writes.length, 1, 'the summary line only');
		emulator.setBound(`a-${APP}`, false);
		const json = await run(['bind', `a-${APP}`, `b-${APP}`, '--region', GZ, '--json'], env, {tty: true});
		assert.is(json.code, 0);
		assert.is(json.stderr.text, '');
		const jsonSync = await run(['sync', '--json'], env, {tty: true});
		assert.not.match(jsonSync.stderr.text, /\u001B|\r/);
	}));

test('a single bind waiting on retries says so once a few seconds have passed; a quick one shows nothing', () =>
	withEmulator({}, async (emulator, env) => {
		emulator.createBucket(`a-${APP}`, GZ);
		emulator.createBucket(`b-${APP}`, GZ);
		emulator.setFaults({failNext: {count: 2, code: 'SlowDown'}});
		// Started at 0; every later reading is 10 s on.
		let readings = 0;
		const slow = await run(['bind', `a-${APP}`, '--region', GZ], env, {tty: true, now: () => (readings++ === 0 ? 0 : 10_000)});
		assert.is(slow.code, 0, slow.stderr.text);
		const lines = drawn(slow.stderr);
		assert.ok(lines.includes(`bind 0/1 · 0 bound · 0 failed · 10s elapsed · waiting to retry a-${APP} after SlowDown (retry 1)`), lines.join('\n'));
		assert.ok(lines.includes(`bind 0/1 · 0 bound · 0 failed · 10s elapsed · waiting to retry a-${APP} after SlowDown (retry 2)`), lines.join('\n'));
		assert.match(slow.stdout.text, /bound\s+a-1250000000/);

		const quick = await run(['bind', `b-${APP}`, '--region', GZ], env, {tty: true, now: () => 0});
		assert.is(quick.code, 0);
		assert.is(quick.stderr.text, '');
	}));

test.run();
