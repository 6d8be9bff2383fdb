/**
Resolves at the first SIGINT or SIGTERM. Call it before starting work that a signal should end:
once it is called the signal no longer kills the process, so servers can be closed cleanly.
*/
export function waitForSignal(): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			process.off('SIGINT', done);
			process.off('SIGTERM', done);
			resolve();
		};

		process.once('SIGINT', done);
		process.once('SIGTERM', done);
	});
}
