import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {isBinderError} from '../../lib/core/errors.js';
import {type HttpRequest, type ParsedEvent, parseEvent, parseSyncOptions, type SyncRequestOptions} from '../../lib/function/events/index.js';
import {CONTEXT, fixture} from '../support/event-fixtures.js';

const timer = (Message: unknown) => parseEvent({Type: 'Timer', TriggerName: 'EveryDay', Time: '2019-02-21T11:49:00Z', Message}, CONTEXT);
const invalidTimer = (message: string): ParsedEvent => ({kind: 'invalid', trigger: 'timer', message});

/** The message parseSyncOptions throws for `value`, checking it is an InvalidInput BinderError. */
function rejection(value: unknown, field = 'options'): string {
	try {
		parseSyncOptions(value, field);
	} catch (error) {
		assert.ok(isBinderError(error), 'a BinderError');
		assert.is((error as {code: string}).code, 'InvalidInput');
		return (error as Error).message;
	}

	throw new Error(`accepted ${JSON.stringify(value)}`);
}

// ---- timer ----

test('timer: empty, blank, null or absent Message → default options', () => {
	for (const message of [undefined, null, '', '  \n']) {
		assert.equal(timer(message), {kind: 'sync', trigger: 'timer', options: {}}, String(message));
	}

	assert.equal(parseEvent({Type: 'timer'}, CONTEXT), {kind: 'sync', trigger: 'timer', options: {}});
});

test('timer: a JSON object Message carries options (or an object, as test consoles send)', () => {
	assert.equal(timer(' {"dryRun": true, "force": false, "include": ["photos-*"]} '), {kind: 'sync', trigger: 'timer', options: {dryRun: true, force: false, include: ['photos-*']}});
	assert.equal(timer({concurrency: 3}), {kind: 'sync', trigger: 'timer', options: {concurrency: 3}});
});

test('timer: text that is not a JSON object is a label: the default sync, the label kept for the log', () => {
	// The SCF docs' own sample Message (583/31927), and what people type in the console's custom argument.
	assert.equal(timer('user define msg body'), {kind: 'sync', trigger: 'timer', options: {}, label: 'user define msg body'});
	assert.equal(timer(' nightly '), {kind: 'sync', trigger: 'timer', options: {}, label: 'nightly'});
	// Not a JSON object, so a label too, even when it is other JSON.
	assert.equal(timer('[1]'), {kind: 'sync', trigger: 'timer', options: {}, label: '[1]'});
	assert.equal(timer('42'), {kind: 'sync', trigger: 'timer', options: {}, label: '42'});
	// Cut and cleaned: one readable log line, never a control character.
	const long = timer(`a\nb${'x'.repeat(500)}`);
	assert.is(long.kind === 'sync' ? long.label : undefined, `a?b${'x'.repeat(197)}…`);
});

test('timer: text starting with "{" that does not parse or validate stays invalid, naming Message', () => {
	assert.equal(timer(5), invalidTimer('Message: expected empty or a JSON object of sync options, got the number 5'));
	const broken = timer('{"dryRun": yes}');
	assert.match(broken.kind === 'invalid' ? broken.message : broken.kind, /^Message: not valid JSON \(.+\)$/);
	const unclosed = timer('{dryRun');
	assert.match(unclosed.kind === 'invalid' ? unclosed.message : unclosed.kind, /^Message: not valid JSON/);
	assert.equal(timer('{"dryRun": "yes"}'), invalidTimer('Message.dryRun: expected true or false, got the string "yes"'));
	assert.equal(timer('{"regions": ["ap-guangzhou", "gz"]}'), invalidTimer('Message.regions[1]: invalid region "gz" (expected e.g. "ap-guangzhou")'));
	assert.equal(timer('{"__proto__": {"dryRun": true}}'), invalidTimer('Message: unknown option "__proto__" (allowed: regions, include, exclude, dryRun, force, concurrency, services)'));
});

// ---- AWS schedule ----

test('schedule: detail with our keys → options (strict); without → defaults', () => {
	const event = (detail: unknown) => ({...fixture('aws-scheduled-event.json'), detail});
	assert.equal(parseEvent(event({dryRun: true, regions: ['ap-tokyo']}), CONTEXT), {kind: 'sync', trigger: 'schedule', options: {dryRun: true, regions: ['ap-tokyo']}});
	assert.equal(parseEvent(event({somethingElse: 1}), CONTEXT), {kind: 'sync', trigger: 'schedule', options: {}});
	assert.equal(parseEvent(event('text'), CONTEXT), {kind: 'sync', trigger: 'schedule', options: {}});
	assert.equal(parseEvent(event({force: true, extra: 1}), CONTEXT), {
		kind: 'invalid',
		trigger: 'schedule',
		message: 'detail: unknown option "extra" (allowed: regions, include, exclude, dryRun, force, concurrency, services)',
	});
	assert.equal(parseEvent({...event({}), source: 'aws.scheduler'}, CONTEXT).kind, 'sync');
	assert.equal(parseEvent({...event({}), source: 'my.app'}, CONTEXT).kind, 'unsupported');
});

