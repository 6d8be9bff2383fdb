import {capabilityByName, EMULATOR_CAPABILITIES} from './capabilities.js';
import {isEmulatorError} from './errors.js';
import {ADMIN_PREFIX} from './routing.js';
import type {EmulatorBucket, EmulatorFaults, RequestLogEntry} from './types.js';

/** What the admin API drives: the subset of the emulator it exposes. */
export type AdminTarget = {
	appId: string;
	ownerUin: string;
	buckets(): EmulatorBucket[];
	createBucket(bucket: string, region: string, options: {bound?: boolean; createdAt?: string; capabilities?: string[]}): EmulatorBucket;
	deleteBucket(bucket: string): boolean;
	faults(): EmulatorFaults;
	setFaults(faults: unknown): void;
	updateFaults(faults: unknown): void;
	requests(): RequestLogEntry[];
	clearRequests(): void;
	reset(): void;
};

/** A JSON answer of the admin API. */
export type AdminAnswer = {status: number; body: unknown};

const BUCKET_FIELDS = new Set(['bucket', 'region', 'bound', 'createdAt', 'capabilities']);

const error = (status: number, code: string, message: string, field?: string): AdminAnswer => ({
	status,
	body: {error: {code, message, ...(field === undefined ? {} : {field})}},
});

/**
The unsigned control API under `/_emulator/` (for the CLI-run emulator, demos and tests in other
languages). Bad input answers 400 with `{error: {code, message, field}}` naming the field.
*/
export function handleAdmin(method: string, path: string, body: Buffer, target: AdminTarget): AdminAnswer {
	const route = path.slice(ADMIN_PREFIX.length);
	const allow = (allowed: string[]): AdminAnswer | undefined =>
		allowed.includes(method) ? undefined : error(405, 'MethodNotAllowed', `${method} is not allowed on ${path} (allowed: ${allowed.join(', ')})`);

	if (route === '/healthz') {
		return allow(['GET']) ?? {status: 200, body: {ok: true}};
	}

	if (route === '/state') {
		return allow(['GET']) ?? {status: 200, body: {appId: target.appId, ownerUin: target.ownerUin, buckets: target.buckets()}};
	}

	if (route === '/buckets') {
		if (method === 'GET') {
			return {status: 200, body: target.buckets()};
		}

		return allow(['GET', 'POST']) ?? createBucket(body, target);
	}

	if (route.startsWith('/buckets/')) {
		return allow(['DELETE']) ?? deleteBucket(route.slice('/buckets/'.length), target);
	}

	if (route === '/faults') {
		return allow(['GET', 'PUT', 'PATCH']) ?? (method === 'GET' ? {status: 200, body: target.faults()} : changeFaults(method, body, target));
	}

	if (route === '/requests') {
		if (method === 'DELETE') {
			target.clearRequests();
			return {status: 200, body: {cleared: true}};
		}

		return allow(['GET', 'DELETE']) ?? {status: 200, body: target.requests()};
	}

	if (route === '/reset') {
		if (method !== 'POST') {
			return error(405, 'MethodNotAllowed', `${method} is not allowed on ${path} (allowed: POST)`);
		}

		target.reset();
		return {status: 200, body: {reset: true}};
	}

	return error(
		404,
		'NoSuchRoute',
		`Unknown admin route ${path}: try GET ${ADMIN_PREFIX}/state, POST ${ADMIN_PREFIX}/buckets, DELETE ${ADMIN_PREFIX}/buckets/<id>, GET|PUT|PATCH ${ADMIN_PREFIX}/faults, GET|DELETE ${ADMIN_PREFIX}/requests, POST ${ADMIN_PREFIX}/reset, GET ${ADMIN_PREFIX}/healthz`,
	);
}

