/**
Run `worker` over `items` with at most `concurrency` in flight, keeping input order in the output.

`canStart` is asked before each item starts; when it says no, that item and every later one is given
to `onNotStarted` instead (used for the function's time budget). A worker that throws rejects the
whole pool, so workers should turn their own failures into values.
*/
export async function mapWithConcurrency<T, R>(
	items: readonly T[],
	concurrency: number,
	worker: (item: T, index: number) => Promise<R>,
	options: {canStart?: () => boolean; onNotStarted?: (item: T, index: number) => R} = {},
): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	let stopped = false;
	const lane = async () => {
		while (next < items.length) {
			const index = next++;
			const item = items[index]!;
			if (!stopped && options.canStart && !options.canStart()) {
				stopped = true;
			}

			if (stopped) {
				if (!options.onNotStarted) {
					throw new Error('mapWithConcurrency: canStart refused and no onNotStarted given');
				}

				results[index] = options.onNotStarted(item, index);
				continue;
			}

			results[index] = await worker(item, index);
		}
	};

	const lanes = Array.from({length: Math.max(1, Math.min(Math.floor(concurrency) || 1, items.length))}, lane);
	await Promise.all(lanes);
	return results;
}
