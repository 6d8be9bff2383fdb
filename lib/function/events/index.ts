/*
The pure event layer of `main_handler(event, context)`: recognise the trigger by the event's shape and turn
it into a plan (see `ParsedEvent`). Decisions worth knowing:

- Detection is by shape, most specific first: `EventList` (EventBridge batch), `Records` (COS trigger when
  `Records[0].cos` exists, else unsupported), `detail-type` (AWS), CloudEvents `specversion`/`source`,
  a bare CloudAudit record (`eventSource` + `eventName`: an EventBridge transform passed only `$.data`
  on, and such a record carries `httpMethod` too), timer `Type`, and HTTP last because
  `httpMethod`/`path`/`headers` say the least. An event that is JSON text is decoded first.
- Bind events never become `invalid` per entry: a broken entry is a `failed` record (code `InvalidEvent`,
  message starting with its field path), a failed creation or another operation a `skipped` one, and a
  `PutBucket` whose bucket or region cannot be read a `failed` record with code `UnrecognizedEvent` plus
  an entry in `unrecognized` (with a scrubbed digest for the log). Only an unusable wrapper (`EventList`
  not an array) makes the whole event `invalid`.
- APPIDs come from a `qcs::cos:…:uid/<appid>:…` resource, the function's context, then a CloudAudit
  `sessionContext.appId`; never from CloudAudit account ids (UINs). COS trigger regions: `s3Region`, the mapped short code, the object URL's host, then
  the function's own region.
- HTTP: a leading `/<stage>` is removed when `requestContext.stage` is set (not `$default`); repeated
  query values keep the first; `sourceIp` comes from the gateway's request context, or for an SCF
  function URL (which has none) from the `x-scf-remote-addr` header SCF adds; never from `x-forwarded-for`.
*/
import {envelopeHints, isAuditRecord, isCosAuditEvent, isCosAuditRecord, isTencentCloudEvent, parseCloudAudit, parseEventList} from './cloudaudit.js';
import {isS3CloudTrailEvent, parseCloudTrail} from './cloudtrail.js';
import {isCosTrigger, parseCosTrigger} from './cos-trigger.js';
import {type FieldPath, MAX_FIELD_PATHS, parseFieldPath} from './field-paths.js';
import {decodeJsonText, describeValue, type Fields, has, isFields, listKeys, own, plain} from '../../utils/fields.js';
import {isAppId, isRegionId} from '../../core/names.js';
import {isHttpEvent, parseHttp} from './http.js';
import {isScheduledEvent, isTimerEvent, parseSchedule, parseTimer} from './timer.js';
import type {EventContext, ParsedEvent} from './types.js';

export type {BindTarget, BindTrigger, EventContext, HttpFlavor, HttpRequest, KnownTrigger, ParsedEvent, SyncRequestOptions, SyncTrigger, UnrecognizedRecord} from './types.js';
export type {
	CloudAuditData,
	CosTriggerEvent,
	CosTriggerRecord,
	ScfApiGatewayEvent,
	ScfFunctionUrlEvent,
	TencentCloudEvent,
	TencentEventList,
	TimerEvent,
} from './shapes.js';
export type {CloudTrailDetail, CloudTrailEvent} from './cloudtrail.js';
export {mapShortRegion} from './regions.js';
export {parseSyncOptions, SYNC_OPTION_KEYS} from './sync-options.js';
export {INVALID_EVENT, UNKNOWN_BUCKET, UNRECOGNIZED_EVENT} from './plan.js';
export {FieldPathError, MAX_FIELD_PATHS, parseFieldPath, readFieldPath} from './field-paths.js';
export type {FieldPath} from './field-paths.js';
export {digestRecord} from './digest.js';

function unsupported(message: string): ParsedEvent {
	return {kind: 'unsupported', trigger: 'unsupported', message: `unsupported event: ${message}`};
}

/** What an unrecognised value looked like: its type, its first keys, and what it says it is. */
function describeEvent(event: unknown): string {
	if (!isFields(event)) {
		return `${describeValue(event)} (expected an event object)`;
	}

	const hints = envelopeHints(event);
	return `an object with ${listKeys(event)}${hints === '' ? '' : `; ${hints}`}`;
}

