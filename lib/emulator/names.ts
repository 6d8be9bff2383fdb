import {EmulatorError} from './errors.js';

/*
The emulator's own naming rules, written from COS's documentation rather than borrowed from the client,
so that a wrong rule in the client is caught by the tests instead of being agreed with. Both are run
through the same table of cases (test/fixtures/names-cases.json).

- Bucket ("存储桶概述 > 命名规范", cloud.tencent.com/document/product/436/13312): `<BucketName>-<APPID>`,
  joined by a hyphen. The name holds only lower-case letters, digits and `-`, and neither starts nor
  ends with `-`. The whole request host `<BucketName>-<APPID>.cos.<Region>.myqcloud.com` holds at most
  60 characters (the page's example: `123456789012345678901-1250000000.cos.ap-beijing.myqcloud.com`).
- APPID: the number the system gives the account (10 digits today: `1250000000`); older and future
  lengths from 5 to 12 digits are taken.
- Region ("地域和访问域名", cloud.tencent.com/document/product/436/6224): an area of 2 to 4 letters
  (`ap`, `na`, `eu`, `sa`), then one to three `-`-joined parts of letters and digits: `ap-guangzhou`,
  `ap-shanghai-fsi`, `ap-beijing-1`, `na-siliconvalley`.
*/

/** A bucket id the emulator accepted, split where the APPID starts. */
export type EmulatorBucketId = {id: string; name: string; appId: string};

const MAX_HOST_LENGTH = 60;
const MIN_APP_ID_DIGITS = 5;
const MAX_APP_ID_DIGITS = 12;

const isDigit = (char: string) => char >= '0' && char <= '9';
const isLower = (char: string) => char >= 'a' && char <= 'z';

/** Whether `value` is an APPID: 5 to 12 digits. */
export function isEmulatorAppId(value: string): boolean {
	return value.length >= MIN_APP_ID_DIGITS && value.length <= MAX_APP_ID_DIGITS && [...value].every(isDigit);
}

/** Why `name` (without its APPID) breaks the rules, or undefined when it keeps them. */
function nameProblem(name: string): string | undefined {
	if (name === '') {
		return 'the name before "-<APPID>" is empty';
	}

	if (![...name].every((char) => isLower(char) || isDigit(char) || char === '-')) {
		return 'a bucket name holds only a-z, 0-9 and "-"';
	}

	return name.startsWith('-') || name.endsWith('-') ? 'a bucket name neither starts nor ends with "-"' : undefined;
}

/**
Check a bucket id the way the service does: `InvalidBucketName` naming the rule broken. With `region`,
the length of the COS host the id makes there is checked too.
*/
export function checkBucketId(bucket: string, region?: string): EmulatorBucketId {
	const refuse = (why: string): never => {
		throw new EmulatorError('InvalidBucketName', `The bucket name ${JSON.stringify(bucket.slice(0, 100))} is invalid: ${why}`);
	};

	// The APPID is what follows the last hyphen: names may hold hyphens of their own.
	const hyphen = bucket.lastIndexOf('-');
	if (hyphen === -1) {
		return refuse('expected <BucketName>-<APPID>');
	}

	const name = bucket.slice(0, hyphen);
	const appId = bucket.slice(hyphen + 1);
	if (!isEmulatorAppId(appId)) {
		return refuse(`the APPID after the last "-" is ${MIN_APP_ID_DIGITS} to ${MAX_APP_ID_DIGITS} digits`);
	}

	const problem = nameProblem(name);
	if (problem !== undefined) {
		return refuse(problem);
	}

	if (region !== undefined) {
		const host = `${bucket}.cos.${region}.myqcloud.com`;
		if (host.length > MAX_HOST_LENGTH) {
			return refuse(`its host ${host.length > 80 ? `${host.slice(0, 80)}…` : host} has ${host.length} characters, more than ${MAX_HOST_LENGTH}`);
		}
	}

	return {id: bucket, name, appId};
}

/** Whether `region` is shaped like a region id. */
export function isEmulatorRegion(region: string): boolean {
	const [area = '', ...parts] = region.split('-');
	return (
		area.length >= 2 &&
		area.length <= 4 &&
		[...area].every(isLower) &&
		parts.length >= 1 &&
		parts.length <= 3 &&
		parts.every((part) => part !== '' && [...part].every((char) => isLower(char) || isDigit(char)))
	);
}

/** Check a region id: `InvalidRegion` naming `field` and the value. */
export function checkRegion(region: string, field = 'region'): string {
	if (!isEmulatorRegion(region)) {
		throw new EmulatorError('InvalidRegion', `${field}: invalid region ${JSON.stringify(region.slice(0, 100))} (expected e.g. "ap-guangzhou")`);
	}

	return region;
}
