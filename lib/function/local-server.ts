import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {handle} from './main-handler.js';

// Read at most this much of a request body; the handler answers 413 above its own (smaller) limit.
const MAX_READ_BYTES = 8 * 1024 * 1024;
// What SCF gives a function by default; the local context counts down from it.
const DEFAULT_TIME_LIMIT_MS = 300_000;

export type LocalServer = {url: string; port: number; close(): Promise<void>};

/**
Serve `main_handler` as an SCF function URL on localhost: each request becomes the function URL event
SCF would deliver (`httpMethod`, `path`, `headers` with `x-scf-remote-addr`, `queryString`, `body`), and
the reply is written back.
*/
export async function serveFunction(options: {port?: number; host?: string; env?: Record<string, string | undefined>; write?: (line: string) => void; timeLimitMs?: number} = {}): Promise<LocalServer> {
	let counter = 0;
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_READ_BYTES) {
				tooLarge = true;
				return;
			}

			chunks.push(chunk);
		});
		const answer = async () => {
			if (tooLarge) {
				response.writeHead(413, {'content-type': 'application/json'}).end(JSON.stringify({error: {code: 'PayloadTooLarge', message: `body over ${MAX_READ_BYTES} bytes`}}));
				return;
			}

			let url: URL;
			try {
				url = new URL(request.url ?? '/', 'http://localhost');
			} catch {
				// Node's HTTP parser lets through request targets no URL parser reads (`GET http://[ HTTP/1.1`).
				response.writeHead(400, {'content-type': 'application/json'}).end(JSON.stringify({error: {code: 'InvalidRequest', message: 'the request target is not a valid URL'}}));
				return;
			}

			const headers: Record<string, string> = {};
			for (const [name, value] of Object.entries(request.headers)) {
				if (value !== undefined) {
					headers[name] = Array.isArray(value) ? value.join(', ') : value;
				}
			}

			// As SCF does (docs 583/96099): the client address in `x-scf-remote-addr`, whatever the client sent.
			headers['x-scf-remote-addr'] = request.socket.remoteAddress ?? '';

			const event = {
				httpMethod: request.method ?? 'GET',
				path: url.pathname,
				headers,
				queryString: Object.fromEntries(url.searchParams),
				body: Buffer.concat(chunks).toString('utf8'),
			};
			const deadline = Date.now() + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
			const context = {request_id: `local-http-${++counter}`, function_name: 'cos-ci-binder', getRemainingTimeInMillis: () => deadline - Date.now()};
			try {
				const reply = (await handle(event, context, {env: options.env, write: options.write})) as {statusCode?: number; headers?: Record<string, string>; body?: string};
				response.writeHead(reply.statusCode ?? 200, reply.headers ?? {'content-type': 'application/json'}).end(reply.body ?? JSON.stringify(reply));
			} catch (error) {
				response.writeHead(500, {'content-type': 'application/json'}).end(JSON.stringify({error: {code: 'HandlerError', message: (error as Error).message}}));
			}
		};
		// Not an async listener: its rejection would be unhandled and end the process serving (`serve`, `npm start`).
		request.on('end', () => {
			answer().catch(() => response.destroy());
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
	});
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://${options.host ?? '127.0.0.1'}:${port}`,
		port,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
