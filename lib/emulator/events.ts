import type {BucketCreatedEvent} from './types.js';

/** A `bucket-created` listener. */
export type Listener = (event: BucketCreatedEvent) => void;

/**
The `bucket-created` listeners. Each runs in its own try/catch: a throwing listener (a test's assertion,
a webhook forwarder's bug) must neither crash the emulator nor starve the listeners after it.
*/
export class BucketCreatedListeners {
	readonly #listeners: Listener[] = [];

	add(listener: Listener): void {
		if (typeof listener !== 'function') {
			throw new TypeError('on: the listener must be a function');
		}

		this.#listeners.push(listener);
	}

	emit(event: BucketCreatedEvent): void {
		for (const listener of this.#listeners) {
			try {
				listener({...event});
			} catch (error) {
				console.error('cos-ci-binder emulator: a bucket-created listener threw:', error);
			}
		}
	}
}
