import {readFileSync} from 'node:fs';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {
	computeSignatureParts,
	DEFAULT_SIGNATURE_EXPIRES_SECONDS,
	getAuthorization,
	parseAuthorization,
	resolveKeyTime,
	type SignatureParts,
} from '../../lib/signer/authorization.js';
import {fromCosSdkOptions} from '../../lib/signer/cos-sdk-options.js';

type DocExample = {
	name: string;
	source: string;
	secretId: string;
	secretKey: string;
	keyTime: string;
	method: string;
	pathname: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	expected: Omit<SignatureParts, 'keyTime'> & {authorization: string};
};

// The official doc's two worked examples (COS 436/7778) with every intermediate value. The SDK cannot be
// the oracle here: it drops `date` and `content-type` from the signed headers.
const docExamples = JSON.parse(readFileSync(new URL('../fixtures/signature-doc-examples.json', import.meta.url), 'utf8')) as DocExample[];

const INTERMEDIATE_FIELDS = ['signKey', 'httpParameters', 'urlParamList', 'httpHeaders', 'headerList', 'httpString', 'stringToSign', 'signature'] as const;

const SECRET_ID = 'AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q';
const SECRET_KEY = 'BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz';
const KEY_TIME = '1557989151;1557996351';

const partsFor = (input: Partial<Parameters<typeof computeSignatureParts>[0]>): SignatureParts =>
	computeSignatureParts({secretKey: SECRET_KEY, keyTime: KEY_TIME, method: 'get', pathname: '/', ...input});

/** Run `fn` with `Date.now()` frozen at `now` (milliseconds). */
function withNow<T>(now: number, fn: () => T): T {
	const original = Date.now;
	Date.now = () => now;
	try {
		return fn();
	} finally {
		Date.now = original;
	}
}

// ---------------------------------------------------------------------------------------------------------
// (a) The documented worked examples
// ---------------------------------------------------------------------------------------------------------

test('the fixture holds the two doc examples', () => {
	assert.is(docExamples.length, 2);
	assert.equal(
		docExamples.map((example) => example.name),
		['put-object-upload', 'get-object-download-with-response-params'],
	);
});

