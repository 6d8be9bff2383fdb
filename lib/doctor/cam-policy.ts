// Reading CAM policies the way CAM evaluates them, for the few questions doctor asks ("does the execution role's
// policy allow ci:CreateCIBucket on this bucket?"). CAM's rules (policy syntax and evaluation, CAM docs 598/10603
// and 598/10608): nothing is allowed unless a statement allows it; a statement that denies wins over every allow;
// `action` and `resource` are a string or a list, `*` matches anything, actions may carry a `name/` prefix. Where
// an answer would depend on what doctor cannot know (a `condition`, `notAction`, `notResource`), it says so
// instead of guessing.

/** One statement as written. */
type Statement = Record<string, unknown>;

/** A parsed policy: its statements, or why it could not be read. */
export type ParsedPolicy = {name: string; statements: Statement[]; error?: undefined} | {name: string; statements?: undefined; error: string};

/** What the policies say about one action on one resource. */
export type Decision =
	| {decision: 'allow'; policy: string}
	| {decision: 'deny'; policy: string}
	/** No statement allows it. */
	| {decision: 'none'}
	/** Only statements doctor cannot decide (conditions, notAction, notResource) would allow or deny it. */
	| {decision: 'undecided'; policy: string; why: string};

/** Parse a policy document: JSON, or JSON percent-encoded (as some CAM answers carry it). */
export function parsePolicy(name: string, document: unknown): ParsedPolicy {
	let value: unknown = document;
	if (typeof document === 'string') {
		value = undefined;
		for (const text of [document, safeDecode(document)]) {
			try {
				value = JSON.parse(text ?? '');
				break;
			} catch {}
		}

		if (value === undefined) {
			return {name, error: 'the policy document is not JSON'};
		}
	}

	const statement = (value as {statement?: unknown} | null)?.statement;
	const statements = Array.isArray(statement) ? statement : statement && typeof statement === 'object' ? [statement] : undefined;
	if (!statements || !statements.every((item) => item && typeof item === 'object' && !Array.isArray(item))) {
		return {name, error: 'the policy document has no statement list'};
	}

	return {name, statements: statements as Statement[]};
}

function safeDecode(text: string): string | undefined {
	try {
		return decodeURIComponent(text);
	} catch {
		return undefined;
	}
}

const list = (value: unknown): string[] | undefined => (typeof value === 'string' ? [value] : Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined);

/** `*` matches any run of characters; everything else literally. */
export function globMatches(pattern: string, value: string): boolean {
	const source = pattern
		.split('*')
		.map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
		.join('.*');
	return new RegExp(`^${source}$`, 's').test(value);
}

/** `name/ci:CreateCIBucket` and `ci:CreateCIBucket` are the same action. */
const actionName = (action: string) => action.replace(/^name\//, '');

/** Decide `action` on `resource` over every policy attached to a principal. */
export function decide(policies: readonly ParsedPolicy[], action: string, resource: string): Decision {
	let allow: Decision | undefined;
	let undecided: Decision | undefined;
	for (const policy of policies) {
		for (const statement of policy.statements ?? []) {
			const effect = String(statement.effect ?? '').toLowerCase();
			if (effect !== 'allow' && effect !== 'deny') {
				continue;
			}

			const unsupported = ['condition', 'notAction', 'notaction', 'notResource', 'notresource'].find((key) => statement[key] !== undefined);
			const actions = list(statement.action);
			const resources = list(statement.resource);
			const actionHit = actions?.some((pattern) => globMatches(actionName(pattern), action));
			const resourceHit = resources === undefined ? effect === 'deny' : resources.some((pattern) => globMatches(pattern, resource));
			if (unsupported !== undefined) {
				// A statement doctor cannot evaluate: it may well apply. A deny of that kind makes the answer unknown.
				if ((actions === undefined || actionHit) && (resources === undefined || resourceHit)) {
					undecided ??= {decision: 'undecided', policy: policy.name, why: `a statement with ${unsupported}`};
				}

				continue;
			}

			if (!actionHit || !resourceHit) {
				continue;
			}

			if (effect === 'deny') {
				return {decision: 'deny', policy: policy.name};
			}

			allow ??= {decision: 'allow', policy: policy.name};
		}
	}

	// An undecided statement may deny what another allows, or allow what nothing else does.
	return undecided ?? allow ?? {decision: 'none'};
}

/**
Whether a role's trust policy lets a service assume it: a statement allowing `sts:AssumeRole` to a principal whose
`service` names it (deploy/cam-trust-policy.json: `{"principal": {"service": ["scf.qcloud.com"]}}`).
*/
export function trustAllows(trust: ParsedPolicy, service: string): boolean {
	return (trust.statements ?? []).some((statement) => {
		const principal = statement.principal as {service?: unknown} | undefined;
		const services = list(principal?.service);
		const actions = list(statement.action);
		return String(statement.effect ?? '').toLowerCase() === 'allow' && statement.condition === undefined && services?.includes(service) === true && actions?.some((pattern) => globMatches(actionName(pattern), 'sts:AssumeRole')) === true;
	});
}
