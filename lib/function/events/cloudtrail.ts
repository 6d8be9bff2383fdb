import type {EventBridgeEvent} from 'aws-lambda';
import {hasAppIdSuffix} from '../../core/names.js';
import {describeValue, type Fields, isFields, own, plain, quote, text} from '../../utils/fields.js';
import {createBindPlan} from './plan.js';
import type {ParsedEvent} from './types.js';

/** The `detail` of a CloudTrail record delivered by EventBridge: the fields we read. */
export type CloudTrailDetail = {
	eventSource?: string;
	eventName?: string;
	awsRegion?: string;
	errorCode?: string;
	errorMessage?: string;
	requestParameters?: {bucketName?: string; Host?: string};
};

/** `AWS API Call via CloudTrail` events, as EventBridge delivers them. */
export type CloudTrailEvent = EventBridgeEvent<'AWS API Call via CloudTrail', CloudTrailDetail>;

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
// S3 bucket naming rules; AWS bucket names carry no APPID, so they are taken as given.
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// "Taken as-is", but only in a shape that cannot smuggle anything into a host name.
const AWS_REGION = /^[a-z0-9-]{1,40}$/;

/** Whether the event is an S3 API call recorded by CloudTrail. */
export function isS3CloudTrailEvent(event: Fields): boolean {
	return own<CloudTrailEvent>(event, 'detail-type') === CLOUDTRAIL_DETAIL_TYPE && own<CloudTrailEvent>(event, 'source') === 'aws.s3';
}

/** Plan an S3 CloudTrail event: `CreateBucket` binds `requestParameters.bucketName` in `awsRegion`. */
export function parseCloudTrail(event: Fields): ParsedEvent {
	const plan = createBindPlan();
	const result = (): ParsedEvent => ({kind: 'bind', trigger: 'cloudtrail', targets: plan.targets, knownResults: plan.knownResults});
	const detail = own<CloudTrailEvent>(event, 'detail');
	if (!isFields(detail)) {
		plan.fail(undefined, undefined, `detail: expected the CloudTrail record object, got ${describeValue(detail)}`);
		return result();
	}

	const parameters = own<CloudTrailDetail>(detail, 'requestParameters');
	const bucket = isFields(parameters) ? own<NonNullable<CloudTrailDetail['requestParameters']>>(parameters, 'bucketName') : undefined;
	const bucketText = typeof bucket === 'string' ? plain(bucket.trim(), 100) : undefined;
	const region = text(own<CloudTrailDetail>(detail, 'awsRegion')) ?? text(own<CloudTrailEvent>(event, 'region'));
	const regionText = region === undefined ? undefined : plain(region, 40);
	const eventName = own<CloudTrailDetail>(detail, 'eventName');
	if (typeof eventName !== 'string' || eventName.trim() === '') {
		plan.fail(bucketText, regionText, `detail.eventName: expected an operation name such as "CreateBucket", got ${describeValue(eventName)}`);
		return result();
	}

	if (eventName.trim() !== 'CreateBucket') {
		plan.skip(bucketText, regionText, `not a bucket creation: eventName ${plain(eventName.trim())}`);
		return result();
	}

	const errorCode = text(own<CloudTrailDetail>(detail, 'errorCode'));
	if (errorCode !== undefined) {
		plan.skip(bucketText, regionText, `creation failed upstream (errorCode ${plain(errorCode)})`);
		return result();
	}

	if (bucketText === undefined || !S3_BUCKET.test(bucketText)) {
		const got = typeof bucket === 'string' ? `invalid bucket name ${quote(bucket)}` : `expected the bucket name, got ${describeValue(bucket)}`;
		plan.fail(bucketText, regionText, `detail.requestParameters.bucketName: ${got}`);
		return result();
	}

	if (region === undefined || !AWS_REGION.test(region)) {
		const got = region === undefined ? 'missing (and no envelope region)' : `invalid region ${quote(region)}`;
		plan.fail(bucketText, regionText, `detail.awsRegion: ${got}`);
		return result();
	}

	// CloudTrail reports S3 buckets. Only a name shaped like a COS id (`<name>-<appid>`, e.g. from a
	// COS-compatible setup that forwards these events) is something we can bind; an S3 bucket is
	// nothing to do, which is a skip with its reason, not a failure that would page someone.
	if (!hasAppIdSuffix(bucketText)) {
		plan.skip(bucketText, regionText, 'an S3 bucket (no "-<appid>" suffix): not a COS bucket, nothing to bind');
		return result();
	}

	plan.target({bucket: bucketText, region, source: 'detail.requestParameters.bucketName', created: true});
	return result();
}
