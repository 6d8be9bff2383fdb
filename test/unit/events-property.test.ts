// Property tests: parseEvent is total. Whatever arrives, it returns one well-formed plan and never throws.
import {readFileSync} from 'node:fs';
import fc from 'fast-check';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {type EventContext, type ParsedEvent, parseEvent} from '../../lib/function/events/index.js';
import {OUTCOMES} from '../../lib/core/results.js';
import {auditEvent, CONTEXT, fixture, fixtureNames} from '../support/event-fixtures.js';

// Fixed seed: a failure reproduces exactly; change it deliberately to explore further.
const SEED = 20_240_501;
const RUNS = 500;
const MAX_MESSAGE = 1000;

const TRIGGERS: Record<ParsedEvent['kind'], readonly string[]> = {
	bind: ['cloudaudit', 'cos', 'cloudtrail'],
	sync: ['timer', 'schedule'],
	http: ['http'],
	invalid: ['cloudaudit', 'cos', 'cloudtrail', 'timer', 'schedule', 'http'],
	unsupported: ['unsupported'],
};
const BUCKET_ID = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?-\d{5,12}$/;
const REGION = /^[a-z]{2,4}(?:-[a-z0-9]+){1,3}$/;

const SAFETY_NET = /could not be read/;

/**
Every invariant a plan must hold, whatever the input. Unless `exotic`, the answer must also come from the
parsers themselves, not from parseEvent's last-resort catch (which is for getters that throw, and such).
*/
function assertWellFormed(plan: ParsedEvent, exotic = false): void {
	assert.ok(TRIGGERS[plan.kind]?.includes(plan.trigger), `kind ${plan.kind} with trigger ${plan.trigger}`);
	if (!exotic && plan.kind === 'unsupported') {
		assert.not.match(plan.message, SAFETY_NET);
	}

	// Plans are logged and returned to the platform: they must serialise.
	JSON.stringify(plan);
	switch (plan.kind) {
		case 'invalid':
		case 'unsupported': {
			assert.type(plan.message, 'string');
			assert.ok(plan.message.length > 0 && plan.message.length <= MAX_MESSAGE, `message length ${plan.message.length}`);
			if (plan.kind === 'invalid') {
				// Starts with the field path: `Message`, `headers["x"]`, `EventList`, `options.regions[1]`…
				assert.match(plan.message, /^[A-Za-z_$][\w$]*(?:\.[\w$]+|\[[^\]]*\])*: /);
			}

			break;
		}

		case 'bind': {
			for (const target of plan.targets) {
				assert.ok(target.source.length > 0);
				if (plan.trigger !== 'cloudtrail') {
					assert.match(target.bucket, BUCKET_ID);
					assert.match(target.region, REGION);
				}
			}

			const keys = new Set(plan.targets.map((target) => `${target.bucket} ${target.region}`));
			assert.is(keys.size, plan.targets.length, 'targets are unique');
			for (const record of plan.knownResults) {
				assert.ok(OUTCOMES.includes(record.outcome) && (record.outcome === 'skipped' || record.outcome === 'failed'));
				assert.is(record.durationMs, 0);
				assert.ok(typeof record.message === 'string' && record.message.length > 0 && record.message.length <= MAX_MESSAGE);
				assert.ok(record.bucket.length > 0 && record.bucket.length <= 101, `bucket ${record.bucket}`);
				assert.ok(record.region.length <= 64);
				if (record.outcome === 'failed') {
					assert.ok(record.code === 'InvalidEvent' || record.code === 'UnrecognizedEvent', `code ${record.code}`);
				}
			}

			// Every unrecognised creation is both a failed record and an entry with a bounded digest.
			const unrecognizedCount = plan.knownResults.filter((record) => record.code === 'UnrecognizedEvent').length;
			assert.is(plan.unrecognized?.length ?? 0, unrecognizedCount);
			assert.ok(plan.unrecognized === undefined || plan.unrecognized.length > 0, 'unrecognized only when there are any');
			for (const record of plan.unrecognized ?? []) {
				assert.ok(record.digest.length > 0 && record.digest.length <= 61, `digest of ${record.digest.length} lines`);
				assert.ok(record.digest.every((line) => typeof line === 'string' && line.length <= 301 && !line.includes('\n')), 'digest lines are short single lines');
				assert.ok(record.message.length <= MAX_MESSAGE);
			}

			break;
		}

		case 'sync': {
			assert.ok(typeof plan.options === 'object' && plan.options !== null);
			assert.ok(plan.label === undefined || (plan.label.length > 0 && plan.label.length <= 201 && !plan.label.includes('\n')), `label ${plan.label}`);
			break;
		}

		case 'http': {
			const {request} = plan;
			assert.match(request.method, /^[A-Z]+$/);
			assert.ok(request.path.startsWith('/') && !request.path.includes('?'));
			for (const map of [request.headers, request.query]) {
				assert.is(Object.getPrototypeOf(map), Object.prototype);
				assert.ok(Object.values(map).every((value) => typeof value === 'string'));
			}

			assert.ok(Object.keys(request.headers).every((name) => name === name.toLowerCase()));
			assert.ok(request.body === undefined || typeof request.body === 'string');
			break;
		}
	}
}

