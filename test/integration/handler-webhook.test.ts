import {randomBytes} from 'node:crypto';
import {Webhook} from 'standardwebhooks';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {APP, TOKEN, context, events, withFunction} from '../support/function.js';
import {startReceiver} from '../support/receiver.js';

const GZ = 'ap-guangzhou';
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;

test('the invocation is POSTed once to the webhook, signed per Standard Webhooks', async () => {
	const receiver = await startReceiver();
	try {
		await withFunction({env: {BINDER_WEBHOOK_URL: `${receiver.url}/hook`, BINDER_WEBHOOK_SECRET: WEBHOOK_SECRET}}, async ({emu, invoke}) => {
			emu.createBucket(`a-${APP}`, GZ);
			const result = await invoke(events.putBucket(`a-${APP}`, GZ));
			assert.is(result.webhook?.delivered, true);
			assert.is(receiver.received.length, 1);
			const [request] = receiver.received;
			const payload = new Webhook(WEBHOOK_SECRET).verify(request!.body, request!.headers as Record<string, string>) as any;
			assert.is(payload.type, 'binder.invocation.completed');
			assert.is(payload.data.requestId, 'req-test');
			assert.is(payload.data.summary.bound, 1);
			assert.is(payload.data.results[0].bucket, `a-${APP}`);
			assert.throws(() => new Webhook(WEBHOOK_SECRET).verify(request!.body.replace('"bound"', '"failed"'), request!.headers as Record<string, string>));
		});
	} finally {
		await receiver.close();
	}
});

test('webhook outage: logged, never turns a successful binding into a failure', async () => {
	const receiver = await startReceiver(() => ({status: 503}));
	try {
		await withFunction({env: {BINDER_WEBHOOK_URL: `${receiver.url}/hook`}}, async ({emu, invoke, logs}) => {
			emu.createBucket(`a-${APP}`, GZ);
			const result = await invoke(events.putBucket(`a-${APP}`, GZ));
			assert.is(result.results[0].outcome, 'bound');
			assert.is(result.webhook?.delivered, false);
			assert.ok(receiver.received.length > 1, 'retried');
			assert.ok(logs.some((line) => line.includes('webhook not delivered')));
		});
	} finally {
		await receiver.close();
	}

	// Endpoint gone entirely (closed port).
	await withFunction({env: {BINDER_WEBHOOK_URL: receiver.url}}, async ({emu, invoke}) => {
		emu.createBucket(`b-${APP}`, GZ);
		const result = await invoke(events.putBucket(`b-${APP}`, GZ), context(20_000));
		assert.is(result.results[0].outcome, 'bound');
		assert.is(result.webhook?.delivered, false);
	});
});

test('no secret ever reaches logs, return values or webhook bodies', async () => {
	const secretKey = `SK-${randomBytes(16).toString('hex')}`;
	const sessionToken = `TOKEN-${randomBytes(24).toString('hex')}`;
	const credential = {secretId: 'AKIDSECRETSCAN000000001', secretKey, sessionToken};
	const receiver = await startReceiver((_request, index) => (index === 0 ? {status: 500} : {status: 200}));
	const outputs: string[] = [];
	try {
		await withFunction(
			{
				emulator: {credentials: [credential]},
				env: {
					TENCENTCLOUD_SECRETID: credential.secretId,
					TENCENTCLOUD_SECRETKEY: secretKey,
					TENCENTCLOUD_SESSIONTOKEN: sessionToken,
					BINDER_WEBHOOK_URL: `${receiver.url}/hook`,
					BINDER_WEBHOOK_SECRET: WEBHOOK_SECRET,
					BINDER_LOG_LEVEL: 'debug',
					BINDER_RETRIES: '1',
				},
			},
			async ({emu, env, invoke, logs}) => {
				emu.createBucket(`a-${APP}`, GZ);
				emu.createBucket(`b-${APP}`, GZ);
				outputs.push(JSON.stringify(await invoke(events.putBucket(`a-${APP}`, GZ))));
				outputs.push(JSON.stringify(await invoke(events.url('POST', '/bind', {body: JSON.stringify({buckets: [`b-${APP}`, `ghost-${APP}`], region: GZ})}))));
				outputs.push(JSON.stringify(await invoke(events.url('GET', '/status', {token: 'a-wrong-token-of-some-length', query: {bucket: `a-${APP}`}}))));
				emu.setFaults({errorRates: {SlowDown: 1}});
				outputs.push(await invoke(events.timer('')).then(JSON.stringify, (error: Error) => `${error.message}\n${error.stack}`));
				emu.setFaults({});
				// Wrong secret: the service says SignatureDoesNotMatch; the message must still be clean.
				env.TENCENTCLOUD_SECRETKEY = `${secretKey}-rotated`;
				outputs.push(JSON.stringify(await invoke(events.putBucket(`b-${APP}`, GZ))));
				env.TENCENTCLOUD_SECRETKEY = secretKey;
				outputs.push(...logs);
			},
		);
	} finally {
		await receiver.close();
	}

	outputs.push(...receiver.received.map((request) => request.body + JSON.stringify(request.headers)));
	const everything = outputs.join('\n');
	assert.ok(receiver.received.length >= 2, 'webhook bodies were captured');
	assert.ok(everything.includes('SignatureDoesNotMatch'), 'the failing path was exercised');
	for (const secret of [secretKey, sessionToken, TOKEN, WEBHOOK_SECRET, WEBHOOK_SECRET.slice(6)]) {
		assert.not.ok(everything.includes(secret), `a secret leaked: ${secret.slice(0, 6)}…`);
	}

	assert.not.match(everything, /q-signature=[0-9a-f]{40}/);
});

test.run();
