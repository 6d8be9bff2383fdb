// Differential test: our signer against the official Node SDK (`cos-nodejs-sdk-v5` `COS.getAuthorization`)
// on generated requests, plus an independent reimplementation of the documented algorithm (COS 436/7778)
// for the requests where the SDK disagrees with itself.
import {createHash, createHmac} from 'node:crypto';
import {createRequire} from 'node:module';
import fc from 'fast-check';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {getAuthorization, parseAuthorization, type SignableValue} from '../../lib/signer/authorization.js';
import {fromCosSdkOptions} from '../../lib/signer/cos-sdk-options.js';

type SdkOptions = {
	SecretId: string;
	SecretKey: string;
	Method: string;
	Pathname: string;
	Query: Record<string, SignableValue>;
	Headers: Record<string, SignableValue>;
	KeyTime: string;
};

const require = createRequire(import.meta.url);
const COS = require('cos-nodejs-sdk-v5') as {getAuthorization(options: SdkOptions): string};

const NUM_RUNS = 1000;
const SEED = 20_190_516;
const MIN_FULL_COMPARISONS = 900;

/**
The headers `cos-nodejs-sdk-v5` (sdk/util.js `signHeaders`) keeps; everything else is dropped from its signature,
except names whose lowercase form contains `x-cos-` or `x-ci-` *anywhere* (`indexOf(…) > -1`, not a prefix test).
*/
const SDK_SIGN_HEADERS = [
	'cache-control',
	'content-disposition',
	'content-encoding',
	'content-length',
	'content-md5',
	'content-type',
	'expect',
	'expires',
	'host',
	'if-match',
	'if-modified-since',
	'if-none-match',
	'if-unmodified-since',
	'origin',
	'range',
	'transfer-encoding',
	'pic-operations',
] as const;

const sdkKeepsHeader = (name: string): boolean => {
	const key = name.toLowerCase();
	return key.includes('x-cos-') || key.includes('x-ci-') || (SDK_SIGN_HEADERS as readonly string[]).includes(key);
};

// ---------------------------------------------------------------------------------------------------------
// An independent, straightforward implementation of the documented algorithm. It shares no code with
// lib/signer (its encoder works on UTF-8 bytes instead of encodeURIComponent).
// ---------------------------------------------------------------------------------------------------------

const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;
const utf8 = new TextEncoder();

function referenceEncode(text: string): string {
	let out = '';
	for (const byte of utf8.encode(text)) {
		const char = String.fromCharCode(byte);
		out += UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
	}

	return out;
}

type Order = 'documented' | 'sdk-raw';
type Entry = {key: string; name: string; value: string};

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
Encoded pairs in one of two orders. `documented`: by the encoded, lowercased name (doc 436/7778 and our
signer). `sdk-raw`: by the raw, lowercased name, which is what the SDK's `obj2str` uses for HttpParameters
and HttpHeaders (its q-*-list uses the encoded order). Both sorts are stable, like the SDK's.
*/
function referencePairs(input: Record<string, SignableValue>, order: Order): Entry[] {
	const entries = Object.keys(input).map((key) => {
		const raw = input[key];
		const value = raw === undefined || raw === null ? '' : `${raw}`;
		return {key, name: referenceEncode(key).toLowerCase(), value: referenceEncode(value)};
	});
	return entries.sort((a, b) => (order === 'documented' ? compareStrings(a.name, b.name) : compareStrings(a.key.toLowerCase(), b.key.toLowerCase())));
}

const joinPairs = (entries: Entry[]): string => entries.map(({name, value}) => `${name}=${value}`).join('&');

function referenceSign(options: SdkOptions, order: Order): {headerList: string; urlParamList: string; signature: string} {
	const query = referencePairs(options.Query, order);
	const headers = referencePairs(options.Headers, order);
	const pathname = options.Pathname.startsWith('/') ? options.Pathname : `/${options.Pathname}`;
	const httpString = [options.Method.toLowerCase(), pathname, joinPairs(query), joinPairs(headers), ''].join('\n');
	const stringToSign = ['sha1', options.KeyTime, createHash('sha1').update(Buffer.from(httpString, 'utf8')).digest('hex'), ''].join('\n');
	const signKey = createHmac('sha1', Buffer.from(options.SecretKey, 'utf8')).update(options.KeyTime).digest('hex');
	// The list is always in the documented (encoded-name) order, in the SDK too.
	const list = (input: Record<string, SignableValue>) =>
		referencePairs(input, 'documented')
			.map(({name}) => name)
			.join(';');
	return {
		headerList: list(options.Headers),
		urlParamList: list(options.Query),
		signature: createHmac('sha1', signKey).update(stringToSign).digest('hex'),
	};
}

/** Whether the SDK's two orders give different canonical strings for this request (then its signature is not the documented one). */
const isSdkInconsistent = (options: SdkOptions): boolean =>
	joinPairs(referencePairs(options.Query, 'documented')) !== joinPairs(referencePairs(options.Query, 'sdk-raw')) ||
	joinPairs(referencePairs(options.Headers, 'documented')) !== joinPairs(referencePairs(options.Headers, 'sdk-raw'));

