/*
CloudAudit records of COS operations, delivered by EventBridge in a CloudEvents envelope (EventBridge
"Cloud Audit events", docs 1108/46246), in an `EventList` batch, or bare when a rule's transform passes
only `$.data` on. A `PutBucket` record names a bucket that was just created.

Where the bucket is in a COS `PutBucket` record is not published, so every place a published record
shape could hold it is read, most direct first, every candidate is checked before use, and a record
whose bucket cannot be read is reported as unrecognised (error log with a digest, webhook) instead of
failing quietly. The published shapes (tccli `tccli/examples/cloudaudit/v20190319/DescribeEvents.md` and
`LookUpEvents.md`; CloudAudit's field table "查看操作记录") put JSON text in `resources`,
`requestParameters` and `userIdentity.sessionContext`, and product-relative names in `resourceName`.
*/
import {isAppId, parseBucketId} from '../../core/names.js';
import {type BucketRef, completeBucketId, qcsAppId, readBucketReference, type ReferenceForm, regionOfCosEndpoint} from './bucket-ref.js';
import {digestRecord} from './digest.js';
import {readFieldPaths} from './field-paths.js';
import {decodeJsonText, describeValue, type Fields, isFields, joinPath, own, plain, quote, text} from '../../utils/fields.js';
import {bindEvent, clip, type BindPlan, createBindPlan} from './plan.js';
import {mapShortRegion} from './regions.js';
import type {CloudAuditData, CloudAuditIdentity, CloudAuditRequestParameters, CloudAuditResource, CloudAuditSession, TencentCloudEvent, TencentEventList} from './shapes.js';
import type {EventContext, ParsedEvent} from './types.js';

const COS_SOURCE = 'cos.cloud.tencent';
// CloudAudit records reach EventBridge as `<product>:CloudEvent:<how the call was made>`.
const AUDIT_TYPE = /^cos:CloudEvent:(?:ApiCall|ConsoleCall|MiniProgramCall)$/i;
// CloudAudit names COS bucket creation after the API operation, PUT Bucket (not CreateBucket); its list
// of audited COS operations names `PutBucket`.
const BUCKET_CREATION = 'putbucket';
// A bare record's `eventSource` is `<product>.<region>.<domain>` (or `<product>.<domain>`): COS's starts with `cos.`.
const COS_EVENT_SOURCE = /^cos[.:]/i;
// `resources` arrays longer than this are not one bucket creation; reading on would only cost time.
const MAX_RESOURCES_SCANNED = 100;
// Rejected candidates named in a message; the digest in the log has the rest.
const MAX_REJECTIONS_SHOWN = 4;

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

/**
Whether the value is a CloudAudit record without its envelope (an EventBridge rule whose transform passes
`$.data` on): it names its `eventSource` and `eventName`. Checked before HTTP shapes, because such a record
also carries `httpMethod`.
*/
export function isAuditRecord(event: Fields): boolean {
	return typeof own<CloudAuditData>(event, 'eventSource') === 'string' && typeof own<CloudAuditData>(event, 'eventName') === 'string';
}

/** Whether a bare CloudAudit record is about COS (`eventSource` `cos.<region>.myqcloud.com`, or `resourceType` `cos`). */
export function isCosAuditRecord(record: Fields): boolean {
	const source = own<CloudAuditData>(record, 'eventSource');
	const type = own<CloudAuditData>(record, 'resourceType');
	return (typeof source === 'string' && COS_EVENT_SOURCE.test(source.trim())) || (typeof type === 'string' && type.trim().toLowerCase() === 'cos');
}

/** `source "x", type "y"`: what an envelope or record says it is, for messages. */
export function envelopeHints(event: Fields): string {
	const hints: string[] = [];
	for (const key of ['source', 'type', 'detail-type', 'eventSource', 'EventSource', 'eventName', 'Type'] as const) {
		const value = own(event, key);
		if (typeof value === 'string') {
			hints.push(`${key} ${quote(value, 60)}`);
		}
	}

	return hints.join(', ');
}

