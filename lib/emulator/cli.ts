import {parseIntegerInRange} from '../utils/integer.js';
import {waitForStop} from '../utils/signals.js';
import {isEmulatorAppId} from './names.js';
import {DEMO_CREDENTIALS, startEmulator} from './server.js';
import type {Emulator, EmulatorOptions} from './types.js';

/** Embedding hooks of {@link runEmulatorCli}; the command line itself needs none. */
export type EmulatorCliOptions = {
	/** Where the banner goes. @default process.stdout.write */
	write?: (text: string) => void;
	/** Stops the emulator like SIGINT does. */
	signal?: AbortSignal;
	/** Called once the emulator listens (tests use it to reach the server). */
	onListening?: (emulator: Emulator) => void;
};

/** The port a newcomer's `BINDER_ENDPOINT` points at unless told otherwise. */
export const DEFAULT_CLI_PORT = 9000;

const USAGE = `Usage: emulator [--port N] [--host H] [--app-id APPID] [--latency-ms MS] [--seed N]

Runs the local Tencent CI + COS emulator until SIGINT or SIGTERM.
  --port N         TCP port, 0 for a free one (default ${DEFAULT_CLI_PORT})
  --host H         interface to listen on (default 127.0.0.1)
  --app-id APPID   the account's APPID (default 1250000000)
  --latency-ms MS  delay added to every answer (default 0)
  --seed N         seed of the fault RNG (default 1)
`;

const FLAGS = new Set(['--port', '--host', '--app-id', '--latency-ms', '--seed']);

function parseInteger(flag: string, raw: string, min: number, max: number): number {
	const value = parseIntegerInRange(raw, min, max);
	if (value === undefined) {
		throw new Error(`${flag}: expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
	}

	return value;
}

/** Parse the flags into emulator options; throws an `Error` naming the flag at fault. */
export function parseEmulatorArgs(argv: string[]): {options: EmulatorOptions; help: boolean} {
	const values = new Map<string, string>();
	let help = false;
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index]!;
		if (argument === '--help' || argument === '-h') {
			help = true;
			continue;
		}

		const equals = argument.indexOf('=');
		const flag = equals === -1 ? argument : argument.slice(0, equals);
		if (!FLAGS.has(flag)) {
			throw new Error(`Unknown argument ${JSON.stringify(argument)} (known: ${[...FLAGS].join(', ')}, --help)`);
		}

		let value: string | undefined;
		if (equals === -1) {
			value = argv[index + 1];
			index++;
		} else {
			value = argument.slice(equals + 1);
		}

		if (value === undefined || value === '' || (equals === -1 && value.startsWith('--'))) {
			throw new Error(`${flag}: missing value`);
		}

		values.set(flag, value);
	}

	const options: EmulatorOptions = {port: parseInteger('--port', values.get('--port') ?? String(DEFAULT_CLI_PORT), 0, 65_535)};
	const host = values.get('--host');
	if (host !== undefined) {
		options.host = host;
	}

	const appId = values.get('--app-id');
	if (appId !== undefined) {
		if (!isEmulatorAppId(appId)) {
			throw new Error(`--app-id: expected 5 to 12 digits, got ${JSON.stringify(appId)}`);
		}

		options.appId = appId;
	}

	const latency = values.get('--latency-ms');
	if (latency !== undefined) {
		options.faults = {latencyMs: parseInteger('--latency-ms', latency, 0, 600_000)};
	}

	const seed = values.get('--seed');
	if (seed !== undefined) {
		options.seed = parseInteger('--seed', seed, 0, 2 ** 32 - 1);
	}

	return {options, help};
}

function banner(emulator: Emulator, appId: string): string {
	const example = JSON.stringify({bucket: `examplebucket-${appId}`, region: 'ap-guangzhou', bound: false});
	return [
		`cos-ci-binder emulator (Tencent CI + COS APIs) listening on ${emulator.url}`,
		`  APPID ${appId}`,
		`  SecretId  ${DEMO_CREDENTIALS.secretId}`,
		`  SecretKey ${DEMO_CREDENTIALS.secretKey}  (public demo key: it only opens this emulator)`,
		'',
		`export BINDER_ENDPOINT=${emulator.url}`,
		'',
		'Create a bucket (it emits bucket-created):',
		`  curl -X POST ${emulator.url}/_emulator/buckets -H 'content-type: application/json' -d '${example}'`,
		`State: curl ${emulator.url}/_emulator/state    Stop: Ctrl+C`,
		'',
	].join('\n');
}

/**
Run the emulator from the command line: parse the flags, print a banner (URL, demo SecretId, the
`export BINDER_ENDPOINT=…` line, a curl example) and keep serving until SIGINT or SIGTERM, then close.
Throws an `Error` naming the flag for bad arguments (`--port: expected …`).
*/
export async function runEmulatorCli(argv: string[], cli: EmulatorCliOptions = {}): Promise<void> {
	const write = cli.write ?? ((text: string) => void process.stdout.write(text));
	const {options, help} = parseEmulatorArgs(argv);
	if (help) {
		write(USAGE);
		return;
	}

	const emulator = await startEmulator(options);
	write(banner(emulator, options.appId ?? '1250000000'));
	cli.onListening?.(emulator);

	await waitForStop(cli.signal);
	await emulator.close();
	write('emulator stopped\n');
}
