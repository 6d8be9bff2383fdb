// The capabilities through the root entry, as a library user reaches them: a policy read from the two settings,
// compiled per bucket, applied with ensure(), and the CAM policy the role needs for it.
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import * as emulatorEntry from '../../lib/emulator/index.js';
import * as root from '../../lib/index.js';

const APP = '1250000000';
const GZ = 'ap-guangzhou';

test('through the root entry: a services policy, compiled per bucket, applied with ensure(); the role policy it needs', async () => {
	const policy = root.parseServicePolicy('ci', 'media-*:ci,media');
	const servicesFor = root.compilePolicy(policy);
	assert.equal(servicesFor(`media-a-${APP}`), ['ci', 'media']);
	assert.equal(servicesFor(`other-${APP}`), ['ci']);
	assert.equal(root.policyCapabilities(policy), ['media']);
	assert.equal(root.policyCapabilities(root.DEFAULT_POLICY), []);

	const emu = await emulatorEntry.startEmulator();
	try {
		emu.createBucket(`media-a-${APP}`, GZ);
		const client = root.createClient({endpoint: emu.url, credentials: emulatorEntry.DEMO_CREDENTIALS, env: {}});
		const first: root.BucketResult = await root.ensure(client, `media-a-${APP}`, GZ, servicesFor(`media-a-${APP}`));
		assert.equal([first.outcome, first.services], ['bound', {ci: 'bound', media: 'enabled'}]);
		const again = await root.ensure(client, `media-a-${APP}`, GZ, servicesFor(`media-a-${APP}`));
		assert.equal(again.services, {ci: 'already-bound', media: 'already-enabled'});
		assert.equal(emu.bucket(`media-a-${APP}`)?.capabilities, ['media']);
	} finally {
		await emu.close();
	}

	const document: root.CamPolicyDocument = root.leastPrivilegePolicy(policy, APP);
	const actions = document.statement.flatMap((statement) => statement.action);
	assert.ok(actions.includes(`name/${root.CAPABILITIES.media.enableAction}`));
	assert.ok(actions.includes(`name/${root.CAPABILITIES.media.listAction}`));
	assert.not.ok(actions.some((action) => action.includes('Doc')), 'only what the policy asks for');
});

test('the capability table and names through the root entry; a bad name is a validation error naming the field', () => {
	assert.equal([...root.SERVICE_NAMES], ['ci', ...root.CAPABILITY_NAMES]);
	const names: root.Capability[] = [...root.CAPABILITY_NAMES];
	assert.ok(names.every((name) => root.isCapability(name) && root.CAPABILITIES[name].name === name));
	assert.not.ok(root.isCapability('ci'));
	assert.equal(root.parseServices('doc,media', 'services'), ['ci', 'media', 'doc']);
	try {
		root.parseServicePolicy('ci,video', undefined);
		assert.unreachable('an unknown service is refused');
	} catch (error) {
		assert.ok(root.isValidationError(error));
		assert.is(error.field, 'BINDER_SERVICES');
	}
});

test.run();
