import {parseBucketId} from '../../client/names.js';
import {type BucketRef, completeBucketId, parseBucketReference, qcsAppId, type ReferenceForm} from './bucket-ref.js';
import {describe, type Fields, isFields, joinPath, own, parseJson, plain, quote, text} from './fields.js';
import {clip, type BindPlan, createBindPlan} from './plan.js';
import {mapShortRegion} from './regions.js';
import type {CloudAuditData, CloudAuditRequestParameters, CloudAuditResource, TencentCloudEvent, TencentEventList} from './shapes.js';
import type {EventContext, ParsedEvent} from './types.js';

const COS_SOURCE = 'cos.cloud.tencent';
// CloudAudit records reach EventBridge as `<product>:CloudEvent:<how the call was made>`.
const AUDIT_TYPE = /^cos:CloudEvent:(?:ApiCall|ConsoleCall|MiniProgramCall)$/i;
// CloudAudit names COS bucket creation after the API operation, PUT Bucket (not CreateBucket).
const BUCKET_CREATION = 'putbucket';
// `resources` arrays longer than this are not one bucket creation; reading on would only cost time.
const MAX_RESOURCES_SCANNED = 100;

/** Whether the envelope is a Tencent EventBridge CloudEvent (of any product). */
export function isTencentCloudEvent(event: Fields): boolean {
	const source = own<TencentCloudEvent>(event, 'source');
	return own<TencentCloudEvent>(event, 'specversion') !== undefined || (typeof source === 'string' && source.endsWith('.cloud.tencent'));
}

/** Whether the envelope is a COS CloudAudit record delivered by EventBridge. */
export function isCosAuditEvent(event: Fields): boolean {
	const type = own<TencentCloudEvent>(event, 'type');
	return own<TencentCloudEvent>(event, 'source') === COS_SOURCE && typeof type === 'string' && AUDIT_TYPE.test(type.trim());
}

/** `source "x", type "y"`: what an envelope says it is, for messages. */
export function envelopeHints(event: Fields): string {
	const hints: string[] = [];
	for (const key of ['source', 'type', 'detail-type', 'eventSource', 'EventSource', 'Type'] as const) {
		const value = own(event, key);
		if (typeof value === 'string') {
			hints.push(`${key} ${quote(value, 60)}`);
		}
	}

	return hints.join(', ');
}

type Found = {ref: BucketRef; source: string};

function fromString(value: unknown, source: string, form: ReferenceForm): Found | undefined {
	if (typeof value !== 'string') {
		return undefined;
	}

	const ref = parseBucketReference(value, form);
	return ref === undefined ? undefined : {ref, source};
}

function fromResourceObject(value: Fields, path: string): Found | undefined {
	for (const key of ['name', 'resourceName', 'resourceId'] as const) {
		const found = fromString(own<CloudAuditResource>(value, key), joinPath(path, key), 'any');
		if (found) {
			return found;
		}
	}

	return undefined;
}

function fromResources(value: unknown, path: string): Found | undefined {
	if (isFields(value)) {
		return fromResourceObject(value, path);
	}

	if (!Array.isArray(value)) {
		return fromString(value, path, 'any');
	}

	const scanned = Math.min(value.length, MAX_RESOURCES_SCANNED);
	for (let index = 0; index < scanned; index++) {
		const item: unknown = value[index];
		const itemPath = joinPath(path, index);
		const found = isFields(item) ? fromResourceObject(item, itemPath) : fromString(item, itemPath, 'any');
		if (found) {
			return found;
		}
	}

	return undefined;
}

