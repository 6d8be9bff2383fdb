'use strict';
// Deploy-time check of BINDER_SERVICES and BINDER_SERVICES_RULES, so a typo fails `serverless deploy` before any
// call instead of every invocation of the deployed function. The real rules live in lib/binder/services.ts
// (parseServices, parseServiceRules) and lib/binder/scope.ts (checkPattern); that code is TypeScript/ESM and this
// plugin is loaded by serverless as CommonJS without a TypeScript loader, so the rules are repeated here and
// test/deploy-services.test.ts runs both on the same inputs and requires the same verdict.

/** lib/client/capabilities.ts SERVICE_NAMES: the binding and the capabilities. */
const SERVICE_NAMES = Object.freeze(['ci', 'media', 'doc', 'file', 'ai', 'asr', 'pic']);
/** lib/binder/services.ts MAX_RULES. */
const MAX_RULES = 50;
/** lib/binder/scope.ts MAX_PATTERN_LENGTH and PATTERN: bucket ids are a-z, 0-9 and "-"; wildcards * and ?. */
const MAX_PATTERN_LENGTH = 200;
const PATTERN = /^[a-z0-9*?-]+$/;

const quote = (text) => JSON.stringify(String(text).slice(0, 60));

/** Problem with a comma-separated service list, or undefined. */
function servicesProblem(text, field) {
	const names = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
	if (names.length === 0) return `${field}: lists no service (one or more of ${SERVICE_NAMES.join(', ')})`;
	const unknown = names.find((name) => !SERVICE_NAMES.includes(name.toLowerCase()));
	return unknown === undefined ? undefined : `${field}: unknown service ${quote(unknown)}; allowed: ${SERVICE_NAMES.join(', ')}`;
}

/** Problem with `pattern:services;pattern:services`, or undefined. */
function rulesProblem(text, field) {
	let count = 0;
	for (const [index, raw] of text.split(';').entries()) {
		const rule = raw.trim();
		if (rule === '') continue;
		count += 1;
		const where = `${field} rule ${index + 1}`;
		const colon = rule.indexOf(':');
		if (colon === -1) return `${where}: expected "pattern:services" such as "media-*:ci,media", got ${quote(rule)}`;
		const pattern = rule.slice(0, colon).trim();
		if (pattern === '') return `${where}: the pattern before ":" is empty`;
		if (pattern.length > MAX_PATTERN_LENGTH) return `${where}: a pattern must be 1 to ${MAX_PATTERN_LENGTH} characters, got ${pattern.length}`;
		if (!PATTERN.test(pattern)) return `${where}: invalid pattern ${quote(pattern)}: bucket ids hold only a-z, 0-9 and "-"; wildcards are * and ?`;
		const problem = servicesProblem(rule.slice(colon + 1), where);
		if (problem) return problem;
	}
	return count > MAX_RULES ? `${field}: at most ${MAX_RULES} rules, got ${count}` : undefined;
}

/**
Problems with the services settings of one function's environment (as sent: empty values already dropped).
`at` prefixes the field, e.g. `functions.binder.environment`.
*/
function checkServiceSettings(environment, at) {
	const problems = [];
	const services = environment.BINDER_SERVICES;
	const rules = environment.BINDER_SERVICES_RULES;
	if (services !== undefined && services.trim() !== '') {
		const problem = servicesProblem(services, `${at}.BINDER_SERVICES`);
		if (problem) problems.push(problem);
	}
	if (rules !== undefined && rules.trim() !== '') {
		const problem = rulesProblem(rules, `${at}.BINDER_SERVICES_RULES`);
		if (problem) problems.push(problem);
	}
	return problems;
}

module.exports = {SERVICE_NAMES, MAX_RULES, checkServiceSettings};
