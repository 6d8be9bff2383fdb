// Reading the command line: usage errors (exit 2) and the parsers of flags and arguments.
import {readFile} from 'node:fs/promises';
import {parseArgs, type ParseArgsConfig} from 'node:util';
import {MAX_CONCURRENCY, MIN_CONCURRENCY} from '../binder/scope.js';
import {parseBucketId, validateRegion} from '../core/names.js';
import {parseIntegerInRange} from '../utils/integer.js';

/** A mistake in how the CLI was called: exit code 2, with a pointer to the command's help. */
export class UsageError extends Error {}

const COMMON: ParseArgsConfig['options'] = {
	region: {type: 'string'},
	json: {type: 'boolean', default: false},
	concurrency: {type: 'string'},
};

/** Parse a command's arguments: `--region`, `--json` and `--concurrency` plus its own `options`; strict. */
export function parseCommandArgs(argv: string[], options: ParseArgsConfig['options'] = {}) {
	try {
		return parseArgs({args: argv, options: {...COMMON, ...options}, allowPositionals: true, strict: true});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

/** `--<name>`: a whole number from `min` to `max`, `fallback` when absent. */
export function integerOption(value: unknown, name: string, fallback: number, min: number, max: number): number {
	if (value === undefined) {
		return fallback;
	}

	const number = parseIntegerInRange(String(value), min, max);
	if (number === undefined) {
		throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
	}

	return number;
}

/** `--concurrency`, within the binder's bounds; `fallback` (BINDER_CONCURRENCY) when absent. */
export const concurrencyOption = (value: unknown, fallback: number) => integerOption(value, 'concurrency', fallback, MIN_CONCURRENCY, MAX_CONCURRENCY);

/** `--region` (or `flag`), else `TENCENTCLOUD_REGION`; a usage error when `required` and neither is set. */
export function regionOption(value: unknown, env: NodeJS.ProcessEnv, required: boolean, flag = '--region'): string | undefined {
	const region = (value as string | undefined) ?? env.TENCENTCLOUD_REGION;
	const field = value === undefined ? 'TENCENTCLOUD_REGION' : flag;
	if (region === undefined) {
		if (required) {
			throw new UsageError('--region is required (or set TENCENTCLOUD_REGION)');
		}

		return undefined;
	}

	try {
		return validateRegion(region, field);
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

/** The bucket arguments, each a valid `<name>-<appid>` for `region`, without repeats. */
export function bucketArguments(positionals: string[], region: string): string[] {
	if (positionals.length === 0) {
		throw new UsageError('name at least one bucket as <name>-<appid>');
	}

	for (const [index, bucket] of positionals.entries()) {
		try {
			parseBucketId(bucket, `bucket argument ${index + 1}`, region);
		} catch (error) {
			throw new UsageError((error as Error).message);
		}
	}

	return [...new Set(positionals)];
}

/** A JSON file named on the command line; `what` says which in messages. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
	let text: string;
	try {
		text = await readFile(path, 'utf8');
	} catch (error) {
		throw new UsageError(`${what}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}

	try {
		return JSON.parse(text) as unknown;
	} catch (error) {
		throw new UsageError(`${what}: ${path} is not valid JSON: ${(error as Error).message}`);
	}
}
