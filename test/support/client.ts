import * as assert from 'uvu/assert';
import {createClient, type ClientOptions} from '../../lib/client/client.js';
import {isBinderError, type BinderError} from '../../lib/core/errors.js';
import {DEMO_CREDENTIALS, type Emulator, type EmulatorOptions} from '../../lib/emulator/index.js';
import {withEmulator} from './emulator.js';

/** A client factory for one emulator: its URL, the demo keys, no environment, fast retries. */
export type ClientFactory = (extra?: ClientOptions) => ReturnType<typeof createClient>;

/** {@link withEmulator} with a client factory for it. */
export const withClient = (options: EmulatorOptions, run: (emu: Emulator, client: ClientFactory) => Promise<void>) =>
	withEmulator(options, (emu) => run(emu, (extra = {}) => createClient({endpoint: emu.url, credentials: DEMO_CREDENTIALS, env: {}, retry: {baseDelayMs: 1, maxDelayMs: 5}, ...extra})));

/** The BinderError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<BinderError> {
	try {
		await promise;
	} catch (error) {
		assert.ok(isBinderError(error), `expected a BinderError, got ${String(error)}`);
		return error as BinderError;
	}

	return assert.unreachable('expected a rejection') as never;
}
