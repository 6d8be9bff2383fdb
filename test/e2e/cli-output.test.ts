// What the CLI prints: scrubbed of secrets even when an answer echoes them; `invoke` ends when the
// handler returns even while a webhook answer trickles; the README's emulator example works as written.
import http from 'node:http';
import net from 'node:net';
import {mkdtemp, readFile, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {DEMO_CREDENTIALS, startEmulator} from '../../lib/emulator/index.js';
import {runCli} from '../support/cli.js';

const APP = '1250000000';
const GZ = 'ap-guangzhou';
const SESSION_TOKEN = 'SESSION-TOKEN-echoed-0123456789';
const HTTP_TOKEN = 'http-token-echoed-0123456789abcdef';

/**
A hostile stand-in for the CI and COS hosts: a DescribeCIBuckets answer carrying the session token
and the HTTP token in its fields, and an AccessDenied for everything else whose message echoes both.
*/
async function startHostileService() {
	const server = http.createServer((request, response) => {
		request.resume();
		if (request.url?.includes('/cibuckets')) {
			response.writeHead(200, {'content-type': 'application/xml'}).end(
				`<Response><TotalCount>1</TotalCount><RequestId>r1</RequestId><CIBucketList><BucketId>evil-${APP}</BucketId><Region>${GZ}</Region><Status>on</Status><CreateTime>${SESSION_TOKEN} ${HTTP_TOKEN}</CreateTime></CIBucketList></Response>`,
			);
			return;
		}

		response
			.writeHead(403, {'content-type': 'application/xml'})
			.end(`<Error><Code>AccessDenied</Code><Message>denied for token ${HTTP_TOKEN} (session ${SESSION_TOKEN})</Message><RequestId>r2</RequestId></Error>`);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve()))};
}

test('an answer echoing the session token or the HTTP token: every line the CLI prints is scrubbed', async () => {
	const hostile = await startHostileService();
	const env = {
		BINDER_ENDPOINT: hostile.url,
		TENCENTCLOUD_SECRETID: 'AKIDhostiletest0001',
		TENCENTCLOUD_SECRETKEY: 'secret-key-hostile-0001',
		TENCENTCLOUD_SESSIONTOKEN: SESSION_TOKEN,
		BINDER_HTTP_TOKEN: HTTP_TOKEN,
		BINDER_RETRIES: '0',
	};
	try {
		// The human `list` line has no createTime: nothing echoed to scrub, nothing leaked either.
		const echoing = [['list', '--json'], ['bind', `a-${APP}`, '--region', GZ], ['bind', `a-${APP}`, '--region', GZ, '--json'], ['status', `a-${APP}`, '--region', GZ], ['sync']];
		for (const argv of [['list'], ...echoing]) {
			const run = await runCli(argv, env);
			const printed = run.stdout + run.stderr;
			assert.ok(printed.length > 0, argv.join(' '));
			assert.not.ok(printed.includes(SESSION_TOKEN), `${argv.join(' ')}: ${printed}`);
			assert.not.ok(printed.includes(HTTP_TOKEN), `${argv.join(' ')}: ${printed}`);
			if (echoing.includes(argv)) {
				assert.match(printed, /\[REDACTED\]/, argv.join(' '));
			}
		}

		// `list --json` is still valid JSON after scrubbing.
		const list = await runCli(['list', '--json'], env);
		assert.is(JSON.parse(list.stdout).createTime, '[REDACTED] [REDACTED]');
	} finally {
		await hostile.close();
	}
});

