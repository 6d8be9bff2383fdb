import {parse, type TNode} from 'txml/txml';

/**
A parsed XML element: our own small tree, so tag names such as `__proto__` or `constructor` are plain
strings in an array and can never touch an object prototype (txml's `simplify` throws on them).
*/
export type XmlElement = {
	name: string;
	/** Text content with the five XML entities and numeric references decoded, trimmed. */
	text: string;
	children: XmlElement[];
};

/** Why a body could not be read as the XML we expected. */
export class XmlParseError extends Error {
	override readonly name = 'XmlParseError' as const;
}

/**
Deeper than this and we refuse the document: txml recurses per level and overflows the stack near
3,000, and no Tencent response nests more than four levels.
*/
export const MAX_XML_DEPTH = 64;

const ENTITIES: Record<string, string> = {amp: '&', lt: '<', gt: '>', quot: '"', apos: "'"};

/** Decode XML character references: txml leaves `&amp;` and friends as they are. */
export function decodeXmlText(value: string): string {
	return value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (match, entity: string) => {
		if (entity.startsWith('#')) {
			const codePoint = entity[1] === 'x' ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10);
			return codePoint <= 0x10_ffff ? String.fromCodePoint(codePoint) : match;
		}

		return ENTITIES[entity] ?? match;
	});
}

/** Escape text for an XML element body. */
export function escapeXmlText(value: string): string {
	return value.replace(/[&<>"']/g, (char) => `&${{'&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos'}[char]!};`);
}

// Tag nesting depth measured on the raw text before parsing, so a hostile document cannot overflow the
// parser's stack. A linear scan from `<` to the next `>` (a regex here was quadratic on a body full of
// unclosed `<`). `<?`, `<!` and `/>` do not nest. Overflows that slip past it are still caught below.
function exceedsDepth(xml: string, limit: number): boolean {
	let depth = 0;
	for (let index = xml.indexOf('<'); index !== -1; ) {
		const close = xml.indexOf('>', index + 1);
		if (close === -1) {
			return false;
		}

		const next = xml[index + 1];
		if (next === '/') {
			depth--;
		} else if (next !== '!' && next !== '?' && xml[close - 1] !== '/' && ++depth > limit) {
			return true;
		}

		index = xml.indexOf('<', close + 1);
	}

	return false;
}

const isSpace = (char: string | undefined) => char === ' ' || char === '\n' || char === '\r' || char === '\t';

// Whether the document ends with `</root>` (white space allowed inside the tag), once trailing white
// space, comments and processing instructions are set aside. Index-based: no copies of the body.
function endsWithClosingTag(body: string, root: string): boolean {
	let end = body.length;
	for (;;) {
		while (end > 0 && isSpace(body[end - 1])) {
			end--;
		}

		const trailer = body.endsWith('-->', end) ? body.lastIndexOf('<!--', end - 3) : body.endsWith('?>', end) ? body.lastIndexOf('<?', end - 2) : -2;
		if (trailer === -2) {
			break;
		}

		if (trailer === -1) {
			return false;
		}

		end = trailer;
	}

	if (body[end - 1] !== '>') {
		return false;
	}

	let index = end - 2;
	while (index >= 0 && isSpace(body[index])) {
		index--;
	}

	const start = index - root.length + 1;
	return start >= 2 && body.startsWith(root, start) && body.startsWith('</', start - 2);
}

function toElement(node: TNode): XmlElement {
	const children: XmlElement[] = [];
	let text = '';
	for (const child of node.children) {
		if (typeof child === 'string') {
			text += child;
		} else {
			children.push(toElement(child));
		}
	}

	return {name: node.tagName, text: decodeXmlText(text).trim(), children};
}

/**
Parse an XML document and return its root element. Throws {@link XmlParseError} when the body is not
a complete XML document: no root, nested too deep, or cut off before the root's closing tag (txml
accepts truncated input silently, so completeness is checked on the text).
*/
export function parseXml(xml: string): XmlElement {
	const body = xml.trim();
	if (!body.startsWith('<')) {
		throw new XmlParseError('body is not XML');
	}

	if (exceedsDepth(body, MAX_XML_DEPTH)) {
		throw new XmlParseError(`XML nests deeper than ${MAX_XML_DEPTH} levels`);
	}

	let nodes: Array<TNode | string>;
	try {
		nodes = parse(body, {selfClosingTags: []});
	} catch (error) {
		throw new XmlParseError(`malformed XML: ${error instanceof Error ? error.message : String(error)}`);
	}

	const roots = nodes.filter((node): node is TNode => typeof node !== 'string' && !node.tagName.startsWith('?') && !node.tagName.startsWith('!'));
	const root = roots[0];
	if (root === undefined || roots.length > 1) {
		throw new XmlParseError('XML must have exactly one root element');
	}

	if (!endsWithClosingTag(body, root.tagName) && !root.selfClosed) {
		throw new XmlParseError(`XML is truncated: no closing </${root.tagName}>`);
	}

	return toElement(root);
}

/** The first child element with this name. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
	return element.children.find((item) => item.name === name);
}

/** Every child element with this name, in document order. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
	return element.children.filter((item) => item.name === name);
}

/** Text of the first child with this name, or `undefined`. */
export function childText(element: XmlElement, name: string): string | undefined {
	return child(element, name)?.text;
}
