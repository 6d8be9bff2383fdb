import {integerInRange} from '../utils/integer.js';
import type {Rng} from './rng.js';
import {OPERATIONS, type BodyFaultKind, type EmulatorFaults, type FaultErrorCode} from './types.js';

/** Codes of `errorRates`, in the order their probabilities are stacked. */
export const FAULT_ERROR_CODES: readonly FaultErrorCode[] = ['SlowDown', 'InternalError', 'ServiceUnavailable'];
/** Codes `failNext` accepts. */
export const FAIL_NEXT_CODES: readonly string[] = [...FAULT_ERROR_CODES, 'TooManyRequests'];
/** Kinds of `bodyFaults`, in the order they are drawn. */
export const BODY_FAULT_KINDS: readonly BodyFaultKind[] = ['html', 'truncated', 'deepNesting', 'huge', 'protoTags'];

// An hour of latency is a typo, not a test; refusing it keeps a stuck run from looking like a hang.
const MAX_LATENCY_MS = 600_000;
const ERROR_CODE = /^[A-Za-z][A-Za-z0-9.]{0,63}$/;
/** @see EmulatorFaults.unbindDelayMs */
export const DEFAULT_UNBIND_DELAY_MS = 50;
/** @see EmulatorFaults.rebindErrorCode */
export const DEFAULT_REBIND_ERROR_CODE = 'BucketAlreadyBound';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(field: string, expected: string, value: unknown): never {
	let shown: string;
	try {
		shown = JSON.stringify(value)?.slice(0, 100) ?? String(value);
	} catch {
		shown = typeof value;
	}

	throw new TypeError(`faults.${field}: expected ${expected}, got ${shown}`);
}

function number(field: string, value: unknown, min: number, max: number): number {
	if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
		fail(field, `a number from ${min} to ${max}`, value);
	}

	return value;
}

function rates<K extends string>(field: string, value: unknown, keys: readonly K[]): Partial<Record<K, number>> {
	if (!isRecord(value)) {
		fail(field, `an object with keys among ${keys.join(', ')}`, value);
	}

	const result: Partial<Record<K, number>> = {};
	for (const [key, rate] of Object.entries(value)) {
		if (!(keys as readonly string[]).includes(key)) {
			fail(`${field}.${key}`, `one of ${keys.join(', ')}`, key);
		}

		result[key as K] = number(`${field}.${key}`, rate, 0, 1);
	}

	return result;
}

function failNext(value: unknown): NonNullable<EmulatorFaults['failNext']> {
	if (!isRecord(value)) {
		fail('failNext', '{count, code}', value);
	}

	for (const inner of Object.keys(value)) {
		if (inner !== 'count' && inner !== 'code') {
			fail(`failNext.${inner}`, 'count or code', inner);
		}
	}

	const {code} = value;
	const count = integerInRange(value.count, 0, Number.MAX_SAFE_INTEGER) ?? fail('failNext.count', 'a non-negative integer', value.count);

	if (typeof code !== 'string' || !FAIL_NEXT_CODES.includes(code)) {
		fail('failNext.code', `one of ${FAIL_NEXT_CODES.join(', ')}`, code);
	}

	return {count, code: code as NonNullable<EmulatorFaults['failNext']>['code']};
}

function operations(value: unknown): string[] {
	if (!Array.isArray(value)) {
		fail('operations', 'an array of operation names', value);
	}

	for (const [index, name] of value.entries()) {
		if (typeof name !== 'string' || !(OPERATIONS as readonly string[]).includes(name)) {
			fail(`operations[${index}]`, `one of ${OPERATIONS.join(', ')}`, name);
		}
	}

	return [...(value as string[])];
}

/** The check of each field, in the order messages list them. */
const FIELD_CHECKS: {[K in keyof EmulatorFaults]-?: (value: unknown) => EmulatorFaults[K]} = {
	latencyMs: (value) => number('latencyMs', value, 0, MAX_LATENCY_MS),
	latencyJitterMs: (value) => number('latencyJitterMs', value, 0, MAX_LATENCY_MS),
	errorRates: (value) => rates('errorRates', value, FAULT_ERROR_CODES),
	failNext,
	operations,
	resetRate: (value) => number('resetRate', value, 0, 1),
	bodyFaults: (value) => rates('bodyFaults', value, BODY_FAULT_KINDS),
	rebindAnswer: (value) => (value === 'ok' || value === 'error' ? value : fail('rebindAnswer', '"ok" or "error"', value)),
	rebindErrorCode: (value) => (typeof value === 'string' && ERROR_CODE.test(value) ? value : fail('rebindErrorCode', 'an error code such as "BucketAlreadyBound"', value)),
	reenableAnswer: (value) => (value === 'ok' || value === 'error' ? value : fail('reenableAnswer', '"ok" or "error"', value)),
	clockOffsetMs: (value) => number('clockOffsetMs', value, -1e12, 1e12),
	unbindDelayMs: (value) => number('unbindDelayMs', value, 0, MAX_LATENCY_MS),
};

