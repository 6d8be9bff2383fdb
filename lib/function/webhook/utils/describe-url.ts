/**
Name an endpoint for messages: origin and path only. The query is dropped (WeCom's `key`, DingTalk's
`access_token`, `sign`), so is `user:password@`, and Feishu/Lark's `/hook/<id>` segment, which is the
robot's credential, is masked.
*/
export function describeUrl(url: URL | string): string {
	let parsed: URL;
	try {
		parsed = typeof url === 'string' ? new URL(url) : url;
	} catch {
		return '(invalid URL)';
	}

	return `${parsed.origin}${parsed.pathname.replace(/\/hook\/[^/]+/, '/hook/***')}`;
}
