/**
The local emulator of the Tencent Cloud Infinite (CI) and COS APIs the binder uses: the test bed and
the embedded default a newcomer runs against. Strict on signatures, faithful in its answers, and able
to misbehave on demand (latency, 5xx, resets, hostile bodies).
*/
export {DEMO_CREDENTIALS, MAX_REQUEST_BODY_BYTES, startEmulator} from './server.js';
export {runEmulatorCli, type EmulatorCliOptions} from './cli.js';
export {EmulatorError, isEmulatorError, STATUS_BY_CODE} from './errors.js';
export {OPERATIONS} from './types.js';
// The signature's parts and parser, for servers that verify what the client signs (the emulator does).
export {computeSignatureParts, parseAuthorization} from '../signer/authorization.js';
export type {ParsedAuthorization, SignatureParts} from '../signer/authorization.js';
export type {
	BodyFaultKind,
	BucketCreatedEvent,
	CiStatus,
	Emulator,
	EmulatorBucket,
	EmulatorCredential,
	EmulatorFaults,
	EmulatorOperation,
	EmulatorOptions,
	FaultErrorCode,
	RequestLogEntry,
} from './types.js';
