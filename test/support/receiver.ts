import http from 'node:http';
import type {AddressInfo} from 'node:net';

export type Received = {method: string; url: string; headers: http.IncomingHttpHeaders; body: string};

/** A loopback HTTP server that records requests and answers with `respond` (default 200 `{}`). */
export async function startReceiver(respond: (request: Received, index: number) => {status: number; body?: string; headers?: Record<string, string>} | 'hang' | 'reset' = () => ({status: 200})) {
	const received: Received[] = [];
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const entry = {method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8')};
			received.push(entry);
			const answer = respond(entry, received.length - 1);
			if (answer === 'hang') {
				return;
			}

			if (answer === 'reset') {
				request.socket.destroy();
				return;
			}

			response.writeHead(answer.status, {'content-type': 'application/json', ...answer.headers}).end(answer.body ?? '{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		received,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
