/** The declaration COS puts in front of its XML answers. */
export const XML_DECLARATION = "<?xml version='1.0' encoding='utf-8' ?>";

// Characters XML 1.0 forbids even when escaped; user input (a bucket name in a message) may hold them.
const FORBIDDEN_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escape text for an XML element; forbidden control characters become U+FFFD. */
export function escapeXml(text: string): string {
	return text
		.replace(FORBIDDEN_XML_CHARS, '\uFFFD')
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&apos;');
}

/** `<name>escaped text</name>`. */
export function element(name: string, text: string | number | boolean): string {
	return `<${name}>${escapeXml(String(text))}</${name}>`;
}

/** `<name>children</name>`, children already serialized. */
export function container(name: string, ...children: string[]): string {
	return `<${name}>${children.join('')}</${name}>`;
}

/** A complete XML document. */
export function xmlDocument(root: string): string {
	return `${XML_DECLARATION}\n${root}`;
}
