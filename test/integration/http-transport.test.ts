// The transport ky sends through (lib/utils/http-transport.ts), against raw loopback TCP servers that
// answer exactly the bytes a test wants: statuses fetch would refuse, bodyless answers, bodies cut short.
import net from 'node:net';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {createTransport} from '../../lib/utils/http-transport.js';
import {readBody} from '../../lib/utils/read-body.js';

/** A server that answers every request with `reply` (raw HTTP) and records the raw request. */
async function rawServer(reply: string, options: {closeAfter?: boolean} = {}) {
	const requests: string[] = [];
	const sockets = new Set<net.Socket>();
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		let received = '';
		socket.on('data', (chunk) => {
			received += chunk.toString('latin1');
			const headerEnd = received.indexOf('\r\n\r\n');
			const length = Number(/content-length: *(\d+)/i.exec(received)?.[1] ?? 0);
			if (headerEnd >= 0 && received.length >= headerEnd + 4 + length) {
				requests.push(received);
				received = '';
				socket.write(reply);
				if (options.closeAfter) {
					socket.end();
				}
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	// The client keeps idle connections open (keep-alive): end them, or close() would wait for them forever.
	const close = () => {
		for (const socket of sockets) {
			socket.destroy();
		}

		return new Promise<void>((resolve) => server.close(() => resolve()));
	};

	return {url: `http://127.0.0.1:${port}/path?q=1`, requests, close};
}

const send = (url: string, init: RequestInit = {}) => createTransport(new AbortController().signal)(new Request(url, init));

test('a POST carries its body with a Content-Length, headers as given; the answer\'s status, headers and body come back', async () => {
	const server = await rawServer('HTTP/1.1 201 Created\r\nX-Ci-Request-Id: abc\r\nContent-Length: 5\r\n\r\nhello');
	try {
		const response = await send(server.url, {method: 'POST', body: '{"a":1}', headers: {'content-type': 'application/json', 'x-custom': 'v'}});
		assert.is(response.status, 201);
		assert.is(response.statusText, 'Created');
		assert.is(response.headers.get('x-ci-request-id'), 'abc');
		assert.is(await readBody(response, 100, 'throw'), 'hello');
		const raw = server.requests[0]!;
		assert.match(raw, /^POST \/path\?q=1 HTTP\/1\.1\r\n/);
		assert.match(raw, /\r\ncontent-length: 7\r\n/i);
		assert.match(raw, /\r\nx-custom: v\r\n/i);
		assert.ok(raw.endsWith('\r\n\r\n{"a":1}'));
	} finally {
		await server.close();
	}
});

test('204 and 304 answers have no body; HEAD neither', async () => {
	for (const [status, method] of [
		[204, 'GET'],
		[304, 'GET'],
		[200, 'HEAD'],
	] as const) {
		const server = await rawServer(`HTTP/1.1 ${status} X\r\nContent-Length: 0\r\n\r\n`);
		try {
			const response = await send(server.url, {method});
			assert.is(response.status, status);
			assert.is(response.body, null);
		} finally {
			await server.close();
		}
	}
});

test('a status fetch could not represent (999) is a network-style failure, not a crash', async () => {
	const server = await rawServer('HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n');
	try {
		const error = await send(server.url).then(() => undefined, (caught: unknown) => caught);
		assert.instance(error, TypeError);
		assert.match(String((error as TypeError).cause), /invalid HTTP status 999/);
	} finally {
		await server.close();
	}
});

test('a body cut short by the server closing errors the stream, never returns half a body as whole', async () => {
	const server = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this much', {closeAfter: true});
	try {
		const response = await send(server.url);
		const error = await readBody(response, 1000, 'throw').then(() => undefined, (caught: unknown) => caught);
		assert.instance(error, TypeError);
		// Node reports it as ECONNRESET ("aborted") or, when only the close is seen, our UND_ERR_SOCKET.
		assert.match(String(((error as TypeError).cause as {code?: string}).code), /^(ECONNRESET|UND_ERR_SOCKET)$/);
	} finally {
		await server.close();
	}
});

test('an unsupported protocol is refused before anything is sent', async () => {
	const error = await send('ftp://127.0.0.1/x').then(() => undefined, (caught: unknown) => caught);
	assert.instance(error, TypeError);
	assert.match(String((error as TypeError).cause), /unsupported protocol ftp:/);
});

test('a signal aborted before the call sends nothing', async () => {
	const server = await rawServer('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
	try {
		const controller = new AbortController();
		controller.abort(new Error('already gone'));
		const error = await createTransport(controller.signal)(new Request(server.url)).then(() => undefined, (caught: unknown) => caught);
		assert.is((error as Error).message, 'already gone');
		assert.is(server.requests.length, 0);
	} finally {
		await server.close();
	}
});

test.run();
