// A strict reader for the part of YAML a serverless.yml is written in: block mappings, block sequences, plain,
// single- and double-quoted scalars, comments. Anything else (flow collections, block scalars, anchors, aliases,
// tags) becomes an `unsupported` node that is an error only if `doctor` reads it, so a construct in a part of the
// file doctor never looks at costs nothing. Why not a YAML package: the CLI ships with two dependencies (ky, txml),
// and js-yaml, the parser serverless itself uses, is ≈ 960 KB installed, for the dozen fields doctor reads.

export type YamlNode =
	| {kind: 'map'; line: number; entries: Map<string, YamlNode>}
	| {kind: 'seq'; line: number; items: YamlNode[]}
	| {kind: 'scalar'; line: number; value: string | number | boolean | null}
	| {kind: 'unsupported'; line: number; reason: string};

/** A line doctor cannot read, with its number. */
export class YamlError extends Error {
	override readonly name = 'YamlError' as const;
	constructor(
		readonly line: number,
		message: string,
	) {
		super(`line ${line}: ${message}`);
	}
}

type Line = {indent: number; content: string; line: number};

/** Where a comment starts in a plain (unquoted) text: `#` at its start or after whitespace. */
function stripComment(text: string): string {
	const match = /(^|\s)#/.exec(text);
	return (match ? text.slice(0, match.index) : text).trimEnd();
}

function splitLines(text: string): Line[] {
	const lines: Line[] = [];
	let seenContent = false;
	text.split('\n').forEach((raw, index) => {
		const line = index + 1;
		const withoutCr = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
		const indentText = /^[ \t]*/.exec(withoutCr)![0];
		const content = withoutCr.slice(indentText.length);
		if (content === '' || content.startsWith('#')) {
			return;
		}

		// "Tab characters must not be used in indentation" (YAML 1.2, 6.1).
		if (indentText.includes('\t')) {
			throw new YamlError(line, 'a tab in the indentation (YAML indents with spaces)');
		}

		if (content === '---' || content.startsWith('--- ') || content === '...') {
			if (seenContent || content === '...') {
				throw new YamlError(line, 'more than one YAML document');
			}

			return;
		}

		seenContent = true;
		lines.push({indent: indentText.length, content, line});
	});
	return lines;
}

const DOUBLE_ESCAPES: Record<string, string> = {'"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', ' ': ' '};

/** A quoted scalar at the start of `text`; returns its value and what follows it. */
function readQuoted(text: string, line: number): {value: string; rest: string} {
	const quote = text[0]!;
	let value = '';
	for (let index = 1; index < text.length; index++) {
		const char = text[index]!;
		if (quote === "'" && char === "'") {
			if (text[index + 1] === "'") {
				value += "'";
				index++;
				continue;
			}

			return {value, rest: text.slice(index + 1)};
		}

		if (quote === '"' && char === '"') {
			return {value, rest: text.slice(index + 1)};
		}

		if (quote === '"' && char === '\\') {
			const next = text[index + 1];
			if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
				value += String.fromCharCode(Number.parseInt(text.slice(index + 2, index + 6), 16));
				index += 5;
				continue;
			}

			if (next === undefined || !Object.hasOwn(DOUBLE_ESCAPES, next)) {
				throw new YamlError(line, `unknown escape \\${next ?? ''} in a double-quoted string`);
			}

			value += DOUBLE_ESCAPES[next];
			index++;
			continue;
		}

		value += char;
	}

	throw new YamlError(line, 'a quoted string that does not end on its line (multi-line strings are not read)');
}

/** A plain scalar's type, by the YAML 1.2 core schema (what serverless' js-yaml 4 uses). */
function plainValue(text: string): string | number | boolean | null {
	if (text === '' || text === '~' || /^(null|Null|NULL)$/.test(text)) {
		return null;
	}

	if (/^(true|True|TRUE)$/.test(text)) {
		return true;
	}

	if (/^(false|False|FALSE)$/.test(text)) {
		return false;
	}

	if (/^[-+]?\d+$/.test(text) || /^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
		return Number(text);
	}

	return text;
}

/** The value written after `key:` or `- ` on the same line. */
function inlineValue(text: string, line: number): YamlNode {
	const first = text[0];
	if (first === '"' || first === "'") {
		const {value, rest} = readQuoted(text, line);
		if (stripComment(rest).trim() !== '') {
			throw new YamlError(line, `text after a quoted string: ${JSON.stringify(rest.trim().slice(0, 40))}`);
		}

		return {kind: 'scalar', line, value};
	}

	const plain = stripComment(text).trim();
	if (plain === '[]') {
		return {kind: 'seq', line, items: []};
	}

	if (plain === '{}') {
		return {kind: 'map', line, entries: new Map()};
	}

	if (first === '[' || first === '{') {
		return {kind: 'unsupported', line, reason: 'a flow collection ([…] or {…}); write it as an indented block'};
	}

	if (first === '|' || first === '>') {
		return {kind: 'unsupported', line, reason: 'a block scalar (| or >)'};
	}

	if (first === '&' || first === '*' || first === '!') {
		return {kind: 'unsupported', line, reason: 'an anchor, alias or tag (&, *, !)'};
	}

	return {kind: 'scalar', line, value: plainValue(plain)};
}

