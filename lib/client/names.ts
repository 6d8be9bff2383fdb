import {BinderError} from '../errors/binder-error.js';

/** A validated bucket id split into its parts. */
export type BucketId = {
	/** `<name>-<appid>`, as the APIs want it. */
	id: string;
	name: string;
	appId: string;
};

// Bucket names: lowercase letters, digits and `-`, no leading or trailing `-` (COS naming rules).
const BUCKET_NAME = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const APP_ID = /^[0-9]{5,12}$/;
const REGION = /^[a-z]{2,4}(?:-[a-z0-9]+){1,3}$/;
// `<id>.cos.<region>.myqcloud.com` must stay within 60 characters (COS naming rules).
const MAX_COS_HOST_LENGTH = 60;

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

/** Validate a region id (`ap-guangzhou`); throws `InvalidRegion` naming the value. */
export function validateRegion(region: unknown, field = 'region'): string {
	if (typeof region !== 'string' || !REGION.test(region)) {
		throw new BinderError(`${field}: invalid region ${JSON.stringify(region)} (expected e.g. "ap-guangzhou")`, {
			code: 'InvalidRegion',
		});
	}

	return region;
}

/** Split and validate `<name>-<appid>`; throws `InvalidBucketId` naming the value and the rule broken. */
export function parseBucketId(value: unknown, field = 'bucket', region?: string): BucketId {
	const fail = (why: string): never => {
		throw new BinderError(`${field}: invalid bucket id ${JSON.stringify(typeof value === 'string' ? value.slice(0, 100) : value)}: ${why}`, {
			code: 'InvalidBucketId',
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
	if (!APP_ID.test(appId)) {
		return fail('the APPID after the last "-" must be digits');
	}

	if (!BUCKET_NAME.test(name)) {
		return fail('the name may only hold a-z, 0-9 and "-", and not start or end with "-"');
	}

	const hostLength = `${value}.cos.${region ?? ''}.myqcloud.com`.length;
	if (region !== undefined && hostLength > MAX_COS_HOST_LENGTH) {
		return fail(`"<bucket>.cos.<region>.myqcloud.com" would be ${hostLength} characters (limit ${MAX_COS_HOST_LENGTH})`);
	}

	return {id: value, name, appId};
}
