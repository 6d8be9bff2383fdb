'use strict';
// Deploy and remove a whole plan: the order of the SCF and EventBridge steps, with the clock and the API
// clients passed in. The serverless hooks in index.cjs are thin wrappers around these, and tests run them
// in-process against the loopback fake with a clock they advance themselves.
const path = require('node:path');
const {pathToFileURL} = require('node:url');
const c = require('./constants.cjs');
const {TencentDeployError} = require('./api.cjs');
const scf = require('./scf.cjs');
const eventbridge = require('./eventbridge.cjs');

/**
@typedef {object} Wait How to wait for SCF's asynchronous create/update/delete.
@property {number} intervalMs Between two GetFunction polls.
@property {number} timeoutMs Give up after this long, by `now`.
@property {(ms: number) => Promise<void>} sleep
@property {() => number} now Milliseconds, the clock `timeoutMs` is measured on.
*/

/** Real time: what a deploy uses outside tests. */
const realWait = ({intervalMs, timeoutMs}) => ({intervalMs, timeoutMs, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), now: Date.now});

/**
The package must hold the handler's file at its root (SCF loads `index.js` for `index.main_handler`), and be a
zip at all: checked here because a `package.artifact` given by hand is sent as it is.
*/
async function checkPackage(zip, plan) {
	const {readZip} = await import(pathToFileURL(path.join(__dirname, '..', 'zip.mjs')).href);
	let names;
	try {
		names = readZip(zip).map((entry) => entry.name);
	} catch (error) {
		throw new TencentDeployError(`The code package is not a readable zip (${error.message})`, {code: 'InvalidPackage'});
	}
	for (const fn of plan.functions) {
		const file = `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.js`;
		if (!names.includes(file)) {
			throw new TencentDeployError(`The code package has no ${file} at its root, which handler ${fn.handler} of ${fn.key} needs (it holds: ${names.slice(0, 10).join(', ') || 'nothing'})`, {code: 'InvalidPackage'});
		}
	}
}

/**
The account UIN for EventBridge targets: provider.uin, else GetCallerIdentity's AccountId (the main account's
UIN, also when a sub-account's key deploys: "当前调用者所属主账号Uin", GetCallerIdentityResponse.AccountId in
sts_models.d.ts). Looked up once, and only when a target is compared or created.
*/
function uinResolver(api, plan) {
	let pending;
	return () => {
		pending ??= plan.uin
			? Promise.resolve(plan.uin)
			: api.call('sts', 'GetCallerIdentity', {}).then((identity) => {
					const uin = String(identity?.AccountId ?? '');
					if (!/^[0-9]+$/.test(uin)) throw new TencentDeployError('sts GetCallerIdentity returned no AccountId; set provider.uin to the account UIN');
					return uin;
				});
		return pending;
	};
}

/**
Deploy every function of the plan: code, triggers, configuration with the deploy record, then its EventBridge
rules on the cloud bus. Returns the changes made.

@param {{plan: object, zip: Buffer, api: import('./api.cjs').TencentApi, wait: Wait, log: (message: string, level?: string) => void}} options
*/
async function deployService({plan, zip, api, wait, log}) {
	await checkPackage(zip, plan);
	const busApi = api.forRegion(c.CLOUD_BUS_REGION);
	const getUin = uinResolver(api, plan);
	const context = {};
	const changes = [];
	for (const fn of plan.functions) {
		if (fn.omittedEnvironment.length > 0) log(`${fn.name}: not setting empty environment variables ${fn.omittedEnvironment.join(', ')} (SCF rejects empty values)`, 'info');
		changes.push(...(await scf.deployFunction(api, fn, zip, {wait, log})));
		changes.push(...(await eventbridge.convergeRules(busApi, fn, {getUin, log, context})));
	}
	return changes;
}

/** Remove every function of the plan: its EventBridge rules and targets first, then its triggers and itself. */
async function removeService({plan, api, wait, log}) {
	const busApi = api.forRegion(c.CLOUD_BUS_REGION);
	const context = {};
	const changes = [];
	for (const fn of plan.functions) {
		changes.push(...(await eventbridge.removeRules(busApi, fn, {log, context})));
		changes.push(...(await scf.removeFunction(api, fn, {wait, log})));
	}
	return changes;
}

module.exports = {deployService, removeService, checkPackage, uinResolver, realWait};
