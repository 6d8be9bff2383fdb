// The library's public surface: the client, the binding rule, the capabilities and their policy, results, errors, the signer and the
// function. Internals are not re-exported wholesale; the emulator and its signature helpers are the
// `cos-ci-binder/emulator` subpath.
export {createClient, DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES} from './client/client.js';
export type {
	BindResponse,
	BoundBucket,
	CiStatus,
	Client,
	ClientOptions,
	CosBucket,
	ListBoundOptions,
	ListBucketsOptions,
	RequestCounter,
	RetryOptions,
	StatusResponse,
	UnbindResponse,
} from './client/client.js';
export type {Credentials, CredentialSource} from './client/credentials.js';
export {ensureBound} from './binder/ensure-bound.js';
export type {EnsureBoundOptions} from './binder/ensure-bound.js';
export {ensure} from './binder/ensure.js';
export type {EnsureOptions} from './binder/ensure.js';
export {CAPABILITIES, CAPABILITY_NAMES, SERVICE_NAMES, isCapability} from './client/capabilities.js';
export type {Capability, CapabilitySpec, ServiceName} from './client/capabilities.js';
// `parsePolicy` of services, not of CAM: renamed so the root name says which.
export {compilePolicy, DEFAULT_POLICY, parsePolicy as parseServicePolicy, parseServices, policyCapabilities} from './binder/services.js';
export type {ServicePolicy, ServiceRule, ServicesFor} from './binder/services.js';
export {leastPrivilegePolicy} from './binder/cam-policy.js';
export type {CamPolicyDocument} from './binder/cam-policy.js';
export {allSettled, OUTCOMES, summarize} from './core/results.js';
export type {BucketResult, CapabilityState, Outcome, ResultSummary, ServiceState, UnbindResult} from './core/results.js';
export {BinderError, isBinderError, isValidationError} from './core/errors.js';
export type {BinderCode, BinderErrorDetails, DocumentedServiceCode, Operation, OurCode, ServiceCode, UnlistedServiceCode, ValidationCode} from './core/errors.js';
export {getAuthorization} from './signer/authorization.js';
export type {AuthorizationOptions, SignableValue} from './signer/authorization.js';
export {fromCosSdkOptions} from './signer/cos-sdk-options.js';
export type {CosSdkAuthorizationOptions} from './signer/cos-sdk-options.js';
export {handle as main_handler} from './function/main-handler.js';
export type {HandlerContext, HandlerHttpReply, InvocationResult} from './function/main-handler.js';
export {loadConfig} from './function/config.js';
export type {BinderConfig} from './function/config.js';
