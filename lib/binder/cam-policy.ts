import {CAPABILITIES, CI_ACTIONS} from '../client/capabilities.js';
import {policyCapabilities, type ServicePolicy} from './services.js';

/** A CAM policy document (CAM policy syntax, cloud.tencent.com/document/product/598/10603). */
export type CamPolicyDocument = {version: '2.0'; statement: Array<{effect: 'allow'; action: string[]; resource: string[]}>};

/**
The least-privilege policy of the execution role for a service policy: deploy/cam-policy.json (bind on the account's
buckets; the two account-wide lists on `*`) plus, per capability the policy may ask for, its enable action on the
buckets and its list action on `*` (the lists are account-wide calls on `ci.<Region>.myqcloud.com`, so their resource
cannot be narrowed to a bucket). `appId` fills the `APPID` placeholder when given.
*/
export function leastPrivilegePolicy(policy: ServicePolicy, appId = 'APPID'): CamPolicyDocument {
	const capabilities = policyCapabilities(policy).map((name) => CAPABILITIES[name]);
	return {
		version: '2.0',
		statement: [
			{effect: 'allow', action: [CI_ACTIONS.bind, ...capabilities.map((spec) => spec.enableAction)].map((action) => `name/${action}`), resource: [`qcs::ci:*:uid/${appId}:bucket/*`]},
			{effect: 'allow', action: [CI_ACTIONS.list, CI_ACTIONS.service, ...capabilities.map((spec) => spec.listAction)].map((action) => `name/${action}`), resource: ['*']},
		],
	};
}
