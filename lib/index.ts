// The library's public surface. Internals are not re-exported wholesale.
export {getAuthorization, computeSignatureParts, parseAuthorization} from './signer/authorization.js';
export type {AuthorizationOptions, SignatureParts, ParsedAuthorization, SignableValue} from './signer/authorization.js';
export {createClient, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES} from './client/client.js';
export type {Client, ClientOptions, CiStatus, BindResponse, BoundBucket, CosBucket, EnsureBoundOptions, ListBoundOptions, ListBucketsOptions} from './client/client.js';
export type {RetryOptions} from './client/request.js';
export {getStatus, bind, unbind, ensureBound, listBound, listBuckets} from './client/functions.js';
export {credentialsFromEnv} from './client/credentials.js';
export type {Credentials, CredentialSource} from './client/credentials.js';
export {parseBucketId, validateRegion, DOCUMENTED_CI_REGIONS} from './core/names.js';
export type {BucketId} from './core/names.js';
export {BinderError, isBinderError} from './core/errors.js';
export type {BinderErrorDetails, Operation} from './core/errors.js';
export {summarize, allSettled, OUTCOMES} from './core/results.js';
export type {BucketResult, Outcome, ResultSummary} from './core/results.js';
export {handle as main_handler} from './function/main-handler.js';
export type {InvocationResult, HandlerContext} from './function/main-handler.js';
export {loadConfig} from './function/config.js';
export type {BinderConfig} from './function/config.js';
