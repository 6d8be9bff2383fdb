// Webhook messages built without sending them: Standard Webhooks signing and payload, robot message rendering and
// its UTF-8 cut, DingTalk's signed URL, Retry-After. Delivery over loopback is test/integration/webhook.test.ts.
import {createHmac} from 'node:crypto';
import fc from 'fast-check';
import {Webhook} from 'standardwebhooks';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {serviceCode} from '../../lib/core/errors.js';
import {buildStandardPayload, dingtalkSignedUrl, renderRobotMessage, signStandardWebhook} from '../../lib/function/webhook/index.js';
import {parseRetryAfter} from '../../lib/utils/retry.js';
import {truncateUtf8} from '../../lib/utils/truncate-utf8.js';
import {DINGTALK_TOKEN, leakyReport, makeReport, Q_SIGNATURE, STANDARD_SECRET} from '../support/webhook-reports.js';

test('standard: signStandardWebhook agrees with the reference implementation', () => {
	const body = '{"hello":"世界"}';
	const ours = signStandardWebhook(STANDARD_SECRET, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body);
	const theirs = new Webhook(STANDARD_SECRET).sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330 * 1000), body);
	assert.is(ours, theirs);
	assert.match(ours, /^v1,[A-Za-z0-9+/]+=*$/);
});

test('standard: buildStandardPayload keeps documented fields only', () => {
	const payload = buildStandardPayload(leakyReport(), new Date('2024-05-01T08:00:01.000Z'));
	assert.is(payload.type, 'binder.invocation.completed');
	assert.is(payload.timestamp, '2024-05-01T08:00:01.000Z');
	assert.equal(Object.keys(payload.data).sort(), ['durationMs', 'error', 'functionName', 'requestId', 'results', 'startedAt', 'summary', 'trigger']);
	const json = JSON.stringify(payload);
	assert.not.ok(json.includes('credentials'));
	// Signature-shaped fragments are redacted even without knowing the values.
	assert.not.ok(json.includes(Q_SIGNATURE));
	assert.not.ok(json.includes(STANDARD_SECRET));
});

test('wecom: a long multibyte text is cut at a UTF-8 boundary', () => {
	const report = makeReport([{bucket: 'b-1250000000', region: 'ap-beijing', outcome: 'failed', code: serviceCode('存储桶不存在'.repeat(200)), durationMs: 1}]);
	report.error = {code: 'InvalidEvent', message: '事件格式错误🙂'.repeat(400)};
	const message = renderRobotMessage('wecom', report);
	const {content} = message.markdown;
	assert.ok(Buffer.byteLength(content) <= 4096);
	assert.not.ok(content.includes('\uFFFD'));
	assert.is(Buffer.from(content, 'utf8').toString('utf8'), content);
	assert.match(content, /- b-1250000000 \(ap-beijing\): 存储桶不存在/);
});

test('truncateUtf8: never more bytes than allowed, never a broken character, a prefix of the input', () => {
	fc.assert(
		fc.property(fc.string({unit: 'binary'}), fc.integer({min: 0, max: 64}), (text, maxBytes) => {
			const cut = truncateUtf8(text, maxBytes);
			assert.ok(Buffer.byteLength(cut) <= maxBytes || cut === text);
			assert.not.ok(cut.includes('\uFFFD') && !text.includes('\uFFFD'));
			const kept = cut.endsWith('…') && cut !== text ? cut.slice(0, -1) : cut;
			assert.ok(text.startsWith(kept));
		}),
		{numRuns: 500},
	);
});

test('dingtalkSignedUrl: replaces a stale signature, keeps the rest of the query', () => {
	const signed = dingtalkSignedUrl(`https://oapi.dingtalk.com/robot/send?access_token=${DINGTALK_TOKEN}&timestamp=1&sign=old`, 'SECabc', 1700000000000);
	const url = new URL(signed);
	assert.is(url.searchParams.getAll('timestamp').length, 1);
	assert.is(url.searchParams.get('timestamp'), '1700000000000');
	assert.is(url.searchParams.get('access_token'), DINGTALK_TOKEN);
	assert.is(url.searchParams.get('sign'), createHmac('sha256', 'SECabc').update('1700000000000\nSECabc').digest('base64'));
});

test('parseRetryAfter: seconds and HTTP dates', () => {
	const now = Date.parse('2024-05-01T08:00:00Z');
	assert.is(parseRetryAfter('3', now), 3000);
	assert.is(parseRetryAfter('Wed, 01 May 2024 08:00:05 GMT', now), 5000);
	assert.is(parseRetryAfter('Wed, 01 May 2024 07:00:00 GMT', now), 0);
	assert.is(parseRetryAfter('soon', now), undefined);
	assert.is(parseRetryAfter(null, now), undefined);
});

test.run();