/** `key: value` / `key:`: the key and the text after the colon, or undefined when the line is no mapping entry. */
function splitEntry(content: string, line: number): {key: string; rest: string} | undefined {
	if (content[0] === '"' || content[0] === "'") {
		const {value, rest} = readQuoted(content, line);
		const after = /^\s*:(\s|$)/.exec(rest);
		return after ? {key: value, rest: rest.slice(after[0].length).trim()} : undefined;
	}

	const match = /^([^#\s][^:]*?)\s*:(?:\s+|$)(.*)$/.exec(content);
	return match ? {key: match[1]!, rest: match[2]!} : undefined;
}

const isSeqItem = (content: string) => content === '-' || content.startsWith('- ');

/** Reads lines into nodes, one block (a mapping or a sequence) at a time; `cursor` is the next unread line. */
class BlockParser {
	cursor = 0;

	constructor(readonly lines: Line[]) {}

	/** Consumes the lines of one block (a mapping or a sequence) whose first line has `indent`. */
	block(indent: number): YamlNode {
		const first = this.lines[this.cursor]!;
		return isSeqItem(first.content) ? this.sequence(indent) : this.mapping(indent);
	}

	private skipDeeper(indent: number): void {
		while (this.cursor < this.lines.length && this.lines[this.cursor]!.indent > indent) {
			this.cursor++;
		}
	}

	private valueAfter(owner: Line, indent: number, rest: string, allowSameIndentSeq: boolean): YamlNode {
		if (rest !== '' && !rest.startsWith('#')) {
			const node = inlineValue(rest, owner.line);
			if (node.kind === 'unsupported') {
				this.skipDeeper(indent);
			}

			return node;
		}

		const next = this.lines[this.cursor];
		if (next && next.indent > indent) {
			return this.block(next.indent);
		}

		// `key:` followed by `- item` at the key's own indent is a sequence value (YAML 1.2, 8.2.1).
		if (allowSameIndentSeq && next && next.indent === indent && isSeqItem(next.content)) {
			return this.sequence(indent);
		}

		return {kind: 'scalar', line: owner.line, value: null};
	}

	private mapping(indent: number): YamlNode {
		const entries = new Map<string, YamlNode>();
		const start = this.lines[this.cursor]!.line;
		while (this.cursor < this.lines.length) {
			const current = this.lines[this.cursor]!;
			if (current.indent < indent) {
				break;
			}

			if (current.indent > indent) {
				throw new YamlError(current.line, 'unexpected indentation');
			}

			if (isSeqItem(current.content)) {
				break;
			}

			const entry = splitEntry(current.content, current.line);
			if (!entry) {
				throw new YamlError(current.line, `expected "key: value", got ${JSON.stringify(current.content.slice(0, 60))}`);
			}

			if (entries.has(entry.key)) {
				throw new YamlError(current.line, `the key ${JSON.stringify(entry.key)} appears twice`);
			}

			this.cursor++;
			entries.set(entry.key, this.valueAfter(current, indent, entry.rest, true));
		}

		return {kind: 'map', line: start, entries};
	}

	private sequence(indent: number): YamlNode {
		const items: YamlNode[] = [];
		const start = this.lines[this.cursor]!.line;
		while (this.cursor < this.lines.length) {
			const current = this.lines[this.cursor]!;
			if (current.indent !== indent || !isSeqItem(current.content)) {
				if (current.indent > indent) {
					throw new YamlError(current.line, 'unexpected indentation');
				}

				break;
			}

			const after = current.content === '-' ? '' : current.content.slice(2);
			const offset = current.content.length - after.trimStart().length;
			const inner = after.trimStart();
			if (inner === '' || inner.startsWith('#')) {
				this.cursor++;
				const next = this.lines[this.cursor];
				items.push(next && next.indent > indent ? this.block(next.indent) : {kind: 'scalar', line: current.line, value: null});
				continue;
			}

			// `- key: value` opens a mapping whose keys line up with `key`: read the rest of the line as a line of its own.
			if (isSeqItem(inner) || splitEntry(inner, current.line)) {
				this.lines[this.cursor] = {indent: indent + offset, content: inner, line: current.line};
				items.push(this.block(indent + offset));
				continue;
			}

			this.cursor++;
			items.push(this.valueAfter(current, indent, inner, false));
		}

		return {kind: 'seq', line: start, items};
	}
}

/** Parse a document. Throws a {@link YamlError} for what cannot be read at all (tabs, unbalanced quotes, bad indentation). */
export function parseYaml(text: string): YamlNode {
	const lines = splitLines(text);
	if (lines.length === 0) {
		return {kind: 'map', line: 1, entries: new Map()};
	}

	if (lines[0]!.indent !== 0) {
		throw new YamlError(lines[0]!.line, 'the document must start at column 1');
	}

	const parser = new BlockParser(lines);
	const root = parser.block(0);
	if (parser.cursor < lines.length) {
		throw new YamlError(lines[parser.cursor]!.line, 'unexpected indentation');
	}

	return root;
}
