import {createClient, type ClientOptions, type EnsureBoundOptions, type ListBoundOptions, type ListBucketsOptions} from './client.js';

// One-call forms of the client's operations, for scripts: each creates a client from `options`
// (credentials and BINDER_ENDPOINT from the environment by default). Reuse a `createClient()` for many calls.

/** Read a bucket's binding state. */
export const getStatus = (bucket: string, region: string, options?: ClientOptions) => createClient(options).getStatus(bucket, region);
/** Bind a bucket (CreateCIBucket). Throws a `BinderError` on failure. */
export const bind = (bucket: string, region: string, options?: ClientOptions) => createClient(options).bind(bucket, region);
/** Unbind a bucket. */
export const unbind = (bucket: string, region: string, options?: ClientOptions) => createClient(options).unbind(bucket, region);
/** Make sure a bucket is bound; resolves with its result record, never throws. */
export const ensureBound = (bucket: string, region: string, options?: ClientOptions & EnsureBoundOptions) =>
	createClient(options).ensureBound(bucket, region, {dryRun: options?.dryRun, force: options?.force});
/** List every bound bucket of the account. */
export const listBound = (options?: ClientOptions & ListBoundOptions) => createClient(options).listBound(options);
/** List every COS bucket of the account. */
export const listBuckets = (options?: ClientOptions & ListBucketsOptions) => createClient(options).listBuckets(options);
