import type {Client} from '../client/client.js';
import {failure, type UnbindResult} from '../core/results.js';

/** Unbind one bucket and say how it ended; never throws (a refusal is a `failed` record with its code). */
export async function unbindBucket(client: Client, bucket: string, region: string): Promise<UnbindResult> {
	const started = performance.now();
	const durationMs = () => Math.round(performance.now() - started);
	try {
		const answer = await client.unbind(bucket, region);
		return {bucket, region, outcome: 'unbound', requestId: answer.requestId, durationMs: durationMs()};
	} catch (error) {
		return {bucket, region, ...failure(error), durationMs: durationMs()};
	}
}