/** One CloudAudit record and where it sits: `entry` as delivered, `record` its CloudAudit data. */
type Located = {
	entry: Fields;
	/** The envelope, when the record came in one. */
	envelope: Fields | undefined;
	record: Fields;
	/** Path of the entry (`''`, `EventList[3]`). */
	path: string;
	/** Path of the record (`data`, `EventList[3].data`, or the entry's path when bare). */
	recordPath: string;
};

type Candidate = {ref: BucketRef; source: string};
type Rejection = {source: string; value: string; reason: string};
type Candidates = {candidates: Candidate[]; rejections: Rejection[]; looked: string[]};

function collect(out: Candidates, value: unknown, source: string, form: ReferenceForm): void {
	if (typeof value !== 'string') {
		return;
	}

	const result = readBucketReference(value, form);
	if (result === undefined) {
		return;
	}

	if ('ref' in result) {
		out.candidates.push({ref: result.ref, source});
	} else {
		out.rejections.push({source, value, reason: result.rejected});
	}
}

function collectResourceObject(out: Candidates, value: Fields, path: string): void {
	for (const key of ['name', 'resourceName', 'resourceId'] as const) {
		collect(out, own<CloudAuditResource>(value, key), joinPath(path, key), 'resource');
	}
}

function collectResources(out: Candidates, raw: unknown, path: string): void {
	// `"[\"qcs::cos:…\"]"`, `"[\"*\"]"` or `""` in published records; arrays and objects in others.
	const value = decodeJsonText(raw);
	if (isFields(value)) {
		collectResourceObject(out, value, path);
		return;
	}

	if (!Array.isArray(value)) {
		collect(out, value, path, 'resource');
		return;
	}

	const scanned = Math.min(value.length, MAX_RESOURCES_SCANNED);
	for (let index = 0; index < scanned; index++) {
		const item: unknown = value[index];
		const itemPath = joinPath(path, index);
		if (isFields(item)) {
			collectResourceObject(out, item, itemPath);
		} else {
			collect(out, item, itemPath, 'resource');
		}
	}
}

function requestParameters(record: Fields): Fields | undefined {
	const value = decodeJsonText(own<CloudAuditData>(record, 'requestParameters'));
	return isFields(value) ? value : undefined;
}

/** Every bucket the record may name, in order of how directly each field names it; `looked` names the places, relative to the record. */
function candidatesOf(at: Located, context: EventContext): Candidates {
	const out: Candidates = {candidates: [], rejections: [], looked: []};
	const field = (key: string) => joinPath(at.recordPath, key);
	if (context.bucketPaths && context.bucketPaths.length > 0) {
		out.looked.push('BINDER_EVENT_BUCKET_PATH');
		for (const found of readFieldPaths(roots(at), context.bucketPaths)) {
			collect(out, found.value, found.path, 'resource');
		}
	}

	out.looked.push('resourceName', 'resources', 'requestParameters', 'eventSource');
	collect(out, own<CloudAuditData>(at.record, 'resourceName'), field('resourceName'), 'resource');
	collectResources(out, own<CloudAuditData>(at.record, 'resources'), field('resources'));
	const parameters = requestParameters(at.record);
	if (parameters !== undefined) {
		const parametersPath = field('requestParameters');
		for (const key of ['bucket', 'Bucket', 'bucketName', 'BucketName'] as const) {
			collect(out, own<CloudAuditRequestParameters>(parameters, key), joinPath(parametersPath, key), 'name');
		}

		for (const key of ['Host', 'host'] as const) {
			collect(out, own<CloudAuditRequestParameters>(parameters, key), joinPath(parametersPath, key), 'qualified');
		}
	}

	// A PUT Bucket is sent to `<bucket>.cos.<region>.myqcloud.com`: a source naming that host names the bucket.
	collect(out, own<CloudAuditData>(at.record, 'eventSource'), field('eventSource'), 'qualified');
	if (at.envelope !== undefined) {
		// `subject` may hold anything; only a qcs resource or COS host there names a bucket.
		out.looked.push('the envelope\'s subject');
		collect(out, own<TencentCloudEvent>(at.envelope, 'subject'), joinPath(at.path, 'subject'), 'qualified');
	}

	return out;
}

