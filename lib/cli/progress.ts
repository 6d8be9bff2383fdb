import type {BinderCode} from '../core/errors.js';
import type {BucketResult} from '../core/results.js';

/** What the client tells about a retry it is about to make (see `ClientOptions.onRetry`). */
export type RetryNotice = {operation: string; bucket?: string; attempt: number; delayMs: number; code: BinderCode};

/** Live progress of a batch of buckets. Every method is cheap and never throws. */
export type Progress = {
	/** The number of buckets is known (a sync knows it once the account is listed). */
	planned(total: number): void;
	/** One bucket ended. `timed: false` for results known without work (listed as bound), which the ETA ignores. */
	settled(result: BucketResult, timed?: boolean): void;
	/** A request is about to be retried. */
	retrying(notice: RetryNotice): void;
	/** Erase the line so that other text can be written; it is redrawn at the next event. */
	clear(): void;
	/** Erase the line, stop refreshing. Call before printing the results. */
	stop(): void;
};

/** A progress that shows nothing: `--json`, or stderr is not a terminal. */
export const NO_PROGRESS: Progress = {planned() {}, settled() {}, retrying() {}, clear() {}, stop() {}};

export type ProgressOptions = {
	/** Where the line goes (stderr, scrubbed). */
	write: (text: string) => void;
	/** Milliseconds, monotonic; injected so tests control elapsed time and ETA. */
	now: () => number;
	/** The command, first on the line. */
	label: string;
	/** The number of buckets, when known from the start (a bind); else call `planned`. */
	total?: number;
	/** Terminal width: the line is cut to fit, since a wrapped line cannot be redrawn in place. */
	columns?: number;
	/** Stay silent until the work has taken this long (a single bind that answers at once shows nothing). @default 0 */
	showAfterMs?: number;
	/** Redraw this often, so elapsed time and waits move between events. @default 1000 */
	refreshMs?: number;
};

// Carriage return, then "erase the whole line" (ECMA-48 EL, CSI 2 K): the line is redrawn in place.
const ERASE_LINE = '\r\u001B[2K';

/** `42s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
	const seconds = Math.max(0, Math.round(ms / 1000));
	if (seconds < 60) {
		return `${seconds}s`;
	}

	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) {
		return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
	}

	return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** What the line shows, updated as buckets end and retries wait. */
type ProgressState = {
	started: number;
	/** When the number of buckets became known: the ETA counts from there. */
	plannedAt: number;
	total: number | undefined;
	done: number;
	/** Buckets that ended after work (not known from a listing): what the ETA is based on. */
	timedDone: number;
	counts: {bound: number; wouldBind: number; skipped: number; failed: number};
	/** Pending retries by bucket (or by operation, for account-wide listings), latest last. */
	waits: Map<string, RetryNotice>;
};

/** The line for `state` at `now`, cut to fit `columns`. */
function progressLine(state: ProgressState, now: number, label: string, columns: number | undefined): string {
	const {counts, total, done, waits} = state;
	const parts: string[] = [];
	if (total === undefined) {
		parts.push(`${label}: listing buckets… ${formatDuration(now - state.started)}`);
	} else {
		parts.push(`${label} ${done}/${total}`, `${counts.bound} bound`);
		if (counts.wouldBind > 0) {
			parts.push(`${counts.wouldBind} would bind`);
		}

		parts.push(`${counts.failed} failed`);
		if (counts.skipped > 0) {
			parts.push(`${counts.skipped} skipped`);
		}

		const left = total - done;
		if (left > 0 && state.timedDone > 0) {
			parts.push(`ETA ${formatDuration(((now - state.plannedAt) / state.timedDone) * left)}`);
		} else if (left > 0) {
			parts.push(`${formatDuration(now - state.started)} elapsed`);
		}
	}

	const latest = [...waits.values()].at(-1);
	if (latest) {
		const more = waits.size > 1 ? ` (+${waits.size - 1} more)` : '';
		parts.push(`waiting to retry ${latest.bucket ?? latest.operation} after ${latest.code} (retry ${latest.attempt})${more}`);
	}

	const line = parts.join(' · ');
	const width = columns && columns > 1 ? columns - 1 : Number.POSITIVE_INFINITY;
	return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

/** Count one ended bucket. */
function count(state: ProgressState, result: BucketResult, timed: boolean): void {
	state.done++;
	if (timed) {
		state.timedDone++;
	}

	const {counts} = state;
	if (result.outcome === 'bound' || result.outcome === 'already-bound') {
		counts.bound++;
	} else if (result.outcome === 'would-bind') {
		counts.wouldBind++;
	} else if (result.outcome === 'failed') {
		counts.failed++;
	} else {
		counts.skipped++;
	}

	state.waits.delete(result.bucket);
}

/**
A one-line progress display for a terminal: `sync 12/40 · 10 bound · 1 failed · ETA 8s`, redrawn in
place, plus `· waiting to retry <bucket> after <code>` while a request waits on a retry, so a bind
stuck in backoff is never silent.
*/
export function createProgress(options: ProgressOptions): Progress {
	const started = options.now();
	const showAfterMs = options.showAfterMs ?? 0;
	const state: ProgressState = {
		started,
		plannedAt: started,
		total: options.total,
		done: 0,
		timedDone: 0,
		counts: {bound: 0, wouldBind: 0, skipped: 0, failed: 0},
		waits: new Map(),
	};
	let shown = '';
	let stopped = false;

	const render = () => {
		if (stopped || options.now() - started < showAfterMs) {
			return;
		}

		const line = progressLine(state, options.now(), options.label, options.columns);
		if (line !== shown) {
			shown = line;
			options.write(`${ERASE_LINE}${line}`);
		}
	};

	const clear = () => {
		if (!stopped && shown !== '') {
			options.write(ERASE_LINE);
			shown = '';
		}
	};

	const timer = setInterval(render, options.refreshMs ?? 1000);
	timer.unref();
	render();
	return {
		planned(total) {
			state.total = total;
			state.plannedAt = options.now();
			// The listing is over: its retries are too.
			for (const [key, notice] of state.waits) {
				if (notice.bucket === undefined) {
					state.waits.delete(key);
				}
			}

			render();
		},
		settled(result, timed = true) {
			count(state, result, timed);
			render();
		},
		retrying(notice) {
			const key = notice.bucket ?? notice.operation;
			state.waits.delete(key);
			state.waits.set(key, notice);
			render();
		},
		clear,
		stop() {
			clearInterval(timer);
			clear();
			stopped = true;
		},
	};
}
