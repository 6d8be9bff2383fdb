import {BinderError} from './errors.js';

/*
The naming rules of COS buckets and regions: the one place they are written (the emulator keeps its own
copy on purpose, checked against the same table of cases, test/fixtures/names-cases.json).

COS "存储桶概述 > 命名规范" (cloud.tencent.com/document/product/436/13312): a bucket id is
`<name>-<APPID>`; the name holds only a-z, 0-9 and `-` and neither starts nor ends with `-`; the whole
request host `<name>-<APPID>.cos.<region>.myqcloud.com` is at most 60 characters. The APPID is the
account's number, assigned by the system (10 digits on current accounts; 5 to 12 are accepted so that
older and future lengths pass). Region ids are `<area>-<city>[-<suffix>]` ("地域和访问域名",
cloud.tencent.com/document/product/436/6224: `ap-guangzhou`, `ap-shanghai-fsi`, `na-siliconvalley`).
*/

/** A bucket id that passed the naming rules, split into its parts. */
export type BucketId = {
	/** `<name>-<appid>`, as the APIs want it. */
	readonly id: string;
	readonly name: string;
	readonly appId: string;
};

const BUCKET_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const APP_ID = /^[0-9]{5,12}$/;
const APP_ID_SUFFIX = /-[0-9]{5,12}$/;
const REGION = /^[a-z]{2,4}(?:-[a-z0-9]+){1,3}$/;
/** The longest `<bucket>.cos.<region>.myqcloud.com` COS accepts. */
export const MAX_COS_HOST_LENGTH = 60;

/** Regions where Cloud Infinite is documented; others are allowed (with a warning by the caller). */
export const DOCUMENTED_CI_REGIONS = [
	'ap-beijing',
	'ap-nanjing',
	'ap-shanghai',
	'ap-guangzhou',
	'ap-chengdu',
	'ap-chongqing',
	'ap-hongkong',
	'ap-singapore',
	'ap-mumbai',
	'na-toronto',
	'eu-moscow',
] as const;

/** Whether `value` is an APPID: 5 to 12 digits. */
export const isAppId = (value: string): boolean => APP_ID.test(value);

/** Whether `value` is a bucket name without its APPID: a-z, 0-9 and `-`, not starting or ending with `-`. */
export const isBucketName = (value: string): boolean => BUCKET_NAME.test(value);

/** Whether `value` ends in `-<APPID>`, the way a complete bucket id does (names may end in digits too). */
export const hasAppIdSuffix = (value: string): boolean => APP_ID_SUFFIX.test(value);

/** Whether `value` is a well-formed region id (`ap-guangzhou`), documented or not. */
export const isRegionId = (value: string): boolean => REGION.test(value);

/** Validate a region id (`ap-guangzhou`); throws `InvalidRegion` naming `field` and the value. */
export function validateRegion(region: unknown, field = 'region'): string {
	if (typeof region !== 'string' || !isRegionId(region)) {
		throw new BinderError(`${field}: invalid region ${JSON.stringify(region)} (expected e.g. "ap-guangzhou")`, {code: 'InvalidRegion', field});
	}

	return region;
}

/**
Split and validate `<name>-<appid>`; throws `InvalidBucketId` naming `field`, the value and the rule broken.
With `region`, the COS host the id makes in that region is checked against its length limit too.
*/
export function parseBucketId(value: unknown, field = 'bucket', region?: string): BucketId {
	const fail = (why: string): never => {
		throw new BinderError(`${field}: invalid bucket id ${JSON.stringify(typeof value === 'string' ? value.slice(0, 100) : value)}: ${why}`, {
			code: 'InvalidBucketId',
			field,
			bucket: typeof value === 'string' ? value.slice(0, 100) : undefined,
		});
	};

	if (typeof value !== 'string' || value === '') {
		return fail('expected a string "<name>-<appid>"');
	}

	// The APPID is the digits after the *last* `-`: names may contain `-` themselves.
	const dash = value.lastIndexOf('-');
	if (dash <= 0) {
		return fail('missing "-<appid>" suffix');
	}

	const name = value.slice(0, dash);
	const appId = value.slice(dash + 1);
	if (!isAppId(appId)) {
		return fail('the APPID after the last "-" must be digits');
	}

	if (!isBucketName(name)) {
		return fail('the name may only hold a-z, 0-9 and "-", and not start or end with "-"');
	}

	const hostLength = `${value}.cos.${region ?? ''}.myqcloud.com`.length;
	if (region !== undefined && hostLength > MAX_COS_HOST_LENGTH) {
		return fail(`"<bucket>.cos.<region>.myqcloud.com" would be ${hostLength} characters (limit ${MAX_COS_HOST_LENGTH})`);
	}

	return {id: value, name, appId};
}
