// Runs the uvu suite (every test/**/*.test.ts, TypeScript through tsx) in one process and ends with the
// plain "N passed, N failed" line CI reads. Usage: node test/run.mjs [pattern]
import {spawn} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pattern = process.argv[2] ?? '\\.test\\.ts$';
const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(root, 'node_modules/uvu/bin.js'), 'test', pattern, '-i', 'fixtures'], {
	cwd: root,
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
