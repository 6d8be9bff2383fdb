import http from 'node:http';
import https from 'node:https';
import ky from 'ky';
import {untilAborted} from './until-aborted.js';

/** One HTTP exchange of {@link sendOnce}. */
export type Exchange = {
	method: 'GET' | 'PUT' | 'POST' | 'DELETE';
	headers: Record<string, string>;
	body?: string;
	/** Obeyed for the whole exchange, headers and body (also by `readBody(…, signal)`). */
	signal: AbortSignal;
	/** Replaces {@link createTransport}; still bounded by `signal` through `untilAborted`. */
	fetch?: typeof fetch;
};

/**
Send one request through ky with the policies the client and the webhook share: retries and timeouts
are the caller's (ky's timeout stops at the headers, and ky cannot classify service codes or robot
answers), redirects are not followed, an HTTP error is an answer to read rather than an exception, and
the abort signal ends the exchange whatever the network or an injected `fetch` does.
*/
export async function sendOnce(url: string, exchange: Exchange): Promise<Response> {
	return untilAborted(
		ky(url, {
			method: exchange.method,
			headers: exchange.headers,
			...(exchange.body === undefined ? {} : {body: exchange.body}),
			// Our transport has the signal already. Handing it to ky as well would only make ky link it to a
			// controller of its own through AbortSignal.any, which costs a signal per request and retains
			// memory on Node 20 (nodejs/node#48951); an injected fetch still gets it, to obey if it can.
			...(exchange.fetch ? {signal: exchange.signal} : {}),
			retry: 0,
			timeout: false,
			throwHttpErrors: false,
			redirect: 'manual',
			fetch: exchange.fetch ?? createTransport(exchange.signal),
		}),
		exchange.signal,
	);
}

/**
A `fetch` for ky's `fetch` option, built on `node:http`/`node:https`, that obeys `signal` however long
the exchange lasts: aborting it destroys the socket, before the headers and while the body streams.

Why not Node's own `fetch`: undici links a `Request`'s signal to the signal it was given through a
`WeakRef`, and `fetch()` makes one more such `Request` inside. Once the response headers are in,
nothing holds those objects, so after a garbage collection an abort no longer reaches the connection
(nodejs/undici#3644, nodejs/node#55428, nodejs/undici#4068 for `Request`s built from `Request`s as ky
does). On SCF's Nodejs18.15 (undici 5.20, where the `Request` does not even keep its controller) this
happens before the headers too. A backend that trickles or stalls then holds the invocation past its
deadline with no record. Here our own listener on `signal` holds the request, so the abort always lands.

The request's own `signal` is ignored for that reason; pass the one that must be obeyed.
*/
export function createTransport(signal?: AbortSignal): typeof fetch {
	return async (input: RequestInfo | URL, init?: RequestInit) => {
		const request = input instanceof Request ? input : new Request(input, init);
		return send(request, signal ?? init?.signal ?? undefined);
	};
}

// Keep-alive, as `fetch` does: a warm function reuses its TLS connections. Free sockets are unref'd by
// the agent, so they never keep the process alive.
const agents = {
	'http:': new http.Agent({keepAlive: true}),
	'https:': new https.Agent({keepAlive: true}),
} as const;

// Statuses whose responses have no body (Fetch standard, "null body status").
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** The same error shape `fetch` rejects with, so callers classify both alike (`cause.code`). */
function fetchFailed(cause: unknown): TypeError {
	return new TypeError('fetch failed', {cause});
}

/** What `node:http` needs from a `Request`: the body is buffered (ours are empty or a small JSON). */
async function outgoingParts(request: Request): Promise<{url: URL; agent: http.Agent; headers: Record<string, string>; body: Buffer | undefined}> {
	const url = new URL(request.url);
	const agent = url.protocol === 'http:' || url.protocol === 'https:' ? agents[url.protocol] : undefined;
	if (agent === undefined) {
		throw fetchFailed(new Error(`unsupported protocol ${url.protocol}`));
	}

	const headers: Record<string, string> = {};
	for (const [name, value] of request.headers) {
		headers[name] = value;
	}

	const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
	if (body !== undefined) {
		headers['content-length'] = String(body.byteLength);
	}

	return {url, agent, headers, body};
}

