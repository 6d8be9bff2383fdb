import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {loadConfig} from '../../lib/function/config.js';
import {secretsOf} from '../../lib/function/secrets.js';

function configError(env: Record<string, string>): string {
	try {
		loadConfig(env);
	} catch (error) {
		assert.is((error as {code?: string}).code, 'InvalidConfig');
		return (error as Error).message;
	}

	return assert.unreachable(`accepted ${JSON.stringify(env)}`) as never;
}

test('defaults', () => {
	const config = loadConfig({});
	assert.equal(config.regions, []);
	assert.is(config.concurrency, 8);
	assert.is(config.dryRun, false);
	assert.is(config.httpToken, undefined);
	assert.is(config.webhook, undefined);
	assert.is(config.logLevel, 'info');
	assert.is(config.retries, 3);
	assert.is(config.timeMarginMs, 10_000);
});

test('every value parsed and typed', () => {
	const config = loadConfig({
		BINDER_REGIONS: 'ap-guangzhou, ap-shanghai',
		BINDER_INCLUDE: 'img-*',
		BINDER_EXCLUDE: 'tmp-?,old-*',
		BINDER_CONCURRENCY: '32',
		BINDER_DRY_RUN: 'yes',
		BINDER_HTTP_TOKEN: 'a-long-enough-token-123',
		BINDER_WEBHOOK_URL: 'https://hooks.example.com/x',
		BINDER_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
		BINDER_WEBHOOK_TIMEOUT_MS: '2500',
		BINDER_LOG_LEVEL: 'debug',
		BINDER_RETRIES: '0',
		TENCENTCLOUD_REGION: 'ap-beijing',
		TENCENTCLOUD_APPID: '1250000000',
	});
	assert.equal(config.regions, ['ap-guangzhou', 'ap-shanghai']);
	assert.equal(config.exclude, ['tmp-?', 'old-*']);
	assert.is(config.concurrency, 32);
	assert.is(config.dryRun, true);
	assert.equal(config.webhook, {url: 'https://hooks.example.com/x', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', format: 'standard', timeoutMs: 2500});
	assert.is(config.retries, 0);
	assert.is(config.functionRegion, 'ap-beijing');
});

test('bad values fail naming the variable, never echoing a secret', () => {
	const cases: Array<[Record<string, string>, RegExp]> = [
		[{BINDER_CONCURRENCY: '0'}, /^BINDER_CONCURRENCY: must be an integer from 1 to 64/],
		[{BINDER_CONCURRENCY: '8.5'}, /^BINDER_CONCURRENCY/],
		[{BINDER_DRY_RUN: 'maybe'}, /^BINDER_DRY_RUN: must be true or false/],
		[{BINDER_REGIONS: 'ap-guangzhou,Mars'}, /^BINDER_REGIONS: .*Mars/],
		[{BINDER_INCLUDE: 'ok,Photos *'}, /^BINDER_INCLUDE\[1\]: invalid pattern/],
		[{BINDER_LOG_LEVEL: 'loud'}, /^BINDER_LOG_LEVEL: must be one of debug, info, warn, error/],
		[{BINDER_WEBHOOK_FORMAT: 'slack'}, /^BINDER_WEBHOOK_FORMAT/],
		[{BINDER_WEBHOOK_URL: 'ftp://x?key=SECRETKEY1'}, /^BINDER_WEBHOOK_URL: must be an http\(s\) URL/],
		[{BINDER_WEBHOOK_SECRET: 'whsec_AAAA'}, /^BINDER_WEBHOOK_SECRET: is set but BINDER_WEBHOOK_URL is not/],
		[{BINDER_WEBHOOK_URL: 'https://x', BINDER_WEBHOOK_SECRET: 'not-whsec-SECRETVALUE'}, /^BINDER_WEBHOOK_SECRET: .*value not shown/],
		[{BINDER_HTTP_TOKEN: 'short'}, /^BINDER_HTTP_TOKEN: must be at least 16 characters/],
		[{BINDER_ENDPOINT: 'not a url'}, /^BINDER_ENDPOINT/],
		[{TENCENTCLOUD_REGION: 'Guangzhou'}, /^TENCENTCLOUD_REGION/],
		[{TENCENTCLOUD_APPID: 'abc'}, /^TENCENTCLOUD_APPID/],
	];
	for (const [env, message] of cases) {
		const text = configError(env);
		assert.match(text, message, JSON.stringify(env));
		assert.not.match(text, /SECRET(KEY1|VALUE)|short/);
	}
});

test('strict: an unknown BINDER_ variable is an error with a suggestion; deploy-only names are allowed', () => {
	assert.match(configError({BINDER_REGIONNS: 'ap-guangzhou'}), /^BINDER_REGIONNS: unknown setting \(did you mean BINDER_REGIONS\?\)/);
	assert.match(configError({BINDER_DRYRUN: 'true'}), /did you mean BINDER_DRY_RUN/);
	assert.match(configError({BINDER_WHATEVER: '1'}), /^BINDER_WHATEVER: unknown setting/);
	assert.ok(loadConfig({BINDER_ROLE: 'CosCiBinderRole', BINDER_SWEEP_SCHEDULE: '0 0 */6 * * * *'}));
});

test('BINDER_EVENT_BUCKET_PATH / BINDER_EVENT_REGION_PATH: comma-separated dotted paths, parsed once, strictly', () => {
	assert.equal(loadConfig({}).eventBucketPaths, []);
	const config = loadConfig({BINDER_EVENT_BUCKET_PATH: ' data.requestParameters.Bucket , resources[1], $.x["odd-key"].*', BINDER_EVENT_REGION_PATH: 'requestParameters.Region'});
	assert.equal(
		config.eventBucketPaths.map((path) => path.text),
		['data.requestParameters.Bucket', 'resources[1]', '$.x["odd-key"].*'],
	);
	assert.equal(config.eventBucketPaths[1]?.segments, [{key: 'resources'}, {index: 1}]);
	assert.equal(config.eventBucketPaths[2]?.segments, [{key: 'x'}, {key: 'odd-key'}, {any: true}]);
	assert.equal(config.eventRegionPaths.map((path) => path.text), ['requestParameters.Region']);
	const cases: Array<[Record<string, string>, RegExp]> = [
		[{BINDER_EVENT_BUCKET_PATH: 'data..Bucket'}, /^BINDER_EVENT_BUCKET_PATH: path 1 "data\.\.Bucket": empty segment/],
		[{BINDER_EVENT_BUCKET_PATH: 'ok,data[x]'}, /^BINDER_EVENT_BUCKET_PATH: path 2 "data\[x\]": bad bracket/],
		[{BINDER_EVENT_REGION_PATH: 'a b'}, /^BINDER_EVENT_REGION_PATH: path 1 "a b": segment "a b" may only hold/],
		[{BINDER_EVENT_REGION_PATH: 'a]'}, /^BINDER_EVENT_REGION_PATH: path 1 "a\]": segment "a\]"/],
		[{BINDER_EVENT_BUCKET_PATH: Array.from({length: 11}, (_, index) => `p${index}`).join(',')}, /^BINDER_EVENT_BUCKET_PATH: at most 10 paths, got 11/],
		[{BINDER_EVENT_BUCKET_PATH: 'a'.repeat(201)}, /path longer than 200 characters/],
		[{BINDER_EVENT_BUCKET_PATH: Array.from({length: 17}, () => 'a').join('.')}, /more than 16 segments/],
	];
	for (const [env, message] of cases) {
		assert.match(configError(env), message, JSON.stringify(env));
	}

	// A typo in the name is caught like any other.
	assert.match(configError({BINDER_EVENT_BUCKET_PATHS: 'x'}), /did you mean BINDER_EVENT_BUCKET_PATH/);
});

test('secretsOf lists every secret, including a robot URL key', () => {
	const secrets = secretsOf({
		TENCENTCLOUD_SECRETKEY: 'sk-value',
		TENCENTCLOUD_SESSIONTOKEN: 'token-value',
		BINDER_HTTP_TOKEN: 'http-token-value',
		BINDER_WEBHOOK_SECRET: 'whsec_AAAA',
		BINDER_WEBHOOK_URL: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=robot-key-value-0123456789',
	});
	for (const value of ['sk-value', 'token-value', 'http-token-value', 'whsec_AAAA', 'robot-key-value-0123456789']) {
		assert.ok(secrets.includes(value), value);
	}
});

test.run();