// ---- parseSyncOptions ----

test('parseSyncOptions: accepts every option, keeps only what was given', () => {
	const options: SyncRequestOptions = parseSyncOptions(
		{regions: ['ap-guangzhou', ' ap-beijing ', 'ap-guangzhou'], include: ['a*', 'b?-1250000000'], exclude: [], dryRun: true, force: false, concurrency: 64},
		'body',
	);
	assert.equal(options, {regions: ['ap-guangzhou', 'ap-beijing'], include: ['a*', 'b?-1250000000'], exclude: [], dryRun: true, force: false, concurrency: 64});
	assert.equal(parseSyncOptions({}, 'body'), {});
	assert.equal(parseSyncOptions({regions: 'ap-guangzhou,,ap-tokyo , '}, 'body'), {regions: ['ap-guangzhou', 'ap-tokyo']});
});

test('parseSyncOptions: every rejection names the field', () => {
	assert.is(rejection(null), 'options: expected an object of sync options, got null');
	assert.is(rejection([]), 'options: expected an object of sync options, got an array of 0 items');
	assert.is(rejection({dryrun: true, Force: 1}), 'options: unknown options "dryrun", "Force" (allowed: regions, include, exclude, dryRun, force, concurrency, services)');
	const many = Object.fromEntries(Array.from({length: 12}, (_, index) => [`k${index}`, 1]));
	assert.match(rejection(many), /"k9" \(\+2 more\) \(allowed/);
	assert.is(rejection({regions: 5}), 'options.regions: expected an array of region ids or a comma-separated string, got the number 5');
	assert.is(rejection({regions: []}), 'options.regions: lists no region (leave it out to use the configured regions)');
	assert.is(rejection({regions: ' , '}), 'options.regions: lists no region (leave it out to use the configured regions)');
	assert.is(rejection({regions: ['ap-guangzhou', 3]}), 'options.regions[1]: expected a region id string, got the number 3');
	assert.is(rejection({regions: 'ap-guangzhou, Guangzhou'}), 'options.regions: invalid region "Guangzhou" (expected e.g. "ap-guangzhou")');
	assert.is(rejection({regions: Array.from({length: 101}, () => 'ap-guangzhou')}), 'options.regions: at most 100 regions, got 101');
	assert.is(rejection({include: 5}), 'options.include: expected an array of bucket id patterns, got the number 5');
	assert.equal(parseSyncOptions({include: 'photos-*, img-?'}, 'options').include, ['photos-*', 'img-?'], 'a comma-separated string is accepted');
	assert.is(rejection({include: Array.from({length: 101}, () => 'a')}), 'options.include: at most 100 patterns, got 101');
	assert.is(rejection({exclude: ['ok', '']}), 'options.exclude[1]: a pattern must be 1 to 200 characters, got 0');
	assert.is(rejection({exclude: ['a'.repeat(201)]}), 'options.exclude[0]: a pattern must be 1 to 200 characters, got 201');
	assert.is(rejection({exclude: ['Photos *']}), 'options.exclude[0]: invalid pattern "Photos *": bucket ids hold only a-z, 0-9 and "-"; wildcards are * and ?');
	assert.is(rejection({exclude: [null]}), 'options.exclude[0]: expected a pattern string, got null');
	assert.is(rejection({dryRun: 'true'}), 'options.dryRun: expected true or false, got the string "true"');
	assert.is(rejection({force: 1}), 'options.force: expected true or false, got the number 1');
	for (const concurrency of [0, 65, 1.5, '4', Number.NaN, null]) {
		assert.match(rejection({concurrency}), /^options\.concurrency: expected a whole number from 1 to 64, got /, String(concurrency));
	}
});

test('parseSyncOptions: __proto__ and constructor keys from JSON are refused, nothing is polluted', () => {
	assert.is(rejection(JSON.parse('{"constructor": {"prototype": {"dryRun": true}}}')), 'options: unknown option "constructor" (allowed: regions, include, exclude, dryRun, force, concurrency, services)');
	assert.is(rejection(JSON.parse('{"__proto__": {"dryRun": true}}')), 'options: unknown option "__proto__" (allowed: regions, include, exclude, dryRun, force, concurrency, services)');
	assert.is(({} as {dryRun?: boolean}).dryRun, undefined);
	// Inherited values never count as given options.
	assert.equal(parseSyncOptions(Object.create({dryRun: true}) as object, 'options'), {});
});

// ---- HTTP ----

/** The request of an HTTP plan, failing the test for any other kind. */
function request(event: unknown): HttpRequest {
	const plan = parseEvent(event, CONTEXT);
	assert.is(plan.kind, 'http', JSON.stringify(plan));
	if (plan.kind !== 'http') {
		throw new Error('unreachable');
	}

	return plan.request;
}

const invalidHttp = (message: string): ParsedEvent => ({kind: 'invalid', trigger: 'http', message});

test('http: function URL basics: method upper-cased, path defaults and query split off', () => {
	assert.equal(request({httpMethod: 'get', path: 'status?verbose=1&verbose=2', headers: {}, queryString: {verbose: '0'}}), {
		method: 'GET',
		path: '/status',
		headers: {},
		query: {verbose: '0'},
		body: undefined,
		flavor: 'scf-function-url',
	});
	assert.equal(request({httpMethod: 'DELETE'}).path, '/');
	assert.equal(request({httpMethod: 'POST', path: '/x', headers: {A: ['1', 2, true], a: '3', b: null}}).headers, {a: '1, 2, true, 3'});
	assert.equal(request({httpMethod: 'POST', queryString: {a: ['first', 'second'], b: 2, c: null, d: []}}).query, {a: 'first', b: '2', c: ''});
});

test('http: function URL client address comes from x-scf-remote-addr (set by SCF, docs 583/96099), never x-forwarded-for', () => {
	const ipOf = (headers: Record<string, unknown>) => request({httpMethod: 'GET', path: '/healthz', headers, queryString: {}, body: ''}).sourceIp;
	assert.is(ipOf({'x-scf-remote-addr': '111.206.96.145'}), '111.206.96.145');
	assert.is(ipOf({'X-Scf-Remote-Addr': ' 111.206.96.145 '}), '111.206.96.145');
	assert.is(ipOf({'x-scf-remote-addr': '111.206.96.145:52311'}), '111.206.96.145');
	assert.is(ipOf({'x-scf-remote-addr': '2001:db8::1'}), '2001:db8::1');
	assert.is(ipOf({'x-scf-remote-addr': '[2001:db8::1]:443'}), '2001:db8::1');
	// Forgeable or ambiguous: nothing rather than a guess.
	assert.is(ipOf({'x-forwarded-for': '6.6.6.6'}), undefined);
	assert.is(ipOf({'x-scf-remote-addr': '1.1.1.1', 'X-SCF-REMOTE-ADDR': '2.2.2.2'}), undefined);
	assert.is(ipOf({'x-scf-remote-addr': 'evil.example.com'}), undefined);
	assert.is(ipOf({'x-scf-remote-addr': '1.2.3.4; drop'}), undefined);
	assert.is(ipOf({}), undefined);
	// Other flavours take the gateway's own context, not the header (a client could send it there).
	const apigw = request({httpMethod: 'GET', path: '/healthz', headers: {'x-scf-remote-addr': '6.6.6.6'}, requestContext: {serviceId: 's', sourceIp: '10.0.2.14', stage: 'release'}});
	assert.is(apigw.flavor, 'scf-apigw');
	assert.is(apigw.sourceIp, '10.0.2.14');
});

test('http: legacy API Gateway strips the stage, merges query and header parameters', () => {
	const base = fixture('http-scf-apigw.json');
	assert.is(request({...base, path: '/release'}).path, '/');
	assert.is(request({...base, path: '/releases/x'}).path, '/releases/x');
	assert.is(request({...base, path: '/bind'}).path, '/bind');
	// No httpMethod at the top: requestContext.httpMethod is used.
	const {httpMethod: _, ...withoutMethod} = base;
	assert.is(request(withoutMethod).method, 'POST');
	// No serviceId but requestContext present: still the legacy gateway.
	assert.is(request({httpMethod: 'GET', path: '/', requestContext: {stage: 'test'}}).flavor, 'scf-apigw');
	assert.is(request({httpMethod: 'GET', path: '/', queryStringParameters: {a: '1'}}).flavor, 'scf-apigw');
});

test('http: AWS v2 keeps repeated raw query values apart and strips non-default stages', () => {
	const base = fixture('http-aws-apigw-v2.json');
	assert.equal(request({...base, rawQueryString: '', queryStringParameters: {tag: 'x'}}).query, {tag: 'x'});
	const staged = {...base, rawPath: '/prod/bind', requestContext: {...(base.requestContext as object), stage: 'prod'}};
	assert.is(request(staged).path, '/bind');
	// Without the version marker requestContext.http still identifies v2.
	const {version: _, ...unversioned} = base;
	assert.is(request(unversioned).flavor, 'aws-apigw-v2');
	assert.is(request({...base, body: undefined, isBase64Encoded: false}).body, undefined);
});

test('http: AWS v1 prefers multi-value maps and takes the first value', () => {
	const base = fixture('http-aws-apigw-v1.json');
	assert.equal(request({...base, multiValueQueryStringParameters: null, multiValueHeaders: null}).query, {region: 'ap-guangzhou', include: 'photos-*'});
	assert.equal(request({...base, queryStringParameters: null, multiValueQueryStringParameters: null}).query, {});
	assert.is(request({...base, body: 'plain', isBase64Encoded: false}).body, 'plain');
});

test('http: base64 bodies are decoded; line-wrapped base64 too', () => {
	const encoded = Buffer.from('{"bucket":"a-1250000000"}').toString('base64');
	assert.is(request({httpMethod: 'POST', body: `${encoded.slice(0, 10)}\n${encoded.slice(10)}`, isBase64Encoded: true}).body, '{"bucket":"a-1250000000"}');
	assert.is(request({httpMethod: 'POST', body: '', isBase64Encoded: true}).body, '');
});

test('http: wrong types are invalid, naming the field', () => {
	const cases: Array<[event: Record<string, unknown>, message: string]> = [
		[{path: '/bind', headers: {}}, 'httpMethod: expected an HTTP method such as "POST", got nothing'],
		[{httpMethod: 42, path: '/'}, 'httpMethod: expected an HTTP method such as "POST", got the number 42'],
		[{httpMethod: 'PO ST'}, 'httpMethod: expected an HTTP method such as "POST", got the string "PO ST"'],
		[{httpMethod: 'POST', headers: 'x'}, 'headers: expected an object of header names to values, got the string "x"'],
		[{httpMethod: 'POST', headers: {'x-foo': {a: 1}}}, 'headers["x-foo"]: expected a string, got an object'],
		[{httpMethod: 'POST', headers: {accept: ['a', {}]}}, 'headers.accept[1]: expected a string, got an object'],
		[{httpMethod: 'POST', queryString: []}, 'queryString: expected an object of parameter names to values, got an array of 0 items'],
		[{httpMethod: 'POST', queryString: {a: [{}]}}, 'queryString.a[0]: expected a string, got an object'],
		[{httpMethod: 'POST', queryString: {a: {}}}, 'queryString.a: expected a string, got an object'],
		[{httpMethod: 'POST', body: 42}, 'body: expected a string, got the number 42'],
		[{httpMethod: 'POST', body: {a: 1}}, 'body: expected a string, got an object'],
		[{httpMethod: 'POST', body: 'e30=', isBase64Encoded: 'true'}, 'isBase64Encoded: expected true or false, got the string "true"'],
		[{httpMethod: 'POST', body: 'not base64!', isBase64Encoded: true}, 'body: isBase64Encoded is true but the body is not base64'],
		[{httpMethod: 'POST', path: 5}, 'path: expected a string, got the number 5'],
		[{httpMethod: 'POST', requestContext: 'ctx'}, 'requestContext: expected an object, got the string "ctx"'],
		[{version: '2.0', rawPath: '/'}, 'requestContext.http.method: expected an HTTP method such as "POST", got nothing'],
		[{version: '2.0', rawPath: '/', requestContext: {http: 'GET'}}, 'requestContext.http: expected an object, got the string "GET"'],
		[{rawPath: '/', requestContext: {http: {method: 'GET'}}, rawQueryString: 1}, 'rawQueryString: expected a string, got the number 1'],
		[{rawPath: '/', requestContext: {http: {method: 'GET'}}, cookies: 'a=b'}, 'cookies: expected an array of strings, got the string "a=b"'],
		[{rawPath: '/', requestContext: {http: {method: 'GET'}}, cookies: ['a=b', 1]}, 'cookies[1]: expected a string, got the number 1'],
		[{httpMethod: 'GET', resource: '/', multiValueHeaders: {a: 'x'}, headers: 7}, 'headers: expected an object of header names to values, got the number 7'],
	];
	for (const [event, message] of cases) {
		assert.equal(parseEvent(event, CONTEXT), invalidHttp(message), JSON.stringify(event));
	}
});

test('http: __proto__ names stay data; results keep a normal prototype', () => {
	const parsed = request(JSON.parse('{"httpMethod":"POST","path":"/","headers":{"__proto__":"x","constructor":"y"},"queryString":{"__proto__":"q"}}'));
	assert.equal(Object.keys(parsed.headers), ['__proto__', 'constructor']);
	assert.is(Object.getPrototypeOf(parsed.headers), Object.prototype);
	assert.is(Object.getPrototypeOf(parsed.query), Object.prototype);
	assert.is(Object.getOwnPropertyDescriptor(parsed.query, '__proto__')?.value, 'q');
	// A forged source address in headers is never taken as the client address.
	assert.is(request({httpMethod: 'GET', headers: {'x-forwarded-for': '1.2.3.4'}}).sourceIp, undefined);
	assert.is(request({httpMethod: 'GET', requestContext: {sourceIp: 'not an ip <script>'}}).sourceIp, undefined);
});

test.run();
