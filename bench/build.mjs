// Bundles for the benchmark, built fresh each run into bench/.out/ with the esbuild JS API.
// The measured bundles use the deploy settings of deploy/bundle.mjs (node18, cjs, minified, every
// dependency inlined), so ours and the SDK baseline are packaged the same way.
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const OUT = path.join(ROOT, 'bench/.out');

const DEPLOY_SETTINGS = {bundle: true, platform: 'node', target: 'node18', format: 'cjs', minify: true, legalComments: 'none', packages: 'bundle', logLevel: 'warning'};

/** Build every bundle; returns their paths. */
export async function buildAll() {
	const entries = {
		ours: 'handlers/index.ts',
		baseline: 'bench/baseline/handler.ts',
		// The local HTTP runner (serveFunction) for the load test: the same code as ours, plus the server.
		server: 'lib/function/local-server.ts',
		harness: 'bench/harness.ts',
	};
	await esbuild.build({
		...DEPLOY_SETTINGS,
		absWorkingDir: ROOT,
		entryPoints: Object.fromEntries(Object.entries(entries).map(([name, entry]) => [name, path.join(ROOT, entry)])),
		outdir: OUT,
		outExtension: {'.js': '.cjs'},
	});
	return Object.fromEntries(Object.keys(entries).map((name) => [name, path.join(OUT, `${name}.cjs`)]));
}
