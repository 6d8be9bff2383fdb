const ELLIPSIS = '…';

/**
Cut `text` to at most `maxBytes` UTF-8 bytes, ending with `…` when cut. The cut falls on a code point
boundary: robots reject bodies that are not valid UTF-8, and a half character would be one.
*/
export function truncateUtf8(text: string, maxBytes: number): string {
	const bytes = Buffer.from(text, 'utf8');
	if (bytes.length <= maxBytes) {
		return text;
	}

	const room = maxBytes - Buffer.byteLength(ELLIPSIS);
	if (room <= 0) {
		return '';
	}

	let end = room;
	// Step back over continuation bytes (10xxxxxx) to the first byte of the character that does not fit.
	while (end > 0 && (bytes[end]! & 0b1100_0000) === 0b1000_0000) {
		end--;
	}

	return bytes.subarray(0, end).toString('utf8') + ELLIPSIS;
}
