'use strict';
// The child process of `serverless invoke local`: loads the bundled index.js the way SCF does (CommonJS,
// `main_handler` export), calls it once with an SCF-shaped context, and reports the outcome over IPC.
// A child, not the serverless process itself, so the handler sees only its own environment and cannot
// keep serverless alive with a stray timer.
const {randomUUID} = require('node:crypto');
const fs = require('node:fs');

async function main() {
	const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
	const started = Date.now();
	const timeLimitMs = input.timeoutSeconds * 1000;
	const context = {
		request_id: randomUUID(),
		function_name: input.functionName,
		function_version: '$LATEST',
		namespace: input.namespace,
		tencentcloud_region: input.region,
		tencentcloud_appid: process.env.TENCENTCLOUD_APPID ?? '',
		tencentcloud_uin: process.env.TENCENTCLOUD_UIN ?? '',
		memory_limit_in_mb: input.memorySize,
		time_limit_in_ms: timeLimitMs,
		callbackWaitsForEmptyEventLoop: false,
		getRemainingTimeInMillis: () => Math.max(0, timeLimitMs - (Date.now() - started)),
		...input.context,
	};
	const handler = require(input.bundlePath).main_handler;
	if (typeof handler !== 'function') throw new TypeError(`${input.bundlePath} does not export main_handler`);
	const result = await handler(input.event, context);
	// SCF serializes the return value as JSON; a value that cannot be is a bug worth seeing here.
	return JSON.stringify(result === undefined ? null : result);
}

main().then(
	(json) => process.send({ok: true, json}, () => process.exit(0)),
	(error) => process.send({ok: false, name: error?.name ?? 'Error', message: String(error?.message ?? error), stack: String(error?.stack ?? '')}, () => process.exit(0)),
);
