// The CLI's side of capabilities: --services on bind and sync, and `cos-ci-binder policy` (least-privilege CAM policy).
import {readFile} from 'node:fs/promises';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {startEmulator} from '../../lib/emulator/index.js';
import {jsonLines, runCli} from '../support/cli.js';

const APP = '1250000000';
const GZ = 'ap-guangzhou';

test('policy: the default is deploy/cam-policy.json exactly; capabilities add their enable and list actions; --app-id fills APPID', async () => {
	const deployed = JSON.parse(await readFile('deploy/cam-policy.json', 'utf8')) as unknown;
	const plain = await runCli(['policy'], {});
	assert.is(plain.code, 0, plain.stderr);
	assert.equal(JSON.parse(plain.stdout), deployed);

	const configured = await runCli(['policy', '--app-id', APP], {BINDER_SERVICES: 'ci,media', BINDER_SERVICES_RULES: 'docs-*:ci,doc;audio-*:asr'});
	assert.is(configured.code, 0, configured.stderr);
	assert.equal(JSON.parse(configured.stdout), {
		version: '2.0',
		statement: [
			{effect: 'allow', action: ['name/ci:CreateCIBucket', 'name/ci:CreateMediaBucket', 'name/ci:CreateDocProcessBucket', 'name/ci:CreateAsrBucket'], resource: [`qcs::ci:*:uid/${APP}:bucket/*`]},
			{effect: 'allow', action: ['name/ci:DescribeCIBuckets', 'name/cos:GetService', 'name/ci:DescribeMediaBuckets', 'name/ci:DescribeDocProcessBucket', 'name/ci:DescribeAsrBuckets'], resource: ['*']},
		],
	});

	const flag = await runCli(['policy', '--services', 'ai,pic,file'], {BINDER_SERVICES: 'media'});
	assert.equal(JSON.parse(flag.stdout).statement[1].action.slice(2), ['name/ci:DescribeFileProcessBucket', 'name/ci:DescribeAiProcessBucket', 'name/ci:DescribePicProcessBucket']);

	for (const [args, env, pattern] of [
		[['policy', '--services', 'video'], {}, /--services: unknown service "video"; allowed: ci, media, doc, file, ai, asr, pic/],
		[['policy'], {BINDER_SERVICES_RULES: 'a-*:ci;b-*'}, /BINDER_SERVICES_RULES rule 2 \(position 8\)/],
		[['policy', '--app-id', 'x1'], {}, /--app-id must be digits/],
	] as const) {
		const run = await runCli([...args], env);
		assert.is(run.code, 2, run.stderr);
		assert.match(run.stderr, pattern);
		assert.is(run.stdout, '');
	}

	const help = await runCli(['policy', '--help'], {});
	assert.match(help.stdout, /^Usage: cos-ci-binder policy /);
});

test('bind --services and sync --services: records carry services; the dry run says what would be turned on', async () => {
	const emu = await startEmulator({});
	try {
		emu.createBucket(`photos-${APP}`, GZ);
		emu.createBucket(`videos-${APP}`, GZ, {bound: true, capabilities: ['media']});
		const env = {BINDER_ENDPOINT: emu.url, TENCENTCLOUD_REGION: GZ};
		const dry = await runCli(['sync', '--services', 'media,doc', '--dry-run', '--json'], env);
		assert.is(dry.code, 0, dry.stderr);
		assert.equal(
			jsonLines(dry.stdout).map((line) => [line.bucket, line.outcome, line.services]),
			[
				[`photos-${APP}`, 'would-bind', {ci: 'would-bind', media: 'would-enable', doc: 'would-enable'}],
				[`videos-${APP}`, 'already-bound', {ci: 'already-bound', media: 'already-enabled', doc: 'would-enable'}],
			],
		);
		assert.match(dry.stderr, /"services":\{"ci":\{"would-bind":1,"already-bound":1\},"media":\{"would-enable":1,"already-enabled":1\},"doc":\{"would-enable":2\}\}/);
		assert.is(emu.bucket(`photos-${APP}`)?.ci, 'off');

		const bind = await runCli(['bind', `photos-${APP}`, '--region', GZ, '--services', 'pic'], env);
		assert.is(bind.code, 0, bind.stderr);
		assert.match(bind.stdout, /bound +photos-1250000000 {2}ap-guangzhou {2}\[ci bound, pic enabled\]/);
		assert.equal(emu.bucket(`photos-${APP}`)?.capabilities, ['pic']);

		const bad = await runCli(['bind', `photos-${APP}`, '--region', GZ], {...env, BINDER_SERVICES: 'ci,pics'});
		assert.is(bad.code, 2);
		assert.match(bad.stderr, /BINDER_SERVICES: unknown service "pics"/);
	} finally {
		await emu.close();
	}
});

test.run();
