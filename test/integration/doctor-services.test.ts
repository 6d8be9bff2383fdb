// `doctor`'s role-policy check with capabilities configured on the deployed function (BINDER_SERVICES,
// BINDER_SERVICES_RULES): the role must also allow each capability's enable and list actions, the ones
// `cos-ci-binder policy` prints. Against a whole deployment on loopback (test/support/doctor-harness.ts).
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {leastPrivilegePolicy} from '../../lib/binder/cam-policy.js';
import {policyOf} from '../../lib/binder/services.js';
import type {CheckResult} from '../../lib/doctor/checks.js';
import {runDoctor} from '../../lib/doctor/command.js';
import {APP_ID, REF, serviceFile, startDeployment, type Deployment, type DeploymentOptions} from '../support/doctor-harness.js';
import {shippedPolicy} from '../support/policies.js';

/** doctor --json in-process; the clock is the test's (no check here sleeps). Returns the role-policy verdict. */
async function rolePolicy(deployment: Deployment): Promise<CheckResult> {
	const out: string[] = [];
	let clock = 0;
	await runDoctor({
		args: ['--config', serviceFile(), '--json'],
		runEnv: deployment.env,
		io: {
			line: (text) => out.push(text),
			errorLine: () => {},
			now: () => clock,
			wallNow: () => Date.now(),
			sleep: async (ms, signal) => {
				await deployment.settled();
				clock += ms;
				signal.throwIfAborted();
			},
		},
	});
	const results = out.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as CheckResult);
	const result = results.find((item) => item.check === 'role-policy');
	assert.ok(result, `no role-policy result in:\n${out.join('\n')}`);
	return result!;
}

async function withDeployment(options: DeploymentOptions, run: (deployment: Deployment) => Promise<void>): Promise<void> {
	const deployment = await startDeployment(options);
	try {
		await run(deployment);
	} finally {
		await deployment.close();
	}
}

const BUCKET_RESOURCE = `qcs::ci:ap-guangzhou:uid/${APP_ID}:bucket/examplebucket-${APP_ID}/*`;
/** What `cos-ci-binder policy --services ci,media --app-id <APPID>` prints. */
const mediaPolicy = () => JSON.stringify(leastPrivilegePolicy(policyOf(['ci', 'media']), APP_ID));

test('role-policy passes when the role allows the media actions of BINDER_SERVICES=ci,media, and names them', async () => {
	await withDeployment({environment: {BINDER_SERVICES: 'ci,media'}, role: {policies: [{name: 'CosCiBinderMediaPolicy', document: mediaPolicy()}]}}, async (deployment) => {
		const result = await rolePolicy(deployment);
		assert.ok(result.ok, JSON.stringify(result));
		assert.is(
			result.detail,
			`role CosCiBinderRole allows ci:CreateCIBucket on ${BUCKET_RESOURCE}, ci:CreateMediaBucket on ${BUCKET_RESOURCE}, ci:DescribeCIBuckets, cos:GetService, ci:DescribeMediaBuckets (CosCiBinderMediaPolicy)`,
		);
	});
});

test('role-policy fails when only deploy/cam-policy.json is attached to a function with BINDER_SERVICES=ci,media: names both media actions, says to run `cos-ci-binder policy`', async () => {
	await withDeployment({environment: {BINDER_SERVICES: 'ci,media'}}, async (deployment) => {
		const result = await rolePolicy(deployment);
		assert.is(result.ok, false);
		assert.is(result.unverified, undefined, 'a failure found, not an unknown');
		assert.is(
			result.detail,
			`role CosCiBinderRole: ci:CreateMediaBucket on ${BUCKET_RESOURCE} is allowed by no attached policy; ci:DescribeMediaBuckets on * is allowed by no attached policy`,
		);
		assert.match(String(result.fix), /^Run `cos-ci-binder policy` with the function's BINDER_SERVICES and BINDER_SERVICES_RULES .*attach the policy it prints to role CosCiBinderRole/);
	});
});

test('role-policy reads BINDER_SERVICES_RULES too: a rule asking for doc needs the doc actions (singular list action)', async () => {
	await withDeployment({environment: {BINDER_SERVICES_RULES: 'docs-*:ci,doc'}, role: {policies: [{name: 'CosCiBinderPolicy', document: shippedPolicy()}]}}, async (deployment) => {
		const result = await rolePolicy(deployment);
		assert.is(result.ok, false);
		assert.match(result.detail, /ci:CreateDocProcessBucket on qcs::ci:.* is allowed by no attached policy; ci:DescribeDocProcessBucket on \* is allowed by no attached policy$/);
		assert.match(String(result.fix), /cos-ci-binder policy/);
	});
});

test('role-policy: a BINDER_SERVICES edited in the console to an unknown service fails, naming the variable', async () => {
	await withDeployment({}, async (deployment) => {
		deployment.fake.consoleSetVariable(REF, 'BINDER_SERVICES', 'ci,video');
		const result = await rolePolicy(deployment);
		assert.is(result.ok, false);
		assert.match(result.detail, /the function's services setting cannot be read.*BINDER_SERVICES.*unknown service "video"/);
		assert.match(String(result.fix), /Fix BINDER_SERVICES \/ BINDER_SERVICES_RULES/);
	});
});

test('role-policy without CAM access: the media actions are not shown by use, so the check is unverified, not a pass', async () => {
	await withDeployment({environment: {BINDER_SERVICES: 'ci,media'}, role: {policies: [{name: 'CosCiBinderMediaPolicy', document: mediaPolicy()}]}}, async (deployment) => {
		deployment.fake.injectError('GetRole', {code: 'AuthFailure.UnauthorizedOperation', message: 'CAM signature/auth error', times: 2});
		const result = await rolePolicy(deployment);
		assert.equal([result.ok, result.unverified], [false, true], JSON.stringify(result));
		assert.match(result.detail, /not shown: .*ci:CreateMediaBucket, ci:DescribeMediaBuckets \(for BINDER_SERVICES \/ BINDER_SERVICES_RULES: only reading CAM shows them\)/);
	});
});

test.run();
