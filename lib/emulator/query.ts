import {EmulatorError} from './errors.js';

/** One query parameter as it arrived, decoded. */
export type QueryParam = {
	/** Decoded name, case kept. */
	name: string;
	/** Decoded value; `''` for a parameter without `=` (`?unbind`). */
	value: string;
};

/** The `Authorization` fields a pre-signed URL carries in its query; never signed, never logged. */
export const SIGNATURE_QUERY_FIELDS: ReadonlySet<string> = new Set([
	'q-sign-algorithm',
	'q-ak',
	'q-sign-time',
	'q-key-time',
	'q-header-list',
	'q-url-param-list',
	'q-signature',
]);

// Tokens may ride in the query of a pre-signed URL; the log must never keep them.
const SECRET_QUERY_FIELDS: ReadonlySet<string> = new Set(['x-cos-security-token', 'x-ci-security-token']);

/**
Split and decode a raw query string (without `?`). `+` stays a `+`: the signature rules encode a space
as `%20`, so treating `+` as a space would make the emulator accept what COS rejects.
*/
export function parseQuery(raw: string): QueryParam[] {
	const params: QueryParam[] = [];
	for (const part of raw.split('&')) {
		if (part === '') {
			continue;
		}

		const index = part.indexOf('=');
		const rawName = index === -1 ? part : part.slice(0, index);
		const rawValue = index === -1 ? '' : part.slice(index + 1);
		params.push({name: decodeComponent(rawName), value: decodeComponent(rawValue)});
	}

	return params;
}

function decodeComponent(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		throw new EmulatorError('InvalidURI', `Malformed percent-encoding in the query string: ${JSON.stringify(text.slice(0, 100))}`, 400);
	}
}

/** Decode a request path; malformed percent-encoding is the client's error, never a crash. */
export function decodePath(path: string): string {
	try {
		return decodeURIComponent(path);
	} catch {
		throw new EmulatorError('InvalidURI', `Malformed percent-encoding in the path: ${JSON.stringify(path.slice(0, 200))}`, 400);
	}
}

/** The first value of a parameter, by exact name. */
export function queryValue(params: QueryParam[], name: string): string | undefined {
	return params.find((param) => param.name === name)?.value;
}

/** The parameters safe to keep in the request log: no signature fields, no tokens. */
export function loggableQuery(params: QueryParam[]): Record<string, string> {
	const result: Record<string, string> = Object.create(null) as Record<string, string>;
	for (const {name, value} of params) {
		const lower = name.toLowerCase();
		if (SIGNATURE_QUERY_FIELDS.has(lower) || SECRET_QUERY_FIELDS.has(lower) || Object.hasOwn(result, name)) {
			continue;
		}

		result[name] = value;
	}

	// A plain object again, so JSON and assert.equal treat it like any other.
	return {...result};
}
