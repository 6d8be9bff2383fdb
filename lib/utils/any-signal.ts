/**
A signal that aborts as soon as any of `signals` does, with that signal's reason.

`AbortSignal.any` would do, but it arrived in Node 20.3 / 18.17 and SCF's newest runtime is
Nodejs18.15, where calling it throws. `dispose()` removes our listeners from the inputs, so a
long-lived signal (a client's, a budget's) does not collect one listener per request.
*/
export function anySignal(signals: ReadonlyArray<AbortSignal | undefined>): {signal: AbortSignal; dispose: () => void} {
	const controller = new AbortController();
	const cleanups: Array<() => void> = [];
	const dispose = () => {
		for (const cleanup of cleanups.splice(0)) {
			cleanup();
		}
	};

	for (const input of signals) {
		if (input === undefined) {
			continue;
		}

		if (input.aborted) {
			dispose();
			controller.abort(input.reason);
			break;
		}

		const onAbort = () => {
			dispose();
			controller.abort(input.reason);
		};

		input.addEventListener('abort', onAbort, {once: true});
		cleanups.push(() => input.removeEventListener('abort', onAbort));
	}

	return {signal: controller.signal, dispose};
}

/**
The signal of one attempt: aborts after `timeoutMs` (covering headers *and* body, unlike ky's own
timeout, which stops at the headers) or when `outer` does. `timedOut()` tells the two apart;
`dispose()` clears the timer and our listener on `outer`.
*/
export function attemptSignal(timeoutMs: number, outer: AbortSignal | undefined): {signal: AbortSignal; timedOut: () => boolean; dispose: () => void} {
	// One controller for both causes: every AbortSignal costs an allocation-heavy object on each attempt.
	const controller = new AbortController();
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		controller.abort(new Error(`no complete answer within ${timeoutMs} ms`));
	}, timeoutMs);
	const onOuterAbort = () => controller.abort(outer!.reason);
	if (outer?.aborted) {
		onOuterAbort();
	} else {
		outer?.addEventListener('abort', onOuterAbort, {once: true});
	}

	return {
		signal: controller.signal,
		timedOut: () => timedOut,
		dispose() {
			clearTimeout(timer);
			outer?.removeEventListener('abort', onOuterAbort);
		},
	};
}
