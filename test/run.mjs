// Runs the uvu suites of test/unit, test/integration and test/e2e (TypeScript through tsx) in one process and
// ends with the plain "N passed, N failed" line CI reads.
//
// Usage: node test/run.mjs [unit] [integration] [e2e] [pattern]
//   The folders to run, in that order (default: all three); a pattern (a regular expression) keeps the files whose
//   path under test/ matches it, e.g. `node test/run.mjs 'cli\.test'` or `node test/run.mjs e2e deploy`.
//
// A *.test.ts anywhere else under test/ fails the run before any test runs, whatever was asked for: a file
// nobody classified would otherwise be skipped by every run without anyone noticing.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const FOLDERS = ['unit', 'integration', 'e2e'];
const TEST_FILE = /\.test\.[cm]?[jt]s$/;
const testDir = path.dirname(fileURLToPath(import.meta.url));

/** Every test file below `dir`, as paths relative to test/ with forward slashes, sorted. */
function testFiles(dir) {
	return fs
		.readdirSync(dir, {recursive: true, withFileTypes: true})
		.filter((entry) => entry.isFile() && TEST_FILE.test(entry.name))
		.map((entry) => path.relative(testDir, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'))
		.sort();
}

function fail(message) {
	console.error(`test/run.mjs: ${message}`);
	console.log('\n0 passed, 1 failed');
	process.exit(1);
}

if (process.argv[2] === '--child') {
	// The child (started below with --expose-gc and tsx): run the given files as one uvu session.
	const {run} = await import('uvu/run');
	await run(
		process.argv.slice(3).map((name) => ({name, file: path.join(testDir, name)})),
		{bail: false},
	);
} else {
	const args = process.argv.slice(2);
	const folders = FOLDERS.filter((folder) => args.includes(folder));
	const patterns = args.filter((arg) => !FOLDERS.includes(arg));
	if (patterns.length > 1) {
		fail(`one pattern at most, got ${patterns.map((pattern) => JSON.stringify(pattern)).join(' ')} (folders are ${FOLDERS.join(', ')})`);
	}

	const strays = testFiles(testDir).filter((file) => !FOLDERS.includes(file.split('/')[0]));
	if (strays.length > 0) {
		fail(`${strays.map((file) => `test/${file}`).join(', ')} ${strays.length === 1 ? 'is' : 'are'} outside test/unit, test/integration and test/e2e; move each into the folder its kind belongs to (README, "Tests")`);
	}

	const pattern = patterns[0] === undefined ? undefined : new RegExp(patterns[0], 'i');
	const files = (folders.length === 0 ? FOLDERS : folders)
		.flatMap((folder) => testFiles(path.join(testDir, folder)))
		.filter((file) => !pattern || pattern.test(file));
	if (files.length === 0) {
		fail(`no test file in ${(folders.length === 0 ? FOLDERS : folders).join(', ')} matches ${pattern ?? 'anything'}`);
	}

	const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', ...files], {
		cwd: path.dirname(testDir),
		stdio: ['ignore', 'pipe', 'inherit'],
		env: {...process.env, NO_COLOR: '1'},
	});
	let output = '';
	child.stdout.on('data', (chunk) => {
		output += chunk;
		process.stdout.write(chunk);
	});
	child.on('close', (code, signal) => {
		const number = (label) => Number(/\s*(\d+)/.exec(output.slice(output.lastIndexOf(label) + label.length))?.[1] ?? 0);
		const total = output.includes('Total:') ? number('Total:') : 0;
		const passed = output.includes('Passed:') ? number('Passed:') : 0;
		const failed = Math.max(total - passed, code === 0 ? 0 : 1);
		console.log(`\n${passed} passed, ${failed} failed`);
		process.exit(code ?? (signal ? 1 : 0));
	});
}
