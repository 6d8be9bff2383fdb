const REDACTED = '[REDACTED]';

// Signature material that may come back from a service or proxy: COS signature parts and Standard
// Webhooks secrets keep their name and lose their value wherever they stand.
const SIGNATURE_PATTERNS = [/(q-signature=)[0-9a-fA-F]+/g, /(q-ak=)[A-Za-z0-9]+/g, /(whsec_)[A-Za-z0-9+/=]+/g];

// The value of an echoed Authorization header, as a header line (`Authorization: …`), a JSON or
// form field (`"authorization":"…"`, `authorization=…`), or the same inside a serialised JSON
// string (`\"authorization\":\"…\"`). The value ends at a quote, a backslash (an escaped quote in a
// log line) or the end of the line: a COS (`q-sign-algorithm=…;…&q-signature=…`) or TC3
// (`TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`) value has spaces, `;` and `,` inside.
const AUTHORIZATION_VALUE = /(\b(?:proxy-)?authorization(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?)[^"'\\\r\n]+/gi;

// `Bearer <credential>` anywhere (RFC 6750 section 2.1, token68 syntax). Only a credential-shaped value
// is replaced: 16 characters or more (BINDER_HTTP_TOKEN's minimum) with a digit or a token68 symbol.
// A bare word after "bearer" — "missing or invalid bearer token" — is prose, not a secret; replacing
// it was how that 401 message came out as "missing or invalid bearer [REDACTED]".
const BEARER = /\b(Bearer\s+)([A-Za-z0-9\-._~+/]+=*)/gi;
const CREDENTIAL_SHAPED = /^(?=.*[0-9\-_~+/=])[A-Za-z0-9\-._~+/]{16,}=*$/;

/**
Remove secrets from text that is about to leave the process (log line, error message, webhook body,
CLI output).

Known secret values are replaced wherever they stand; an echoed Authorization header value and
signature-shaped fragments are replaced even when we do not know the value. Ordinary words are never
replaced. Values shorter than 4 characters are ignored: replacing them would shred the text without
protecting anything.
*/
export function redact(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
	let result = text;
	for (const secret of secrets) {
		if (secret !== undefined && secret.length >= 4) {
			result = result.split(secret).join(REDACTED);
		}
	}

	for (const pattern of SIGNATURE_PATTERNS) {
		result = result.replace(pattern, `$1${REDACTED}`);
	}

	result = result.replace(AUTHORIZATION_VALUE, (_match, name: string) => `${name}${REDACTED}`);
	return result.replace(BEARER, (match, scheme: string, credential: string) => (CREDENTIAL_SHAPED.test(credential) ? `${scheme}${REDACTED}` : match));
}
