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

// Tag nesting depth measured on the raw text before parsing, so a hostile document cannot overflow
// the parser's stack. Counts `<name` opens and `</` closes and ignores `<?`, `<!` and `/>`.
function maxDepth(xml: string): number {
	let depth = 0;
	let max = 0;
	const tag = /<(\/?)([^\s>/!?][^\s>/]*)[^>]*?(\/?)>/g;
	for (let match = tag.exec(xml); match !== null; match = tag.exec(xml)) {
		if (match[1] === '/') {
			depth--;
		} else if (match[3] !== '/') {
			depth++;
			if (depth > max) {
				max = depth;
				if (max > MAX_XML_DEPTH) {
					return max;
				}
			}
		}
	}

	return max;
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

	if (maxDepth(body) > MAX_XML_DEPTH) {
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

	if (!body.endsWith(`</${root.tagName}>`) && !(root.selfClosed && body.endsWith('/>'))) {
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
