// Finding a bucket in the strings events carry: bare ids, COS hosts and URLs, CAM (`qcs::`) resource names.
import {hasAppIdSuffix, isAppId, isBucketName} from '../../core/names.js';

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
		resourceAppId = isAppId(prefixAppId) ? prefixAppId : undefined;
		resource = name;
	}

	const bucket = resource.split('/', 1)[0] ?? '';
	if (bucket === '' || bucket.includes('*')) {
		return undefined;
	}

	const ref: BucketRef = {bucket};
	const owner = appId !== undefined && isAppId(appId) ? appId : resourceAppId;
	if (owner !== undefined) {
		ref.appId = owner;
	}

	if (region !== '' && region !== '*') {
		ref.region = region;
	}

	return ref;
}

/**
How strictly a field is read, after the self-describing forms (qcs resources, COS hosts and URLs):

- `qualified`: nothing else, for fields such as `subject` and `eventSource` that may hold unrelated text;
- `name`: also a bare `<name>[-<appid>]` and nothing more, for fields that hold a bucket name
  (`requestParameters.Bucket`);
- `resource`: also `<name>-<appid>/<key or *>`, for resource fields (`resourceName`, `resources[]`). A
  product-relative resource such as `instance/ins-1` (CloudAudit's field table, "查看操作记录", gives
  `policy/7934***`) is not taken for a bucket called `instance`: only a complete id may carry a path.
*/
export type ReferenceForm = 'qualified' | 'name' | 'resource';

/** What one string says: a bucket reference, a reason it is none, or nothing to report (empty, `*`, unrelated text). */
export type ReferenceResult = {ref: BucketRef} | {rejected: string} | undefined;

const QCS_SERVICE = /^qcs:[^:]*:([^:]*):/i;

/**
Read a bucket reference from a string, or say why it is none. `*`, empty strings and wildcard
resources (`qcs::cos:<region>:uid/<appid>:*`) mean "any bucket" and are ignored, as is unrelated text
in a `qualified` field. A bare name is only accepted when it is shaped like one, so no bucket id is ever
assembled from text that is not a name.
*/
export function readBucketReference(value: string, form: ReferenceForm): ReferenceResult {
	const result = readReference(value, form);
	if (result !== undefined && 'ref' in result && !isBucketName(result.ref.bucket)) {
		return {rejected: 'not a bucket name: only a-z, 0-9 and "-", not starting or ending with "-"'};
	}

	return result;
}

function readReference(value: string, form: ReferenceForm): ReferenceResult {
	const trimmed = value.trim();
	if (trimmed === '' || trimmed === '*') {
		return undefined;
	}

	if (trimmed.length > MAX_REFERENCE_LENGTH) {
		return {rejected: `longer than ${MAX_REFERENCE_LENGTH} characters`};
	}

	if (/^qcs:/i.test(trimmed)) {
		const ref = parseQcsResource(trimmed);
		if (ref !== undefined) {
			return {ref};
		}

		const service = QCS_SERVICE.exec(trimmed)?.[1]?.toLowerCase();
		return service === 'cos' ? undefined : {rejected: `a ${service ? `${service} ` : ''}resource, not a COS bucket`};
	}

	if (URL_PREFIX.test(trimmed)) {
		const ref = parseCosUrl(trimmed);
		return ref === undefined ? (form === 'qualified' ? undefined : {rejected: 'a URL whose host is not a COS bucket host'}) : {ref};
	}

	const [head = '', ...tail] = trimmed.split('/');
	const host = parseCosHost(head);
	if (host !== undefined) {
		return {ref: host};
	}

	if (form === 'qualified' || head === '' || head === '*') {
		return undefined;
	}

	if (tail.length > 0 && (form === 'name' || !hasAppIdSuffix(head))) {
		return {rejected: form === 'name' ? 'holds "/": not a bucket name' : 'a product-relative resource, not a bucket id ("<name>-<appid>/…")'};
	}

	return {ref: {bucket: head}};
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

	if (hasAppIdSuffix(ref.bucket)) {
		return ref.bucket;
	}

	const appId = hintAppId ?? contextAppId;
	return appId === undefined ? undefined : `${ref.bucket}-${appId}`;
}

const QCS_APP_ID = /^qcs::cos:[^:]*:uid\/?(\d+):/;

/** The APPID of the first `qcs::cos:…:uid/<appid>:…` string among `values`. */
export function qcsAppId(values: readonly unknown[]): string | undefined {
	for (const value of values) {
		if (typeof value === 'string' && value.length <= MAX_REFERENCE_LENGTH) {
			const match = QCS_APP_ID.exec(value.trim());
			if (match && isAppId(match[1]!)) {
				return match[1];
			}
		}
	}

	return undefined;
}

// A COS service endpoint: `cos.<region>.myqcloud.com` (CloudAudit's `eventSource` for COS calls is
// `cos.<region>.myqcloud.com`, by the pattern of `cam.ap-guangzhou.api.tencentyun.com` in its field table).
const COS_SERVICE_HOST = /^cos\.([a-z0-9-]+)\.(?:myqcloud\.com|tencentcos\.cn)$/;

/** The region a COS endpoint names: a service host `cos.<region>.myqcloud.com` or a bucket host; undefined otherwise. */
export function regionOfCosEndpoint(value: string): string | undefined {
	if (value.length > MAX_REFERENCE_LENGTH) {
		return undefined;
	}

	const host = value.trim().toLowerCase().replace(URL_PREFIX, '').split(/[/?#]/, 1)[0]?.replace(/:\d*$/, '') ?? '';
	return COS_SERVICE_HOST.exec(host)?.[1] ?? parseCosHost(host)?.region;
}