/** A webhook receiver that answers 200 and then trickles its body one byte at a time, never ending it. */
async function startTricklingReceiver() {
	const sockets = new Set<net.Socket>();
	let connections = 0;
	const server = net.createServer((socket) => {
		connections++;
		sockets.add(socket);
		socket.on('error', () => undefined);
		socket.once('data', () => {
			socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n');
			const timer = setInterval(() => socket.write(' '), 50);
			socket.on('close', () => {
				clearInterval(timer);
				sockets.delete(socket);
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/hook`,
		connections: () => connections,
		close: () =>
			new Promise<void>((resolve) => {
				for (const socket of sockets) {
					socket.destroy();
				}

				server.close(() => resolve());
			}),
	};
}

test('invoke ends once the handler returns, while a webhook answer is still trickling in', async () => {
	const emulator = await startEmulator();
	const receiver = await startTricklingReceiver();
	try {
		emulator.createBucket(`a-${APP}`, GZ);
		const dir = await mkdtemp(path.join(tmpdir(), 'binder-trickle-'));
		const event = path.join(dir, 'event.json');
		const context = path.join(dir, 'context.json');
		await writeFile(event, JSON.stringify({Records: [{cos: {cosBucket: {name: 'a', appid: APP, region: 'gz'}, cosObject: {}}, event: {eventName: 'cos:ObjectCreated:Put'}}]}));
		// A 4 s function: the webhook gets what is left minus a second, whatever BINDER_WEBHOOK_TIMEOUT_MS says.
		await writeFile(context, JSON.stringify({time_limit_in_ms: 4000}));
		const run = await runCli(['invoke', event, '--context', context], {
			BINDER_ENDPOINT: emulator.url,
			TENCENTCLOUD_SECRETID: DEMO_CREDENTIALS.secretId,
			TENCENTCLOUD_SECRETKEY: DEMO_CREDENTIALS.secretKey,
			TENCENTCLOUD_REGION: GZ,
			BINDER_WEBHOOK_URL: receiver.url,
			BINDER_WEBHOOK_TIMEOUT_MS: '60000',
		});
		assert.not.ok(run.killedByWatchdog, 'invoke did not exit');
		assert.is(run.code, 0, run.stderr);
		const result = JSON.parse(run.stdout) as {results: Array<{outcome: string}>; webhook: {delivered: boolean; code: string}};
		assert.is(result.results[0]!.outcome, 'bound');
		assert.is(result.webhook.delivered, false);
		assert.is(result.webhook.code, 'Timeout');
		assert.ok(receiver.connections() >= 1);
	} finally {
		await receiver.close();
		await emulator.close();
	}
});

test('the README\'s emulator example works as written', async () => {
	const readme = await readFile('README.md', 'utf8');
	const block = /```sh\nexport BINDER_ENDPOINT=http:\/\/127\.0\.0\.1:9000\n([\s\S]*?)```/.exec(readme)?.[1];
	assert.ok(block, 'the README has the emulator example');
	const lines = block!.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
	const body = /-d '([^']+)'/.exec(lines.find((line) => line.startsWith('curl '))!)?.[1];
	const commands = lines.filter((line) => line.startsWith('npx cos-ci-binder ')).map((line) => line.replace(/\s+#.*$/, '').split(/\s+/).slice(2));
	assert.equal(
		commands.map((argv) => argv[0]),
		['invoke', 'status'],
	);
	// What `npx cos-ci-binder emulator` starts (on a free port here instead of 9000).
	const emulator = await startEmulator();
	try {
		const created = await fetch(`${emulator.url}/_emulator/buckets`, {method: 'POST', headers: {'content-type': 'application/json'}, body});
		assert.ok(created.ok, await created.text());
		// No keys: the CLI uses the demo keys for a loopback endpoint, as the README says.
		const invoke = await runCli(commands[0]!, {BINDER_ENDPOINT: emulator.url});
		assert.is(invoke.code, 0, invoke.stdout + invoke.stderr);
		assert.is(JSON.parse(invoke.stdout).results[0].outcome, 'bound');
		const status = await runCli(commands[1]!, {BINDER_ENDPOINT: emulator.url});
		assert.is(status.code, 0, status.stderr);
		assert.match(status.stdout, /examplebucket-1250000000\s+ap-guangzhou\s+CI on/);
	} finally {
		await emulator.close();
	}
});

test.run();
