'use strict';
// The deploy record: what the last successful `serverless deploy` put in place, kept on the function itself
// as one environment variable, so the next deploy (and `cos-ci-binder doctor`) compares with a fact we wrote
// instead of guessing at what SCF reports. Pure: encode, decode, compare; no I/O.
//
// Why an environment variable: it is read back with the GetFunction call every deploy makes anyway, it needs
// no other service or permission (function tags can only be set at CreateFunction through SCF; later changes
// go through the tag service), and the function can see its own record. Its value is canonical JSON, so an
// unchanged deployment produces a byte-identical record and the environment compares equal.

/** The environment variable holding the record. Not `BINDER_*`: the function's config reader rejects unknown names there. */
const RECORD_VARIABLE = 'SERVERLESS_DEPLOY_RECORD';
/** Bumped when the shape changes; a reader refuses versions it does not know. */
const RECORD_VERSION = 1;
/** Who wrote it: this plugin. */
const RECORD_WRITER = 'serverless-tencent';
/** CodeSha256 as GetFunctionAddress reports it: hex or base64 of 32 bytes. Anything else is not kept. */
const CODE_SHA256 = /^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const TRIGGER_KEY = /^[a-z]+\/[A-Za-z0-9_-]{1,100}$/;
const RULE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;
const REGION = /^[a-z]{2,}-[a-z]+(?:-[a-z]+)?$/;

/**
@typedef {object} DeployRecord
@property {1} v Record format version.
@property {'serverless-tencent'} by Writer.
@property {string} zipSha256 Lower-case hex SHA-256 of the code package this deploy uploaded (ours, computed before sending).
@property {string | null} codeSha256 `CodeSha256` exactly as GetFunctionAddress reported it right after that upload, or
null when it reported none. Compared only with itself on the next deploy, so its encoding never matters: a different
value means the code was replaced behind our back.
@property {string[]} triggers The SCF triggers this plugin manages, as sorted `type/name` keys. Only these are ever
updated or deleted; a trigger not listed (added by hand, or EventBridge's `eb` triggers) is left alone.
@property {{region: string, name: string}[]} rules The EventBridge rules targeting this function that this plugin
manages (on the cloud-service bus of `region`), sorted by name.
*/

/** Trigger key as recorded: `timer/sweep`. */
const triggerKey = (type, name) => `${type}/${name}`;

/**
Build a record. Arrays are sorted and keys written in one fixed order, so equal deployments give equal strings.

@returns {DeployRecord}
*/
function createRecord({zipSha256, codeSha256 = null, triggers = [], rules = []}) {
	return {
		v: RECORD_VERSION,
		by: RECORD_WRITER,
		zipSha256,
		codeSha256: codeSha256 && CODE_SHA256.test(codeSha256) ? codeSha256 : null,
		triggers: [...new Set(triggers)].sort(),
		rules: [...rules].map(({region, name}) => ({region, name})).sort((a, b) => (a.name === b.name ? a.region.localeCompare(b.region) : a.name.localeCompare(b.name))),
	};
}

/** The record as the environment value. */
function encodeRecord(record) {
	const {v, by, zipSha256, codeSha256, triggers, rules} = createRecord(record);
	return JSON.stringify({v, by, zipSha256, codeSha256, triggers, rules});
}

/**
Read a record back from an environment value. The value is outside input (anyone with console access can edit
it), so every field is checked; anything malformed gives `{error}` naming the problem, never a throw.

@param {unknown} text
@returns {{record?: DeployRecord, error?: string}}
*/
function decodeRecord(text) {
	if (typeof text !== 'string' || text === '') return {error: 'absent'};
	let value;
	try {
		value = JSON.parse(text);
	} catch {
		return {error: 'not JSON'};
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) return {error: 'not an object'};
	if (value.v !== RECORD_VERSION) return {error: `unknown version ${JSON.stringify(value.v)}`};
	if (value.by !== RECORD_WRITER) return {error: `written by ${JSON.stringify(value.by)}`};
	if (typeof value.zipSha256 !== 'string' || !HEX_SHA256.test(value.zipSha256)) return {error: 'zipSha256 is not a hex SHA-256'};
	if (value.codeSha256 !== null && (typeof value.codeSha256 !== 'string' || !CODE_SHA256.test(value.codeSha256))) return {error: 'codeSha256 is neither null nor a SHA-256'};
	if (!Array.isArray(value.triggers) || !value.triggers.every((key) => typeof key === 'string' && TRIGGER_KEY.test(key))) return {error: 'triggers is not a list of type/name keys'};
	if (!Array.isArray(value.rules) || !value.rules.every((rule) => rule && typeof rule === 'object' && typeof rule.region === 'string' && REGION.test(rule.region) && typeof rule.name === 'string' && RULE_NAME.test(rule.name))) {
		return {error: 'rules is not a list of {region, name}'};
	}
	return {record: createRecord(value)};
}

/** The record kept in a GetFunction answer's environment, decoded. */
function recordFromFunction(detail) {
	const variable = (detail?.Environment?.Variables ?? []).find((item) => item?.Key === RECORD_VARIABLE);
	return decodeRecord(variable?.Value);
}

module.exports = {RECORD_VARIABLE, RECORD_VERSION, RECORD_WRITER, createRecord, encodeRecord, decodeRecord, recordFromFunction, triggerKey};