const anything = fc.anything({
	maxDepth: 4,
	withBigInt: true,
	withBoxedValues: true,
	withDate: true,
	withMap: true,
	withSet: true,
	withNullPrototype: true,
	withObjectString: true,
	withSparseArray: true,
	withTypedArray: true,
});

test('never throws for fc.anything(), with any context', () => {
	fc.assert(
		fc.property(anything, anything, (event, context) => {
			assertWellFormed(parseEvent(event, context as EventContext));
		}),
		{seed: SEED, numRuns: RUNS},
	);
});

test('never throws for fc.jsonValue() parsed back from JSON text', () => {
	fc.assert(
		fc.property(fc.jsonValue({maxDepth: 5}), (value) => {
			assertWellFormed(parseEvent(JSON.parse(JSON.stringify(value)) as unknown, CONTEXT));
		}),
		{seed: SEED, numRuns: RUNS},
	);
});

// ---- mutated fixtures: near-valid events reach the deep branches random values never find ----

type Slot = {parent: Record<string, unknown> | unknown[]; key: string | number};

/** Every (parent, key) slot in a JSON value, depth first. */
function slots(value: unknown, found: Slot[] = []): Slot[] {
	if (Array.isArray(value)) {
		for (let index = 0; index < value.length; index++) {
			found.push({parent: value, key: index});
			slots(value[index], found);
		}
	} else if (typeof value === 'object' && value !== null) {
		for (const key of Object.keys(value)) {
			found.push({parent: value as Record<string, unknown>, key});
			slots((value as Record<string, unknown>)[key], found);
		}
	}

	return found;
}

const DELETE = Symbol('delete');
const fixtures = fixtureNames().map((name) => fixture(name));
// Values that are wrong in interesting ways for the fields they replace.
const replacement = fc.oneof(
	fc.jsonValue({maxDepth: 2}),
	fc.constantFrom<unknown>(DELETE, '', '0', 0, -1, null, [], {}, '__proto__', 'PutBucket', 'Timer', 'gz', 'zz', 'ap-guangzhou', '{"dryRun":true}', '{', 'qcs::cos::uid/:', 'x.cos.ap-x.myqcloud.com'),
	fc.string({maxLength: 30}),
);
const mutations = fc.array(fc.tuple(fc.nat(), replacement), {minLength: 1, maxLength: 5});

function mutate(event: unknown, changes: Array<[number, unknown]>): unknown {
	const copy = structuredClone(event);
	for (const [pick, value] of changes) {
		const all = slots(copy);
		if (all.length === 0) {
			return value;
		}

		const {parent, key} = all[pick % all.length]!;
		if (value === DELETE) {
			if (Array.isArray(parent)) {
				parent.splice(key as number, 1);
			} else {
				delete parent[key as string];
			}
		} else {
			(parent as Record<string | number, unknown>)[key] = value;
		}
	}

	return copy;
}

test('never throws for mutated fixtures', () => {
	fc.assert(
		fc.property(fc.nat({max: fixtures.length - 1}), mutations, fc.constantFrom<EventContext>(CONTEXT, {}, {region: 'ap-chengdu'}), (index, changes, context) => {
			assertWellFormed(parseEvent(mutate(fixtures[index], changes), context));
		}),
		{seed: SEED, numRuns: RUNS * 4},
	);
});

// A PutBucket in the published CloudAudit format, its JSON-text fields decoded so that mutations reach inside
// them, and encoded again before parsing, as CloudAudit sends them.
const realRecord = (() => {
	const record = (JSON.parse(readFileSync(new URL('../fixtures/events/real/constructed-cloudaudit-putbucket-star.json', import.meta.url), 'utf8')) as {data: Record<string, any>}).data;
	return {
		...record,
		resources: JSON.parse(record.resources as string) as unknown,
		requestParameters: JSON.parse(record.requestParameters as string) as unknown,
		userIdentity: {...record.userIdentity, sessionContext: JSON.parse(record.userIdentity.sessionContext as string) as unknown},
	};
})();

