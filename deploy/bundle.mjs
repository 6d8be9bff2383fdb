// Bundle the function into one minified CommonJS `index.js` and zip it as SCF wants it
// (handler `index.main_handler`, `index.js` at the zip root, no node_modules: since Nodejs14.18 the
// platform adds no libraries, and every KB is paid for in cold starts).
//
// Usage: node deploy/bundle.mjs [--entry handlers/index.ts] [--outdir build] [--name cos-ci-binder] [--quiet]
import {builtinModules} from 'node:module';
import {createHash} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {createZip} from './zip.mjs';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export const DEFAULTS = Object.freeze({
	entry: 'handlers/index.ts',
	outdir: 'build',
	/** The zip is `<name>.zip`. */
	name: 'cos-ci-binder',
	/** SCF's newest official Node.js runtime is Nodejs18.15: nothing newer may reach the bundle. */
	target: 'node18',
});

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);

/**
Bundle `entry` to `<outdir>/index.js` (+ `meta.json`), zip it to `<outdir>/<name>.zip`, write
`<outdir>/size.json`.

@param {{entry?: string, outdir?: string, name?: string, cwd?: string, log?: (line: string) => void}} [options]
Relative paths resolve against `cwd` (default: the repository root).
@returns {Promise<{indexPath: string, zipPath: string, metaPath: string, sizePath: string, rawBytes: number, zipBytes: number, sha256: string}>}
*/
export async function bundle(options = {}) {
	const cwd = options.cwd ?? ROOT;
	const entry = path.resolve(cwd, options.entry ?? DEFAULTS.entry);
	const outdir = path.resolve(cwd, options.outdir ?? DEFAULTS.outdir);
	const name = options.name ?? DEFAULTS.name;
	const log = options.log ?? ((line) => console.log(line));

	try {
		await fs.access(entry);
	} catch {
		throw new Error(`bundle: entry ${path.relative(cwd, entry) || entry} does not exist (it must export main_handler)`);
	}

	// Imported here, not at the top: `serverless print` loads the plugin that loads this module, and has
	// no use for esbuild's startup cost.
	const esbuild = await import('esbuild');
	await fs.mkdir(outdir, {recursive: true});
	// index.js is CommonJS, as SCF loads it; inside this repository ("type": "module") Node would read it
	// as ESM and find no exports. The marker keeps a local `require('./build/index.js')` honest. It is not zipped.
	await fs.writeFile(path.join(outdir, 'package.json'), '{"type": "commonjs"}\n');
	const indexPath = path.join(outdir, 'index.js');
	const result = await esbuild.build({
		entryPoints: [entry],
		outfile: indexPath,
		bundle: true,
		platform: 'node',
		target: DEFAULTS.target,
		format: 'cjs',
		minify: true,
		legalComments: 'none',
		metafile: true,
		sourcemap: false,
		// Deterministic output: no absolute paths or timestamps leak into the bundle.
		absWorkingDir: cwd,
		logLevel: 'silent',
		// Bundling is the point: only Node's own modules stay outside (platform node does that already).
		packages: 'bundle',
	});
	for (const warning of result.warnings) log(`bundle: warning: ${warning.text}${warning.location ? ` (${warning.location.file}:${warning.location.line})` : ''}`);
	assertOnlyBuiltinImports(result.metafile);

	const metaPath = path.join(outdir, 'meta.json');
	await fs.writeFile(metaPath, `${JSON.stringify(result.metafile, null, '\t')}\n`);

	const code = await fs.readFile(indexPath);
	const zip = createZip([{name: 'index.js', data: code}]);
	const zipPath = path.join(outdir, `${name}.zip`);
	await fs.writeFile(zipPath, zip);

	const sha256 = createHash('sha256').update(zip).digest('hex');
	const sizes = {'index.js': code.length, [`${name}.zip`]: zip.length, sha256};
	const sizePath = path.join(outdir, 'size.json');
	await fs.writeFile(sizePath, `${JSON.stringify(sizes, null, '\t')}\n`);
	log(`bundle: ${path.relative(cwd, indexPath)} ${formatBytes(code.length)} raw, ${path.relative(cwd, zipPath)} ${formatBytes(zip.length)} zipped`);
	return {indexPath, zipPath, metaPath, sizePath, rawBytes: code.length, zipBytes: zip.length, sha256};
}

/** A dependency that esbuild left outside the bundle would be missing on SCF: fail here, not there. */
function assertOnlyBuiltinImports(metafile) {
	const strays = new Set();
	for (const output of Object.values(metafile.outputs)) {
		for (const imported of output.imports) {
			if (imported.external && !BUILTINS.has(imported.path)) strays.add(imported.path);
		}
	}
	if (strays.size > 0) throw new Error(`bundle: these imports were left outside the bundle and would be missing on SCF: ${[...strays].join(', ')}`);
}

function formatBytes(bytes) {
	return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB (${bytes} B)`;
}

function parseArgs(argv) {
	const options = {};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => {
			const next = argv[++i];
			if (next === undefined) throw new Error(`bundle: ${arg} needs a value`);
			return next;
		};
		if (arg === '--entry') options.entry = value();
		else if (arg === '--outdir') options.outdir = value();
		else if (arg === '--name') options.name = value();
		else if (arg === '--quiet') options.log = () => {};
		else throw new Error(`bundle: unknown argument ${arg} (expected --entry, --outdir, --name, --quiet)`);
	}
	return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	try {
		await bundle({...parseArgs(process.argv.slice(2)), cwd: process.cwd()});
	} catch (error) {
		console.error(error instanceof Error ? error.message : String(error));
		process.exitCode = 1;
	}
}
