import {createHmac} from 'node:crypto';
import {robotText, robotTitle} from './robot-text.js';
import {sanitizeReport} from './sanitize.js';
import type {InvocationReport, WebhookFormat} from './types.js';

/** The group robots: formats that answer HTTP 200 and put the verdict in the body. */
export type RobotFormat = Exclude<WebhookFormat, 'standard'>;

// WeCom: markdown.content is limited to 4096 bytes (UTF-8).
const WECOM_MAX_BYTES = 4096;
// DingTalk and Feishu allow more (Feishu: 20 KB per request body), but a chat message is read, not
// parsed: a screenful of failures is what helps; the standard webhook carries everything.
const DINGTALK_MAX_BYTES = 8192;
const FEISHU_MAX_BYTES = 8192;

/**
Body codes meaning "slow down" rather than "wrong": worth a retry within the budget.
WeCom 45009 (api freq out of limit, ~20 per minute); DingTalk 130101 (send too fast, 20 per minute);
Feishu 11232 (message rate limit). Not retried: DingTalk 90030 (quota used up for the period, a retry
cannot help) and Feishu 9499 (a generic "Bad Request").
*/
export const ROBOT_RATE_LIMIT_CODES: Readonly<Record<RobotFormat, readonly number[]>> = {
	wecom: [45009],
	dingtalk: [130101],
	feishu: [11232],
};

/** WeCom group robot message. */
export type WecomMessage = {msgtype: 'markdown'; markdown: {content: string}};
/** DingTalk group robot message. */
export type DingtalkMessage = {msgtype: 'markdown'; markdown: {title: string; text: string}};
/** Feishu/Lark group robot message; `timestamp` and `sign` are added per attempt when signed. */
export type FeishuMessage = {msg_type: 'text'; content: {text: string}; timestamp?: string; sign?: string};

/**
The robot's JSON body for a report: counts, trigger, request id, the failed buckets first, then the
others, cut (at a UTF-8 boundary, with "… N more") to what the robot accepts.
*/
export function renderRobotMessage(format: 'wecom', report: InvocationReport): WecomMessage;
export function renderRobotMessage(format: 'dingtalk', report: InvocationReport): DingtalkMessage;
export function renderRobotMessage(format: 'feishu', report: InvocationReport): FeishuMessage;
export function renderRobotMessage(format: RobotFormat, report: InvocationReport): WecomMessage | DingtalkMessage | FeishuMessage;
export function renderRobotMessage(format: RobotFormat, report: InvocationReport): WecomMessage | DingtalkMessage | FeishuMessage {
	const clean = sanitizeReport(report);
	switch (format) {
		case 'wecom': {
			return {msgtype: 'markdown', markdown: {content: robotText(clean, {markdown: true, lineBreak: '\n', maxBytes: WECOM_MAX_BYTES})}};
		}

		case 'dingtalk': {
			// DingTalk's markdown joins single-newline lines into one paragraph.
			return {
				msgtype: 'markdown',
				markdown: {title: robotTitle(clean), text: robotText(clean, {markdown: true, lineBreak: '\n\n', maxBytes: DINGTALK_MAX_BYTES})},
			};
		}

		case 'feishu': {
			return {msg_type: 'text', content: {text: robotText(clean, {markdown: false, lineBreak: '\n', maxBytes: FEISHU_MAX_BYTES})}};
		}
	}
}

/**
DingTalk "加签": `url` with `timestamp` (ms) and `sign` = base64(HMAC-SHA256(key = secret,
"${timestamp}\n${secret}")), percent-encoded, replacing any `timestamp`/`sign` already there.
*/
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
	const sign = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
	const signed = new URL(url);
	// A pasted, already signed URL: drop its stale signature. Only then, since deleting re-serialises the
	// query the form way.
	if (signed.searchParams.has('timestamp') || signed.searchParams.has('sign')) {
		signed.searchParams.delete('timestamp');
		signed.searchParams.delete('sign');
	}

	return `${signed.origin}${signed.pathname}${signed.search}${signed.search ? '&' : '?'}timestamp=${timestampMs}&sign=${encodeURIComponent(sign)}`;
}

/**
Feishu/Lark "签名校验": base64(HMAC-SHA256(key = "${timestamp}\n${secret}", message = "")). Note the
inversion: the string is the key and the message is empty.
*/
export function feishuSign(secret: string, timestampSeconds: number): string {
	return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/** A robot's verdict: its code (0 = success) and message. */
export type RobotAnswer = {code: number; message: string};

/**
Read a robot's answer body: `errcode`/`errmsg` (WeCom, DingTalk), `code`/`msg` or the older
`StatusCode`/`StatusMessage` (Feishu). `undefined` when the body is not such an answer.
*/
export function readRobotAnswer(format: RobotFormat, body: string): RobotAnswer | undefined {
	let json: unknown;
	try {
		json = JSON.parse(body);
	} catch {
		return undefined;
	}

	if (typeof json !== 'object' || json === null) {
		return undefined;
	}

	const record = json as Record<string, unknown>;
	const pick = (codeKey: string, messageKey: string): RobotAnswer | undefined => {
		const code = typeof record[codeKey] === 'string' ? Number(record[codeKey]) : record[codeKey];
		return typeof code === 'number' && Number.isInteger(code) ? {code, message: String(record[messageKey] ?? '')} : undefined;
	};

	return format === 'feishu' ? (pick('code', 'msg') ?? pick('StatusCode', 'StatusMessage')) : pick('errcode', 'errmsg');
}
