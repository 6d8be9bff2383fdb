// Small helpers of the benchmark: child processes, statistics, markdown.
import {spawn} from 'node:child_process';
import readline from 'node:readline';

/** Median of numbers. */
export const median = (values) => percentile(values, 50);

/** Nearest-rank percentile (p in 0..100) of numbers. */
export function percentile(values, p) {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
Run `node ...nodeArgs script ...args` with exactly `env`, wait for it to exit (killing it after `timeoutMs`), and
return the last `BENCH {json}` line it printed, with `reportMs`: wall time from spawn to that line. Other output
(the function's own JSON logs) is read and dropped, as SCF would ship it away.
*/
export function runChild(script, args, {env, timeoutMs, nodeArgs = []}) {
	return new Promise((resolve, reject) => {
		const started = process.hrtime.bigint();
		const child = spawn(process.execPath, [...nodeArgs, script, ...args], {env, stdio: ['ignore', 'pipe', 'pipe']});
		let report;
		let stderr = '';
		readline.createInterface({input: child.stdout}).on('line', (line) => {
			if (line.startsWith('BENCH ')) report = {...JSON.parse(line.slice(6)), reportMs: Number(process.hrtime.bigint() - started) / 1e6};
		});
		child.stderr.on('data', (chunk) => {
			stderr = (stderr + chunk).slice(-4000);
		});
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (code !== 0 || report === undefined) {
				reject(new Error(`${script} ${args[0] ?? ''} exited with ${signal ?? code}${signal === 'SIGKILL' ? ` (timeout ${timeoutMs} ms)` : ''}: ${stderr.trim()}`));
			} else {
				resolve(report);
			}
		});
	});
}

/** Start a long-running child; resolves with its first `BENCH` report and a `stop()` that resolves with its last. */
export function startChild(script, args, {env, timeoutMs}) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [script, ...args], {env, stdio: ['pipe', 'pipe', 'inherit']});
		const reports = [];
		let onReport = (report) => resolve({report, stop});
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('exit', () => clearTimeout(timer));
		child.on('error', reject);
		readline.createInterface({input: child.stdout}).on('line', (line) => {
			if (line.startsWith('BENCH ')) {
				const report = JSON.parse(line.slice(6));
				reports.push(report);
				onReport(report);
			}
		});
		const stop = () =>
			new Promise((done) => {
				onReport = () => {};
				child.on('close', () => done(reports.at(-1)));
				child.stdin.end();
			});
	});
}

/** `a/b` as `1.23×`, or `—` when either side is missing or zero. */
export function ratio(a, b) {
	return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(a / b >= 10 ? 1 : 2)}×` : '—';
}

/** A number for the table: `digits` decimals, `—` when missing. */
export function fmt(value, digits = 1) {
	return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** A markdown table. */
export function table(headers, rows) {
	const line = (cells) => `| ${cells.join(' | ')} |`;
	return [line(headers), line(headers.map((_, index) => (index === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}
