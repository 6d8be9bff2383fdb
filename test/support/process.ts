// Run a program as its own process and collect what it says: the one way tests spawn the CLI, node, the SCF
// runtime, python3 or serverless.
import {spawn, type ChildProcess} from 'node:child_process';

/** How a process ended and everything it wrote. */
export type Run = {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/** The watchdog killed it (it had not ended after `watchdogMs`). */
	killedByWatchdog: boolean;
};

export type RunOptions = {
	cwd?: string;
	/** The whole environment of the process (nothing is inherited unless given here). @default process.env */
	env?: NodeJS.ProcessEnv;
	/**
	A guard, not a timing assertion: a process that should end but hangs (a server started by mistake) is
	killed after this long and the run reports `killedByWatchdog`. @default 60000
	*/
	watchdogMs?: number;
	/** Called with stdout so far on every chunk; lets a test act on a long-running process (and stop it). */
	onStdout?: (stdout: string, child: ChildProcess) => void;
};

/** Resolves once the process has ended and its output is closed; rejects only when it cannot be started. */
export function runProcess(command: string, args: string[], options: RunOptions = {}): Promise<Run> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		let killedByWatchdog = false;
		const watchdog = setTimeout(() => {
			killedByWatchdog = true;
			child.kill('SIGKILL');
		}, options.watchdogMs ?? 60_000);
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			stdout += chunk;
			options.onStdout?.(stdout, child);
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		child.on('error', (error) => {
			clearTimeout(watchdog);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(watchdog);
			resolve({code, signal, stdout, stderr, killedByWatchdog});
		});
	});
}

/**
The environment the serverless CLI runs with in tests, built from scratch (never inherited, so a
developer's real TENCENTCLOUD_* keys cannot reach a test): no telemetry or notices, no colour, and the
plugin's polls shortened for the fake API's fast state changes.
*/
export function serverlessEnv(home: string): Record<string, string> {
	return {
		PATH: process.env.PATH ?? '/usr/bin:/bin',
		HOME: home,
		LANG: 'C.UTF-8',
		FORCE_COLOR: '0',
		SLS_TELEMETRY_DISABLED: '1',
		SLS_NOTIFICATIONS_MODE: 'off',
		SERVERLESS_TENCENT_POLL_MS: '5',
		SERVERLESS_TENCENT_WAIT_SECONDS: '10',
	};
}
