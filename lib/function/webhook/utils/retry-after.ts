/**
Read `Retry-After` (RFC 9110 §10.2.3): delay seconds or an HTTP date. Returns milliseconds from `nowMs`,
never negative; `undefined` when absent or unreadable.
*/
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
	if (value === null) {
		return undefined;
	}

	const trimmed = value.trim();
	if (/^\d+(?:\.\d+)?$/.test(trimmed)) {
		return Math.round(Number(trimmed) * 1000);
	}

	const date = Date.parse(trimmed);
	return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}
