import type {CiStatus, Client} from '../client/client.js';
import type {BucketResult} from '../core/results.js';
import {ensureBound} from './ensure-bound.js';

/** What a status check found: the bucket's CI status when it could be read, and its result record. */
export type StatusCheck = {status: CiStatus | undefined; result: BucketResult};

/**
Read one bucket's CI status without changing anything: {@link ensureBound} as a dry run, so the answer is
the same record a bind would start from (`already-bound`, `would-bind`, or `failed` with its code).
*/
export async function checkStatus(client: Client, bucket: string, region: string): Promise<StatusCheck> {
	const result = await ensureBound(client, bucket, region, {dryRun: true});
	return {status: statusOf(result), result};
}

/** The CI status a dry run found, when it found one. */
function statusOf(result: BucketResult): CiStatus | undefined {
	return result.outcome === 'already-bound' ? 'on' : result.outcome === 'would-bind' ? 'off' : result.code === 'BucketUnbinding' ? 'unbinding' : undefined;
}
