import {readFileSync} from 'node:fs';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {isBinderError} from '../../lib/core/errors.js';
import {parseBucketId, validateRegion} from '../../lib/core/names.js';
import {isEmulatorError} from '../../lib/emulator/errors.js';
import {checkBucketId, checkRegion} from '../../lib/emulator/names.js';

// One table, two implementations: the client's naming rules and the emulator's, written apart from the
// same documentation, must give every case the verdict the table records. A rule that drifts in either
// (or in the table) fails here rather than being agreed with by the other side.
type Cases = {
	buckets: Array<{id: string; region?: string; valid: boolean; why?: string}>;
	regions: Array<{region: string; valid: boolean; why?: string}>;
};

const cases = JSON.parse(readFileSync(new URL('../fixtures/names-cases.json', import.meta.url), 'utf8')) as Cases;

/** `true` when `check` accepts, `false` when it refuses with `isRefusal`; anything else fails the test. */
function verdict(check: () => unknown, isRefusal: (error: unknown) => boolean, label: string): boolean {
	try {
		check();
		return true;
	} catch (error) {
		assert.ok(isRefusal(error), `${label}: refused with an unexpected error: ${String(error)}`);
		return false;
	}
}

test('the table covers both verdicts for buckets and regions', () => {
	for (const list of [cases.buckets, cases.regions]) {
		assert.ok(list.some((item) => item.valid) && list.some((item) => !item.valid));
	}
});

test('bucket ids: the client and the emulator give every case the table\'s verdict', () => {
	for (const item of cases.buckets) {
		const label = `${JSON.stringify(item.id)}${item.region ? ` in ${item.region}` : ''} (${item.why ?? ''})`;
		const client = verdict(() => parseBucketId(item.id, 'bucket', item.region), (error) => isBinderError(error) && error.code === 'InvalidBucketId', `client: ${label}`);
		const emulator = verdict(() => checkBucketId(item.id, item.region), (error) => isEmulatorError(error) && error.code === 'InvalidBucketName', `emulator: ${label}`);
		assert.is(client, item.valid, `client: ${label}`);
		assert.is(emulator, item.valid, `emulator: ${label}`);
	}
});

test('a valid id splits the same way on both sides: the APPID is what follows the last "-"', () => {
	for (const item of cases.buckets.filter((entry) => entry.valid)) {
		const client = parseBucketId(item.id, 'bucket', item.region);
		const emulator = checkBucketId(item.id, item.region);
		assert.equal({id: emulator.id, name: emulator.name, appId: emulator.appId}, {id: client.id, name: client.name, appId: client.appId}, item.id);
	}
});

test('regions: the client and the emulator give every case the table\'s verdict', () => {
	for (const item of cases.regions) {
		const label = `${JSON.stringify(item.region)} (${item.why ?? ''})`;
		const client = verdict(() => validateRegion(item.region), (error) => isBinderError(error) && error.code === 'InvalidRegion', `client: ${label}`);
		const emulator = verdict(() => checkRegion(item.region), (error) => isEmulatorError(error) && error.code === 'InvalidRegion', `emulator: ${label}`);
		assert.is(client, item.valid, `client: ${label}`);
		assert.is(emulator, item.valid, `emulator: ${label}`);
	}
});

test.run();
