/** The body was larger than the caller accepts. */
export class BodyTooLargeError extends RangeError {
	override readonly name = 'BodyTooLargeError' as const;
}

/**
Read a response body as UTF-8 without ever holding more than `limit` bytes of it.

`onOverflow: 'throw'` (service answers, which must be whole) rejects with {@link BodyTooLargeError},
also when `content-length` announces too much; `'truncate'` (webhook answers, of which only the head
matters) returns the first `limit` bytes. Either way the rest of the stream is cancelled.

When `signal` aborts, the stream is cancelled and the read rejects with its reason at once, whatever the
sender does: a body that trickles a byte at a time, or stops, cannot hold the caller past its deadline.
*/
export async function readBody(response: Response, limit: number, onOverflow: 'throw' | 'truncate', signal?: AbortSignal): Promise<string> {
	const declared = Number(response.headers.get('content-length'));
	if (onOverflow === 'throw' && Number.isFinite(declared) && declared > limit) {
		await response.body?.cancel().catch(() => undefined);
		throw new BodyTooLargeError(`declared ${declared} bytes`);
	}

	if (!response.body) {
		return '';
	}

	signal?.throwIfAborted();
	const reader = response.body.getReader();
	// Cancelling settles a pending read (as done), which the check after each read turns into the abort.
	const onAbort = () => {
		reader.cancel(signal!.reason).catch(() => undefined);
	};

	signal?.addEventListener('abort', onAbort, {once: true});
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		for (;;) {
			const {done, value} = await reader.read();
			signal?.throwIfAborted();
			if (done) {
				break;
			}

			size += value.byteLength;
			if (size > limit) {
				await reader.cancel().catch(() => undefined);
				if (onOverflow === 'throw') {
					throw new BodyTooLargeError(`more than ${limit} bytes`);
				}

				chunks.push(value);
				break;
			}

			chunks.push(value);
		}
	} finally {
		signal?.removeEventListener('abort', onAbort);
	}

	return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