function fromRequestParameters(value: unknown, path: string): Found | undefined {
	let parameters = value;
	if (typeof value === 'string') {
		// CloudAudit stores request parameters as JSON text in some records.
		const parsed = parseJson(value);
		parameters = parsed.ok ? parsed.value : undefined;
	}

	if (!isFields(parameters)) {
		return undefined;
	}

	for (const key of ['bucket', 'Bucket', 'bucketName', 'BucketName'] as const) {
		const found = fromString(own<CloudAuditRequestParameters>(parameters, key), joinPath(path, key), 'any');
		if (found) {
			return found;
		}
	}

	for (const key of ['Host', 'host'] as const) {
		const found = fromString(own<CloudAuditRequestParameters>(parameters, key), joinPath(path, key), 'qualified');
		if (found) {
			return found;
		}
	}

	return undefined;
}

/** Where the bucket of one record is, in the order of how directly each field names it. */
function findBucket(event: Fields, data: Fields, path: string): Found | undefined {
	const dataPath = joinPath(path, 'data');
	return (
		fromString(own<CloudAuditData>(data, 'resourceName'), joinPath(dataPath, 'resourceName'), 'any') ??
		fromResources(own<CloudAuditData>(data, 'resources'), joinPath(dataPath, 'resources')) ??
		fromRequestParameters(own<CloudAuditData>(data, 'requestParameters'), joinPath(dataPath, 'requestParameters')) ??
		// `subject` may hold anything; only a qcs resource or COS host there names a bucket.
		fromString(own<TencentCloudEvent>(event, 'subject'), joinPath(path, 'subject'), 'qualified')
	);
}

type Located = {bucket?: string; region?: string; source?: string; error?: string};

function findRegion(event: Fields, data: Fields, path: string, found: Found | undefined): {region?: string; error?: string} {
	const dataPath = joinPath(path, 'data');
	// Most specific first: the bucket's own resource or host, then the record, then the envelope.
	const candidates: Array<{value: unknown; source: string}> = [
		{value: found?.ref.region, source: found?.source ?? ''},
		{value: own<CloudAuditData>(data, 'eventRegion'), source: joinPath(dataPath, 'eventRegion')},
		{value: own<CloudAuditData>(data, 'resourceRegion'), source: joinPath(dataPath, 'resourceRegion')},
		{value: own<TencentCloudEvent>(event, 'region'), source: joinPath(path, 'region')},
	];
	let firstInvalid: string | undefined;
	for (const {value, source} of candidates) {
		const written = text(value);
		if (written === undefined) {
			continue;
		}

		const region = mapShortRegion(written);
		if (region !== undefined) {
			return {region};
		}

		firstInvalid ??= `${source}: invalid region ${quote(written)} (expected e.g. "ap-guangzhou")`;
	}

	return {error: firstInvalid ?? `${joinPath(path, 'region')}: no region found (looked at the bucket's resource or host, data.eventRegion, data.resourceRegion and region)`};
}

function locate(event: Fields, data: Fields, path: string, context: EventContext): Located {
	const found = findBucket(event, data, path);
	const {region, error: regionError} = findRegion(event, data, path, found);
	if (found === undefined) {
		return {
			region,
			error: `${joinPath(path, 'data')}: no bucket found (looked in data.resourceName, data.resources, data.requestParameters and subject)`,
		};
	}

	// A bare name in one field may have its APPID in another (`subject`, `resourceName`).
	const id = completeBucketId(found.ref, context.appId, qcsAppId([own<TencentCloudEvent>(event, 'subject'), own<CloudAuditData>(data, 'resourceName')]));
	if (id === undefined) {
		return {
			bucket: clip(found.ref.bucket),
			region,
			source: found.source,
			error: `${found.source}: bucket ${quote(found.ref.bucket)} has no "-<appid>" suffix and no APPID is known (set TENCENTCLOUD_APPID)`,
		};
	}

	try {
		parseBucketId(id, found.source, region);
	} catch (error) {
		return {bucket: clip(id), region, source: found.source, error: (error as Error).message};
	}

	return regionError === undefined ? {bucket: id, region, source: found.source} : {bucket: id, source: found.source, error: regionError};
}

