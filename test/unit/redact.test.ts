import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {redact} from '../../lib/utils/redact.js';

const HTTP_TOKEN = 'test-http-token-0123456789abcdef';

test('words are never redacted: "bearer token", "Authorization header", "session token"', () => {
	for (const prose of [
		'missing or invalid bearer token in the Authorization header',
		'Bearer authentication required',
		'set TENCENTCLOUD_SESSIONTOKEN for temporary keys; the token expires',
		'authorizationRequired: the authorization step failed',
	]) {
		assert.is(redact(prose, ['some-secret-value']), prose);
	}
});

test('known secret values, escaped or not, are replaced wherever they stand', () => {
	const token = 'SESSION-TOKEN-VALUE-456';
	assert.is(redact(`x${token}y ${token}`, [token]), 'x[REDACTED]y [REDACTED]');
	assert.is(redact('ab abc', ['ab', 'abc']), 'ab abc', 'values under 4 characters are not secrets');
});

test('an echoed Authorization header value goes, in every shape; its name and the text around stay', () => {
	const cos = 'q-sign-algorithm=sha1&q-ak=AKIDx1&q-sign-time=1;2&q-key-time=1;2&q-header-list=host;x-a&q-url-param-list=&q-signature=0a1b2c';
	const tc3 = 'TC3-HMAC-SHA256 Credential=AKIDx1/2024-01-01/scf/tc3_request, SignedHeaders=content-type;host, Signature=ff00';
	assert.is(redact(`Authorization: ${cos}`), 'Authorization: [REDACTED]');
	assert.is(redact(`proxy said:\nauthorization: ${tc3}\nnext line`), 'proxy said:\nauthorization: [REDACTED]\nnext line');
	assert.is(redact(JSON.stringify({headers: {Authorization: `Bearer ${HTTP_TOKEN}`}, n: 1})), '{"headers":{"Authorization":"[REDACTED]"},"n":1}');
	// Inside a serialised log line the value stops at the escaped quote: the line stays valid JSON.
	const line = JSON.stringify({message: JSON.stringify({authorization: cos, bucket: 'a-1250000000'})});
	const clean = redact(line);
	assert.not.match(clean, /0a1b2c|AKIDx1/);
	assert.match(JSON.parse(clean).message, /"bucket":"a-1250000000"/);
});

test('credential-shaped Bearer values and signature fragments go even when unknown', () => {
	assert.is(redact('got Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln here'), 'got Bearer [REDACTED] here');
	assert.is(redact('q-ak=AKID123&q-signature=deadbeef'), 'q-ak=[REDACTED]&q-signature=[REDACTED]');
	// A Standard Webhooks secret with base64 padding loses all of it, not just the part before `=`.
	assert.is(redact('secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw== end'), 'secret whsec_[REDACTED] end');
});

test.run();
