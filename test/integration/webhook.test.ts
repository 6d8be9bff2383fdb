import {createHmac} from 'node:crypto';
import {createServer, type IncomingHttpHeaders, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {Webhook} from 'standardwebhooks';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {
	deliverWebhook,
	feishuSign,
	WEBHOOK_EVENT_TYPE,
	type InvocationReport,
	type WebhookDelivery,
	type WebhookOptions,
} from '../../lib/function/webhook/index.js';
import {describeUrl} from '../../lib/function/webhook/utils/describe-url.js';
import {DINGTALK_SECRET, DINGTALK_TOKEN, FEISHU_HOOK_ID, FEISHU_SECRET, leakyReport, makeReport, makeResults, SECRETS, STANDARD_SECRET, TENCENT_ENV, WECOM_KEY} from '../support/webhook-reports.js';

// Every request body received and every delivery returned by this file, for the final secret scan.
const seenBodies: string[] = [];
const seenDeliveries: WebhookDelivery[] = [];

// --- A real loopback receiver ---------------------------------------------------------------------------

type Received = {url: string; headers: IncomingHttpHeaders; body: string; at: number};
type Reply = {status: number; headers?: Record<string, string>; body?: string} | 'hang';

type Receiver = {url: string; origin: string; requests: Received[]; close: () => Promise<void>};

/** Start an HTTP server on a free loopback port answering each request with `reply(request, index)`. */
async function receiver(reply: (request: Received, index: number) => Reply): Promise<Receiver> {
	const requests: Received[] = [];
	const server = createServer((request, response: ServerResponse) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const received = {url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now()};
			requests.push(received);
			seenBodies.push(received.body);
			const answer = reply(received, requests.length - 1);
			if (answer === 'hang') {
				return; // Never answer: the client must give up on its own.
			}

			response.writeHead(answer.status, {'content-type': 'application/json', ...answer.headers});
			response.end(answer.body ?? '');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	const origin = `http://127.0.0.1:${port}`;
	return {
		url: `${origin}/hooks/binder`,
		origin,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** A port with nothing listening: bind one, note it, close it. */
async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

async function deliver(options: WebhookOptions, report: InvocationReport = makeReport()): Promise<WebhookDelivery> {
	const delivery = await deliverWebhook({env: TENCENT_ENV, ...options}, report);
	seenDeliveries.push(delivery);
	return delivery;
}

/** Headers as `standardwebhooks` wants them: plain strings. */
function plainHeaders(headers: IncomingHttpHeaders): Record<string, string> {
	return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
}

const ok: Reply = {status: 200, body: '{}'};
const robotOk: Reply = {status: 200, body: '{"errcode":0,"errmsg":"ok"}'};

// --- Standard Webhooks ---------------------------------------------------------------------------------

test('standard: the exact bytes received verify with the standardwebhooks package', async () => {
	const server = await receiver(() => ok);
	try {
		const delivery = await deliver({url: server.url, format: 'standard', secret: STANDARD_SECRET});
		assert.equal(delivery.delivered, true);
		assert.is(delivery.attempts, 1);
		assert.is(delivery.status, 200);
		const [request] = server.requests;
		assert.ok(request);
		assert.is(request.headers['content-type'], 'application/json');
		assert.is(request.headers['user-agent'], 'cos-ci-binder');
		assert.is(request.headers['webhook-id'], delivery.webhookId);
		assert.match(String(request.headers['webhook-id']), /^msg_[0-9a-f]{32}$/);
		assert.is(delivery.bodyBytes, Buffer.byteLength(request.body));
		const payload = new Webhook(STANDARD_SECRET).verify(request.body, plainHeaders(request.headers)) as {type: string; timestamp: string; data: InvocationReport};
		assert.is(payload.type, WEBHOOK_EVENT_TYPE);
		assert.ok(!Number.isNaN(Date.parse(payload.timestamp)));
		assert.is(payload.data.requestId, 'req-0123');
		assert.is(payload.data.results.length, 5);
		assert.equal(payload.data.summary, makeReport().summary);
	} finally {
		await server.close();
	}
});

test('standard: a tampered body or a wrong secret fails verification', async () => {
	const server = await receiver(() => ok);
	try {
		await deliver({url: server.url, format: 'standard', secret: STANDARD_SECRET});
		const [request] = server.requests;
		assert.ok(request);
		const headers = plainHeaders(request.headers);
		const tampered = request.body.replace('"failed":1', '"failed":0');
		assert.is.not(tampered, request.body);
		assert.throws(() => new Webhook(STANDARD_SECRET).verify(tampered, headers), /signature/i);
		assert.throws(() => new Webhook('whsec_' + Buffer.from('another key entirely').toString('base64')).verify(request.body, headers), /signature/i);
	} finally {
		await server.close();
	}
});

test('standard: without a secret the message is unsigned but keeps its id and timestamp', async () => {
	const server = await receiver(() => ok);
	try {
		const delivery = await deliver({url: server.url, format: 'standard', now: () => 1_700_000_000_123});
		assert.is(delivery.delivered, true);
		const [request] = server.requests;
		assert.ok(request);
		assert.is(request.headers['webhook-signature'], undefined);
		assert.is(request.headers['webhook-timestamp'], '1700000000');
		assert.match(String(request.headers['webhook-id']), /^msg_/);
		assert.is((JSON.parse(request.body) as {timestamp: string}).timestamp, new Date(1_700_000_000_123).toISOString());
	} finally {
		await server.close();
	}
});

test('standard: 503 is retried with the same webhook-id and body, each attempt freshly signed', async () => {
	const server = await receiver((_, index) => (index < 2 ? {status: 503, body: 'busy'} : ok));
	try {
		const delivery = await deliver({url: server.url, format: 'standard', secret: STANDARD_SECRET, baseDelayMs: 20});
		assert.is(delivery.delivered, true);
		assert.is(delivery.attempts, 3);
		assert.is(server.requests.length, 3);
		const ids = new Set(server.requests.map((request) => request.headers['webhook-id']));
		assert.is(ids.size, 1);
		assert.is([...ids][0], delivery.webhookId);
		assert.is(new Set(server.requests.map((request) => request.body)).size, 1);
		for (const request of server.requests) {
			new Webhook(STANDARD_SECRET).verify(request.body, plainHeaders(request.headers));
		}
	} finally {
		await server.close();
	}
});

test('standard: 429 with Retry-After is honoured', async () => {
	const server = await receiver((_, index) => (index === 0 ? {status: 429, headers: {'retry-after': '1'}} : ok));
	try {
		// Zero jitter: any wait comes from Retry-After.
		const delivery = await deliver({url: server.url, format: 'standard', baseDelayMs: 10, random: () => 0});
		assert.is(delivery.delivered, true);
		assert.is(delivery.attempts, 2);
		const gap = server.requests[1]!.at - server.requests[0]!.at;
		assert.ok(gap >= 950, `waited ${gap} ms`);
	} finally {
		await server.close();
	}
});

test('standard: a Retry-After beyond the budget ends the delivery at once', async () => {
	const server = await receiver(() => ({status: 429, headers: {'retry-after': '120'}}));
	try {
		const started = performance.now();
		const delivery = await deliver({url: server.url, format: 'standard', maxTotalMs: 3000});
		assert.is(delivery.delivered, false);
		assert.is(delivery.attempts, 1);
		assert.is(delivery.status, 429);
		assert.is(delivery.code, 'HttpError');
		assert.match(delivery.message ?? '', /Retry-After of 120 s/);
		assert.ok(performance.now() - started < 1000);
	} finally {
		await server.close();
	}
});

test('standard: 500 forever gives up after maxAttempts, within the budget', async () => {
	const server = await receiver(() => ({status: 500, body: '{"error":"boom"}'}));
	try {
		const started = performance.now();
		const delivery = await deliver({url: server.url, format: 'standard', secret: STANDARD_SECRET, maxAttempts: 4, baseDelayMs: 10, maxTotalMs: 5000});
		const took = performance.now() - started;
		assert.is(delivery.delivered, false);
		assert.is(delivery.attempts, 4);
		assert.is(server.requests.length, 4);
		assert.is(delivery.code, 'HttpError');
		assert.is(delivery.status, 500);
		assert.match(delivery.message ?? '', /HTTP 500: \{"error":"boom"\} \(gave up after 4 attempts\)/);
		assert.ok(took < 5000, `took ${took} ms`);
	} finally {
		await server.close();
	}
});

test('standard: 404 is not retried', async () => {
	const server = await receiver(() => ({status: 404}));
	try {
		const delivery = await deliver({url: server.url, format: 'standard', baseDelayMs: 1});
		assert.is(delivery.delivered, false);
		assert.is(delivery.attempts, 1);
		assert.is(delivery.code, 'HttpError');
		assert.is(delivery.status, 404);
	} finally {
		await server.close();
	}
});

test('standard: 410 means Gone, not retried', async () => {
	const server = await receiver(() => ({status: 410}));
	try {
		const delivery = await deliver({url: server.url, format: 'standard', baseDelayMs: 1});
		assert.is(delivery.code, 'Gone');
		assert.is(delivery.status, 410);
		assert.is(delivery.attempts, 1);
		assert.is(server.requests.length, 1);
	} finally {
		await server.close();
	}
});

test('standard: a 302 is a failure and is not followed', async () => {
	const server = await receiver((request) => (request.url.startsWith('/elsewhere') ? ok : {status: 302, headers: {location: '/elsewhere?token=abcdefghijklmnopqrstuvwxyz'}}));
	try {
		const delivery = await deliver({url: server.url, format: 'standard', baseDelayMs: 1});
		assert.is(delivery.delivered, false);
		assert.is(delivery.status, 302);
		assert.is(delivery.code, 'HttpError');
		assert.is(delivery.attempts, 1);
		assert.is(server.requests.length, 1);
		assert.match(delivery.message ?? '', /redirect to http:\/\/127\.0\.0\.1:\d+\/elsewhere not followed/);
		assert.not.match(delivery.message ?? '', /token/);
	} finally {
		await server.close();
	}
});

test('standard: nothing listening is a NetworkError, retried, never thrown', async () => {
	const port = await closedPort();
	const delivery = await deliver({url: `http://127.0.0.1:${port}/hook`, format: 'standard', maxAttempts: 3, baseDelayMs: 5});
	assert.is(delivery.delivered, false);
	assert.is(delivery.code, 'NetworkError');
	assert.is(delivery.attempts, 3);
	assert.match(delivery.message ?? '', /ECONNREFUSED/);
});

test('standard: an endpoint that never answers times out within the budget', async () => {
	const server = await receiver(() => 'hang');
	try {
		const maxTotalMs = 600;
		const started = performance.now();
		// The per-attempt timeout (5 s) is longer than the budget: the budget must cut the attempt.
		const delivery = await deliver({url: server.url, format: 'standard', maxTotalMs});
		const took = performance.now() - started;
		assert.is(delivery.delivered, false);
		assert.is(delivery.code, 'Timeout');
		assert.is(delivery.attempts, 1);
		assert.ok(took < maxTotalMs * 3, `took ${took} ms`);

		// Short attempts: retried until the budget cannot fit another.
		const again = await deliver({url: server.url, format: 'standard', timeoutMs: 150, maxTotalMs: 900, baseDelayMs: 10});
		assert.is(again.code, 'Timeout');
		assert.ok(again.attempts >= 2, `${again.attempts} attempts`);
		assert.ok(again.durationMs < 900 * 3);
	} finally {
		await server.close();
	}
});

test('standard: the caller’s signal aborts the delivery without throwing', async () => {
	const server = await receiver(() => 'hang');
	try {
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 100);
		const delivery = await deliver({url: server.url, format: 'standard', signal: controller.signal});
		assert.is(delivery.code, 'Aborted');
		assert.ok(delivery.durationMs < 2000);
	} finally {
		await server.close();
	}
});

test('standard: 2,000 results are delivered whole, and the size is reported', async () => {
	const server = await receiver(() => ok);
	try {
		const report = makeReport(makeResults(2000));
		const delivery = await deliver({url: server.url, format: 'standard', secret: STANDARD_SECRET}, report);
		assert.is(delivery.delivered, true);
		const [request] = server.requests;
		assert.ok(request);
		const payload = new Webhook(STANDARD_SECRET).verify(request.body, plainHeaders(request.headers)) as {data: InvocationReport};
		assert.is(payload.data.results.length, 2000);
		assert.equal(payload.data.results[1999], report.results[1999]);
		assert.is(delivery.bodyBytes, Buffer.byteLength(request.body));
		assert.ok(delivery.bodyBytes! > 100_000);
	} finally {
		await server.close();
	}
});

test('config: bad options are InvalidConfig, nothing is sent, the URL is not echoed', async () => {
	const server = await receiver(() => ok);
	try {
		const notWhsec = await deliver({url: server.url, format: 'standard', secret: DINGTALK_SECRET});
		assert.is(notWhsec.code, 'InvalidConfig');
		assert.is(notWhsec.attempts, 0);
		const badBase64 = await deliver({url: server.url, format: 'standard', secret: 'whsec_abc'});
		assert.is(badBase64.code, 'InvalidConfig');
		const badUrl = await deliver({url: `not a url ?key=${WECOM_KEY}`, format: 'wecom'});
		assert.is(badUrl.code, 'InvalidConfig');
		const ftp = await deliver({url: 'ftp://example.com/x', format: 'standard'});
		assert.is(ftp.code, 'InvalidConfig');
		const attempts = await deliver({url: server.url, format: 'standard', maxAttempts: 0});
		assert.is(attempts.code, 'InvalidConfig');
		const format = await deliver({url: server.url, format: 'slack' as never});
		assert.is(format.code, 'InvalidConfig');
		const noTime = await deliver({url: server.url, format: 'standard', maxTotalMs: 0});
		assert.is(noTime.code, 'BudgetExhausted');
		assert.is(noTime.attempts, 0);
		assert.is(server.requests.length, 0);
		// An empty secret (an unset variable) means unsigned, not invalid.
		const empty = await deliver({url: server.url, format: 'standard', secret: ''});
		assert.is(empty.delivered, true);
	} finally {
		await server.close();
	}
});

test('deliverWebhook never rejects, whatever it is given', async () => {
	const delivery = await deliverWebhook(null as never, null as never);
	assert.is(delivery.delivered, false);
	assert.is(delivery.code, 'InvalidConfig');
	const brokenFetch = (() => {
		throw new Error('fetch exploded');
	}) as unknown as typeof fetch;
	const exploded = await deliverWebhook({url: 'http://127.0.0.1:9/x', format: 'standard', fetch: brokenFetch, maxAttempts: 1}, makeReport());
	assert.is(exploded.delivered, false);
	assert.is(exploded.code, 'NetworkError');
	// A fetch that ignores its signal and never settles still cannot hold the delivery past its budget.
	const stuck = await deliverWebhook({url: 'http://127.0.0.1:9/x', format: 'standard', fetch: () => new Promise<Response>(() => undefined), maxTotalMs: 300}, makeReport());
	assert.is(stuck.code, 'Timeout');
	assert.ok(stuck.durationMs < 900);
});

// --- Group robots --------------------------------------------------------------------------------------

test('wecom: markdown message, failed buckets first, within 4096 bytes', async () => {
	const server = await receiver(() => robotOk);
	try {
		const url = `${server.origin}/cgi-bin/webhook/send?key=${WECOM_KEY}`;
		const delivery = await deliver({url, format: 'wecom'}, makeReport(makeResults(600)));
		assert.is(delivery.delivered, true);
		const [request] = server.requests;
		assert.ok(request);
		const body = JSON.parse(request.body) as {msgtype: string; markdown: {content: string}};
		assert.is(body.msgtype, 'markdown');
		const {content} = body.markdown;
		assert.ok(Buffer.byteLength(content) <= 4096, `${Buffer.byteLength(content)} bytes`);
		assert.ok(Buffer.byteLength(content) > 3000, 'uses the room it has');
		assert.match(content, /^\*\*cos-ci-binder: 60 failed of 600\*\*/);
		assert.match(content, /total 600 · bound \d+ · already-bound \d+ · would-bind 0 · skipped 0 · failed 60/);
		assert.match(content, /trigger cos:ObjectCreated:Put · request req-0123/);
		assert.ok(content.indexOf('**Failed (60)**') < content.indexOf('**Others (540)**'));
		assert.match(content, /- bucket-00009-1250000000 \(ap-shanghai\): NoSuchBucket/);
		assert.match(content, /… \d+ more$/);
	} finally {
		await server.close();
	}
});

test('robot errcode ≠ 0 is a RobotError with its errmsg, not retried; the token is not echoed', async () => {
	const server = await receiver(() => ({status: 200, body: JSON.stringify({errcode: 310000, errmsg: `keywords not in content, token=${DINGTALK_TOKEN}`})}));
	try {
		const delivery = await deliver({url: `${server.origin}/robot/send?access_token=${DINGTALK_TOKEN}`, format: 'dingtalk', baseDelayMs: 1});
		assert.is(delivery.delivered, false);
		assert.is(delivery.code, 'RobotError');
		assert.is(delivery.status, 200);
		assert.is(delivery.attempts, 1);
		assert.match(delivery.message ?? '', /^POST http:\/\/127\.0\.0\.1:\d+\/robot\/send: robot error 310000: keywords not in content/);
		assert.not.ok((delivery.message ?? '').includes(DINGTALK_TOKEN));
		assert.not.ok((delivery.message ?? '').includes('access_token'));
	} finally {
		await server.close();
	}
});

test('robot rate limit (WeCom 45009) is retried', async () => {
	const server = await receiver((_, index) => (index === 0 ? {status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}'} : robotOk));
	try {
		const delivery = await deliver({url: `${server.origin}/cgi-bin/webhook/send?key=${WECOM_KEY}`, format: 'wecom', baseDelayMs: 10});
		assert.is(delivery.delivered, true);
		assert.is(delivery.attempts, 2);
	} finally {
		await server.close();
	}
});

test('robot: a 200 that is not a robot answer is not counted as delivered', async () => {
	const server = await receiver(() => ({status: 200, body: '<html>captive portal</html>'}));
	try {
		const delivery = await deliver({url: `${server.origin}/cgi-bin/webhook/send?key=${WECOM_KEY}`, format: 'wecom'});
		assert.is(delivery.delivered, false);
		assert.is(delivery.code, 'RobotError');
		assert.is(delivery.attempts, 1);
	} finally {
		await server.close();
	}
});

test('dingtalk: markdown with title and text; the URL signature recomputes', async () => {
	const server = await receiver(() => robotOk);
	try {
		const nowMs = Date.now();
		const delivery = await deliver(
			{url: `${server.origin}/robot/send?access_token=${DINGTALK_TOKEN}`, format: 'dingtalk', secret: DINGTALK_SECRET, now: () => nowMs},
			makeReport(makeResults(30)),
		);
		assert.is(delivery.delivered, true);
		const [request] = server.requests;
		assert.ok(request);
		const url = new URL(request.url, server.origin);
		assert.is(url.pathname, '/robot/send');
		assert.is(url.searchParams.get('access_token'), DINGTALK_TOKEN);
		assert.is(url.searchParams.get('timestamp'), String(nowMs));
		const expected = createHmac('sha256', DINGTALK_SECRET).update(`${nowMs}\n${DINGTALK_SECRET}`).digest('base64');
		assert.is(url.searchParams.get('sign'), expected);
		assert.ok(request.url.endsWith(`&sign=${encodeURIComponent(expected)}`), 'sign is percent-encoded');
		const body = JSON.parse(request.body) as {msgtype: string; markdown: {title: string; text: string}};
		assert.is(body.msgtype, 'markdown');
		assert.is(body.markdown.title, 'cos-ci-binder: 3 failed of 30');
		assert.match(body.markdown.text, /\*\*Failed \(3\)\*\*\n\n- bucket-00009-1250000000 \(ap-shanghai\): NoSuchBucket/);
		assert.not.match(body.markdown.text, /more/);
	} finally {
		await server.close();
	}
});

test('feishu: text message with timestamp and sign in the body; the sign recomputes', async () => {
	const server = await receiver(() => ({status: 200, body: '{"code":0,"msg":"success","data":{}}'}));
	try {
		const nowMs = Date.now();
		const delivery = await deliver({url: `${server.origin}/open-apis/bot/v2/hook/${FEISHU_HOOK_ID}`, format: 'feishu', secret: FEISHU_SECRET, now: () => nowMs});
		assert.is(delivery.delivered, true);
		const [request] = server.requests;
		assert.ok(request);
		const body = JSON.parse(request.body) as {timestamp: string; sign: string; msg_type: string; content: {text: string}};
		const timestamp = Math.floor(nowMs / 1000);
		assert.is(body.timestamp, String(timestamp));
		assert.is(body.sign, createHmac('sha256', `${timestamp}\n${FEISHU_SECRET}`).update('').digest('base64'));
		assert.is(body.sign, feishuSign(FEISHU_SECRET, timestamp));
		assert.is(body.msg_type, 'text');
		assert.match(body.content.text, /^cos-ci-binder: 1 failed of 5\ntotal 5/);
		assert.not.match(body.content.text, /\*\*/);
	} finally {
		await server.close();
	}
});

test('feishu: a non-zero code is a RobotError; the hook id is masked in the message', async () => {
	const server = await receiver(() => ({status: 200, body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}'}));
	try {
		const delivery = await deliver({url: `${server.origin}/open-apis/bot/v2/hook/${FEISHU_HOOK_ID}`, format: 'feishu', secret: FEISHU_SECRET});
		assert.is(delivery.code, 'RobotError');
		assert.match(delivery.message ?? '', /\/open-apis\/bot\/v2\/hook\/\*\*\*: robot error 19021: sign match fail/);
		assert.is(describeUrl(`https://open.feishu.cn/open-apis/bot/v2/hook/${FEISHU_HOOK_ID}?x=1`), 'https://open.feishu.cn/open-apis/bot/v2/hook/***');
	} finally {
		await server.close();
	}
});

// --- No secret leaves ----------------------------------------------------------------------------------

test('secrets: a leaky report reaches no body, in any format', async () => {
	const server = await receiver((request) => (request.url.startsWith('/open-apis') ? {status: 200, body: '{"code":0}'} : request.url.startsWith('/hooks') ? ok : robotOk));
	try {
		const deliveries = [
			await deliver({url: server.url, format: 'standard', secret: STANDARD_SECRET}, leakyReport(STANDARD_SECRET)),
			await deliver({url: `${server.origin}/cgi-bin/webhook/send?key=${WECOM_KEY}`, format: 'wecom'}, leakyReport(WECOM_KEY)),
			await deliver({url: `${server.origin}/robot/send?access_token=${DINGTALK_TOKEN}`, format: 'dingtalk', secret: DINGTALK_SECRET}, leakyReport(DINGTALK_SECRET)),
			await deliver({url: `${server.origin}/robot/send?access_token=${DINGTALK_TOKEN}`, format: 'dingtalk'}, leakyReport(DINGTALK_TOKEN)),
			await deliver({url: `${server.origin}/open-apis/bot/v2/hook/${FEISHU_HOOK_ID}`, format: 'feishu', secret: FEISHU_SECRET}, leakyReport(FEISHU_SECRET)),
			await deliver({url: `${server.origin}/open-apis/bot/v2/hook/${FEISHU_HOOK_ID}`, format: 'feishu'}, leakyReport(FEISHU_HOOK_ID)),
		];
		assert.equal(deliveries.map((delivery) => delivery.delivered), [true, true, true, true, true, true]);
		const standard = JSON.parse(server.requests[0]!.body) as {data: InvocationReport};
		assert.match(standard.data.results[0]!.message ?? '', /\[REDACTED\]/);
		// The region is not a secret: only key, id and token variables are scrubbed.
		assert.ok(server.requests[0]!.body.includes('ap-guangzhou'));
	} finally {
		await server.close();
	}
});

test('secrets: no body received and no delivery returned in this file contains a secret', () => {
	assert.ok(seenBodies.length > 30, `${seenBodies.length} bodies`);
	const haystack = JSON.stringify({bodies: seenBodies, deliveries: seenDeliveries});
	for (const secret of SECRETS) {
		assert.not.ok(haystack.includes(secret), `leaked ${secret.slice(0, 6)}…`);
	}

	assert.not.ok(/authorization/i.test(haystack) && haystack.includes('q-sign-algorithm=sha1&q-ak=AKID'), 'an Authorization header leaked');
});

test.run();
