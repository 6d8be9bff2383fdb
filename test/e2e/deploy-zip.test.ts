// The zip writer behind the deploy package, checked from outside this process: Python's zipfile reads what it
// writes, and fresh `node` processes in three time zones write the same bytes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {createZip, readZip, UNIX_FILE_MODE} from '../../deploy/zip.mjs';
import {ROOT} from '../support/paths.js';
import {runProcess} from '../support/process.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-zip-'));

/**
Python's zipfile, an independent reader: every entry's name, method, DOS time, Unix mode and data, and
`testzip()`, which checks every CRC. python3 is on every machine of this project's kind.
*/
async function inspectWithPython(zip: Buffer): Promise<{bad: string | null; entries: Array<{name: string; method: number; time: number[]; mode: number; data: string}>}> {
	const file = path.join(tmp, `inspect-${process.pid}-${Math.random().toString(36).slice(2)}.zip`);
	fs.writeFileSync(file, zip);
	const script = `import json, sys, zipfile, base64
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({"bad": z.testzip(), "entries": [{"name": i.filename, "method": i.compress_type, "time": list(i.date_time), "mode": i.external_attr >> 16, "data": base64.b64encode(z.read(i)).decode()} for i in z.infolist()]}))`;
	const result = await runProcess('python3', ['-c', script, file]);
	assert.is(result.code, 0, result.stderr);
	return JSON.parse(result.stdout) as Awaited<ReturnType<typeof inspectWithPython>>;
}

test('createZip: an independent reader sees the entries in order, fixed timestamps, Unix mode, deflate only when it helps, good CRCs', async () => {
	const code = 'exports.main_handler = async () => ({ok: true});\n'.repeat(40);
	const zip = createZip([
		{name: 'index.js', data: code},
		{name: 'tiny.txt', data: 'x'},
		{name: 'dir/ünïcode.json', data: Buffer.from('{"a":1}')},
	]);
	const {bad, entries} = await inspectWithPython(zip);
	assert.is(bad, null, 'every CRC checks out');
	assert.equal(
		entries.map((entry) => entry.name),
		['index.js', 'tiny.txt', 'dir/ünïcode.json'],
	);
	assert.is(Buffer.from(entries[0]!.data, 'base64').toString(), code);
	assert.is(entries[0]!.method, 8, 'repetitive text is deflated');
	assert.is(entries[1]!.method, 0, 'one byte is stored');
	assert.is(Buffer.from(entries[2]!.data, 'base64').toString(), '{"a":1}');
	for (const entry of entries) {
		assert.equal(entry.time, [1980, 1, 1, 0, 0, 0]);
		assert.is(entry.mode, UNIX_FILE_MODE);
	}

	assert.equal(
		readZip(zip).map((entry) => entry.name),
		['index.js', 'tiny.txt', 'dir/ünïcode.json'],
		'readZip agrees',
	);
});

test('createZip: the same input gives the same bytes (reproducible package, stable SHA-256), in any time zone', async () => {
	const input = [{name: 'index.js', data: 'module.exports = 1;'}];
	assert.ok(createZip(input).equals(createZip(input)));
	const script = `import('./deploy/zip.mjs').then(({createZip}) => process.stdout.write(createZip([{name: 'index.js', data: 'module.exports = 1;'}]).toString('base64')))`;
	const zones = await Promise.all(['UTC', 'Asia/Shanghai', 'America/Los_Angeles'].map(async (zone) => (await runProcess(process.execPath, ['-e', script], {cwd: ROOT, env: {...process.env, TZ: zone}})).stdout));
	assert.ok(zones.every((bytes) => bytes !== '' && bytes === createZip(input).toString('base64')), 'identical bytes in UTC, UTC+8 and UTC-8');
});

test('createZip: refuses names that escape the folder, duplicates and empty names', async () => {
	for (const name of ['../evil.js', '/abs.js', 'a\\b.js', 'a//b.js', '', 'a/../b.js']) {
		assert.throws(() => createZip([{name, data: 'x'}]), /invalid entry name/, name);
	}

	assert.throws(() => createZip([{name: 'index.js', data: 'a'}, {name: 'index.js', data: 'b'}]), /duplicate/);
	assert.equal(
		(await inspectWithPython(createZip([{name: 'a.js', data: 'a'}, {name: '7', data: 'b'}]))).entries.map((entry) => entry.name),
		['a.js', '7'],
		'order kept, even for a name that is a number',
	);
});

test('readZip rejects a damaged archive', () => {
	const zip = createZip([{name: 'index.js', data: 'hello world, hello world, hello world'}]);
	assert.throws(() => readZip(zip.subarray(0, zip.length - 5)));
	assert.throws(() => readZip(Buffer.from('not a zip at all')));
});

test.after(() => {
	fs.rmSync(tmp, {recursive: true, force: true});
});

test.run();
