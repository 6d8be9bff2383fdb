import {createHash, createHmac} from 'node:crypto';

// TC3-HMAC-SHA256, the request signature of Tencent Cloud API 3.0 ("签名方法 v3",
// cloud.tencent.com/document/api/213/30654). A few lines of HMAC, written here so that the CLI, which
// ships without tencentcloud-sdk-nodejs (58 MB installed), can still call SCF, EventBridge, CAM and CLS.

/** The signature scheme's name: first in `Authorization` and in the string to sign. */
export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

/** What one signature covers. */
export type Tc3Request = {
	secretId: string;
	/** Used only as an HMAC key; never copied into the result. */
	secretKey: string;
	/**
	The product, e.g. `scf`: the credential scope's service, which "must match the product's domain name"
	(213/30654), so `scf` for `scf.tencentcloudapi.com` and for `scf.ap-shanghai-fsi.tencentcloudapi.com`.
	*/
	service: string;
	/** The `Host` header as sent (no port for the real API). */
	host: string;
	/** The `Content-Type` header as sent. @default 'application/json' */
	contentType?: string;
	/** The exact request body (the JSON text sent), hashed into the signature. */
	payload: string | Uint8Array;
	/** Unix seconds, the value of `X-TC-Timestamp`; also picks the UTC date of the credential scope. */
	timestamp: number;
	/** @default 'POST' */
	method?: 'POST' | 'GET';
};

/** The intermediate values of a signature, for tests and for debugging a refused request. */
export type Tc3Signature = {
	/** The `Authorization` header value. */
	authorization: string;
	canonicalRequest: string;
	stringToSign: string;
	/** `YYYY-MM-DD` (UTC) of `timestamp`. */
	date: string;
	/** `<date>/<service>/tc3_request`. */
	credentialScope: string;
	signedHeaders: string;
};

const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** The UTC calendar date of a Unix time, as the credential scope wants it. */
export function tc3Date(timestamp: number): string {
	return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/**
Sign one API 3.0 request. Signs `content-type` and `host`, the two headers the method requires ("content-type
和 host 为必选头部"), with path `/` and no query string (POST); the body is hashed as given, so sign the very
bytes that are sent.
*/
export function signTc3(request: Tc3Request): Tc3Signature {
	if (!Number.isSafeInteger(request.timestamp) || request.timestamp < 0) {
		throw new RangeError(`signTc3: timestamp must be Unix seconds, got ${String(request.timestamp)}`);
	}

	if (!/^[a-z][a-z0-9]*$/.test(request.service)) {
		throw new RangeError(`signTc3: service must be a product name such as scf, got ${JSON.stringify(request.service)}`);
	}

	const method = request.method ?? 'POST';
	const contentType = request.contentType ?? 'application/json';
	// Header names in lower case, values trimmed, sorted by name; the names listed again as SignedHeaders.
	const headers = [
		['content-type', contentType.trim().toLowerCase()],
		['host', request.host.trim().toLowerCase()],
	] as const;
	const signedHeaders = headers.map(([name]) => name).join(';');
	const canonicalHeaders = headers.map(([name, value]) => `${name}:${value}\n`).join('');
	const canonicalRequest = [method, '/', '', canonicalHeaders, signedHeaders, sha256Hex(request.payload)].join('\n');
	const date = tc3Date(request.timestamp);
	const credentialScope = `${date}/${request.service}/tc3_request`;
	const stringToSign = [TC3_ALGORITHM, String(request.timestamp), credentialScope, sha256Hex(canonicalRequest)].join('\n');
	// SecretDate = HMAC("TC3" + SecretKey, date); SecretService = HMAC(SecretDate, service); SecretSigning = HMAC(SecretService, "tc3_request").
	const signingKey = hmac(hmac(hmac(`TC3${request.secretKey}`, date), request.service), 'tc3_request');
	const signature = hmac(signingKey, stringToSign).toString('hex');
	return {
		authorization: `${TC3_ALGORITHM} Credential=${request.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
		canonicalRequest,
		stringToSign,
		date,
		credentialScope,
		signedHeaders,
	};
}