function encodeJsonText(record: unknown): unknown {
	if (typeof record !== 'object' || record === null || Array.isArray(record)) {
		return record;
	}

	const encoded: Record<string, unknown> = {...record};
	for (const key of ['resources', 'requestParameters']) {
		if (typeof encoded[key] === 'object' && encoded[key] !== null) {
			encoded[key] = JSON.stringify(encoded[key]);
		}
	}

	const identity = encoded.userIdentity;
	if (typeof identity === 'object' && identity !== null && !Array.isArray(identity)) {
		const session = (identity as Record<string, unknown>).sessionContext;
		encoded.userIdentity = {...identity, sessionContext: typeof session === 'object' && session !== null ? JSON.stringify(session) : session};
	}

	return encoded;
}

test('mutated published-format PutBucket records (inside their JSON text too): one result each, only valid ids bound', () => {
	fc.assert(
		fc.property(mutations, (changes) => {
			const record = encodeJsonText(mutate(realRecord, changes));
			const plan = parseEvent(auditEvent(record), CONTEXT);
			assertWellFormed(plan);
			assert.is(plan.kind, 'bind');
			if (plan.kind === 'bind') {
				// Never dropped: a target or a result known up front, exactly one.
				assert.is(plan.targets.length + plan.knownResults.length, 1, JSON.stringify(record));
			}

			// Bare, as a transform delivers it: whatever it is now, a well-formed plan.
			assertWellFormed(parseEvent(record, CONTEXT));
		}),
		{seed: SEED, numRuns: RUNS * 2},
	);
});

test('fixtures wrapped in an EventList or Records array still yield one plan', () => {
	fc.assert(
		fc.property(fc.array(fc.nat({max: fixtures.length - 1}), {maxLength: 8}), fc.constantFrom('EventList', 'Records'), (indexes, wrapper) => {
			const entries = indexes.map((index) => fixtures[index]);
			const plan = parseEvent({[wrapper]: entries}, CONTEXT);
			assertWellFormed(plan);
			if (wrapper === 'EventList') {
				// Nothing is silently dropped: every entry is a target (possibly shared) or a result known up front.
				assert.is(plan.kind, 'bind');
				if (plan.kind === 'bind') {
					assert.ok(plan.knownResults.length + plan.targets.length <= entries.length);
					assert.ok(entries.length === 0 || plan.knownResults.length + plan.targets.length > 0);
				}
			}
		}),
		{seed: SEED, numRuns: RUNS},
	);
});

// ---- values JSON cannot produce ----

test('exotic values: deep nesting, throwing getters, proxies, cycles', () => {
	let deep: Record<string, unknown> = {};
	const root = deep;
	for (let depth = 0; depth < 100_000; depth++) {
		const next = {};
		deep.data = next;
		deep = next;
	}

	assertWellFormed(parseEvent(root, CONTEXT));
	assertWellFormed(parseEvent({...fixture('cloudaudit-putbucket-resourcename-qcs.json'), data: root}, CONTEXT));
	assertWellFormed(parseEvent({Type: 'Timer', Message: `${'['.repeat(50_000)}`}, CONTEXT));
	assertWellFormed(parseEvent({Type: 'Timer', Message: `{"regions":${'['.repeat(5000)}${']'.repeat(5000)}}`}, CONTEXT));

	const cyclic: Record<string, unknown> = {httpMethod: 'GET', headers: {}};
	(cyclic.headers as Record<string, unknown>).self = cyclic;
	assertWellFormed(parseEvent(cyclic, CONTEXT));

	const throwing = Object.defineProperty({Type: 'Timer'}, 'Message', {
		enumerable: true,
		get() {
			throw new Error('getter exploded');
		},
	});
	const plan = parseEvent(throwing, CONTEXT);
	assertWellFormed(plan, true);
	assert.equal(plan, {kind: 'unsupported', trigger: 'unsupported', message: 'unsupported event: could not be read (getter exploded)'});

	const {proxy, revoke} = Proxy.revocable({}, {});
	revoke();
	assertWellFormed(parseEvent(proxy, CONTEXT), true);
	assertWellFormed(parseEvent(fixture('timer-empty.json'), proxy as EventContext), true);
});

test('huge strings stay out of messages', () => {
	const huge = 'x'.repeat(1_000_000);
	for (const event of [{[huge]: 1}, {Type: 'Timer', Message: huge}, {httpMethod: huge}, {EventList: [huge]}, {Records: [{cos: {cosBucket: {name: huge, appid: '1250000000', region: 'gz'}}}]}]) {
		assertWellFormed(parseEvent(event, CONTEXT));
	}
});

test.run();
