/** The Node.js version of SCF's `Nodejs18.15` runtime. */
export const SCF_NODE_VERSION: string;
/** Path of the Node 18.15.0 binary; throws with what to do when it is not installed. */
export function scfNodePath(): string;
/** Fetch, verify and unpack the binary if it is not there yet. Returns its path. */
export function ensureScfNode(): string;