/**
One exchange's failure path. Before the response, a failure rejects the pending promise; once a body
stream exists it errors the stream instead (set with `onBodyFailure`). An abort destroys the socket in
either phase: this listener is ours and strongly held, which is the whole point of this transport.
*/
function watchExchange(outgoing: http.ClientRequest, signal: AbortSignal | undefined, reject: (error: unknown) => void) {
	let bodyFailure: ((error: unknown) => void) | undefined;
	let settled = false;
	const settle = () => {
		settled = true;
		signal?.removeEventListener('abort', onAbort);
	};

	const fail = (error: unknown) => {
		if (bodyFailure) {
			bodyFailure(error);
		} else if (!settled) {
			settle();
			reject(error);
		}
	};

	const onAbort = () => {
		outgoing.destroy();
		fail(signal!.reason);
	};

	signal?.addEventListener('abort', onAbort, {once: true});
	outgoing.on('error', (error) => fail(fetchFailed(error)));
	return {
		settle,
		fail,
		onBodyFailure(handler: (error: unknown) => void) {
			bodyFailure = handler;
		},
	};
}

type Watch = ReturnType<typeof watchExchange>;

/** Status, status text and headers as `Response` accepts them, or why the answer cannot be one. */
function responseInit(incoming: http.IncomingMessage): ResponseInit | Error {
	const status = incoming.statusCode ?? 0;
	if (status < 200 || status > 599) {
		return new Error(`invalid HTTP status ${status}`);
	}

	const headers = new Headers();
	for (let index = 0; index + 1 < incoming.rawHeaders.length; index += 2) {
		try {
			headers.append(incoming.rawHeaders[index]!, incoming.rawHeaders[index + 1]!);
		} catch {
			// A header `Headers` refuses (bad name or value) is dropped, as a browser would.
		}
	}

	return {status, statusText: /^[\t\u0020-\u007E]*$/.test(incoming.statusMessage ?? '') ? incoming.statusMessage : '', headers};
}

/** The response body as a stream that pauses the socket when unread and errors on abort or a lost connection. */
function bodyStream(incoming: http.IncomingMessage, outgoing: http.ClientRequest, watch: Watch): ReadableStream<Uint8Array> {
	let ended = false;
	const end = () => {
		ended = true;
		watch.settle();
	};

	return new ReadableStream<Uint8Array>({
		start(controller) {
			watch.onBodyFailure((error) => {
				if (!ended) {
					end();
					outgoing.destroy();
					controller.error(error);
				}
			});
			incoming.on('data', (chunk: Buffer) => {
				controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
				if ((controller.desiredSize ?? 1) <= 0) {
					incoming.pause();
				}
			});
			incoming.on('end', () => {
				end();
				controller.close();
			});
			// A connection lost mid-body (or a short Content-Length) closes without 'end'.
			incoming.on('close', () => {
				if (!ended) {
					watch.fail(fetchFailed(Object.assign(new Error('other side closed'), {code: 'UND_ERR_SOCKET'})));
				}
			});
			incoming.on('error', (error) => watch.fail(fetchFailed(error)));
		},
		pull() {
			incoming.resume();
		},
		cancel() {
			end();
			outgoing.destroy();
		},
	});
}

async function send(request: Request, signal: AbortSignal | undefined): Promise<Response> {
	signal?.throwIfAborted();
	const {url, agent, headers, body} = await outgoingParts(request);
	signal?.throwIfAborted();
	return new Promise<Response>((resolve, reject) => {
		const outgoing = (url.protocol === 'https:' ? https : http).request(url, {method: request.method, headers, agent});
		const watch = watchExchange(outgoing, signal, reject);
		outgoing.on('response', (incoming) => {
			const init = responseInit(incoming);
			if (init instanceof Error) {
				outgoing.destroy();
				watch.fail(fetchFailed(init));
			} else if (NULL_BODY_STATUSES.has(init.status!) || request.method === 'HEAD') {
				incoming.resume();
				watch.settle();
				resolve(new Response(null, init));
			} else {
				resolve(new Response(bodyStream(incoming, outgoing, watch), init));
			}
		});
		outgoing.end(body);
	});
}
