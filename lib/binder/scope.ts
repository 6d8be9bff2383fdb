import {asValidationError, invalidInput, isValidationError} from '../core/errors.js';
import {validateRegion} from '../core/names.js';
import {describeValue, joinPath, quote} from '../utils/fields.js';
import {compileGlobs} from '../utils/glob.js';
import {integerInRange} from '../utils/integer.js';

/*
What a sync covers and how hard it pushes: regions, bucket-id patterns and concurrency, with their limits.
One home for these rules, whoever reads them: the function's settings (BINDER_REGIONS, BINDER_INCLUDE,
BINDER_CONCURRENCY), a timer's or an HTTP request's options, the CLI's flags. Every failure is an
`InvalidInput` error naming the field.
*/

/** Most regions one list may name (Tencent has a few dozen). */
export const MAX_REGIONS = 100;
/** Most include or exclude patterns. */
export const MAX_PATTERNS = 100;
/** Longest pattern: bucket ids are at most ~60 characters, so more is a mistake. */
export const MAX_PATTERN_LENGTH = 200;
/** Binds in flight at once when nothing says otherwise. */
export const DEFAULT_CONCURRENCY = 8;
/** Fewest binds in flight. */
export const MIN_CONCURRENCY = 1;
/** Most binds in flight: more only earns throttling from the CI API. */
export const MAX_CONCURRENCY = 64;

// Bucket ids are lowercase letters, digits and `-`; `*` and `?` are the wildcards.
const PATTERN = /^[a-z0-9*?-]+$/;

/** `"a, b,,c"` → `['a', 'b', 'c']`: the form people type into a variable, a flag or a timer's argument box. */
export function splitList(value: string): string[] {
	return value
		.split(',')
		.map((item) => item.trim())
		.filter((item) => item !== '');
}

/**
Validate a list of region ids, given as an array or as comma-separated text; duplicates are dropped.
An empty list is refused: leaving the option out is how to say "the configured regions".
*/
export function parseRegions(value: unknown, path: string): string[] {
	let items: Array<{value: unknown; path: string}>;
	if (typeof value === 'string') {
		items = splitList(value).map((item) => ({value: item, path}));
	} else if (Array.isArray(value)) {
		if (value.length > MAX_REGIONS) {
			invalidInput(path, `at most ${MAX_REGIONS} regions, got ${value.length}`);
		}

		items = Array.from(value, (item: unknown, index) => ({value: typeof item === 'string' ? item.trim() : item, path: joinPath(path, index)}));
	} else {
		return invalidInput(path, `expected an array of region ids or a comma-separated string, got ${describeValue(value)}`);
	}

	if (items.length === 0) {
		invalidInput(path, 'lists no region (leave it out to use the configured regions)');
	}

	if (items.length > MAX_REGIONS) {
		invalidInput(path, `at most ${MAX_REGIONS} regions, got ${items.length}`);
	}

	const regions: string[] = [];
	for (const item of items) {
		if (typeof item.value !== 'string') {
			invalidInput(item.path, `expected a region id string, got ${describeValue(item.value)}`);
		}

		const region = asInput(() => validateRegion(item.value, item.path));
		if (!regions.includes(region)) {
			regions.push(region);
		}
	}

	return regions;
}

/** Validate bucket id patterns (`*`, `?`), given as an array or as comma-separated text. */
export function parsePatterns(value: unknown, path: string): string[] {
	const list: unknown = typeof value === 'string' ? splitList(value) : value;
	if (!Array.isArray(list)) {
		return invalidInput(path, `expected an array of bucket id patterns, got ${describeValue(value)}`);
	}

	if (list.length > MAX_PATTERNS) {
		invalidInput(path, `at most ${MAX_PATTERNS} patterns, got ${list.length}`);
	}

	return Array.from(list, (item: unknown, index) => checkPattern(item, joinPath(path, index)));
}

/** Validate one bucket id pattern (`*`, `?`). */
export function checkPattern(item: unknown, path: string): string {
	if (typeof item !== 'string') {
		return invalidInput(path, `expected a pattern string, got ${describeValue(item)}`);
	}

	if (item.length === 0 || item.length > MAX_PATTERN_LENGTH) {
		invalidInput(path, `a pattern must be 1 to ${MAX_PATTERN_LENGTH} characters, got ${item.length}`);
	}

	if (!PATTERN.test(item)) {
		invalidInput(path, `invalid pattern ${quote(item)}: bucket ids hold only a-z, 0-9 and "-"; wildcards are * and ?`);
	}

	return item;
}

/** Validate a concurrency given as a number (JSON): a whole number from {@link MIN_CONCURRENCY} to {@link MAX_CONCURRENCY}. */
export function parseConcurrency(value: unknown, path: string): number {
	return (
		integerInRange(value, MIN_CONCURRENCY, MAX_CONCURRENCY) ??
		invalidInput(path, `expected a whole number from ${MIN_CONCURRENCY} to ${MAX_CONCURRENCY}, got ${describeValue(value)}`)
	);
}

/** A bucket a listing returned. */
export type ListedBucket = {bucket: string; region: string};

/** Which of the account's buckets a sync covers: empty `regions` or `include` mean all. */
export type Scope = {regions: readonly string[]; include: readonly string[]; exclude: readonly string[]};

/** Compile a scope into one test; patterns match the whole bucket id. */
export function compileScope(scope: Scope): (bucket: ListedBucket) => boolean {
	const regions = new Set(scope.regions);
	const included = compileGlobs(scope.include);
	const excluded = compileGlobs(scope.exclude);
	return (bucket) => (regions.size === 0 || regions.has(bucket.region)) && (scope.include.length === 0 || included(bucket.bucket)) && !excluded(bucket.bucket);
}

// A region that breaks the naming rules is, to whoever sent the list, bad input like any other item.
function asInput<T>(check: () => T): T {
	try {
		return check();
	} catch (error) {
		throw isValidationError(error) ? asValidationError(error, 'InvalidInput') : error;
	}
}