/** Where configured paths are read: the entry as delivered, and its record when that is nested. */
function roots(at: Located): Array<{value: unknown; base: string}> {
	return at.envelope === undefined ? [{value: at.entry, base: at.path}] : [{value: at.entry, base: at.path}, {value: at.record, base: at.recordPath}];
}

type RegionSource = {value: unknown; source: string};

/**
Where a bucket's region may be written, most specific first: the configured paths, the bucket's own qcs
resource or host, `requestParameters.Region` (the request names it, `LookUpEvents.md`), the COS endpoint in
`requestParameters.Host` or `eventSource` (`cos.<region>.myqcloud.com`), then where the call was recorded:
`resourceRegion`, `eventRegion` (may be the request's region, not the resource's) and last the envelope's
`region` (EventBridge delivers CloudAudit events on the ap-guangzhou bus, docs 1108/46246).
*/
function regionSources(at: Located, candidate: Candidate | undefined, context: EventContext): RegionSource[] {
	const sources: RegionSource[] = [];
	if (context.regionPaths && context.regionPaths.length > 0) {
		for (const found of readFieldPaths(roots(at), context.regionPaths)) {
			sources.push({value: found.value, source: found.path});
		}
	}

	if (candidate !== undefined) {
		sources.push({value: candidate.ref.region, source: candidate.source});
	}

	const field = (key: string) => joinPath(at.recordPath, key);
	const parameters = requestParameters(at.record);
	if (parameters !== undefined) {
		for (const key of ['Region', 'region'] as const) {
			sources.push({value: own<CloudAuditRequestParameters>(parameters, key), source: joinPath(field('requestParameters'), key)});
		}

		for (const key of ['Host', 'host'] as const) {
			const host = own<CloudAuditRequestParameters>(parameters, key);
			sources.push({value: typeof host === 'string' ? regionOfCosEndpoint(host) : undefined, source: joinPath(field('requestParameters'), key)});
		}
	}

	const eventSource = own<CloudAuditData>(at.record, 'eventSource');
	sources.push(
		{value: typeof eventSource === 'string' ? regionOfCosEndpoint(eventSource) : undefined, source: field('eventSource')},
		{value: own<CloudAuditData>(at.record, 'resourceRegion'), source: field('resourceRegion')},
		{value: own<CloudAuditData>(at.record, 'eventRegion'), source: field('eventRegion')},
	);
	if (at.envelope !== undefined) {
		sources.push({value: own<TencentCloudEvent>(at.envelope, 'region'), source: joinPath(at.path, 'region')});
	}

	return sources;
}

