// The result webhook: one POST per invocation, Standard Webhooks or a group robot's format.
export {deliverWebhook} from './deliver.js';
export {WEBHOOK_EVENT_TYPE, buildStandardPayload, signStandardWebhook, parseStandardSecret} from './standard.js';
export type {StandardPayload} from './standard.js';
export {renderRobotMessage, dingtalkSignedUrl, feishuSign, ROBOT_RATE_LIMIT_CODES} from './robots.js';
export type {RobotFormat, WecomMessage, DingtalkMessage, FeishuMessage} from './robots.js';
export {WEBHOOK_DEFAULTS, WEBHOOK_FORMATS} from './types.js';
export type {WebhookFormat, WebhookOptions, InvocationReport, WebhookDelivery} from './types.js';
