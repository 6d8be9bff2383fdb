import {CAPABILITY_NAMES, SERVICE_NAMES, type Capability, type ServiceName} from '../client/capabilities.js';
import {invalidInput} from '../core/errors.js';
import {describeValue, quote} from '../utils/fields.js';
import {compileGlobs} from '../utils/glob.js';
import {checkPattern, splitList} from './scope.js';

/*
Which services each bucket gets: the binding (`ci`) and capabilities beyond it (`media`, `doc`, …). One home for
these rules, whoever reads them: BINDER_SERVICES / BINDER_SERVICES_RULES, an HTTP request, the CLI's --services.
Every failure is an `InvalidInput` error naming the field (and, in rules, the position).
*/

/** A per-pattern exception to the default services. */
export type ServiceRule = {pattern: string; services: readonly ServiceName[]};

/** The services for every bucket, and per-pattern exceptions (the first rule whose pattern matches wins). */
export type ServicePolicy = {services: readonly ServiceName[]; rules: readonly ServiceRule[]};

/** Today's behaviour: bind, nothing else. */
export const DEFAULT_SERVICES: readonly ServiceName[] = ['ci'];
export const DEFAULT_POLICY: ServicePolicy = {services: DEFAULT_SERVICES, rules: []};

/** Most rules one setting may hold. */
export const MAX_RULES = 50;

/**
Validate a list of services, given as an array or as comma-separated text (`ci,media,doc`). The result is in table
order with `ci` first, always: every capability needs the bucket bound (file and AI pages: "需提前开通数据万象,并绑定存储桶",
cloud.tencent.com/document/product/436/86274), so asking for one implies the binding.
*/
export function parseServices(value: unknown, path: string): ServiceName[] {
	const list: unknown = typeof value === 'string' ? splitList(value) : value;
	if (!Array.isArray(list)) {
		return invalidInput(path, `expected service names (${SERVICE_NAMES.join(', ')}) as an array or comma-separated text, got ${describeValue(value)}`);
	}

	if (list.length === 0) {
		invalidInput(path, `lists no service (one or more of ${SERVICE_NAMES.join(', ')})`);
	}

	const wanted = new Set<ServiceName>(['ci']);
	for (const [index, item] of (list as unknown[]).entries()) {
		const name = typeof item === 'string' ? item.trim().toLowerCase() : item;
		if (typeof name !== 'string' || !(SERVICE_NAMES as readonly string[]).includes(name)) {
			const where = typeof value === 'string' ? path : `${path}[${index}]`;
			invalidInput(where, `unknown service ${typeof item === 'string' ? quote(item.slice(0, 40)) : describeValue(item)}; allowed: ${SERVICE_NAMES.join(', ')}`);
		}

		wanted.add(name as ServiceName);
	}

	return SERVICE_NAMES.filter((name) => wanted.has(name));
}

/**
Parse per-pattern rules: `pattern:services;pattern:services`, e.g. `media-*:ci,media;docs-*:ci,doc`. Patterns are
bucket-id globs (`*`, `?`) as in BINDER_INCLUDE. A syntax error names the rule and its position (1-based character).
*/
export function parseServiceRules(value: string, path: string): ServiceRule[] {
	const rules: ServiceRule[] = [];
	let offset = 0;
	for (const [index, raw] of value.split(';').entries()) {
		const position = offset + 1 + (raw.length - raw.trimStart().length);
		offset += raw.length + 1;
		const text = raw.trim();
		if (text === '') {
			continue;
		}

		const where = `${path} rule ${index + 1} (position ${position})`;
		const colon = text.indexOf(':');
		if (colon === -1) {
			invalidInput(where, `expected "pattern:services" such as "media-*:ci,media", got ${quote(text.slice(0, 60))}`);
		}

		const pattern = text.slice(0, colon).trim();
		if (pattern === '') {
			invalidInput(where, 'the pattern before ":" is empty');
		}

		checkPattern(pattern, where);
		rules.push({pattern, services: parseServices(text.slice(colon + 1), where)});
	}

	if (rules.length > MAX_RULES) {
		invalidInput(path, `at most ${MAX_RULES} rules, got ${rules.length}`);
	}

	return rules;
}

/** The policy read from its two settings (either may be unset or empty). */
export function parsePolicy(services: string | undefined, rules: string | undefined, fields = {services: 'BINDER_SERVICES', rules: 'BINDER_SERVICES_RULES'}): ServicePolicy {
	return {
		services: services === undefined || services.trim() === '' ? DEFAULT_SERVICES : parseServices(services, fields.services),
		rules: rules === undefined || rules.trim() === '' ? [] : parseServiceRules(rules, fields.rules),
	};
}

/** A compiled policy: the services of one bucket id. */
export type ServicesFor = (bucket: string) => readonly ServiceName[];

/** Compile a policy into one lookup; the first rule whose pattern matches the whole bucket id wins. */
export function compilePolicy(policy: ServicePolicy): ServicesFor {
	const rules = policy.rules.map((rule) => ({matches: compileGlobs([rule.pattern]), services: rule.services}));
	return (bucket) => rules.find((rule) => rule.matches(bucket))?.services ?? policy.services;
}

/** Every capability a policy may ask for, in table order: what a sweep lists and what the role must allow. */
export function policyCapabilities(policy: ServicePolicy): Capability[] {
	const all = new Set<ServiceName>([...policy.services, ...policy.rules.flatMap((rule) => rule.services)]);
	return CAPABILITY_NAMES.filter((name) => all.has(name));
}

/** Whether the policy is today's behaviour (bind only), for every bucket. */
export const isBindOnly = (policy: ServicePolicy) => policyCapabilities(policy).length === 0;

/** `ci,media` → the policy `--services ci,media` or `{"services": …}` stands for: these services, no rules. */
export const policyOf = (services: readonly ServiceName[]): ServicePolicy => ({services, rules: []});
