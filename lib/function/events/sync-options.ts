import {invalidInput} from '../../core/errors.js';
import {parseConcurrency, parsePatterns, parseRegions} from '../../binder/scope.js';
import {parseServices} from '../../binder/services.js';
import {describeValue, type Fields, isFields, joinPath, own, quote} from '../../utils/fields.js';
import type {SyncRequestOptions} from './types.js';

/** The option names a sync request may carry; anything else is a typo worth failing on. */
export const SYNC_OPTION_KEYS = ['regions', 'include', 'exclude', 'dryRun', 'force', 'concurrency', 'services'] as const;

const MAX_UNKNOWN_LISTED = 10;

function parseBoolean(value: unknown, path: string): boolean {
	return typeof value === 'boolean' ? value : invalidInput(path, `expected true or false, got ${describeValue(value)}`);
}

/**
Check sync options from an untrusted source (a timer's `Message`, a schedule's `detail`, an HTTP body).

Strict, like a schema with `additionalProperties: false`: unknown keys are named and refused, so a typo
such as `dryrun` fails loudly instead of running a real sync.

@param field Path of `value` in the event, used to start every message (`Message.regions[1]: …`).
@throws {BinderError} `InvalidInput`, message starting with the field path.
*/
export function parseSyncOptions(value: unknown, field: string): SyncRequestOptions {
	if (!isFields(value)) {
		return invalidInput(field, `expected an object of sync options, got ${describeValue(value)}`);
	}

	const allowed: readonly string[] = SYNC_OPTION_KEYS;
	const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
	if (unknown.length > 0) {
		const listed = unknown.slice(0, MAX_UNKNOWN_LISTED).map((key) => quote(key, 40)).join(', ');
		const more = unknown.length > MAX_UNKNOWN_LISTED ? ` (+${unknown.length - MAX_UNKNOWN_LISTED} more)` : '';
		invalidInput(field, `unknown option${unknown.length === 1 ? '' : 's'} ${listed}${more} (allowed: ${SYNC_OPTION_KEYS.join(', ')})`);
	}

	const read = (key: (typeof SYNC_OPTION_KEYS)[number]) => own<SyncRequestOptions>(value as Fields, key);
	const options: SyncRequestOptions = {};
	const regions = read('regions');
	if (regions !== undefined) {
		options.regions = parseRegions(regions, joinPath(field, 'regions'));
	}

	for (const key of ['include', 'exclude'] as const) {
		const patterns = read(key);
		if (patterns !== undefined) {
			options[key] = parsePatterns(patterns, joinPath(field, key));
		}
	}

	for (const key of ['dryRun', 'force'] as const) {
		const flag = read(key);
		if (flag !== undefined) {
			options[key] = parseBoolean(flag, joinPath(field, key));
		}
	}

	const concurrency = read('concurrency');
	if (concurrency !== undefined) {
		options.concurrency = parseConcurrency(concurrency, joinPath(field, 'concurrency'));
	}

	const services = read('services');
	if (services !== undefined) {
		options.services = parseServices(services, joinPath(field, 'services'));
	}

	return options;
}
