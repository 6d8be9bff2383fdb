/**
Settle with `promise`, or reject with the signal's reason as soon as `signal` aborts, even if `promise`
never settles: the last guard around a `fetch` we did not write (one injected by a caller) that may
ignore its signal.
*/
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
	return new Promise((resolve, reject) => {
		const onAbort = () => reject(signal.reason);
		if (signal.aborted) {
			onAbort();
		} else {
			signal.addEventListener('abort', onAbort, {once: true});
		}

		// Always listened to, so a late rejection of the abandoned promise is never an unhandled one.
		promise.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}