for (const example of docExamples) {
	test(`doc example ${example.name}: every intermediate value`, () => {
		const parts = computeSignatureParts({
			secretKey: example.secretKey,
			keyTime: example.keyTime,
			method: example.method,
			pathname: example.pathname,
			query: example.query,
			headers: example.headers,
		});
		assert.is(parts.keyTime, example.keyTime);
		for (const field of INTERMEDIATE_FIELDS) {
			assert.is(parts[field], example.expected[field], `${example.name}: ${field}`);
		}
	});

	test(`doc example ${example.name}: Authorization with camelCase options`, () => {
		const authorization = getAuthorization({
			secretId: example.secretId,
			secretKey: example.secretKey,
			keyTime: example.keyTime,
			method: example.method,
			pathname: example.pathname,
			query: example.query,
			headers: example.headers,
		});
		assert.is(authorization, example.expected.authorization);
	});

	test(`doc example ${example.name}: Authorization with PascalCase (SDK) options`, () => {
		const authorization = getAuthorization(
			fromCosSdkOptions({
				SecretId: example.secretId,
				SecretKey: example.secretKey,
				KeyTime: example.keyTime,
				Method: example.method,
				Pathname: example.pathname,
				Query: example.query,
				Headers: example.headers,
			}),
		);
		assert.is(authorization, example.expected.authorization);
	});

	test(`doc example ${example.name}: the English page's "(tencentcloud)" path is NOT what was signed`, () => {
		const english = example.pathname.replace('(腾讯云)', '(tencentcloud)');
		assert.is.not(english, example.pathname);
		const parts = computeSignatureParts({...example, pathname: english});
		assert.is(parts.signKey, example.expected.signKey, 'the key does not depend on the path');
		assert.is.not(parts.signature, example.expected.signature);
		assert.is.not(parts.stringToSign, example.expected.stringToSign);
	});

	test(`doc example ${example.name}: the percent-encoded path gives a different signature`, () => {
		// Both the plain encodeURIComponent form and the fully encoded form (parentheses too) are wrong.
		const encodedForms = [
			example.pathname.replace('腾讯云', encodeURIComponent('腾讯云')),
			'/' + encodeURIComponent(example.pathname.slice(1)).replace(/[()]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`),
		];
		assert.is(encodedForms[0], '/exampleobject(%E8%85%BE%E8%AE%AF%E4%BA%91)');
		assert.is(encodedForms[1], '/exampleobject%28%E8%85%BE%E8%AE%AF%E4%BA%91%29');
		for (const pathname of encodedForms) {
			const parts = computeSignatureParts({...example, pathname});
			assert.is.not(parts.signature, example.expected.signature, pathname);
			const authorization = getAuthorization({...example, pathname});
			assert.is.not(authorization, example.expected.authorization, pathname);
		}
	});
}

// ---------------------------------------------------------------------------------------------------------
// (b) Units
// ---------------------------------------------------------------------------------------------------------

test('a parameter without value (`?unbind`) signs as `unbind=`', () => {
	const parts = partsFor({method: 'POST', query: {unbind: ''}});
	assert.is(parts.httpParameters, 'unbind=');
	assert.is(parts.urlParamList, 'unbind');
	assert.is(parts.httpString, 'post\n/\nunbind=\n\n');
});

test('undefined and null values sign as the empty string', () => {
	const parts = partsFor({
		query: {unbind: undefined, uploads: null, empty: ''},
		headers: {'x-cos-a': undefined, 'x-cos-b': null},
	});
	assert.is(parts.httpParameters, 'empty=&unbind=&uploads=');
	assert.is(parts.urlParamList, 'empty;unbind;uploads');
	assert.is(parts.httpHeaders, 'x-cos-a=&x-cos-b=');
	assert.is(parts.headerList, 'x-cos-a;x-cos-b');
	// …and so do the same as an explicit empty string.
	assert.is(parts.signature, partsFor({query: {unbind: '', uploads: '', empty: ''}, headers: {'x-cos-a': '', 'x-cos-b': ''}}).signature);
	assert.is.not(parts.httpParameters.includes('undefined') || parts.httpParameters.includes('null'), true);
});

test('numbers and booleans sign as their string form', () => {
	const parts = partsFor({query: {'max-keys': 100, 'encoding-type': true}});
	assert.is(parts.httpParameters, 'encoding-type=true&max-keys=100');
});

test('names are encoded then lowercased; values keep their case', () => {
	const parts = partsFor({
		query: {'Max-Keys': 'ABCdef', 'Response-Content-Type': 'Text/Plain'},
		headers: {'Content-MD5': 'mQ/fVh815F3k6TAUm8m0eg==', 'X-COS-Meta-Author': 'Ärger Ö'},
	});
	assert.is(parts.httpParameters, 'max-keys=ABCdef&response-content-type=Text%2FPlain');
	assert.is(parts.urlParamList, 'max-keys;response-content-type');
	assert.is(parts.httpHeaders, 'content-md5=mQ%2FfVh815F3k6TAUm8m0eg%3D%3D&x-cos-meta-author=%C3%84rger%20%C3%96');
	assert.is(parts.headerList, 'content-md5;x-cos-meta-author');

	// `É` encoded then lowercased is `%c3%89`; lowercased then encoded would be `%C3%A9` (or `%c3%a9`).
	const nonAscii = partsFor({query: {É: 'É'}});
	assert.is(nonAscii.httpParameters, '%c3%89=%C3%89');
	assert.is(nonAscii.urlParamList, '%c3%89');
});

test('`!\'()*` and space are percent-encoded (%21 %27 %28 %29 %2A %20), never `+`', () => {
	const parts = partsFor({query: {"a!'()* b": "!'()* x"}});
	// Name: encoded then lowercased (`%2a`); value: encoded, case kept (`%2A`).
	assert.is(parts.httpParameters, 'a%21%27%28%29%2a%20b=%21%27%28%29%2A%20x');
	assert.is(parts.urlParamList, 'a%21%27%28%29%2a%20b');
	assert.not.match(parts.httpParameters, /[!'()*+ ]/);
	// The rest of the reserved set, and that only `A-Za-z0-9-_.~` are left alone.
	const rest = partsFor({query: {v: '&=+?#%;:@/~-_.aZ09'}});
	assert.is(rest.httpParameters, 'v=%26%3D%2B%3F%23%25%3B%3A%40%2F~-_.aZ09');
});

test('pairs are sorted by encoded, lowercased name', () => {
	const parts = partsFor({query: {b: '2', A: '1', c: '3', 'a-b': '4'}});
	assert.is(parts.httpParameters, 'a=1&a-b=4&b=2&c=3');
	assert.is(parts.urlParamList, 'a;a-b;b;c');
	// A non-ASCII name sorts by its `%XX` form, i.e. before letters (the documented order).
	const mixed = partsFor({query: {z: '', 腾: ''}});
	assert.is(mixed.urlParamList, '%e8%85%be;z');
});

test('a missing leading `/` is added to the path', () => {
	assert.is(partsFor({pathname: 'exampleobject'}).httpString, 'get\n/exampleobject\n\n\n');
	assert.is(partsFor({pathname: 'exampleobject'}).signature, partsFor({pathname: '/exampleobject'}).signature);
	assert.is(partsFor({pathname: ''}).httpString, 'get\n/\n\n\n');
	const viaOptions = getAuthorization({secretId: SECRET_ID, secretKey: SECRET_KEY, keyTime: KEY_TIME, pathname: 'a/b'});
	assert.is(viaOptions, getAuthorization({secretId: SECRET_ID, secretKey: SECRET_KEY, keyTime: KEY_TIME, pathname: '/a/b'}));
});

test('the method is lowercased and defaults to get; the path defaults to /', () => {
	assert.is(partsFor({method: 'DeLeTe'}).httpString, 'delete\n/\n\n\n');
	const defaults = getAuthorization({secretId: SECRET_ID, secretKey: SECRET_KEY, keyTime: KEY_TIME});
	assert.is(defaults, getAuthorization({secretId: SECRET_ID, secretKey: SECRET_KEY, keyTime: KEY_TIME, method: 'GET', pathname: '/'}));
});

test('keyTime takes precedence over startTime/expires (both spellings)', () => {
	assert.is(resolveKeyTime({keyTime: '1;2', startTime: 100, expires: 5, now: 1e12}), '1;2');
	const base = {secretId: SECRET_ID, secretKey: SECRET_KEY};
	const expected = getAuthorization({...base, keyTime: KEY_TIME});
	assert.ok(expected.includes(`q-sign-time=${KEY_TIME}&q-key-time=${KEY_TIME}&`));
	assert.is(getAuthorization({...base, keyTime: KEY_TIME, startTime: 100, expires: 5}), expected);
	assert.is(getAuthorization({...base, ...fromCosSdkOptions({KeyTime: KEY_TIME, StartTime: 100, Expires: 5})}), expected);
	assert.is(getAuthorization({...base, ...fromCosSdkOptions({KeyTime: KEY_TIME}), clockOffsetMs: 3_600_000}), expected);
});

test('startTime / expires build the window when keyTime is absent', () => {
	assert.is(resolveKeyTime({startTime: 1557989151, expires: 7200}), '1557989151;1557996351');
	assert.is(resolveKeyTime({startTime: 1557989151}), `1557989151;${1557989151 + DEFAULT_SIGNATURE_EXPIRES_SECONDS}`);
	const base = {secretId: SECRET_ID, secretKey: SECRET_KEY};
	assert.is(getAuthorization({...base, startTime: 1557989151, expires: 7200}), getAuthorization({...base, keyTime: KEY_TIME}));
	assert.is(getAuthorization({...base, ...fromCosSdkOptions({StartTime: 1557989151, Expires: 7200})}), getAuthorization({...base, keyTime: KEY_TIME}));
});

test('default window: start = round(now / 1000) - 1, end = start + 900', () => {
	assert.is(DEFAULT_SIGNATURE_EXPIRES_SECONDS, 900);
	assert.is(resolveKeyTime({now: 1_557_989_151_400}), '1557989150;1557990050');
	assert.is(resolveKeyTime({now: 1_557_989_151_600}), '1557989151;1557990051');
	assert.is(resolveKeyTime({now: 1_557_989_151_000, expires: 60}), '1557989150;1557989210');

	const authorization = withNow(1_557_989_151_400, () => getAuthorization({secretId: SECRET_ID, secretKey: SECRET_KEY}));
	const parsed = parseAuthorization(authorization);
	assert.is(parsed?.keyTime, '1557989150;1557990050');
	assert.is(parsed?.signTime, '1557989150;1557990050');
});

test('default window honours clockOffsetMs', () => {
	assert.is(resolveKeyTime({now: 1_557_989_151_000, clockOffsetMs: 5_000}), '1557989155;1557990055');
	assert.is(resolveKeyTime({now: 1_557_989_151_000, clockOffsetMs: -3_600_000}), '1557985550;1557986450');
	// 400 ms + 200 ms of offset crosses the rounding boundary.
	assert.is(resolveKeyTime({now: 1_557_989_151_400, clockOffsetMs: 200}), '1557989151;1557990051');

	const authorization = withNow(1_557_989_151_000, () =>
		getAuthorization({secretId: SECRET_ID, secretKey: SECRET_KEY, clockOffsetMs: 5_000}),
	);
	assert.is(parseAuthorization(authorization)?.keyTime, '1557989155;1557990055');
	// An explicit startTime ignores the clock and its offset.
	assert.is(resolveKeyTime({now: 1_557_989_151_000, clockOffsetMs: 5_000, startTime: 10, expires: 1}), '10;11');
});

test('a missing secretId throws a TypeError naming it, without leaking the secretKey', () => {
	for (const secretId of [undefined, '']) {
		try {
			getAuthorization({secretId, secretKey: SECRET_KEY, keyTime: KEY_TIME});
			assert.unreachable('should have thrown');
		} catch (error) {
			assert.instance(error, TypeError);
			const {message} = error as TypeError;
			assert.match(message, 'secretId');
			assert.not.match(message, SECRET_KEY);
		}
	}
});

test('a missing secretKey throws a TypeError naming it, without leaking the secretId', () => {
	for (const options of [{secretId: SECRET_ID}, fromCosSdkOptions({SecretId: SECRET_ID, SecretKey: ''})]) {
		try {
			getAuthorization({...options, keyTime: KEY_TIME});
			assert.unreachable('should have thrown');
		} catch (error) {
			assert.instance(error, TypeError);
			const {message} = error as TypeError;
			assert.match(message, 'secretKey');
			assert.not.match(message, SECRET_ID);
		}
	}
});

test('the secretKey never appears in the Authorization', () => {
	const authorization = getAuthorization({secretId: SECRET_ID, secretKey: SECRET_KEY, keyTime: KEY_TIME, query: {a: SECRET_KEY}});
	assert.not.match(authorization, SECRET_KEY);
});

test('parseAuthorization round-trips getAuthorization', () => {
	const example = docExamples[0]!;
	const authorization = getAuthorization(example);
	const parsed = parseAuthorization(authorization);
	assert.equal(parsed, {
		algorithm: 'sha1',
		secretId: example.secretId,
		signTime: example.keyTime,
		keyTime: example.keyTime,
		headerList: ['content-length', 'content-md5', 'content-type', 'date', 'host', 'x-cos-acl', 'x-cos-grant-read'],
		urlParamList: [],
		signature: example.expected.signature,
	});

	const withQuery = getAuthorization({secretId: SECRET_ID, secretKey: SECRET_KEY, keyTime: KEY_TIME, query: {unbind: '', 'Max-Keys': 1}});
	const parsedQuery = parseAuthorization(withQuery)!;
	assert.equal(parsedQuery.urlParamList, ['max-keys', 'unbind']);
	assert.equal(parsedQuery.headerList, []);
	// Rebuilding the header from the parsed fields gives the same string.
	const rebuilt = [
		`q-sign-algorithm=${parsedQuery.algorithm}`,
		`q-ak=${parsedQuery.secretId}`,
		`q-sign-time=${parsedQuery.signTime}`,
		`q-key-time=${parsedQuery.keyTime}`,
		`q-header-list=${parsedQuery.headerList.join(';')}`,
		`q-url-param-list=${parsedQuery.urlParamList.join(';')}`,
		`q-signature=${parsedQuery.signature}`,
	].join('&');
	assert.is(rebuilt, withQuery);
});

test('parseAuthorization returns undefined when a required field is missing', () => {
	const authorization = getAuthorization(docExamples[1]!);
	const fields = authorization.split('&');
	assert.is(fields.length, 7);
	for (let index = 0; index < fields.length; index++) {
		const without = fields.filter((_, other) => other !== index).join('&');
		assert.is(parseAuthorization(without), undefined, `without ${fields[index]}`);
	}

	assert.is(parseAuthorization(''), undefined);
	assert.is(parseAuthorization('garbage'), undefined);
});

test.run();
