// doctor's serverless.yml reader against the real serverless CLI: what `serverless print` resolves and the plugin
// plans is what doctor reads, for the default stage and for prod with environment variables and --param.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import {test} from 'uvu';
import * as assert from 'uvu/assert';
import {readServiceConfig} from '../../lib/doctor/service-config.js';
import {serverlessPrint, serviceFile} from '../support/doctor-harness.js';

const require = createRequire(import.meta.url);
const {buildPlan} = require('../../deploy/serverless-tencent/plan.cjs') as {buildPlan: (service: unknown, options?: unknown) => any};

test('serverless.yml as doctor reads it equals what serverless resolves and the plugin plans (dev; prod with env and --param)', async () => {
	const cases: Array<{args: string[]; env: Record<string, string>; options: {stage?: string; params?: Record<string, string>}}> = [
		{args: [], env: {}, options: {}},
		{args: ['--stage', 'prod', '--param', 'sweepEnabled=false'], env: {BINDER_SWEEP_SCHEDULE: '0 30 2 * * * *', BINDER_ROLE: 'OtherRole'}, options: {stage: 'prod', params: {sweepEnabled: 'false'}}},
	];
	for (const {args, env, options} of cases) {
		const file = serviceFile();
		const plan = buildPlan(await serverlessPrint(file, args, env));
		const ours = readServiceConfig(fs.readFileSync(file, 'utf8'), {...options, env});
		const [fn] = plan.functions;
		assert.equal(
			[ours.service, ours.stage, ours.region, ours.namespace, ours.runtime, ours.role, ours.function.name],
			[plan.service, plan.stage, plan.region, plan.namespace, fn.runtime, fn.role, fn.name],
			`identity, ${args.join(' ') || 'defaults'}`,
		);
		assert.equal(
			ours.function.timers,
			fn.triggers.filter((trigger: {type: string}) => trigger.type === 'timer').map(({name, cron, enabled, argument}: any) => ({name, cron, enabled, argument})),
		);
		const http = fn.triggers.find((trigger: {type: string}) => trigger.type === 'http');
		assert.equal(ours.function.http, {name: http.name, authType: http.authType, enableExtranet: http.enableExtranet, enableIntranet: http.enableIntranet});
		assert.equal(
			ours.function.rules,
			fn.rules.map(({name, enabled, pattern, eventBusId}: any) => ({name, enabled, pattern, eventBusId})),
		);
	}
});

test.run();
