import {test} from 'uvu';
import * as assert from 'uvu/assert';
import * as emulatorEntry from '../../lib/emulator/index.js';
import * as root from '../../lib/index.js';

const APP = '1250000000';
const GZ = 'ap-guangzhou';

test('the root entry is the client, ensureBound, ensure, the capabilities and their policy helpers, results, errors, the signer, main_handler and loadConfig; nothing else', () => {
	assert.equal(Object.keys(root).sort(), [
		'BinderError',
		'CAPABILITIES',
		'CAPABILITY_NAMES',
		'DEFAULT_MAX_RESPONSE_BYTES',
		'DEFAULT_POLICY',
		'DEFAULT_RETRY',
		'DEFAULT_TIMEOUT_MS',
		'OUTCOMES',
		'SERVICE_NAMES',
		'allSettled',
		'compilePolicy',
		'createClient',
		'ensure',
		'ensureBound',
		'fromCosSdkOptions',
		'getAuthorization',
		'isBinderError',
		'isCapability',
		'isValidationError',
		'leastPrivilegePolicy',
		'loadConfig',
		'main_handler',
		'parseServicePolicy',
		'parseServices',
		'policyCapabilities',
		'summarize',
	]);
});

test('the signature helpers only a verifying server needs are on the emulator subpath, not the root', () => {
	assert.type(emulatorEntry.computeSignatureParts, 'function');
	assert.type(emulatorEntry.parseAuthorization, 'function');
	assert.not.ok('computeSignatureParts' in root);
	assert.not.ok('parseAuthorization' in root);
	const authorization = root.getAuthorization({secretId: 'AKIDEXAMPLE', secretKey: 'secret', method: 'PUT', pathname: '/', headers: {host: `b-${APP}.ci.${GZ}.myqcloud.com`}, keyTime: '1;2'});
	assert.is(emulatorEntry.parseAuthorization(authorization)?.headerList.join(';'), 'host');
});

test('a validation error carries its field and is told apart from a service error', async () => {
	const client = root.createClient({endpoint: 'http://127.0.0.1:9', credentials: emulatorEntry.DEMO_CREDENTIALS, env: {}});
	const bad = await root.ensureBound(client, 'Not_A_Bucket', GZ);
	assert.is(bad.outcome, 'failed');
	assert.is(bad.code, 'InvalidBucketId');
	assert.is(bad.requests, 0, 'nothing is sent for an id that breaks the naming rules');
	try {
		root.createClient({timeoutMs: 0});
		assert.unreachable('a zero timeout is refused');
	} catch (error) {
		assert.ok(root.isValidationError(error));
		assert.is(error.field, 'timeoutMs');
		assert.is(error.code, 'InvalidInput');
	}
});

test.run();
