// A scrubbed outline of an event record, for the error log of a record we could not read: enough to
// write BINDER_EVENT_BUCKET_PATH / BINDER_EVENT_REGION_PATH from, nothing worth stealing.
import {decodeJsonText, isFields, joinPath, quote} from '../../utils/fields.js';

/** Lines in one digest; a record with more fields is cut, with a note saying how many were left out. */
export const MAX_DIGEST_LINES = 60;
const MAX_DEPTH = 8;
const MAX_VALUE_PREVIEW = 40;
const MAX_ITEMS_PER_LEVEL = 20;
const MAX_LINE_LENGTH = 300;

// Field names whose values are never shown, whatever they hold: credentials (CloudAudit records carry
// `userIdentity.secretId` and a session `token` inside `sessionContext`, tccli
// `tccli/examples/cloudaudit/v20190319/DescribeEvents.md`; COS trigger records carry the request's
// `Authorization`, SCF docs 583/31927) and client addresses.
const MASKED_KEY = /secret|token|password|passwd|signature|authorization|credential|cookie|private|(?:^|[_-])key$|ip(?:address)?$/i;

function typeOf(value: unknown): string {
	if (value === null) {
		return 'null';
	}

	return Array.isArray(value) ? `array(${value.length})` : typeof value === 'object' ? 'object' : typeof value;
}

function preview(value: unknown): string {
	switch (typeof value) {
		case 'string': {
			return ` ${quote(value, MAX_VALUE_PREVIEW)}`;
		}

		case 'number':
		case 'boolean': {
			return ` ${String(value)}`;
		}

		default: {
			return '';
		}
	}
}

/**
Outline `record` as `path: type value` lines (`data.resources: json-text array(1)`, `data.resources[0]:
string "*"`): JSON text is decoded and followed, values are cut to 40 characters, credential and
address fields show only their type and length, and at most 60 lines are produced. Paths use the syntax
the BINDER_EVENT_*_PATH settings accept. Never throws (values JSON cannot produce are described, not read).
*/
export function digestRecord(record: unknown, base = ''): string[] {
	const lines: string[] = [];
	let omitted = 0;
	const add = (line: string) => {
		if (lines.length < MAX_DIGEST_LINES) {
			lines.push(line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)}…` : line);
		} else {
			omitted++;
		}
	};

	const visit = (value: unknown, path: string, depth: number, masked: boolean) => {
		const decoded = decodeJsonText(value);
		const jsonText = decoded !== value;
		const label = path === '' ? '(record)' : path;
		const kind = `${jsonText ? 'json-text ' : ''}${typeOf(decoded)}`;
		if (masked && !isFields(decoded) && !Array.isArray(decoded)) {
			add(`${label}: ${kind} (hidden${typeof decoded === 'string' ? `, ${decoded.length} characters` : ''})`);
			return;
		}

		if (!isFields(decoded) && !Array.isArray(decoded)) {
			add(`${label}: ${kind}${preview(decoded)}`);
			return;
		}

		add(`${label}: ${kind}`);
		if (depth >= MAX_DEPTH) {
			return;
		}

		if (Array.isArray(decoded)) {
			const shown = Math.min(decoded.length, MAX_ITEMS_PER_LEVEL);
			for (let index = 0; index < shown; index++) {
				visit(decoded[index], joinPath(path, index), depth + 1, masked);
			}

			omitted += decoded.length - shown;
			return;
		}

		const keys = Object.keys(decoded);
		for (const key of keys.slice(0, MAX_ITEMS_PER_LEVEL)) {
			visit(decoded[key], joinPath(path, key), depth + 1, masked || MASKED_KEY.test(key));
		}

		omitted += Math.max(0, keys.length - MAX_ITEMS_PER_LEVEL);
	};

	try {
		visit(record, base, 0, false);
	} catch {
		add(`${base === '' ? '(record)' : base}: could not be read`);
	}

	if (omitted > 0) {
		lines.push(`(${omitted} more fields not shown)`);
	}

	return lines;
}