/** `DELETE /_emulator/buckets/<id>`, the id percent-encoded. */
function deleteBucket(encoded: string, target: AdminTarget): AdminAnswer {
	let bucket: string;
	try {
		bucket = decodeURIComponent(encoded);
	} catch {
		return error(400, 'InvalidArgument', 'Malformed percent-encoding in the bucket id', 'bucket');
	}

	return target.deleteBucket(bucket) ? {status: 200, body: {deleted: bucket}} : error(404, 'NoSuchBucket', `No bucket ${JSON.stringify(bucket)}`, 'bucket');
}

/** `PUT` (replace) or `PATCH` (merge) `/_emulator/faults`; answers the faults now in force. */
function changeFaults(method: string, body: Buffer, target: AdminTarget): AdminAnswer {
	const parsed = parseJson(body);
	if ('answer' in parsed) {
		return parsed.answer;
	}

	try {
		if (method === 'PUT') {
			target.setFaults(parsed.value);
		} else {
			target.updateFaults(parsed.value);
		}
	} catch (failure) {
		const message = failure instanceof Error ? failure.message : String(failure);
		return error(400, 'InvalidArgument', message, /^faults\.([^:]*):/.exec(message)?.[1] ?? '');
	}

	return {status: 200, body: target.faults()};
}

function parseJson(body: Buffer): {value: unknown} | {answer: AdminAnswer} {
	try {
		return {value: JSON.parse(body.toString('utf8')) as unknown};
	} catch {
		return {answer: error(400, 'InvalidArgument', 'The body must be JSON', '')};
	}
}

function createBucket(body: Buffer, target: AdminTarget): AdminAnswer {
	const parsed = parseJson(body);
	if ('answer' in parsed) {
		return parsed.answer;
	}

	const input = parsed.value;
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		return error(400, 'InvalidArgument', 'The body must be a JSON object {"bucket","region","bound"?,"createdAt"?}', '');
	}

	const fields = input as Record<string, unknown>;
	for (const key of Object.keys(fields)) {
		if (!BUCKET_FIELDS.has(key)) {
			return error(400, 'InvalidArgument', `Unknown field ${JSON.stringify(key)} (known: ${[...BUCKET_FIELDS].join(', ')})`, key);
		}
	}

	if (typeof fields.bucket !== 'string' || fields.bucket === '') {
		return error(400, 'InvalidArgument', 'bucket: expected a string "<name>-<appid>"', 'bucket');
	}

	if (typeof fields.region !== 'string' || fields.region === '') {
		return error(400, 'InvalidArgument', 'region: expected a region id such as "ap-guangzhou"', 'region');
	}

	if (fields.bound !== undefined && typeof fields.bound !== 'boolean') {
		return error(400, 'InvalidArgument', 'bound: expected true or false', 'bound');
	}

	if (fields.createdAt !== undefined && (typeof fields.createdAt !== 'string' || Number.isNaN(Date.parse(fields.createdAt)))) {
		return error(400, 'InvalidArgument', 'createdAt: expected an ISO 8601 time', 'createdAt');
	}

	if (fields.capabilities !== undefined && (!Array.isArray(fields.capabilities) || fields.capabilities.some((name) => typeof name !== 'string' || capabilityByName(name) === undefined))) {
		return error(400, 'InvalidArgument', `capabilities: expected an array of ${EMULATOR_CAPABILITIES.map((item) => item.name).join(', ')}`, 'capabilities');
	}

	try {
		const bucket = target.createBucket(fields.bucket, fields.region, {
			...(fields.bound === undefined ? {} : {bound: fields.bound}),
			...(fields.capabilities === undefined ? {} : {capabilities: fields.capabilities as string[]}),
			...(fields.createdAt === undefined ? {} : {createdAt: fields.createdAt as string}),
		});
		return {status: 201, body: bucket};
	} catch (failure) {
		if (isEmulatorError(failure)) {
			const field = failure.code === 'InvalidRegion' ? 'region' : 'bucket';
			return error(failure.status === 409 ? 409 : 400, failure.code, failure.message, field);
		}

		throw failure;
	}
}
