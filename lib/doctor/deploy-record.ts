import {RECORD_VARIABLE} from './facts.js';

// The deploy record, read back from the function's environment. The writer is the deploy plugin
// (deploy/serverless-tencent/record.cjs, not in the published package); this reader follows its decodeRecord
// rule for rule, and test/unit/doctor-units.test.ts holds the two equal on generated records.

/** What the last successful `serverless deploy` put in place. */
export type DeployRecord = {
	v: 1;
	by: 'serverless-tencent';
	/** Lower-case hex SHA-256 of the code package the deploy uploaded. */
	zipSha256: string;
	/** `CodeSha256` exactly as GetFunctionAddress reported it right after that upload, or null when it reported none. */
	codeSha256: string | null;
	/** The SCF triggers the deploy manages, as sorted `type/name` keys. */
	triggers: string[];
	/** The EventBridge rules the deploy manages. */
	rules: Array<{region: string; name: string}>;
};

const CODE_SHA256 = /^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const TRIGGER_KEY = /^[a-z]+\/[A-Za-z0-9_-]{1,100}$/;
const RULE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;
const REGION = /^[a-z]{2,}-[a-z]+(?:-[a-z]+)?$/;

/** The record from an environment value: `{record}`, or `{error}` naming what is wrong (`absent` when there is none). Never throws. */
export function decodeRecord(text: unknown): {record: DeployRecord; error?: undefined} | {record?: undefined; error: string} {
	if (typeof text !== 'string' || text === '') {
		return {error: 'absent'};
	}

	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return {error: 'not JSON'};
	}

	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		return {error: 'not an object'};
	}

	const item = value as Record<string, unknown>;
	if (item.v !== 1) {
		return {error: `unknown version ${JSON.stringify(item.v)}`};
	}

	if (item.by !== 'serverless-tencent') {
		return {error: `written by ${JSON.stringify(item.by)}`};
	}

	if (typeof item.zipSha256 !== 'string' || !HEX_SHA256.test(item.zipSha256)) {
		return {error: 'zipSha256 is not a hex SHA-256'};
	}

	if (item.codeSha256 !== null && (typeof item.codeSha256 !== 'string' || !CODE_SHA256.test(item.codeSha256))) {
		return {error: 'codeSha256 is neither null nor a SHA-256'};
	}

	if (!Array.isArray(item.triggers) || !item.triggers.every((key) => typeof key === 'string' && TRIGGER_KEY.test(key))) {
		return {error: 'triggers is not a list of type/name keys'};
	}

	const rules = item.rules;
	if (!Array.isArray(rules) || !rules.every((rule: unknown) => isRule(rule))) {
		return {error: 'rules is not a list of {region, name}'};
	}

	return {
		record: {
			v: 1,
			by: 'serverless-tencent',
			zipSha256: item.zipSha256,
			codeSha256: item.codeSha256 as string | null,
			triggers: [...new Set(item.triggers as string[])].sort(),
			rules: (rules as Array<{region: string; name: string}>)
				.map(({region, name}) => ({region, name}))
				.sort((a, b) => (a.name === b.name ? a.region.localeCompare(b.region) : a.name.localeCompare(b.name))),
		},
	};
}

function isRule(rule: unknown): rule is {region: string; name: string} {
	const value = rule as {region?: unknown; name?: unknown} | null;
	return Boolean(value) && typeof value === 'object' && typeof value!.region === 'string' && REGION.test(value!.region) && typeof value!.name === 'string' && RULE_NAME.test(value!.name);
}

/** The record kept in a GetFunction answer's environment. */
export function recordFromFunction(detail: {Environment?: {Variables?: Array<{Key?: unknown; Value?: unknown}>}} | undefined): ReturnType<typeof decodeRecord> {
	const variables = Array.isArray(detail?.Environment?.Variables) ? detail!.Environment!.Variables! : [];
	return decodeRecord(variables.find((variable) => variable?.Key === RECORD_VARIABLE)?.Value);
}
