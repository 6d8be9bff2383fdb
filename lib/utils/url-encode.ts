/**
Percent-encode the way Tencent Cloud's signature expects: only `A-Za-z0-9-_.~` stay as they are,
everything else becomes uppercase `%XX` of its UTF-8 bytes (space is `%20`, never `+`).

`encodeURIComponent` leaves `!'()*` alone, so those are encoded by hand; this matches the official
SDKs' `camSafeUrlEncode`.
*/
export function tencentUrlEncode(value: string): string {
	return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
