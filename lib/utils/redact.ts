const REDACTED = '[REDACTED]';

// Signature material that may come back from a service or proxy (an echoed Authorization header).
const SIGNATURE_PATTERNS = [/q-signature=[0-9a-fA-F]+/g, /q-ak=[A-Za-z0-9]+/g, /whsec_[A-Za-z0-9+/=]+/g, /Bearer\s+[^\s"',;]+/gi];

/**
Remove secrets from text that is about to leave the process (log line, error message, webhook body).

Known secret values are replaced wherever they stand; signature-shaped fragments are replaced even when
we do not know the value. Values shorter than 4 characters are ignored: replacing them would shred the
text without protecting anything.
*/
export function redact(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
	let result = text;
	for (const secret of secrets) {
		if (secret !== undefined && secret.length >= 4) {
			result = result.split(secret).join(REDACTED);
		}
	}

	for (const pattern of SIGNATURE_PATTERNS) {
		result = result.replace(pattern, (match) => `${match.slice(0, match.indexOf('=') + 1 || 7)}${REDACTED}`);
	}

	return result;
}
