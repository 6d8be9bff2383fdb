import {validateRegion} from '../../core/names.js';
import {BinderError} from '../../core/errors.js';
import {describe, type Fields, isFields, joinPath, own, quote} from './fields.js';
import type {SyncRequestOptions} from './types.js';

/** The option names a sync request may carry; anything else is a typo worth failing on. */
export const SYNC_OPTION_KEYS = ['regions', 'include', 'exclude', 'dryRun', 'force', 'concurrency'] as const;

/** Most regions one request may name (Tencent has a few dozen). */
export const MAX_REGIONS = 100;
/** Most include or exclude patterns. */
export const MAX_PATTERNS = 100;
/** Longest pattern: bucket ids are at most ~60 characters, so more is a mistake. */
export const MAX_PATTERN_LENGTH = 200;
/** Highest concurrency: more only earns throttling from the CI API. */
export const MAX_CONCURRENCY = 64;

// Bucket ids are lowercase letters, digits and `-`; `*` and `?` are the wildcards.
const PATTERN = /^[a-z0-9*?-]+$/;
const MAX_UNKNOWN_LISTED = 10;

function invalid(message: string): never {
	throw new BinderError(message, {code: 'InvalidInput'});
}

function parseRegions(value: unknown, path: string): string[] {
	let items: Array<{value: unknown; path: string}>;
	if (typeof value === 'string') {
		// "ap-guangzhou, ap-beijing": the form people type into a timer's argument box.
		items = value
			.split(',')
			.map((item) => item.trim())
			.filter((item) => item !== '')
			.map((item) => ({value: item, path}));
	} else if (Array.isArray(value)) {
		if (value.length > MAX_REGIONS) {
			invalid(`${path}: at most ${MAX_REGIONS} regions, got ${value.length}`);
		}

		items = Array.from(value, (item: unknown, index) => ({value: typeof item === 'string' ? item.trim() : item, path: joinPath(path, index)}));
	} else {
		return invalid(`${path}: expected an array of region ids or a comma-separated string, got ${describe(value)}`);
	}

	if (items.length === 0) {
		invalid(`${path}: lists no region (leave it out to use the configured regions)`);
	}

	if (items.length > MAX_REGIONS) {
		invalid(`${path}: at most ${MAX_REGIONS} regions, got ${items.length}`);
	}

	const regions: string[] = [];
	for (const item of items) {
		if (typeof item.value !== 'string') {
			invalid(`${item.path}: expected a region id string, got ${describe(item.value)}`);
		}

		try {
			validateRegion(item.value, item.path);
		} catch (error) {
			// Same message, our code: to the caller this is bad input, whatever part of it was bad.
			invalid((error as Error).message);
		}

		if (!regions.includes(item.value)) {
			regions.push(item.value);
		}
	}

	return regions;
}

/** Validate bucket id patterns (`*`, `?`); throws `InvalidInput` naming `path` and the bad item. */
export function parsePatterns(value: unknown, path: string): string[] {
	// A comma-separated string is accepted too, as for regions and the BINDER_INCLUDE variable.
	if (typeof value === 'string') {
		value = value
			.split(',')
			.map((item) => item.trim())
			.filter((item) => item !== '');
	}

	if (!Array.isArray(value)) {
		return invalid(`${path}: expected an array of bucket id patterns, got ${describe(value)}`);
	}

	if (value.length > MAX_PATTERNS) {
		invalid(`${path}: at most ${MAX_PATTERNS} patterns, got ${value.length}`);
	}

	return Array.from(value, (item: unknown, index) => {
		const itemPath = joinPath(path, index);
		if (typeof item !== 'string') {
			return invalid(`${itemPath}: expected a pattern string, got ${describe(item)}`);
		}

		if (item.length === 0 || item.length > MAX_PATTERN_LENGTH) {
			invalid(`${itemPath}: a pattern must be 1 to ${MAX_PATTERN_LENGTH} characters, got ${item.length}`);
		}

		if (!PATTERN.test(item)) {
			invalid(`${itemPath}: invalid pattern ${quote(item)}: bucket ids hold only a-z, 0-9 and "-"; wildcards are * and ?`);
		}

		return item;
	});
}

function parseBoolean(value: unknown, path: string): boolean {
	return typeof value === 'boolean' ? value : invalid(`${path}: expected true or false, got ${describe(value)}`);
}

function parseConcurrency(value: unknown, path: string): number {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_CONCURRENCY) {
		return invalid(`${path}: expected a whole number from 1 to ${MAX_CONCURRENCY}, got ${describe(value)}`);
	}

	return value;
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
		return invalid(`${field}: expected an object of sync options, got ${describe(value)}`);
	}

	const allowed: readonly string[] = SYNC_OPTION_KEYS;
	const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
	if (unknown.length > 0) {
		const listed = unknown.slice(0, MAX_UNKNOWN_LISTED).map((key) => quote(key, 40)).join(', ');
		const more = unknown.length > MAX_UNKNOWN_LISTED ? ` (+${unknown.length - MAX_UNKNOWN_LISTED} more)` : '';
		invalid(`${field}: unknown option${unknown.length === 1 ? '' : 's'} ${listed}${more} (allowed: ${SYNC_OPTION_KEYS.join(', ')})`);
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

	return options;
}
