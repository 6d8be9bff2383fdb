import {EmulatorError} from './errors.js';
import type {CredentialRecord} from './auth.js';
import {checkBucketId, checkRegion, type EmulatorBucketId} from './names.js';
import type {CiStatus, EmulatorBucket, EmulatorCredential} from './types.js';

type BucketRecord = {
	id: EmulatorBucketId;
	region: string;
	createdAt: string;
	bound: boolean;
	/** Real-clock milliseconds when an accepted unbind started; the binding is `unbinding` until it has elapsed. */
	unbindStartedAt: number | undefined;
	unbindDelayMs: number;
	bindCount: number;
	capabilities: Set<string>;
};

/**
The account's buckets and their CI binding. Time-driven state (`unbinding` → `off`) is computed from
timestamps when read, so no timer ever keeps the process alive.
*/
export class BucketStore {
	readonly #buckets = new Map<string, BucketRecord>();
	readonly #appId: string;

	constructor(appId: string) {
		this.#appId = appId;
	}

	clear(): void {
		this.#buckets.clear();
	}

	/** Create a bucket of this account: `AccessDenied` for another APPID, `BucketAlreadyExists` for a taken name. */
	create(bucket: string, region: string, createdAt: string, bound: boolean, capabilities: readonly string[] = []): EmulatorBucket {
		checkRegion(region);
		const id = checkBucketId(bucket, region);
		if (id.appId !== this.#appId) {
			throw new EmulatorError('AccessDenied', `Access Denied: the APPID of ${bucket} is not this account's (${this.#appId})`);
		}

		if (this.#buckets.has(bucket)) {
			throw new EmulatorError('BucketAlreadyExists', `The requested bucket name ${bucket} is not available (it already exists)`);
		}

		const record: BucketRecord = {id, region, createdAt, bound, unbindStartedAt: undefined, unbindDelayMs: 0, bindCount: 0, capabilities: new Set(capabilities)};
		this.#buckets.set(bucket, record);
		return this.#view(record);
	}

	delete(bucket: string): boolean {
		return this.#buckets.delete(bucket);
	}

	get(bucket: string): EmulatorBucket | undefined {
		const record = this.#buckets.get(bucket);
		return record === undefined ? undefined : this.#view(record);
	}

	/** The parts of a bucket's id, as checked when it was created. */
	idOf(bucket: string): EmulatorBucketId {
		return this.#require(bucket).id;
	}

	/** Sorted by bucket id. */
	list(): EmulatorBucket[] {
		return [...this.#buckets.keys()].sort(compareNames).map((bucket) => this.#view(this.#buckets.get(bucket)!));
	}

	/** Bind or unbind at once, without the `unbinding` phase. */
	setBound(bucket: string, bound: boolean): void {
		const record = this.#require(bucket);
		record.bound = bound;
		record.unbindStartedAt = undefined;
	}

	/** Turn a capability on or off (the caller checked the name). */
	setCapability(bucket: string, capability: string, enabled: boolean): void {
		const record = this.#require(bucket);
		if (enabled) {
			record.capabilities.add(capability);
		} else {
			record.capabilities.delete(capability);
		}
	}

	hasCapability(bucket: string, capability: string): boolean {
		return this.#require(bucket).capabilities.has(capability);
	}

	/** Record a successful bind (new or re-affirmed). */
	bind(bucket: string): void {
		const record = this.#require(bucket);
		record.bound = true;
		record.unbindStartedAt = undefined;
		record.bindCount += 1;
	}

	/** Start the asynchronous unbind; a no-op unless the bucket is `on`. */
	startUnbind(bucket: string, delayMs: number): void {
		const record = this.#require(bucket);
		if (this.#status(record) === 'on') {
			record.unbindStartedAt = Date.now();
			record.unbindDelayMs = delayMs;
		}
	}

	#require(bucket: string): BucketRecord {
		const record = this.#buckets.get(bucket);
		if (record === undefined) {
			throw new EmulatorError('NoSuchBucket', `The specified bucket does not exist: ${bucket}`);
		}

		return record;
	}

	#status(record: BucketRecord): CiStatus {
		if (record.unbindStartedAt !== undefined) {
			// The real clock, not the emulator's: changing clockOffsetMs must not end an unbind early.
			if (Date.now() < record.unbindStartedAt + record.unbindDelayMs) {
				return 'unbinding';
			}

			record.bound = false;
			record.unbindStartedAt = undefined;
		}

		return record.bound ? 'on' : 'off';
	}

	#view(record: BucketRecord): EmulatorBucket {
		const view: EmulatorBucket = {bucket: record.id.id, region: record.region, createdAt: record.createdAt, ci: this.#status(record), bindCount: record.bindCount};
		return record.capabilities.size === 0 ? view : {...view, capabilities: [...record.capabilities].sort()};
	}
}

/** Plain code-unit order, as the service lists names (and as `marker` compares them). */
export function compareNames(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** The accepted keys, with the expiry flag `expireSessionToken` sets. */
export class CredentialStore {
	readonly #records = new Map<string, CredentialRecord>();

	constructor(credentials: EmulatorCredential[]) {
		for (const credential of credentials) {
			this.add(credential);
		}
	}

	add(credential: EmulatorCredential): void {
		this.#records.set(credential.secretId, {credential: {...credential}, expired: false});
	}

	lookup(secretId: string): CredentialRecord | undefined {
		return this.#records.get(secretId);
	}

	expire(secretId: string): void {
		const record = this.#records.get(secretId);
		if (record === undefined) {
			throw new TypeError(`expireSessionToken: unknown secretId ${JSON.stringify(secretId)}`);
		}

		record.expired = true;
	}
}

/** Check a credential handed to the programmatic API; names the field at fault. */
export function validateCredential(value: unknown, field: string): EmulatorCredential {
	const credential = value as Partial<EmulatorCredential> | null;
	if (typeof credential !== 'object' || credential === null) {
		throw new TypeError(`${field}: expected {secretId, secretKey, sessionToken?}`);
	}

	for (const key of ['secretId', 'secretKey'] as const) {
		if (typeof credential[key] !== 'string' || credential[key] === '') {
			throw new TypeError(`${field}.${key}: expected a non-empty string`);
		}
	}

	if (credential.sessionToken !== undefined && typeof credential.sessionToken !== 'string') {
		throw new TypeError(`${field}.sessionToken: expected a string`);
	}

	return {secretId: credential.secretId!, secretKey: credential.secretKey!, ...(credential.sessionToken ? {sessionToken: credential.sessionToken} : {})};
}