// ---------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------

const ASCII_SAFE = [...'abcdefxyzABCXYZ0129-_.~'];
const RESERVED = [...`!'()*&=+?#%;:@ ~`, ' ', '/', '"', '<', '>', '[', ']', '{', '}', '|', '\\', '^', '`', ',', '$', '\t'];
const CJK = [...'腾讯云中文对象存储数据万象'];
const EMOJI = ['😀', '🚀', '👍🏽', '🇨🇳', '👨‍👩‍👧', '🀄'];

const anyChar = fc.oneof(
	{weight: 5, arbitrary: fc.constantFrom(...ASCII_SAFE)},
	{weight: 4, arbitrary: fc.constantFrom(...RESERVED)},
	{weight: 2, arbitrary: fc.constantFrom(...CJK)},
	{weight: 1, arbitrary: fc.constantFrom(...EMOJI)},
	{weight: 1, arbitrary: fc.constantFrom('Ä', 'é', 'É', 'ß', 'İ', 'K', 'Ω', '\u00a0', '\u0301', '%E8%85%BE', '%20')},
	// Any code point (fast-check's `binary` unit never yields a lone surrogate).
	{weight: 1, arbitrary: fc.string({unit: 'binary', minLength: 1, maxLength: 1})},
);
const anyString = (maxLength: number) => fc.string({unit: anyChar, maxLength});
const asciiWord = fc.string({unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), minLength: 1, maxLength: 10});

/** Keys that break plain-object handling in the SDK (`obj.hasOwnProperty(key)`, prototype setters), not signing. */
const UNSAFE_KEYS = new Set(['__proto__', 'hasOwnProperty']);
const toObject = (entries: Array<[string, SignableValue]>): Record<string, SignableValue> =>
	Object.fromEntries(entries.filter(([key]) => !UNSAFE_KEYS.has(key)));

const method = fc.mixedCase(fc.constantFrom('get', 'put', 'post', 'delete', 'head'));

const pathname = fc.oneof(
	fc.array(anyString(12), {maxLength: 4}).map((segments) => `/${segments.join('/')}`),
	// No leading slash: both sides add it.
	fc.array(anyString(12), {minLength: 1, maxLength: 3}).map((segments) => segments.join('/')),
	fc.constantFrom('/', '/exampleobject(腾讯云)', '/exampleobject(tencentcloud)', '/a b/c+d/e%2Ff?g#h', '/😀/🚀'),
);

const value: fc.Arbitrary<SignableValue> = fc.oneof(
	{weight: 6, arbitrary: anyString(16)},
	{weight: 1, arbitrary: fc.constant('')},
	{weight: 1, arbitrary: fc.constant(undefined)},
	{weight: 1, arbitrary: fc.constant(null)},
	{weight: 1, arbitrary: fc.integer({min: -1000, max: 100_000})},
);

// Names: mostly realistic ones (so most requests can be compared with the SDK as a whole), sometimes any
// string at all (which is where the SDK's two orders can disagree).
const queryName = fc.oneof(
	{
		weight: 12,
		arbitrary: fc.mixedCase(
			fc.constantFrom('unbind', 'uploads', 'prefix', 'max-keys', 'delimiter', 'marker', 'versionId', 'response-content-type', 'response-cache-control', 'ci-process', 'acl', 'tagging', 'a', 'b', 'a_b.c~d'),
		),
	},
	{weight: 1, arbitrary: anyString(8)},
);

const headerName = fc.oneof(
	{weight: 8, arbitrary: fc.mixedCase(fc.constantFrom(...SDK_SIGN_HEADERS))},
	{weight: 6, arbitrary: fc.tuple(fc.mixedCase(fc.constantFrom('x-cos-', 'x-ci-')), asciiWord).map(([prefix, rest]) => prefix + rest)},
	// The SDK keeps a name with `x-cos-` / `x-ci-` anywhere in it, not only as a prefix.
	{weight: 1, arbitrary: fc.tuple(asciiWord, fc.mixedCase(fc.constantFrom('-x-cos-', '.x-ci-', 'x-cos-')), fc.string({unit: fc.constantFrom(...'abc-'), maxLength: 4})).map((parts) => parts.join(''))},
	{weight: 1, arbitrary: fc.tuple(fc.mixedCase(fc.constantFrom('x-cos-meta-', 'x-ci-')), anyString(6)).map(([prefix, rest]) => prefix + rest)},
);

const request = fc.record({
	secretId: fc.string({unit: fc.constantFrom(...'AKIDabcXYZ0123456789'), minLength: 1, maxLength: 36}),
	secretKey: fc.string({unit: anyChar, minLength: 1, maxLength: 32}),
	method,
	pathname,
	query: fc.array(fc.tuple(queryName, value), {maxLength: 5}).map(toObject),
	headers: fc.array(fc.tuple(headerName, value), {maxLength: 5}).map(toObject),
	start: fc.integer({min: 0, max: 2_000_000_000}),
	duration: fc.integer({min: 0, max: 86_400}),
	camelCase: fc.boolean(),
});

