// Which account `npm start` talks to, decided from the environment alone (test/e2e/cli-start.test.ts runs it).
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {describeTarget, startTarget} from '../../lib/cli/start.js';

test('which account: keys and no endpoint (or a remote one) is a REAL account; a loopback endpoint is not; no keys is the demo', () => {
	const keys = {TENCENTCLOUD_SECRETID: 'AKIDreal', TENCENTCLOUD_SECRETKEY: 'real-key'};
	assert.equal(startTarget({}), {kind: 'embedded'});
	assert.equal(startTarget(keys), {kind: 'account', real: true, endpoint: undefined});
	assert.equal(startTarget({TENCENTCLOUD_SECRET_ID: 'AKIDreal', TENCENTCLOUD_SECRET_KEY: 'k'}), {kind: 'account', real: true, endpoint: undefined});
	assert.equal(startTarget({...keys, BINDER_ENDPOINT: 'https://cos-proxy.example.com'}), {kind: 'account', real: true, endpoint: 'https://cos-proxy.example.com'});
	assert.equal(startTarget({...keys, BINDER_ENDPOINT: 'http://127.0.0.1:9000'}), {kind: 'account', real: false, endpoint: 'http://127.0.0.1:9000'});
	const [first, second] = describeTarget({kind: 'account', real: true, endpoint: undefined}, true);
	assert.match(first!, /^Talking to a REAL Tencent Cloud account, with the keys in TENCENTCLOUD_SECRETID\/SECRETKEY\.$/);
	assert.match(second!, /DRY RUN/);
});

test.run();
