import net from 'node:net';

/**
How a hostile backend misbehaves once a request has arrived:
- `trickle`: `200` headers announcing a large body, then one byte every `intervalMs`;
- `stall-after-headers`: `200` headers, then nothing;
- `stall`: reads the request and never answers (a black hole that accepted the connection);
- `slow-headers`: the status line and headers themselves, one byte every `intervalMs`.
*/
export type HostileMode = 'trickle' | 'stall-after-headers' | 'stall' | 'slow-headers';

export const HOSTILE_MODES: readonly HostileMode[] = ['trickle', 'stall-after-headers', 'stall', 'slow-headers'];

export type HostileServer = {
	url: string;
	/** Connections accepted so far. */
	accepted: () => number;
	/** Connections still open: the client must close its side when it gives up, or its process cannot exit. */
	open: () => number;
	/** Resolves once no connection is open (polls; rejects after `maxMs`). */
	drained: (maxMs?: number) => Promise<void>;
	close: () => Promise<void>;
};

const HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 1000000\r\n\r\n';

/** A TCP server on loopback that speaks just enough HTTP to hang a client in the chosen way. */
export async function startHostileServer(mode: HostileMode, intervalMs = 200): Promise<HostileServer> {
	const sockets = new Set<net.Socket>();
	let accepted = 0;
	const server = net.createServer((socket) => {
		accepted++;
		sockets.add(socket);
		const timers: NodeJS.Timeout[] = [];
		socket.on('error', () => undefined);
		socket.on('close', () => {
			sockets.delete(socket);
			for (const timer of timers) {
				clearInterval(timer);
			}
		});
		const drip = (text: string) => {
			let index = 0;
			timers.push(
				setInterval(() => {
					if (!socket.destroyed) {
						socket.write(text[index % text.length]!);
						index++;
					}
				}, intervalMs),
			);
		};

		socket.once('data', () => {
			switch (mode) {
				case 'trickle': {
					socket.write(HEAD);
					drip('<');
					break;
				}

				case 'stall-after-headers': {
					socket.write(HEAD);
					break;
				}

				case 'slow-headers': {
					drip(HEAD);
					break;
				}

				case 'stall': {
					break;
				}
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		accepted: () => accepted,
		open: () => sockets.size,
		async drained(maxMs = 10_000) {
			const until = Date.now() + maxMs;
			while (sockets.size > 0) {
				if (Date.now() > until) {
					throw new Error(`${sockets.size} connection(s) still open after ${maxMs} ms`);
				}

				await new Promise((resolve) => setTimeout(resolve, 20));
			}
		},
		async close() {
			for (const socket of sockets) {
				socket.destroy();
			}

			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/**
Fail instead of hanging: the tests below prove that something *ends*, and a hang must show as a failure
with a message, not as a suite that never finishes. The bound is generous (never a timing assertion).
*/
export async function settlesWithin<T>(promise: Promise<T>, maxMs: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const hang = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`${what}: still running after ${maxMs} ms`)), maxMs);
	});
	try {
		return await Promise.race([promise, hang]);
	} finally {
		clearTimeout(timer);
	}
}

/** Force a garbage collection: the bug this guards against only shows once the `Request` objects are collected. */
export function collectGarbage(): void {
	const gc = (globalThis as {gc?: () => void}).gc;
	if (typeof gc !== 'function') {
		throw new TypeError('run the tests through test/run.mjs, which starts node with --expose-gc');
	}

	gc();
}
