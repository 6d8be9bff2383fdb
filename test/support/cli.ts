// Run the CLI as users do: `node --import tsx lib/cli/bin.ts …` in a child process, with a clean
// environment (none of the caller's TENCENTCLOUD_* or BINDER_* leaks in).
import {spawn, type ChildProcess} from 'node:child_process';
import path from 'node:path';

export const CLI = path.resolve('lib/cli/bin.ts');

export type Run = {code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; killedByWatchdog: boolean};

export type RunOptions = {
	/**
	A guard, not a timing assertion: a command that should end but hangs (a server started by mistake)
	is killed after this long and the run reports `killedByWatchdog`. @default 60000
	*/
	watchdogMs?: number;
	/** Called with stdout so far on every chunk; lets a test stop a long-running command. */
	onStdout?: (stdout: string, child: ChildProcess) => void;
};

export function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
	const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TENCENTCLOUD_') && !name.startsWith('BINDER_')));
	return {...base, ...env};
}

export function runCli(args: string[], env: Record<string, string | undefined>, options: RunOptions = {}): Promise<Run> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		let killedByWatchdog = false;
		const watchdog = setTimeout(() => {
			killedByWatchdog = true;
			child.kill('SIGKILL');
		}, options.watchdogMs ?? 60_000);
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
			options.onStdout?.(stdout, child);
		});
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('close', (code, signal) => {
			clearTimeout(watchdog);
			resolve({code, signal, stdout, stderr, killedByWatchdog});
		});
	});
}

/** JSON lines of a `--json` output. */
export const jsonLines = (stdout: string) =>
	stdout
		.trim()
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as Record<string, unknown>);
