import {readFileSync} from 'node:fs';
import {isBinderError, isValidationError} from '../core/errors.js';
import {secretsOf} from '../function/index.js';
import {UsageError} from './args.js';
import {buckets, type Command, doctor, emulator, invoke, list, perBucket, policy, serve, sync} from './commands.js';
import {withDemoCredentials} from './demo.js';
import {createPrinter, processIo, type CliIo} from './output.js';
import {runStart} from './start.js';
import {COMMAND_HELP, overview} from './usage.js';

export {invocationExitCode} from './commands.js';

const COMMANDS: Record<string, Command> = {
	bind: perBucket('bind'),
	status: perBucket('status'),
	unbind: perBucket('unbind'),
	list,
	buckets,
	sync,
	invoke,
	serve,
	emulator,
	doctor,
	policy,
	start: async ({args, env, print}) => runStart(args, env, print),
};

const isCommand = (name: string | undefined): name is string => name !== undefined && Object.hasOwn(COMMANDS, name);

/** Everything before a `--` (after it, `-h` is an argument like any other). */
const options = (args: string[]) => (args.includes('--') ? args.slice(0, args.indexOf('--')) : args);
const asksHelp = (args: string[]) => options(args).some((arg) => arg === '-h' || arg === '--help');
const asksVersion = (args: string[]) => options(args).includes('--version');

export function version(): string {
	// lib/cli/main.ts and dist/cli/main.js both sit two levels below package.json.
	return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}).version;
}

/**
Run the CLI; resolves with the exit code. `io` is where it prints and the clock it reads (tests pass
pseudo-streams). Help is looked for before anything else: `-h`/`--help` anywhere among a command's
arguments prints that command's usage and exits 0, whatever else is there, and nothing is sent.
*/
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = processIo()): Promise<number> {
	const runEnv = withDemoCredentials(env);
	const print = createPrinter(io, secretsOf(runEnv));
	const [command, ...rest] = argv;
	const usageError = (message: string, usage: string) => {
		print.errorLine(`cos-ci-binder: ${message}\n\n${usage}`);
		return 2;
	};

	if (command === undefined) {
		return usageError('name a command', overview());
	}

	if (command === 'help' || command === '-h' || command === '--help') {
		const topic = rest[0];
		if (topic === undefined || topic.startsWith('-')) {
			print.line(overview());
			return 0;
		}

		if (!isCommand(topic)) {
			return usageError(`unknown command ${JSON.stringify(topic)}`, overview());
		}

		print.line(COMMAND_HELP[topic]!.text);
		return 0;
	}

	if (command === '--version' || command === 'version') {
		print.line(version());
		return 0;
	}

	if (!isCommand(command)) {
		return usageError(`unknown command ${JSON.stringify(command)}`, overview());
	}

	if (asksHelp(rest)) {
		print.line(COMMAND_HELP[command]!.text);
		return 0;
	}

	if (asksVersion(rest)) {
		print.line(version());
		return 0;
	}

	try {
		return await COMMANDS[command]!({args: rest, env, runEnv, print, io});
	} catch (error) {
		if (error instanceof UsageError) {
			print.errorLine(`cos-ci-binder ${command}: ${error.message}\nRun "cos-ci-binder ${command} --help" for usage.`);
			return 2;
		}

		if (isValidationError(error) || (isBinderError(error) && (error.code === 'InvalidConfig' || error.code === 'MissingCredentials'))) {
			print.errorLine(`cos-ci-binder ${command}: ${error.message}`);
			return 2;
		}

		print.errorLine(`cos-ci-binder ${command}: ${isBinderError(error) ? `${error.code}: ` : ''}${(error as Error).message}`);
		return 1;
	}
}
