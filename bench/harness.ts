// What the orchestrator (bench/run.mjs, plain Node) needs from TypeScript and from the SDK, bundled once
// per run with the same settings as the measured bundles, so both signers run as the same kind of code.
import COS from 'cos-nodejs-sdk-v5';

export {DEMO_CREDENTIALS, startEmulator} from '../lib/emulator/index.js';
export {getAuthorization} from '../lib/signer/authorization.js';
export {fromCosSdkOptions} from '../lib/signer/cos-sdk-options.js';
export const sdkGetAuthorization = COS.getAuthorization;
