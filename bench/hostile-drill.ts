// Drill: the function against backends that trickle a body, stall after the headers, never answer (a
// black hole that accepted the connection) or send their headers a byte at a time, with SCF's 12 s
// limit, under SCF's Node v18.15.0 and this machine's Node. It reports when each bucket's record
// appeared and when the process exited; every record must appear inside the limit, and the process must
// exit by itself. Usage: npm run drill:hostile   (writes bench/hostile-results.md)
//
// Timing is reported, never asserted in tests (the machine is shared); a record past the limit, a lost
// record or a process that does not exit fails the drill (exit code 1).
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import {buildAll, ROOT} from './build.mjs';
import {fmt, table} from './util.mjs';
import {HOSTILE_MODES, startHostileServer, type HostileMode} from '../test/support/hostile-server.js';
import {SCF_NODE_VERSION, scfNodePath} from '../test/support/scf-runtime.mjs';

const LIMIT_MS = 12_000;
const BUCKETS = 5;
// A child that has not exited this long after the limit is a hang: killed and reported as such.
const KILL_AFTER_MS = LIMIT_MS + 20_000;
const APP = '1250000000';
const REGION = 'ap-guangzhou';

type Run = {records: number[]; expected: number; settledMs?: number; threw?: string; exitMs?: number; killed: boolean};

const log = (line: string) => process.stderr.write(`drill: ${line}\n`);
const bundles = await buildAll();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-drill-'));
const child = path.join(work, 'child.cjs');
// The child: the bundle's main_handler with a 12 s context, a GC every 300 ms (the failure mode needs
// collected Request objects), and the time each line appeared, measured from its own start.
fs.writeFileSync(
	child,
	`'use strict';
const started = Date.now();
const {main_handler} = require(process.argv[2]);
const event = JSON.parse(process.argv[3]);
const deadline = started + ${LIMIT_MS};
setInterval(() => globalThis.gc(), 300).unref();
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => write(String(chunk).split('\\n').filter(Boolean).map((line) => 'T' + (Date.now() - started) + ' ' + line + '\\n').join(''), ...rest);
main_handler(event, {request_id: 'drill', time_limit_in_ms: ${LIMIT_MS}, getRemainingTimeInMillis: () => deadline - Date.now()}).then(
	() => process.stdout.write('SETTLED returned'),
	(error) => process.stdout.write('SETTLED threw ' + error.name));
`,
);

const putBuckets = {
	EventList: Array.from({length: BUCKETS}, (_, index) => {
		const bucket = `drill${index}-${APP}`;
		return {source: 'cos.cloud.tencent', type: 'cos:CloudEvent:ApiCall', region: REGION, subject: `qcs::cos:${REGION}:uid/${APP}:${bucket}`, data: {eventName: 'PutBucket', errorCode: 0, resourceName: `qcs::cos:${REGION}:uid/${APP}:${bucket}`}};
	}),
};
const sweep = {Type: 'Timer', TriggerName: 'drill', Time: new Date().toISOString(), Message: ''};

async function drill(binary: string, mode: HostileMode, event: unknown, expected: number): Promise<Run> {
	const server = await startHostileServer(mode);
	try {
		const started = Date.now();
		const proc = spawn(binary, ['--expose-gc', child, bundles.ours!, JSON.stringify(event)], {
			env: {PATH: process.env.PATH, BINDER_ENDPOINT: server.url, TENCENTCLOUD_SECRETID: 'AKIDdrill', TENCENTCLOUD_SECRETKEY: 'drill-secret', TENCENTCLOUD_REGION: REGION, TENCENTCLOUD_APPID: APP},
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		const run: Run = {records: [], expected, killed: false};
		readline.createInterface({input: proc.stdout}).on('line', (line) => {
			const match = /^T(\d+) (.*)$/.exec(line);
			if (!match) return;
			const at = Number(match[1]);
			const text = match[2]!;
			if (text.startsWith('SETTLED ')) {
				run.settledMs = at;
				run.threw = text.startsWith('SETTLED threw') ? text.slice('SETTLED threw '.length) : undefined;
			} else if (text.includes('"bucket result"') || (expected === 0 && text.includes('"invocation summary"'))) {
				run.records.push(at);
			}
		});
		const timer = setTimeout(() => {
			run.killed = true;
			proc.kill('SIGKILL');
		}, KILL_AFTER_MS);
		await new Promise((resolve) => proc.on('close', resolve));
		clearTimeout(timer);
		run.exitMs = Date.now() - started;
		return run;
	} finally {
		await server.close();
	}
}

const runtimes: Array<[string, string]> = [
	[`Node ${SCF_NODE_VERSION} (SCF)`, scfNodePath()],
	[`Node ${process.version}`, process.execPath],
];
const rows: string[][] = [];
const failures: string[] = [];
for (const [runtime, binary] of runtimes) {
	for (const mode of HOSTILE_MODES) {
		for (const [path, event, expected] of [[`${BUCKETS} PutBucket events`, putBuckets, BUCKETS], ['timer sweep', sweep, 0]] as const) {
			log(`${runtime}, ${mode}, ${path}`);
			const run = await drill(binary, mode, event, expected);
			const wanted = Math.max(expected, 1);
			const last = run.records.length > 0 ? Math.max(...run.records) : Number.NaN;
			const ok = !run.killed && run.records.length === wanted && last < LIMIT_MS && (run.settledMs ?? Infinity) < LIMIT_MS;
			if (!ok) failures.push(`${runtime} ${mode} ${path}: ${JSON.stringify(run)}`);
			rows.push([
				runtime,
				mode,
				path,
				`${run.records.length}/${wanted}`,
				fmt(run.records.length > 0 ? Math.min(...run.records) : Number.NaN, 0),
				fmt(last, 0),
				run.settledMs === undefined ? 'never' : `${fmt(run.settledMs, 0)} (${run.threw ? `threw ${run.threw}` : 'returned'})`,
				run.killed ? 'killed (hung)' : fmt(run.exitMs ?? Number.NaN, 0),
				ok ? 'yes' : '**NO**',
			]);
		}
	}
}

fs.rmSync(work, {recursive: true, force: true});
const report = [
	`# Hostile-network drill`,
	'',
	`${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores, limit ${LIMIT_MS / 1000} s, default settings (per-attempt timeout 10 s, 3 retries, time margin clamped to a quarter of the limit). Times in ms from process start; "records" are the per-bucket result lines (the sweep's listing never answers, so its record is the invocation summary with a transient error). Produced by \`npm run drill:hostile\`.`,
	'',
	table(['runtime', 'backend', 'path', 'records', 'first record', 'last record', 'handler settled', 'process exited', 'all inside the limit'], rows),
	'',
].join('\n');
fs.writeFileSync(path.join(ROOT, 'bench/hostile-results.md'), report);
process.stdout.write(report);
if (failures.length > 0) {
	log(`FAILED:\n${failures.join('\n')}`);
	process.exitCode = 1;
}
