'use strict';
// The local HTTP runner (serveFunction) in its own process, for the load test.
// Usage: node bench/server-child.cjs <server.cjs>; configuration from the environment.
// Prints BENCH {"url"} when listening; on stdin end, BENCH {"cpuMs", "maxRssKB"} and exits.
const [bundle] = process.argv.slice(2);
const {serveFunction} = require(bundle);

serveFunction({env: process.env}).then((server) => {
	process.stdout.write(`BENCH ${JSON.stringify({url: server.url})}\n`);
	const cpu = process.cpuUsage();
	process.stdin.resume();
	process.stdin.on('end', async () => {
		await server.close();
		const used = process.cpuUsage(cpu);
		const report = {cpuMs: (used.user + used.system) / 1000, maxRssKB: process.resourceUsage().maxRSS};
		process.stdout.write(`BENCH ${JSON.stringify(report)}\n`, () => process.exit(0));
	});
});