/** `errorCode 1234` when the audited call failed; undefined when it succeeded (0, "0", "" or absent). */
function upstreamFailure(data: Fields): string | undefined {
	for (const key of ['errorCode', 'apiErrorCode'] as const) {
		const value = own<CloudAuditData>(data, key);
		if (value === undefined || value === null || value === false || value === 0) {
			continue;
		}

		if (typeof value === 'string') {
			const trimmed = value.trim();
			if (trimmed !== '' && trimmed !== '0') {
				return `${key} ${plain(trimmed)}`;
			}

			continue;
		}

		return typeof value === 'number' ? `${key} ${value}` : `${key} ${describe(value)}`;
	}

	return undefined;
}

/** Plan one CloudAudit record at `path` ('' for a lone event, `EventList[3]` in a batch). */
function addRecord(plan: BindPlan, entry: unknown, path: string, context: EventContext): void {
	if (!isFields(entry)) {
		plan.fail(undefined, undefined, `${path}: expected an event object, got ${describe(entry)}`);
		return;
	}

	if (!isCosAuditEvent(entry)) {
		// Rules may route other products' events into the same batch: not ours, and not an error.
		plan.skip(undefined, undefined, `${path}: not a COS CloudAudit event (${envelopeHints(entry) || 'no source or type'})`);
		return;
	}

	const dataPath = joinPath(path, 'data');
	let data = own<TencentCloudEvent>(entry, 'data');
	if (typeof data === 'string') {
		const parsed = parseJson(data);
		data = parsed.ok ? (parsed.value as CloudAuditData) : data;
	}

	if (!isFields(data)) {
		plan.fail(undefined, mapShortRegion(text(own<TencentCloudEvent>(entry, 'region')) ?? ''), `${dataPath}: expected the CloudAudit record object, got ${describe(data)}`);
		return;
	}

	const located = locate(entry, data, path, context);
	const eventName = own<CloudAuditData>(data, 'eventName');
	if (typeof eventName !== 'string' || eventName.trim() === '') {
		plan.fail(located.bucket, located.region, `${joinPath(dataPath, 'eventName')}: expected an operation name such as "PutBucket", got ${describe(eventName)}`);
		return;
	}

	if (eventName.trim().toLowerCase() !== BUCKET_CREATION) {
		plan.skip(located.bucket, located.region, `not a bucket creation: eventName ${plain(eventName.trim())}`);
		return;
	}

	const failure = upstreamFailure(data);
	if (failure !== undefined) {
		plan.skip(located.bucket, located.region, `creation failed upstream (${failure})`);
		return;
	}

	if (located.error !== undefined || located.bucket === undefined || located.region === undefined || located.source === undefined) {
		plan.fail(located.bucket, located.region, located.error ?? `${dataPath}: no bucket found`);
		return;
	}

	plan.target({bucket: located.bucket, region: located.region, source: located.source});
}

/** Plan a lone COS CloudAudit event (caller checked {@link isCosAuditEvent}). */
export function parseCloudAudit(event: Fields, context: EventContext): ParsedEvent {
	const plan = createBindPlan();
	addRecord(plan, event, '', context);
	return {kind: 'bind', trigger: 'cloudaudit', targets: plan.targets, decided: plan.decided};
}

/** Plan a batch `{"EventList": [...]}`: every entry yields a target or a decided record. */
export function parseEventList(event: Fields, context: EventContext): ParsedEvent {
	const list = own<TencentEventList>(event, 'EventList');
	if (!Array.isArray(list)) {
		return {kind: 'invalid', trigger: 'cloudaudit', message: `EventList: expected an array of events, got ${describe(list)}`};
	}

	const plan = createBindPlan();
	for (let index = 0; index < list.length; index++) {
		addRecord(plan, list[index], joinPath('EventList', index), context);
	}

	return {kind: 'bind', trigger: 'cloudaudit', targets: plan.targets, decided: plan.decided};
}
