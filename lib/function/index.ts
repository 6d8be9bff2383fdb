// The function as the CLI (and any other local runner) uses it: the handler, served locally or invoked,
// with the settings, the secret list and the logger it runs with.
export {handle, TransientFailureError} from './main-handler.js';
export type {HandlerContext, HandlerHooks, HandlerHttpReply, InvocationResult} from './main-handler.js';
export {serveFunction} from './local-server.js';
export type {LocalServer} from './local-server.js';
export {loadConfig, LOG_LEVELS} from './config.js';
export type {BinderConfig, LogLevel} from './config.js';
export {scrubList, secretsOf} from './secrets.js';
export {createLogger} from './logger.js';
export type {Logger, LoggerOptions} from './logger.js';
