// The TC3-HMAC-SHA256 signer the CLI uses for API 3.0 (lib/cloud-api/tc3-signer.ts) against the official SDK's own
// signer (tencentcloud-sdk-nodejs, common/sign.js `Sign.sign3`) on generated requests: same Authorization, byte for
// byte. The SDK is a devDependency, so it is here only as the oracle.
import {createRequire} from 'node:module';
import fc from 'fast-check';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {signTc3, tc3Date} from '../../lib/cloud-api/tc3-signer.js';

type Sign3Options = {method: string; url: string; payload: unknown; timestamp: number; service: string; secretId: string; secretKey: string; headers: Record<string, string>};
const require = createRequire(import.meta.url);
const Sign = (require('tencentcloud-sdk-nodejs/tencentcloud/common/sign.js') as {default: {sign3(options: Sign3Options): string}}).default;

const NUM_RUNS = 500;
const SEED = 20_190_225;

const sdkAuthorization = (options: {host: string; payload: Buffer | Record<string, unknown>; timestamp: number; service: string; secretId: string; secretKey: string; contentType?: string}) =>
	Sign.sign3({
		method: 'POST',
		url: `https://${options.host}/`,
		payload: options.payload,
		timestamp: options.timestamp,
		service: options.service,
		secretId: options.secretId,
		secretKey: options.secretKey,
		headers: {'Content-Type': options.contentType ?? 'application/json'},
	});

const service = fc.constantFrom('scf', 'eb', 'sts', 'cam', 'cls', 'cvm');
const region = fc.constantFrom('', 'ap-guangzhou.', 'ap-shanghai-fsi.', 'na-siliconvalley.');
// Keys as issued (AKID + 32) and anything else printable: the signer must not care.
const key = fc.string({minLength: 1, maxLength: 48, unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_'.split(''))});
// 1970 to 2100: the credential date must be the UTC date of the timestamp, across day boundaries too.
const timestamp = fc.integer({min: 0, max: 4_102_444_800});
const anyText = fc.string({unit: 'binary', maxLength: 40});
const params = fc.dictionary(fc.string({minLength: 1, maxLength: 12}), fc.oneof(anyText, fc.integer(), fc.boolean(), fc.array(anyText, {maxLength: 3})), {maxKeys: 6});

test('the Authorization equals the SDK signer\'s on generated bodies, keys, services, hosts and times', () => {
	fc.assert(
		fc.property(service, region, key, key, timestamp, params, (product, regionPart, secretId, secretKey, time, body) => {
			const host = `${product}.${regionPart}tencentcloudapi.com`;
			const text = JSON.stringify(body);
			const ours = signTc3({secretId: `AKID${secretId}`, secretKey, service: product, host, payload: text, timestamp: time});
			// The SDK hashes a Buffer as it is: the same bytes we sign, whatever its own JSON encoder would write.
			assert.is(ours.authorization, sdkAuthorization({host, payload: Buffer.from(text), timestamp: time, service: product, secretId: `AKID${secretId}`, secretKey}));
		}),
		{numRuns: NUM_RUNS, seed: SEED},
	);
});

test('plain ASCII bodies: the same as the SDK signing the object itself (its JSON text is ours)', () => {
	const body = {FunctionName: 'cos-ci-binder-prod-binder', Namespace: 'default', Qualifier: '$LATEST', Limit: 100, Enable: true};
	const options = {secretId: 'AKIDdoctor000000000000000000000001', secretKey: 'doctor-secret-key-000000000000001', service: 'scf', host: 'scf.tencentcloudapi.com', timestamp: 1_735_689_600};
	assert.is(signTc3({...options, payload: JSON.stringify(body)}).authorization, sdkAuthorization({...options, payload: body}));
});

test('another Content-Type is signed as given, like the SDK does', () => {
	const options = {secretId: 'AKIDx', secretKey: 'k', service: 'cls', host: 'cls.tencentcloudapi.com', timestamp: 1_700_000_000, contentType: 'application/json; charset=utf-8'};
	const ours = signTc3({...options, payload: '{}'});
	assert.is(ours.authorization, sdkAuthorization({...options, payload: Buffer.from('{}')}));
	assert.match(ours.canonicalRequest, /^POST\n\/\n\ncontent-type:application\/json; charset=utf-8\nhost:cls\.tencentcloudapi\.com\n\ncontent-type;host\n[0-9a-f]{64}$/);
});

test('the credential date is the UTC date of the timestamp (23:59:59 and 00:00:00 UTC)', () => {
	assert.is(tc3Date(1_551_139_199), '2019-02-25');
	assert.is(tc3Date(1_551_139_200), '2019-02-26');
	const signed = signTc3({secretId: 'AKIDx', secretKey: 'k', service: 'scf', host: 'scf.tencentcloudapi.com', payload: '{}', timestamp: 1_551_139_199});
	assert.is(signed.credentialScope, '2019-02-25/scf/tc3_request');
	assert.match(signed.stringToSign, /^TC3-HMAC-SHA256\n1551139199\n2019-02-25\/scf\/tc3_request\n[0-9a-f]{64}$/);
});

test('the secret key never appears in what is returned; a bad timestamp or service is refused', () => {
	const secretKey = 'a-very-recognisable-secret-key';
	const signed = signTc3({secretId: 'AKIDx', secretKey, service: 'scf', host: 'scf.tencentcloudapi.com', payload: secretKey.slice(0, 3), timestamp: 1_700_000_000});
	assert.not.ok(JSON.stringify(signed).includes(secretKey));
	assert.throws(() => signTc3({secretId: 'AKIDx', secretKey, service: 'scf', host: 'h', payload: '', timestamp: 1.5}), /timestamp must be Unix seconds/);
	assert.throws(() => signTc3({secretId: 'AKIDx', secretKey, service: 'SCF', host: 'h', payload: '', timestamp: 1}), /service must be a product name/);
});

test.run();
