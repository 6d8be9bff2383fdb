// Reading the 2xx answers of the CI and COS APIs: XML (and, for the status, JSON) into plain values.
// Anything that is not the expected shape is an `InvalidResponse` naming what was wrong.
import {childText, parseXml, type XmlElement} from '../utils/xml.js';
import {invalidResponse, type ApiRequest, type ApiResponse} from './request.js';

/** Cloud Infinite binding state of a bucket. */
export type CiStatus = 'on' | 'off' | 'unbinding';

/** One bound bucket, as DescribeCIBuckets lists it. */
export type BoundBucket = {bucketId: string; name: string; appId: string; region: string; status: string; createTime: string};

/** The bound buckets of one `<CIBucketList>` element of a DescribeCIBuckets page. */
export function boundItems(list: XmlElement): BoundBucket[] {
	// The list encodes each item as its own <CIBucketList> element; tolerate a wrapped form too.
	const nested = list.children.filter((item) => item.children.length > 0 && childText(item, 'BucketId') !== undefined);
	const elements = childText(list, 'BucketId') === undefined ? nested : [list];
	return elements.map((item) => {
		const bucketId = childText(item, 'BucketId') ?? '';
		return {
			bucketId,
			name: childText(item, 'BucketName') ?? bucketId.slice(0, bucketId.lastIndexOf('-')),
			appId: childText(item, 'AppId') ?? bucketId.slice(bucketId.lastIndexOf('-') + 1),
			region: childText(item, 'Region') ?? '',
			status: childText(item, 'Status') ?? '',
			createTime: childText(item, 'CreateTime') ?? '',
		};
	});
}

/** Parse a 2xx XML body whose root must be one of `roots`. An empty body is allowed unless `required`. */
export function parseBody(request: ApiRequest, response: ApiResponse, roots: string[], required = false): XmlElement | undefined {
	if (response.body.trim() === '' && !required) {
		return undefined;
	}

	let root: XmlElement;
	try {
		root = parseXml(response.body);
	} catch (error) {
		throw invalidResponse(request, response, (error as Error).message, error);
	}

	if (!roots.includes(root.name)) {
		throw invalidResponse(request, response, `expected <${roots.join('> or <')}>, got <${root.name.slice(0, 40)}>`);
	}

	return root;
}

/** The `CIStatus` of a status answer: JSON as documented, or the XML the Go SDK parses. */
export function parseStatus(request: ApiRequest, response: ApiResponse): CiStatus {
	const body = response.body.trim();
	let status: unknown;
	if (body.startsWith('{')) {
		try {
			// `{"CIStatus":…}` per the doc; tolerate a `Response` wrapper and other letter case.
			const json = JSON.parse(body) as unknown;
			const record = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
			const inner = (typeof record.Response === 'object' && record.Response !== null ? record.Response : record) as Record<string, unknown>;
			status = Object.entries(inner).find(([key]) => key.toLowerCase() === 'cistatus')?.[1];
		} catch (error) {
			throw invalidResponse(request, response, 'malformed JSON', error);
		}
	} else {
		// The doc shows JSON; the Go SDK parses XML `<CIStatus>on</CIStatus>`: accept both.
		let root: XmlElement;
		try {
			root = parseXml(body);
		} catch (error) {
			throw invalidResponse(request, response, (error as Error).message, error);
		}

		status = root.name === 'CIStatus' ? root.text : childText(root, 'CIStatus');
	}

	if (status === 'on' || status === 'off' || status === 'unbinding') {
		return status;
	}

	throw invalidResponse(request, response, `CIStatus must be on, off or unbinding, got ${JSON.stringify(status)?.slice(0, 40)}`);
}
