import {redact} from '../utils/redact.js';
import {scrubList} from './secrets.js';
import type {LogLevel} from './config.js';

const LEVEL_ORDER: Record<LogLevel, number> = {debug: 10, info: 20, warn: 30, error: 40};

/** Keys every line carries; a caller's fields cannot overwrite them (Powertools' reserved keys). */
const RESERVED = new Set(['level', 'time', 'message', 'requestId', 'functionName', 'trigger', 'coldStart']);

export type LogFields = Record<string, unknown>;

/** One JSON line per call, correlated by request id; every line passes through redaction. */
export type Logger = {
	debug(message: string, fields?: LogFields): void;
	info(message: string, fields?: LogFields): void;
	warn(message: string, fields?: LogFields): void;
	error(message: string, fields?: LogFields): void;
	/** A logger whose lines also carry these fields (reserved keys still win). */
	with(fields: LogFields): Logger;
};

export type LoggerOptions = {
	level: LogLevel;
	/** Context on every line. */
	base: {requestId: string; functionName?: string; trigger?: string; coldStart?: boolean};
	/** Values that must never be printed; replaced wherever they appear. */
	secrets: readonly string[];
	/** Where lines go. @default process.stdout (SCF collects stdout) */
	write?: (line: string) => void;
};

export function createLogger(options: LoggerOptions, extra: LogFields = {}): Logger {
	// Lines are redacted after JSON serialisation, where a secret with quotes or backslashes appears escaped.
	const secrets = scrubList(options.secrets);
	const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
	const threshold = LEVEL_ORDER[options.level];
	const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
		if (LEVEL_ORDER[level] < threshold) {
			return;
		}

		const record: LogFields = {};
		for (const [key, value] of Object.entries({...extra, ...fields})) {
			if (!RESERVED.has(key) && value !== undefined) {
				record[key] = value;
			}
		}

		const line = {level, time: new Date().toISOString(), message, ...options.base, ...record};
		let text: string;
		try {
			text = JSON.stringify(line, (_key, value: unknown) => (value instanceof Error ? {name: value.name, message: value.message} : typeof value === 'bigint' ? String(value) : value));
		} catch {
			text = JSON.stringify({level, time: line.time, message, ...options.base, logError: 'fields not serialisable'});
		}

		// Redact the serialised line, so a secret cannot slip through any field or nesting.
		write(redact(text, secrets));
	};

	return {
		debug: (message, fields) => emit('debug', message, fields),
		info: (message, fields) => emit('info', message, fields),
		warn: (message, fields) => emit('warn', message, fields),
		error: (message, fields) => emit('error', message, fields),
		with: (fields) => createLogger(options, {...extra, ...fields}),
	};
}