function regionFor(at: Located, candidate: Candidate | undefined, context: EventContext): {region?: string; error?: string} {
	let firstInvalid: string | undefined;
	for (const {value, source} of regionSources(at, candidate, context)) {
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

	const looked = 'the bucket\'s resource or host, requestParameters.Region and .Host, eventSource, resourceRegion, eventRegion and the envelope region';
	return {error: firstInvalid ?? `${at.recordPath === '' ? 'record' : at.recordPath}: no region found (looked at ${looked})`};
}

/** The APPID in `userIdentity.sessionContext` (JSON text or object): the caller's account. */
function sessionAppId(record: Fields): string | undefined {
	const identity = decodeJsonText(own<CloudAuditData>(record, 'userIdentity'));
	const session = isFields(identity) ? decodeJsonText(own<CloudAuditIdentity>(identity, 'sessionContext')) : undefined;
	const appId = isFields(session) ? own<CloudAuditSession>(session, 'appId') : undefined;
	const value = typeof appId === 'number' || typeof appId === 'string' ? String(appId).trim() : '';
	return isAppId(value) ? value : undefined;
}

type Resolution =
	| {kind: 'target'; bucket: string; region: string; source: string}
	| {kind: 'failed'; code: 'invalid' | 'unrecognized'; bucket?: string; region?: string; message: string};

const SET_BUCKET_PATH = 'set BINDER_EVENT_BUCKET_PATH to the field that names the bucket (the record\'s outline is in the error log)';
const SET_REGION_PATH = 'set BINDER_EVENT_REGION_PATH to the field that names its region (the record\'s outline is in the error log)';

function listRejections(rejections: readonly Rejection[]): string {
	if (rejections.length === 0) {
		return '';
	}

	const shown = rejections.slice(0, MAX_REJECTIONS_SHOWN).map(({source, value, reason}) => `${source} ${quote(value, 60)} (${reason})`);
	const more = rejections.length > MAX_REJECTIONS_SHOWN ? `, +${rejections.length - MAX_REJECTIONS_SHOWN} more` : '';
	return `; passed over ${shown.join(', ')}${more}`;
}

/**
The first candidate that is a valid bucket id with a region. Nothing is assembled from text that is not a
bucket name, and every id is validated (with its region, for the host length) before it is used.
*/
function resolve(at: Located, context: EventContext): Resolution {
	const {candidates, rejections, looked} = candidatesOf(at, context);
	// A bare name in one field may have its APPID in another (`subject`, `resourceName`, `resources`); the
	// function's own APPID (its account) comes before the caller's `sessionContext.appId`.
	const resources = decodeJsonText(own<CloudAuditData>(at.record, 'resources'));
	const hint = qcsAppId([
		at.envelope === undefined ? undefined : own<TencentCloudEvent>(at.envelope, 'subject'),
		own<CloudAuditData>(at.record, 'resourceName'),
		...(Array.isArray(resources) ? (resources as unknown[]).slice(0, MAX_RESOURCES_SCANNED) : [resources]),
	]);
	const accountAppId = context.appId ?? sessionAppId(at.record);
	let noAppId: {bucket: string; region?: string; message: string} | undefined;
	let noRegion: {bucket: string; message: string} | undefined;
	for (const candidate of candidates) {
		const {region, error: regionError} = regionFor(at, candidate, context);
		const id = completeBucketId(candidate.ref, accountAppId, hint);
		if (id === undefined) {
			noAppId ??= {
				bucket: clip(candidate.ref.bucket),
				region,
				message: `${candidate.source}: bucket ${quote(candidate.ref.bucket)} has no "-<appid>" suffix and no APPID is known (set TENCENTCLOUD_APPID)`,
			};
			continue;
		}

		try {
			parseBucketId(id, candidate.source, region);
		} catch (error) {
			rejections.push({source: candidate.source, value: id, reason: (error as Error).message.replace(/^.*?: invalid bucket id "[^"]*": /, '')});
			continue;
		}

		if (region === undefined) {
			noRegion ??= {bucket: id, message: `${regionError ?? 'no region found'}; ${SET_REGION_PATH}`};
			continue;
		}

		return {kind: 'target', bucket: id, region, source: candidate.source};
	}

	if (noAppId !== undefined) {
		return {kind: 'failed', code: 'invalid', ...noAppId};
	}

	if (noRegion !== undefined) {
		return {kind: 'failed', code: 'unrecognized', ...noRegion};
	}

	const {region} = regionFor(at, undefined, context);
	const where = at.recordPath === '' ? 'record' : at.recordPath;
	const lookedText = `${looked.slice(0, -1).join(', ')} and ${looked.at(-1)}`;
	return {
		kind: 'failed',
		code: 'unrecognized',
		bucket: rejections[0] === undefined ? undefined : clip(rejections[0].value),
		region,
		message: `${where}: no bucket found (looked in ${lookedText}${listRejections(rejections)}); ${SET_BUCKET_PATH}`,
	};
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

		return typeof value === 'number' ? `${key} ${value}` : `${key} ${describeValue(value)}`;
	}

	return undefined;
}

/** Plan one CloudAudit record (`entry` at `path`: '' for a lone event, `EventList[3]` in a batch). */
function addRecord(plan: BindPlan, entry: unknown, path: string, context: EventContext): void {
	if (!isFields(entry)) {
		plan.fail(undefined, undefined, `${path}: expected an event object, got ${describeValue(entry)}`);
		return;
	}

	let at: Located;
	if (isCosAuditEvent(entry)) {
		const dataPath = joinPath(path, 'data');
		// `data` is the record; one documentation version types it as a string, so JSON text is accepted.
		const data = decodeJsonText(own<TencentCloudEvent>(entry, 'data'));
		if (!isFields(data)) {
			plan.fail(undefined, mapShortRegion(text(own<TencentCloudEvent>(entry, 'region')) ?? ''), `${dataPath}: expected the CloudAudit record object, got ${describeValue(data)}`);
			return;
		}

		at = {entry, envelope: entry, record: data, path, recordPath: dataPath};
	} else if (!isTencentCloudEvent(entry) && isAuditRecord(entry) && isCosAuditRecord(entry)) {
		at = {entry, envelope: undefined, record: entry, path, recordPath: path};
	} else {
		// Rules may route other products' events into the same batch: not ours, and not an error.
		plan.skip(undefined, undefined, `${path}: not a COS CloudAudit event (${envelopeHints(entry) || 'no source or type'})`);
		return;
	}

	const resolution = resolve(at, context);
	// Shown on records of other operations and failed calls too, when the record names a bucket.
	const {bucket, region} = resolution;
	const eventName = own<CloudAuditData>(at.record, 'eventName');
	if (typeof eventName !== 'string' || eventName.trim() === '') {
		plan.fail(bucket, region, `${joinPath(at.recordPath, 'eventName')}: expected an operation name such as "PutBucket", got ${describeValue(eventName)}`);
		return;
	}

	if (eventName.trim().toLowerCase() !== BUCKET_CREATION) {
		plan.skip(bucket, region, `not a bucket creation: eventName ${plain(eventName.trim())}`);
		return;
	}

	const failure = upstreamFailure(at.record);
	if (failure !== undefined) {
		plan.skip(bucket, region, `creation failed upstream (${failure})`);
		return;
	}

	if (resolution.kind === 'target') {
		plan.target({bucket: resolution.bucket, region: resolution.region, source: resolution.source, created: true});
		return;
	}

	if (resolution.code === 'invalid') {
		plan.fail(bucket, region, resolution.message);
		return;
	}

	plan.unrecognize(bucket, region, {path, eventName: plain(eventName.trim(), 60), message: resolution.message, digest: digestRecord(entry)});
}

/** Plan a lone COS CloudAudit event or bare record (caller checked {@link isCosAuditEvent} or {@link isCosAuditRecord}). */
export function parseCloudAudit(event: Fields, context: EventContext): ParsedEvent {
	const plan = createBindPlan();
	addRecord(plan, event, '', context);
	return bindEvent(plan, 'cloudaudit');
}

/** Plan a batch `{"EventList": [...]}`: every entry yields a target or a result known up front. */
export function parseEventList(event: Fields, context: EventContext): ParsedEvent {
	const list = own<TencentEventList>(event, 'EventList');
	if (!Array.isArray(list)) {
		return {kind: 'invalid', trigger: 'cloudaudit', message: `EventList: expected an array of events, got ${describeValue(list)}`};
	}

	const plan = createBindPlan();
	for (let index = 0; index < list.length; index++) {
		addRecord(plan, list[index], joinPath('EventList', index), context);
	}

	return bindEvent(plan, 'cloudaudit');
}
