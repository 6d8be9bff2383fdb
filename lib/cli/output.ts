import type {BinderCode} from '../core/errors.js';
import {scrubList} from '../function/index.js';
import {redact} from '../utils/redact.js';

/** A stream the CLI writes to: `process.stdout`/`stderr`, or a pseudo-stream in tests. */
export type CliStream = {
	write(text: string): unknown;
	/** True on a terminal: only then is a live progress line drawn. */
	isTTY?: boolean;
	/** Terminal width, when known. */
	columns?: number;
};

/** Where the CLI writes and what clock it reads; injected so tests can force a terminal and control time. */
export type CliIo = {
	stdout: CliStream;
	stderr: CliStream;
	/** Monotonic milliseconds, for elapsed time and ETA. @default performance.now */
	now: () => number;
};

export const processIo = (): CliIo => ({stdout: process.stdout, stderr: process.stderr, now: () => performance.now()});

/** One printed record: a bucket's result (binding or unbind), plus whatever a command adds (`ciStatus`, `createTime`). */
export type PrintedRecord = {bucket: string; region: string; outcome: string; code?: BinderCode; message?: string; durationMs: number} & Record<string, unknown>;

/** Everything the CLI prints goes through one of these: each text is scrubbed of the secrets first. */
export type Printer = {
	/** Text to stdout as is (no newline added). */
	stdout: (text: string) => void;
	/** Text to stderr as is. */
	stderr: (text: string) => void;
	/** One line to stdout. */
	line: (text: string) => void;
	/** One line to stderr. */
	errorLine: (text: string) => void;
	/** One record per line: JSON with `--json`, a readable line otherwise. */
	record: (record: PrintedRecord, json: boolean) => void;
};

/**
A printer that scrubs with the same secret list the handler uses (`secretsOf`): an answer from the
service or a webhook can echo a key or token into what we print, and terminal output ends up in CI
logs and bug reports. JSON-escaped forms are scrubbed too, for `--json` lines.
*/
export function createPrinter(io: Pick<CliIo, 'stdout' | 'stderr'>, secrets: readonly string[]): Printer {
	const all = scrubList(secrets);
	const clean = (text: string) => redact(text, all);
	const printer: Printer = {
		stdout: (text) => void io.stdout.write(clean(text)),
		stderr: (text) => void io.stderr.write(clean(text)),
		line: (text) => printer.stdout(`${text}\n`),
		errorLine: (text) => printer.stderr(`${text}\n`),
		record: (record, json) => printer.line(json ? JSON.stringify(record) : formatHuman(record)),
	};
	return printer;
}

const SYMBOL: Record<string, string> = {bound: '✔', 'already-bound': '✔', 'would-bind': '…', skipped: '–', failed: '✘', unbound: '✔'};

/** One line for a person: outcome, bucket, region, and the code and message on failure. */
export function formatHuman(result: PrintedRecord): string {
	const extra = result.outcome === 'failed' ? `  ${result.code ?? ''}: ${result.message ?? ''}` : result.message ? `  (${result.message})` : '';
	const status = typeof result.ciStatus === 'string' ? `  CI ${result.ciStatus}` : '';
	const services =
		typeof result.services === 'object' && result.services !== null
			? `  [${Object.entries(result.services as Record<string, string>)
					.map(([name, state]) => `${name} ${state}`)
					.join(', ')}]`
			: '';
	return `${SYMBOL[result.outcome] ?? '?'} ${result.outcome.padEnd(13)} ${result.bucket}  ${result.region}${status}${services}${extra}`;
}
