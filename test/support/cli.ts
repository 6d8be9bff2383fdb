// Run the CLI as users do: `node --import tsx lib/cli/bin.ts …` in a child process, with a clean
// environment (none of the caller's TENCENTCLOUD_* or BINDER_* leaks in); or bundle it as npx would run it.
import path from 'node:path';
import * as esbuild from 'esbuild';
import {ROOT} from './paths.js';
import {runProcess, type Run, type RunOptions} from './process.js';

export type {Run, RunOptions} from './process.js';

export const CLI = path.join(ROOT, 'lib/cli/bin.ts');

export function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
	const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TENCENTCLOUD_') && !name.startsWith('BINDER_')));
	return {...base, ...env};
}

export function runCli(args: string[], env: Record<string, string | undefined>, options: Omit<RunOptions, 'env'> = {}): Promise<Run> {
	return runProcess(process.execPath, ['--import', 'tsx', CLI, ...args], {...options, env: cleanEnv(env)});
}

/**
The CLI as one ES module for Node 18 (`node cli.mjs …`): tsx cannot load TypeScript under Node 18.15
(no `--import`), so the tests that run the CLI on SCF's runtime run the built JavaScript, as `npx` would.
*/
export async function bundleCli(outfile: string): Promise<void> {
	await esbuild.build({
		absWorkingDir: ROOT,
		entryPoints: [CLI],
		outfile,
		bundle: true,
		platform: 'node',
		target: 'node18',
		format: 'esm',
		// Modules bundled into ESM that still call require() (none should, but a dependency might) get one.
		banner: {js: "import {createRequire as __cr} from 'node:module'; const require = __cr(import.meta.url);"},
		logLevel: 'warning',
	});
}

/** JSON lines of a `--json` output. */
export const jsonLines = (stdout: string) =>
	stdout
		.trim()
		.split('\n')
		.filter(Boolean)
		.map((line) => JSON.parse(line) as Record<string, unknown>);