/** One field of an Authorization string exactly as written. */
const rawField = (authorization: string, name: string): string | undefined =>
	authorization
		.split('&')
		.find((part) => part.startsWith(`${name}=`))
		?.slice(name.length + 1);

// ---------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------

test('the SDK keeps exactly its sign-list headers and names containing x-cos- / x-ci- anywhere', () => {
	const base = {SecretId: 'AKID', SecretKey: 'key', Method: 'get', Pathname: '/', Query: {}, KeyTime: '1;2'};
	const headerList = (name: string) => parseAuthorization(COS.getAuthorization({...base, Headers: {[name]: 'v'}}))!.headerList;
	for (const name of [...SDK_SIGN_HEADERS, 'X-Cos-Acl', 'x-ci-security-token', 'my-x-cos-thing', 'Foo.X-CI-bar', 'Content-Type', 'HOST']) {
		assert.ok(sdkKeepsHeader(name), name);
		assert.equal(headerList(name), [name.toLowerCase()], name);
	}

	for (const name of ['date', 'Date', 'content-language', 'authorization', 'x-amz-date', 'xcos-acl', 'x-cos', 'user-agent']) {
		assert.not.ok(sdkKeepsHeader(name), name);
		assert.equal(headerList(name), [], name);
	}
});

test('the reference implementation reproduces the SDK on a request where its orders disagree', () => {
	// Raw order: `a` < `腾`; encoded order: `%e8…` < `a`.
	const options: SdkOptions = {SecretId: 'AKID', SecretKey: 'key', Method: 'GET', Pathname: '/', Query: {a: '1', 腾: '2'}, Headers: {}, KeyTime: '1;2'};
	assert.ok(isSdkInconsistent(options));
	const sdk = parseAuthorization(COS.getAuthorization(options))!;
	assert.equal(sdk.urlParamList, ['%e8%85%be', 'a']);
	assert.is(sdk.signature, referenceSign(options, 'sdk-raw').signature);
	assert.is.not(sdk.signature, referenceSign(options, 'documented').signature);
	assert.is(parseAuthorization(getAuthorization(fromCosSdkOptions(options)))!.signature, referenceSign(options, 'documented').signature);
});

test(`getAuthorization matches cos-nodejs-sdk-v5 on ${NUM_RUNS} generated requests`, () => {
	let runs = 0;
	let fullComparisons = 0;
	let divergent = 0;
	fc.assert(
		fc.property(request, (generated) => {
			runs++;
			const options: SdkOptions = {
				SecretId: generated.secretId,
				SecretKey: generated.secretKey,
				Method: generated.method,
				Pathname: generated.pathname,
				Query: generated.query,
				Headers: generated.headers,
				KeyTime: `${generated.start};${generated.start + generated.duration}`,
			};
			for (const name of Object.keys(options.Headers)) {
				assert.ok(sdkKeepsHeader(name), `generator made a header the SDK drops: ${JSON.stringify(name)}`);
			}

			const ours = generated.camelCase
				? getAuthorization({
						secretId: options.SecretId,
						secretKey: options.SecretKey,
						method: options.Method,
						pathname: options.Pathname,
						query: options.Query,
						headers: options.Headers,
						keyTime: options.KeyTime,
					})
				: getAuthorization(fromCosSdkOptions(options));
			const sdk = COS.getAuthorization(options);
			const documented = referenceSign(options, 'documented');
			const parsedOurs = parseAuthorization(ours)!;
			const parsedSdk = parseAuthorization(sdk)!;

			// Always: ours is the documented algorithm, and the model of the SDK (raw-name order) is exact.
			assert.is(parsedOurs.signature, documented.signature, 'ours vs the reference implementation');
			assert.is(parsedSdk.signature, referenceSign(options, 'sdk-raw').signature, 'SDK vs its model');

			if (isSdkInconsistent(options)) {
				// The SDK signs HttpParameters/HttpHeaders in raw-name order but lists the names in encoded order.
				divergent++;
				assert.is.not(parsedOurs.signature, parsedSdk.signature);
				assert.is(ours.replace(/&q-signature=.*$/, ''), sdk.replace(/&q-signature=.*$/, ''));
				assert.equal(parsedOurs.headerList, parsedSdk.headerList);
				assert.equal(parsedOurs.urlParamList, parsedSdk.urlParamList);
				// Compared raw: parseAuthorization drops empty names (`?=x` lists as `;…`).
				assert.is(rawField(ours, 'q-header-list'), documented.headerList);
				assert.is(rawField(ours, 'q-url-param-list'), documented.urlParamList);
			} else {
				fullComparisons++;
				assert.is(ours, sdk);
			}
		}),
		{numRuns: NUM_RUNS, seed: SEED},
	);

	console.log(`signer differential: ${runs} requests, ${fullComparisons} identical to the SDK, ${divergent} where the SDK's orders diverge`);
	assert.is(runs, NUM_RUNS);
	assert.is(fullComparisons + divergent, NUM_RUNS);
	assert.ok(fullComparisons >= MIN_FULL_COMPARISONS, `only ${fullComparisons} full comparisons`);
	assert.ok(divergent > 0, 'the divergent branch was never exercised');
});

test.run();
