// Finding a bucket in the strings events carry: bare ids, COS hosts and URLs, CAM (`qcs::`) resource names.

/** A bucket as some string named it, before it is completed and validated. */
export type BucketRef = {
	/** `<name>-<appid>` or a bare `<name>`, as found. */
	bucket: string;
	/**
	The number in a `qcs::cos:…:uid/<n>:…` resource. For COS resources this is documented as the APPID,
	but it is only used to complete a bare name: an id that already ends in `-<digits>` is kept as is,
	in case a record carries a UIN there.
	*/
	appId?: string;
	/** Region as written in the resource or host; not yet validated. */
	region?: string;
	/** True when the form always carries the APPID (a COS host), so the id needs no completing. */
	complete?: boolean;
};

// Anything longer is no bucket reference; refusing early keeps every regex below on short input.
const MAX_REFERENCE_LENGTH = 1024;
const APP_ID = /^\d{5,12}$/;
const APP_ID_SUFFIX = /-\d{5,12}$/;
// `<bucket>.cos.<region>.myqcloud.com` and its siblings (website, internal, CI, the newer tencentcos.cn
// domain); `accelerate` stands where the region would for global acceleration.
const COS_HOST = /^([a-z0-9-]+)\.(?:cos|cos-website|cos-internal|pic|ci)\.([a-z0-9-]+)\.(?:myqcloud\.com|tencentcos\.cn)$/;
const URL_PREFIX = /^[a-z][a-z0-9+.-]*:\/\//i;
const QCS_ACCOUNT = /^uid\/?(\d+)$/i;

/** Parse a COS host (`examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com[:443]`). */
export function parseCosHost(value: string): BucketRef | undefined {
	if (value.length > MAX_REFERENCE_LENGTH) {
		return undefined;
	}

	const host = value.trim().toLowerCase().replace(/:\d*$/, '');
	const match = COS_HOST.exec(host);
	if (!match) {
		return undefined;
	}

	const [, bucket = '', region = ''] = match;
	return region === 'accelerate' ? {bucket, complete: true} : {bucket, region, complete: true};
}

/** Parse a URL whose host is a COS host (`https://examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com/key`). */
export function parseCosUrl(value: string): BucketRef | undefined {
	if (value.length > MAX_REFERENCE_LENGTH || !URL_PREFIX.test(value)) {
		return undefined;
	}

	const authority = value.replace(URL_PREFIX, '').split(/[/?#]/, 1)[0] ?? '';
	// Drop any `user:pass@`: it is never part of the host.
	return parseCosHost(authority.slice(authority.lastIndexOf('@') + 1));
}

/**
Parse a CAM resource: `qcs::cos:<region>:uid/<appid>:<bucket>[/<key>]`, the `uid<appid>` spelling
EventBridge examples use, and the old `…:prefix//<appid>/<bucket>/<key>` form. Other products → undefined.
*/
export function parseQcsResource(value: string): BucketRef | undefined {
	if (value.length > MAX_REFERENCE_LENGTH) {
		return undefined;
	}

	const parts = value.trim().split(':');
	// qcs : project : service : region : account : resource (the resource may itself hold ':').
	if (parts.length < 6 || parts[0]?.toLowerCase() !== 'qcs' || parts[2]?.toLowerCase() !== 'cos') {
		return undefined;
	}

	const region = parts[3] ?? '';
	const appId = QCS_ACCOUNT.exec(parts[4] ?? '')?.[1];
	let resource = parts.slice(5).join(':');
	let resourceAppId: string | undefined;
	if (resource.startsWith('prefix//')) {
		const [prefixAppId = '', name = ''] = resource.slice('prefix//'.length).split('/');
		resourceAppId = APP_ID.test(prefixAppId) ? prefixAppId : undefined;
		resource = name;
	}

	const bucket = resource.split('/', 1)[0] ?? '';
	if (bucket === '' || bucket.includes('*')) {
		return undefined;
	}

	const ref: BucketRef = {bucket};
	const owner = appId !== undefined && APP_ID.test(appId) ? appId : resourceAppId;
	if (owner !== undefined) {
		ref.appId = owner;
	}

	if (region !== '' && region !== '*') {
		ref.region = region;
	}

	return ref;
}

/** How strictly a field is read: some fields hold a bucket id or nothing, others hold anything. */
export type ReferenceForm = 'any' | 'qualified';

/**
Read a bucket reference from a string. `qualified` accepts only self-describing forms (qcs resources,
COS hosts and URLs), for fields such as `subject` that may hold unrelated text; `any` also takes a
bare `<name>[-<appid>]`, cut at the first `/` (`bucket-1250000000/object.txt`).
*/
export function parseBucketReference(value: string, form: ReferenceForm = 'any'): BucketRef | undefined {
	const trimmed = value.trim();
	if (trimmed === '' || trimmed.length > MAX_REFERENCE_LENGTH) {
		return undefined;
	}

	if (/^qcs:/i.test(trimmed)) {
		return parseQcsResource(trimmed);
	}

	if (URL_PREFIX.test(trimmed)) {
		return parseCosUrl(trimmed);
	}

	const host = parseCosHost(trimmed.split('/', 1)[0] ?? '');
	if (host !== undefined || form === 'qualified') {
		return host;
	}

	const bucket = trimmed.split('/', 1)[0] ?? '';
	return bucket === '' || bucket === '*' ? undefined : {bucket};
}

/**
Turn a reference into `<name>-<appid>`, or undefined when no APPID can be known.

In order: a COS host's id, or an id ending in the resource's or the function's own APPID, is complete;
with a qcs resource's APPID (documented as `uid/<appid>`) a name not ending in it is bare (names may
end in digits: `backup-20240101`); without one, an id ending in `-<5–12 digits>` is complete; a bare
name gets `hintAppId` (another qcs resource in the record), else the function's own APPID. Guessing
would be worse than failing with a message.
*/
export function completeBucketId(ref: BucketRef, contextAppId: string | undefined, hintAppId?: string): string | undefined {
	const endsIn = (appId: string | undefined) => appId !== undefined && ref.bucket.endsWith(`-${appId}`);
	if (ref.complete === true || endsIn(ref.appId) || endsIn(contextAppId)) {
		return ref.bucket;
	}

	if (ref.appId !== undefined) {
		return `${ref.bucket}-${ref.appId}`;
	}

	if (APP_ID_SUFFIX.test(ref.bucket)) {
		return ref.bucket;
	}

	const appId = hintAppId ?? contextAppId;
	return appId === undefined ? undefined : `${ref.bucket}-${appId}`;
}

const QCS_APP_ID = /^qcs::cos:[^:]*:uid\/?(\d{5,12}):/;

/** The APPID of the first `qcs::cos:…:uid/<appid>:…` string among `values`. */
export function qcsAppId(values: readonly unknown[]): string | undefined {
	for (const value of values) {
		if (typeof value === 'string' && value.length <= MAX_REFERENCE_LENGTH) {
			const match = QCS_APP_ID.exec(value.trim());
			if (match) {
				return match[1];
			}
		}
	}

	return undefined;
}
