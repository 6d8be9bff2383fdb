/**
Resolves at the first SIGINT or SIGTERM, or when `signal` aborts. Call it before starting work that a
signal should end: once it is called the signal no longer kills the process, so servers can be closed
cleanly.
*/
export function waitForStop(signal?: AbortSignal): Promise<void> {
	return new Promise((resolve) => {
		const stop = () => {
			process.off('SIGINT', stop);
			process.off('SIGTERM', stop);
			signal?.removeEventListener('abort', stop);
			resolve();
		};

		process.once('SIGINT', stop);
		process.once('SIGTERM', stop);
		if (signal?.aborted) {
			stop();
		} else {
			signal?.addEventListener('abort', stop, {once: true});
		}
	});
}
