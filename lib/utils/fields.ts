// Reading untrusted event values without ever throwing or trusting the prototype chain.

/** A non-array object whose fields we may read. */
export type Fields = Record<string, unknown>;

export function isFields(value: unknown): value is Fields {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
Read an own field. Inherited names never count: `{}.constructor` must not look like a value the sender set,
and a JSON `"__proto__"` key (an own property after `JSON.parse`) is read like any other.
`K` lets callers borrow a known event type (`APIGatewayProxyEvent`) so field names are checked at compile time.
*/
export function own<T = Fields>(object: Fields, key: keyof T & string): unknown {
	return Object.hasOwn(object, key) ? object[key] : undefined;
}

export function has<T = Fields>(object: Fields, key: keyof T & string): boolean {
	return Object.hasOwn(object, key);
}

/** A non-empty trimmed string, or undefined. */
export function text(value: unknown): string | undefined {
	if (typeof value !== 'string') {
		return undefined;
	}

	const trimmed = value.trim();
	return trimmed === '' ? undefined : trimmed;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `a.b`, `a["x-y"]`: paths that read like the JavaScript that would reach the field. */
export function joinPath(base: string, key: string | number): string {
	if (typeof key === 'number') {
		return `${base}[${key}]`;
	}

	if (IDENTIFIER.test(key)) {
		return base === '' ? key : `${base}.${key}`;
	}

	return `${base}[${quote(key, MAX_KEY_PREVIEW)}]`;
}

const MAX_STRING_PREVIEW = 60;
const MAX_KEY_PREVIEW = 40;
// Control characters and line separators would break one-line logs.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** A string cut to `max` characters, with control characters replaced: safe inside a one-line message. */
export function plain(value: string, max = MAX_STRING_PREVIEW): string {
	const cut = value.length > max ? `${value.slice(0, max)}…` : value;
	return cut.replace(UNPRINTABLE, '?');
}

/** {@link plain}, JSON-quoted: shows where the value starts and ends. */
export function quote(value: string, max = MAX_STRING_PREVIEW): string {
	return JSON.stringify(plain(value, max));
}

/** A short description of any value for messages: its type and a bounded preview. Never throws. */
export function describeValue(value: unknown): string {
	switch (typeof value) {
		case 'undefined': {
			return 'nothing';
		}

		case 'string': {
			return `the string ${quote(value)}`;
		}

		case 'number':
		case 'boolean':
		case 'bigint': {
			return `the ${typeof value} ${String(value)}`;
		}

		case 'symbol': {
			return 'a symbol';
		}

		case 'function': {
			return 'a function';
		}

		default: {
			if (value === null) {
				return 'null';
			}

			return Array.isArray(value) ? `an array of ${value.length} item${value.length === 1 ? '' : 's'}` : 'an object';
		}
	}
}

const MAX_KEYS_LISTED = 10;

/** `keys "a", "b" (+3 more)`: the first few own keys of an object, bounded. */
export function listKeys(object: Fields): string {
	const keys = Object.keys(object);
	if (keys.length === 0) {
		return 'no keys';
	}

	const shown = keys.slice(0, MAX_KEYS_LISTED).map((key) => quote(key, MAX_KEY_PREVIEW));
	const more = keys.length > MAX_KEYS_LISTED ? ` (+${keys.length - MAX_KEYS_LISTED} more)` : '';
	return `key${keys.length === 1 ? '' : 's'} ${shown.join(', ')}${more}`;
}

/** Parse a JSON string without throwing. */
export function parseJson(value: string): {ok: true; value: unknown} | {ok: false; error: string} {
	try {
		return {ok: true, value: JSON.parse(value) as unknown};
	} catch (error) {
		return {ok: false, error: error instanceof Error ? error.message : 'not JSON'};
	}
}

// JSON text longer than this is not a record field worth decoding (a platform payload is at most 6 MB,
// but no field we read comes near this).
const MAX_JSON_TEXT = 1024 * 1024;

/**
A value as data: JSON text holding an object or an array is decoded, anything else is returned as is.
CloudAudit stores `resources`, `requestParameters`, `sessionContext` (and sometimes the whole record) as
JSON text (tccli `tccli/examples/cloudaudit/v20190319/DescribeEvents.md`), other deliveries as objects:
reading through this accepts both. Text that fails to parse stays text.
*/
export function decodeJsonText(value: unknown): unknown {
	if (typeof value !== 'string' || value.length > MAX_JSON_TEXT) {
		return value;
	}

	const trimmed = value.trim();
	if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) {
		return value;
	}

	const parsed = parseJson(trimmed);
	return parsed.ok && typeof parsed.value === 'object' && parsed.value !== null ? parsed.value : value;
}
