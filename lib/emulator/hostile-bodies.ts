import {element, xmlDocument} from './xml.js';

/** Depth of the `deepNesting` body: above the ~3000 levels where recursive XML parsers overflow the stack. */
export const DEEP_NESTING_LEVELS = 5000;
/** Size of the `huge` body: far above any sane response cap. */
export const HUGE_BODY_BYTES = 20 * 1024 * 1024;
const HUGE_CHUNK_BYTES = 64 * 1024;

/** What a fronting proxy (nginx) sends when the service behind it fails. */
export const PROXY_ERROR_PAGE =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** The real body cut in half (by bytes, so a multi-byte character may be split too). */
export function truncatedBody(body: string | Buffer): Buffer {
	const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
	return bytes.subarray(0, Math.floor(bytes.length / 2));
}

/** Well-formed XML nested {@link DEEP_NESTING_LEVELS} deep. */
export function deeplyNestedBody(requestId: string): string {
	return xmlDocument(`<Response>${element('RequestId', requestId)}${'<Nested>'.repeat(DEEP_NESTING_LEVELS)}x${'</Nested>'.repeat(DEEP_NESTING_LEVELS)}</Response>`);
}

/** XML whose tag names collide with `Object.prototype`: a naive XML-to-object mapper pollutes prototypes. */
export function protoTagsBody(requestId: string): string {
	return xmlDocument(
		'<Response>' +
			'<__proto__><polluted>yes</polluted><CIStatus>on</CIStatus></__proto__>' +
			'<constructor><prototype><polluted>yes</polluted></prototype></constructor>' +
			'<hasOwnProperty>x</hasOwnProperty>' +
			element('RequestId', requestId) +
			'</Response>',
	);
}

/** Length and chunks of a {@link HUGE_BODY_BYTES} body that starts like a real answer. Streamed, never held whole. */
export function hugeBody(requestId: string): {length: number; chunks: () => Generator<Buffer>} {
	const head = Buffer.from(xmlDocument(`<Response>${element('RequestId', requestId)}<Padding>`), 'utf8');
	const tail = Buffer.from('</Padding></Response>', 'utf8');
	const padding = HUGE_BODY_BYTES - head.length - tail.length;
	const chunk = Buffer.alloc(HUGE_CHUNK_BYTES, 'A');
	return {
		length: HUGE_BODY_BYTES,
		*chunks() {
			yield head;
			let left = padding;
			while (left > 0) {
				const size = Math.min(left, chunk.length);
				yield size === chunk.length ? chunk : chunk.subarray(0, size);
				left -= size;
			}

			yield tail;
		},
	};
}
