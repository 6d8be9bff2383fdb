// Webhook test data: the secrets a delivery must never leak, and invocation reports to deliver (a leaky one too).
import type {BucketResult} from '../../lib/core/results.js';
import type {InvocationReport} from '../../lib/function/webhook/index.js';

/** Test secrets. test/integration/webhook.test.ts searches every body received and every delivery returned for each. */
export const STANDARD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const DINGTALK_SECRET = 'SEC1f2e3d4c5b6a798877665544332211ffeeddccbbaa99887766554433221100';
export const FEISHU_SECRET = 'feishuSigningSecret0123456789';
export const WECOM_KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';
export const DINGTALK_TOKEN = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
export const FEISHU_HOOK_ID = '2f8b3a4c-1d2e-4f50-9a6b-7c8d9e0f1a2b';
export const TENCENT_ENV = {
	TENCENTCLOUD_SECRETID: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
	TENCENTCLOUD_SECRETKEY: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLEKEY',
	TENCENTCLOUD_SESSIONTOKEN: 'sessionTokenEXAMPLE0123456789abcdefghijklmnop',
	TENCENTCLOUD_REGION: 'ap-guangzhou',
};
export const Q_SIGNATURE = '2b2d1a0e4f7c9b8a6d5e4f3a2b1c0d9e8f7a6b5c';
export const AUTHORIZATION = `q-sign-algorithm=sha1&q-ak=${TENCENT_ENV.TENCENTCLOUD_SECRETID}&q-sign-time=1;2&q-key-time=1;2&q-header-list=host&q-url-param-list=&q-signature=${Q_SIGNATURE}`;
export const SECRETS = [
	STANDARD_SECRET,
	STANDARD_SECRET.slice('whsec_'.length),
	DINGTALK_SECRET,
	FEISHU_SECRET,
	WECOM_KEY,
	DINGTALK_TOKEN,
	FEISHU_HOOK_ID,
	TENCENT_ENV.TENCENTCLOUD_SECRETID,
	TENCENT_ENV.TENCENTCLOUD_SECRETKEY,
	TENCENT_ENV.TENCENTCLOUD_SESSIONTOKEN,
	Q_SIGNATURE,
];

export function makeResults(count: number, failedEvery = 10): BucketResult[] {
	return Array.from({length: count}, (_, index): BucketResult => {
		const bucket = `bucket-${String(index).padStart(5, '0')}-1250000000`;
		if (index % failedEvery === failedEvery - 1) {
			return {bucket, region: 'ap-shanghai', outcome: 'failed', code: 'NoSuchBucket', message: 'The specified bucket does not exist.', transient: false, durationMs: 12, requests: 1};
		}

		return {bucket, region: 'ap-guangzhou', outcome: index % 3 === 0 ? 'bound' : 'already-bound', durationMs: 8, requests: 2};
	});
}

export function makeReport(results: BucketResult[] = makeResults(5, 3)): InvocationReport {
	const summary = {total: results.length, bound: 0, 'already-bound': 0, 'would-bind': 0, skipped: 0, failed: 0};
	for (const result of results) {
		summary[result.outcome]++;
	}

	return {requestId: 'req-0123', functionName: 'cos-ci-binder', trigger: 'cos:ObjectCreated:Put', startedAt: '2024-05-01T08:00:00.000Z', durationMs: 1234, summary, results};
}

/**
A report whose text fields carry secrets, as a careless error message might: the Tencent Cloud
credentials, an Authorization header and the delivery's own webhook secret (a delivery can only scrub
the secrets it knows).
*/
export function leakyReport(webhookSecret = STANDARD_SECRET): InvocationReport {
	const report = makeReport();
	report.results[0] = {
		...report.results[0]!,
		outcome: 'failed',
		code: 'AccessDenied',
		message: `echoed Authorization: ${AUTHORIZATION}; key ${TENCENT_ENV.TENCENTCLOUD_SECRETKEY}; token ${TENCENT_ENV.TENCENTCLOUD_SESSIONTOKEN}; webhook ${webhookSecret}`,
	};
	report.error = {code: 'InvalidEvent', message: `bad event; secret ${webhookSecret}, id ${TENCENT_ENV.TENCENTCLOUD_SECRETID}`};
	// Extra fields that must never be serialised.
	Object.assign(report, {credentials: {secretKey: TENCENT_ENV.TENCENTCLOUD_SECRETKEY}, headers: {authorization: AUTHORIZATION}});
	return report;
}
