import {createHmac, randomUUID} from 'node:crypto';
import {sanitizeReport} from './sanitize.js';
import type {InvocationReport} from './types.js';

/** The `type` of our one Standard Webhooks event. */
export const WEBHOOK_EVENT_TYPE = 'binder.invocation.completed';

const SECRET_PREFIX = 'whsec_';
// Padded standard base64, as the reference verifiers (@stablelib/base64 in `standardwebhooks`) decode it.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The Standard Webhooks message: `{type, timestamp, data}`. */
export type StandardPayload = {type: string; timestamp: string; data: InvocationReport};

/**
Build the Standard Webhooks payload. `data` is the report restricted to its documented fields (so that
nothing attached to it by accident is sent) with signature-shaped fragments redacted; every result is kept.
*/
export function buildStandardPayload(report: InvocationReport, now: Date): StandardPayload {
	return {type: WEBHOOK_EVENT_TYPE, timestamp: now.toISOString(), data: sanitizeReport(report)};
}

/**
Decode a `whsec_<base64>` secret to its key bytes.

@throws {TypeError} When the prefix is missing, the base64 is malformed or decodes to nothing. The message never contains the secret.
*/
export function parseStandardSecret(secret: string): Uint8Array {
	if (!secret.startsWith(SECRET_PREFIX)) {
		throw new TypeError(`The standard webhook secret must start with "${SECRET_PREFIX}"`);
	}

	const encoded = secret.slice(SECRET_PREFIX.length);
	if (encoded === '' || !BASE64.test(encoded)) {
		throw new TypeError(`The standard webhook secret must be "${SECRET_PREFIX}" followed by padded base64`);
	}

	return new Uint8Array(Buffer.from(encoded, 'base64'));
}

/**
Sign one attempt: `v1,<base64 HMAC-SHA256(key, "${id}.${timestamp}.${body}")>` where the key is the
base64-decoded part of the `whsec_` secret and `body` the exact string sent.

@throws {TypeError} When the secret is malformed (see {@link parseStandardSecret}).
*/
export function signStandardWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
	const key = parseStandardSecret(secret);
	return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** A fresh `webhook-id`: unique per delivery, reused by its retries so receivers can deduplicate. */
export function newWebhookId(): string {
	return `msg_${randomUUID().replaceAll('-', '')}`;
}
