// Dotted field paths (`data.requestParameters.Bucket`, `resources[0]`, `resources.*`) for the settings
// BINDER_EVENT_BUCKET_PATH and BINDER_EVENT_REGION_PATH: where to look in an event record whose shape
// nobody foresaw. Modelled on Cloud Custodian's `ids` for CloudTrail modes (a JMESPath into the event,
// cloud-custodian/cloud-custodian `c7n/cwe.py` `CloudWatchEvents.get_ids`), reduced to plain paths, and
// with JSON text decoded at every step because CloudAudit nests JSON text in JSON.
import {decodeJsonText, type Fields, isFields, joinPath, own} from '../../utils/fields.js';

/** One step of a path: an object key, an array index, or `*` (every item or value). */
export type PathSegment = {key: string} | {index: number} | {any: true};

/** A parsed path, with the text it came from (for messages). */
export type FieldPath = {text: string; segments: PathSegment[]};

/** A string found at a path, with the concrete path it was found at (`resources[1]`). */
export type FoundValue = {value: string; path: string};

/** Most paths one setting may list; a longer list is a mistake, not a configuration. */
export const MAX_FIELD_PATHS = 10;
const MAX_SEGMENTS = 16;
const MAX_PATH_LENGTH = 200;
// Values gathered per path: `*` over a huge array must not turn one record into thousands of candidates.
const MAX_VALUES = 100;
const KEY = /^[A-Za-z0-9_$@:-]+$/;

/** Why a path text is not a path; thrown by {@link parseFieldPath}, message without the variable name. */
export class FieldPathError extends Error {
	override readonly name = 'FieldPathError' as const;
}

/**
Parse one path: keys separated by `.`, `[n]` or `.n` for array items, `["odd key"]` for keys with other
characters, `*` or `[*]` for every item. A leading `$.` (JSONPath style, as EventBridge transforms write
it) is ignored.

@example
parseFieldPath('data.resources[0]') // segments: key data, key resources, index 0
*/
export function parseFieldPath(text: string): FieldPath {
	const source = text.trim();
	if (source === '' || source.length > MAX_PATH_LENGTH) {
		throw new FieldPathError(source === '' ? 'empty path' : `path longer than ${MAX_PATH_LENGTH} characters`);
	}

	let rest = source.replace(/^\$\.?/, '');
	const segments: PathSegment[] = [];
	let expectKey = true;
	while (rest !== '') {
		if (rest.startsWith('[')) {
			const end = rest.indexOf(']');
			const inner = end === -1 ? '' : rest.slice(1, end);
			if (/^\d{1,6}$/.test(inner)) {
				segments.push({index: Number(inner)});
			} else if (inner === '*') {
				segments.push({any: true});
			} else if (inner.startsWith('"') && inner.endsWith('"') && inner.length >= 2) {
				let key: unknown;
				try {
					key = JSON.parse(inner);
				} catch {}

				if (typeof key !== 'string' || key === '') {
					throw new FieldPathError(`bad quoted key ${inner.slice(0, 40)}`);
				}

				segments.push({key});
			} else {
				throw new FieldPathError(`bad bracket at "${rest.slice(0, 20)}" (expected [0], [*] or ["key"])`);
			}

			rest = rest.slice(end + 1);
			expectKey = false;
			continue;
		}

		if (!expectKey) {
			if (!rest.startsWith('.')) {
				throw new FieldPathError(`expected "." or "[" at "${rest.slice(0, 20)}"`);
			}

			rest = rest.slice(1);
		}

		const match = /^[^.[]*/.exec(rest)?.[0] ?? '';
		if (match === '') {
			throw new FieldPathError(`empty segment at "${rest.slice(0, 20)}"`);
		}

		if (match === '*') {
			segments.push({any: true});
		} else if (/^\d{1,6}$/.test(match)) {
			segments.push({index: Number(match)});
		} else if (KEY.test(match)) {
			segments.push({key: match});
		} else {
			throw new FieldPathError(`segment "${match.slice(0, 40)}" may only hold letters, digits and _ $ @ : - (use ["…"] for others)`);
		}

		rest = rest.slice(match.length);
		expectKey = false;
	}

	if (segments.length === 0 || segments.length > MAX_SEGMENTS) {
		throw new FieldPathError(segments.length === 0 ? 'no segments' : `more than ${MAX_SEGMENTS} segments`);
	}

	return {text: source, segments};
}

type Step = {value: unknown; path: string};

function children(step: Step, segment: PathSegment): Step[] {
	const value = decodeJsonText(step.value);
	if ('any' in segment) {
		if (Array.isArray(value)) {
			return value.slice(0, MAX_VALUES).map((item: unknown, index) => ({value: item, path: joinPath(step.path, index)}));
		}

		return isFields(value) ? Object.keys(value).slice(0, MAX_VALUES).map((key) => ({value: value[key], path: joinPath(step.path, key)})) : [];
	}

	if ('index' in segment) {
		if (Array.isArray(value)) {
			return segment.index < value.length ? [{value: value[segment.index] as unknown, path: joinPath(step.path, segment.index)}] : [];
		}

		return isFields(value) && Object.hasOwn(value, String(segment.index)) ? [{value: value[String(segment.index)], path: joinPath(step.path, String(segment.index))}] : [];
	}

	return isFields(value) && Object.hasOwn(value, segment.key) ? [{value: own(value, segment.key), path: joinPath(step.path, segment.key)}] : [];
}

/**
The strings at `path` in `root`, in order: JSON text is decoded at every step, and an array (or JSON
text array) at the end contributes its string items. Never throws; at most 100 values.
*/
export function readFieldPath(root: unknown, path: FieldPath, base = ''): FoundValue[] {
	let steps: Step[] = [{value: root, path: base}];
	for (const segment of path.segments) {
		steps = steps.flatMap((step) => children(step, segment)).slice(0, MAX_VALUES);
		if (steps.length === 0) {
			return [];
		}
	}

	const found: FoundValue[] = [];
	for (const step of steps) {
		const value = decodeJsonText(step.value);
		const items: Step[] = Array.isArray(value) ? value.slice(0, MAX_VALUES).map((item: unknown, index) => ({value: item, path: joinPath(step.path, index)})) : [{value, path: step.path}];
		for (const item of items) {
			if (typeof item.value === 'string' && item.value.trim() !== '') {
				found.push({value: item.value, path: item.path});
			}
		}
	}

	return found.slice(0, MAX_VALUES);
}

/** Read every path in order, from each root in order (the record as delivered, then its `data`). */
export function readFieldPaths(roots: ReadonlyArray<{value: unknown; base: string}>, paths: readonly FieldPath[]): FoundValue[] {
	const found: FoundValue[] = [];
	for (const path of paths) {
		for (const root of roots) {
			found.push(...readFieldPath(root.value, path, root.base));
		}
	}

	return found.slice(0, MAX_VALUES);
}

/** A record's own fields, for callers that only hold `unknown`. */
export const fieldsOf = (value: unknown): Fields | undefined => {
	const decoded = decodeJsonText(value);
	return isFields(decoded) ? decoded : undefined;
};