const FAULT_KEYS = Object.keys(FIELD_CHECKS);

/**
Check a faults object strictly: unknown keys, wrong types and out-of-range values throw a `TypeError`
naming the field, so a typo in a test (or in a PATCH to the admin API) fails loudly instead of silently
injecting nothing.
*/
export function validateFaults(value: unknown): EmulatorFaults {
	if (!isRecord(value)) {
		fail('', 'an object', value);
	}

	const faults: Record<string, unknown> = {};
	for (const [key, field] of Object.entries(value)) {
		if (field === undefined) {
			continue;
		}

		if (!Object.hasOwn(FIELD_CHECKS, key)) {
			fail(key, `a known field (${FAULT_KEYS.join(', ')})`, key);
		}

		faults[key] = FIELD_CHECKS[key as keyof EmulatorFaults](field);
	}

	return faults as EmulatorFaults;
}

/** Merge a partial faults object over the current one; `undefined` or `null` removes a field. */
export function mergeFaults(current: EmulatorFaults, patch: unknown): EmulatorFaults {
	if (!isRecord(patch)) {
		fail('', 'an object', patch);
	}

	const merged: Record<string, unknown> = {...current};
	for (const [key, value] of Object.entries(patch)) {
		if (value === undefined || value === null) {
			delete merged[key];
		} else {
			merged[key] = value;
		}
	}

	return validateFaults(merged);
}

/** What the fault engine decided for one request. */
export type FaultDecision = {
	reset: boolean;
	/** An error answer instead of the work. */
	errorCode: string | undefined;
	/** A hostile body instead of the real one. */
	bodyFault: BodyFaultKind | undefined;
};

const NO_FAULT: FaultDecision = {reset: false, errorCode: undefined, bodyFault: undefined};

/**
Draw the faults of one request from the seeded RNG. A number is drawn only for a configured, non-zero
probability, so the sequence depends on the seed, the faults and the requests, nothing else.
*/
export function decideFaults(faults: EmulatorFaults, operation: string, rng: Rng): FaultDecision {
	if (faults.operations !== undefined && !faults.operations.includes(operation)) {
		return NO_FAULT;
	}

	const draw = (probability: number | undefined): boolean => probability !== undefined && probability > 0 && rng() < probability;
	if (draw(faults.resetRate)) {
		return {...NO_FAULT, reset: true};
	}

	let errorCode: string | undefined;
	if (faults.failNext !== undefined && faults.failNext.count > 0) {
		errorCode = faults.failNext.code;
		// Consumed in place: `faults` reports the remaining count.
		faults.failNext.count -= 1;
	} else if (faults.errorRates !== undefined) {
		// One draw against the stacked probabilities: rates add up instead of shadowing each other.
		const total = FAULT_ERROR_CODES.reduce((sum, code) => sum + (faults.errorRates![code] ?? 0), 0);
		if (total > 0) {
			const roll = rng();
			let threshold = 0;
			for (const code of FAULT_ERROR_CODES) {
				threshold += faults.errorRates[code] ?? 0;
				if (roll < threshold) {
					errorCode = code;
					break;
				}
			}
		}
	}

	let bodyFault: BodyFaultKind | undefined;
	if (errorCode === undefined && faults.bodyFaults !== undefined) {
		bodyFault = BODY_FAULT_KINDS.find((kind) => draw(faults.bodyFaults![kind]));
	}

	return {reset: false, errorCode, bodyFault};
}

/** The delay before an answer: `latencyMs` plus a uniform draw up to `latencyJitterMs`. */
export function latencyFor(faults: EmulatorFaults, rng: Rng): number {
	const base = faults.latencyMs ?? 0;
	const jitter = faults.latencyJitterMs ?? 0;
	return base + (jitter > 0 ? rng() * jitter : 0);
}

/** A deep copy, so callers and the admin API never hold the live object. */
export function cloneFaults(faults: EmulatorFaults): EmulatorFaults {
	return structuredClone(faults);
}
