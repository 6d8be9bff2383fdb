import {isAppId, parseBucketId} from '../../core/names.js';
import {completeBucketId, parseCosUrl} from './bucket-ref.js';
import {describeValue, type Fields, isFields, joinPath, own, quote, text} from '../../utils/fields.js';
import {clip, type BindPlan, createBindPlan} from './plan.js';
import {mapShortRegion} from './regions.js';
import type {CosTriggerEvent, CosTriggerRecord} from './shapes.js';
import type {EventContext, ParsedEvent} from './types.js';

type CosPart = CosTriggerRecord['cos'];
type CosBucket = CosPart['cosBucket'];
type CosObject = NonNullable<CosPart['cosObject']>;

/** Whether `Records` holds COS trigger records (judged by the first: other services use `Records` too). */
export function isCosTrigger(event: Fields): boolean {
	const records = own<CosTriggerEvent>(event, 'Records');
	return Array.isArray(records) && records.length > 0 && isFields(records[0]) && own<CosTriggerRecord>(records[0], 'cos') !== undefined;
}

function resolveRegion(cos: Fields, bucket: Fields, path: string, context: EventContext): {region: string} | {error: string} {
	const regionPath = joinPath(joinPath(path, 'cosBucket'), 'region');
	const written = text(own<CosBucket>(bucket, 'region'));
	// A full id where one is sent, then the short code, then the object's URL host (which names the
	// bucket's region), then the function's own region: a COS trigger only fires for buckets there.
	const region =
		mapShortRegion(text(own<CosBucket>(bucket, 's3Region')) ?? '') ??
		mapShortRegion(written ?? '') ??
		regionFromUrl(own(cos, 'cosObject')) ??
		context.region;
	if (region !== undefined) {
		return {region};
	}

	const seen = written === undefined ? `missing (got ${describeValue(own<CosBucket>(bucket, 'region'))})` : `unknown region code ${quote(written)}`;
	return {error: `${regionPath}: ${seen}, and the function's own region is not known (TENCENTCLOUD_REGION)`};
}

function regionFromUrl(cosObject: unknown): string | undefined {
	if (!isFields(cosObject)) {
		return undefined;
	}

	const url = own<CosObject>(cosObject, 'url');
	const region = typeof url === 'string' ? parseCosUrl(url.trim())?.region : undefined;
	return region === undefined ? undefined : mapShortRegion(region);
}

function addRecord(plan: BindPlan, record: unknown, path: string, context: EventContext): void {
	if (!isFields(record)) {
		plan.fail(undefined, undefined, `${path}: expected a COS trigger record, got ${describeValue(record)}`);
		return;
	}

	const cosPath = joinPath(path, 'cos');
	const cos = own<CosTriggerRecord>(record, 'cos');
	if (!isFields(cos)) {
		plan.fail(undefined, undefined, `${cosPath}: expected an object, got ${describeValue(cos)}`);
		return;
	}

	const bucketPath = joinPath(cosPath, 'cosBucket');
	const bucket = own<CosPart>(cos, 'cosBucket');
	if (!isFields(bucket)) {
		plan.fail(undefined, undefined, `${bucketPath}: expected an object, got ${describeValue(bucket)}`);
		return;
	}

	const located = resolveRegion(cos, bucket, cosPath, context);
	const region = 'region' in located ? located.region : undefined;
	const namePath = joinPath(bucketPath, 'name');
	const name = own<CosBucket>(bucket, 'name');
	if (typeof name !== 'string' || name.trim() === '') {
		plan.fail(undefined, region, `${namePath}: expected the bucket name, got ${describeValue(name)}`);
		return;
	}

	const appIdValue = own<CosBucket>(bucket, 'appid');
	let appId: string | undefined;
	if (typeof appIdValue === 'string' || typeof appIdValue === 'number') {
		appId = String(appIdValue).trim();
		if (!isAppId(appId)) {
			plan.fail(clip(name), region, `${joinPath(bucketPath, 'appid')}: invalid APPID ${quote(appId)} (expected 5 to 12 digits)`);
			return;
		}
	} else if (appIdValue !== undefined && appIdValue !== null) {
		plan.fail(clip(name), region, `${joinPath(bucketPath, 'appid')}: expected the APPID, got ${describeValue(appIdValue)}`);
		return;
	}

	const id = completeBucketId(appId === undefined ? {bucket: name.trim()} : {bucket: name.trim(), appId}, context.appId);
	if (id === undefined) {
		plan.fail(clip(name), region, `${namePath}: bucket ${quote(name)} has no "-<appid>" suffix, and neither cosBucket.appid nor the function's APPID is known`);
		return;
	}

	if ('error' in located) {
		plan.fail(clip(id), undefined, located.error);
		return;
	}

	try {
		parseBucketId(id, namePath, located.region);
	} catch (error) {
		plan.fail(clip(id), located.region, (error as Error).message);
		return;
	}

	plan.target({bucket: id, region: located.region, source: namePath});
}

/**
Plan a COS trigger event: every record names a bucket that should be bound ("make sure it is"), whatever
the object operation was. Records of the same bucket collapse into one target.
*/
export function parseCosTrigger(event: Fields, context: EventContext): ParsedEvent {
	const records = own<CosTriggerEvent>(event, 'Records');
	const list: unknown[] = Array.isArray(records) ? records : [];
	const plan = createBindPlan();
	for (let index = 0; index < list.length; index++) {
		addRecord(plan, list[index], joinPath('Records', index), context);
	}

	return {kind: 'bind', trigger: 'cos', targets: plan.targets, knownResults: plan.knownResults};
}