/** Why `Records` is not a COS trigger event: SQS, CKafka, CMQ and others use `Records` too. */
function describeRecords(event: Fields): string {
	const records = own(event, 'Records');
	if (!Array.isArray(records)) {
		return `Records is ${describeValue(records)}, not an array of records`;
	}

	if (records.length === 0) {
		return 'Records is an empty array';
	}

	const first: unknown = records[0];
	if (!isFields(first)) {
		return `Records[0] is ${describeValue(first)}, not a record object`;
	}

	const hints = envelopeHints(first);
	return `Records[0] is not a COS trigger record (it has ${listKeys(first)}${hints === '' ? '' : `; ${hints}`})`;
}

/** Keep only context values of the right shape: a malformed APPID or region must not complete ids. */
function normalizeContext(context: unknown): EventContext {
	const normalized: EventContext = {};
	if (!isFields(context)) {
		return normalized;
	}

	const appId = own<EventContext>(context, 'appId');
	const region = own<EventContext>(context, 'region');
	if (typeof appId === 'string' && isAppId(appId.trim())) {
		normalized.appId = appId.trim();
	}

	if (typeof region === 'string' && isRegionId(region.trim())) {
		normalized.region = region.trim();
	}

	const bucketPaths = fieldPaths(own<EventContext>(context, 'bucketPaths'));
	const regionPaths = fieldPaths(own<EventContext>(context, 'regionPaths'));
	if (bucketPaths.length > 0) {
		normalized.bucketPaths = bucketPaths;
	}

	if (regionPaths.length > 0) {
		normalized.regionPaths = regionPaths;
	}

	return normalized;
}

/** Configured paths, re-parsed from their text: only well-formed paths reach the readers. */
function fieldPaths(value: unknown): FieldPath[] {
	if (!Array.isArray(value)) {
		return [];
	}

	const paths: FieldPath[] = [];
	for (const item of (value as unknown[]).slice(0, MAX_FIELD_PATHS)) {
		try {
			const source = isFields(item) ? own<FieldPath>(item, 'text') : item;
			if (typeof source === 'string') {
				paths.push(parseFieldPath(source));
			}
		} catch {}
	}

	return paths;
}

// Order matters: wrappers first (`EventList`, `Records`), then envelopes that name themselves
// (`detail-type`, CloudEvents `source`/`specversion`), records that name themselves (CloudAudit
// `eventSource`/`eventName`, timer `Type`), and HTTP last, because its marks (`httpMethod`, `path`,
// `headers`) are the least specific: a bare CloudAudit record has `httpMethod` too.
function dispatch(raw: unknown, context: EventContext): ParsedEvent {
	const event = decodeJsonText(raw);
	if (!isFields(event)) {
		return unsupported(describeEvent(event));
	}

	if (has(event, 'EventList')) {
		return parseEventList(event, context);
	}

	if (has(event, 'Records')) {
		return isCosTrigger(event) ? parseCosTrigger(event, context) : unsupported(describeRecords(event));
	}

	if (has(event, 'detail-type')) {
		if (isS3CloudTrailEvent(event)) {
			return parseCloudTrail(event);
		}

		return isScheduledEvent(event) ? parseSchedule(event) : unsupported(describeEvent(event));
	}

	if (isTencentCloudEvent(event)) {
		return isCosAuditEvent(event) ? parseCloudAudit(event, context) : unsupported(describeEvent(event));
	}

	if (isAuditRecord(event)) {
		return isCosAuditRecord(event) ? parseCloudAudit(event, context) : unsupported(`a CloudAudit record of another product (${envelopeHints(event)})`);
	}

	if (isTimerEvent(event)) {
		return parseTimer(event);
	}

	return isHttpEvent(event) ? parseHttp(event) : unsupported(describeEvent(event));
}

/**
Recognise the event `main_handler(event, context)` received and turn it into a plan. Pure: no I/O.

The event is untrusted and this never throws, whatever the value: bad input becomes kind `invalid`
(a known trigger, the message naming the field) or `unsupported` (the message saying what was seen).

@example
parseEvent({Type: 'Timer', TriggerName: 'EveryDay', Time: '2019-02-21T11:49:00Z', Message: '{"dryRun":true}'}, {})
// {kind: 'sync', trigger: 'timer', options: {dryRun: true}}
*/
export function parseEvent(event: unknown, context: EventContext): ParsedEvent {
	try {
		return dispatch(event, normalizeContext(context));
	} catch (error) {
		// Only values JSON cannot produce get here (throwing getters, revoked proxies): report, never throw,
		// because a throw makes the platform retry an event that will fail the same way.
		let why = 'unknown error';
		try {
			why = error instanceof Error ? plain(String(error.message), 200) : describeValue(error);
		} catch {}

		return {kind: 'unsupported', trigger: 'unsupported', message: `unsupported event: could not be read (${why})`};
	}
}
