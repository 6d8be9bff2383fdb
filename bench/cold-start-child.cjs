'use strict';
// One cold start, as SCF pays it: a fresh Node process loads the bundle and handles one event.
// Usage: node bench/cold-start-child.cjs <bundle.cjs> '<event json>'   (or --empty: Node's own startup)
// Prints one line: BENCH {"bootMs","requireMs","firstMs","outcomes","maxRssKB","anonKB"}; times from performance.now().
const bootMs = performance.now(); // process start → first line of user code
const [bundle, eventJson] = process.argv.slice(2);

async function main() {
	if (bundle === '--empty') {
		return {bootMs, requireMs: 0, firstMs: 0, outcomes: []};
	}

	const event = JSON.parse(eventJson);
	const loadStart = performance.now();
	const {main_handler} = require(bundle);
	const requireMs = performance.now() - loadStart;
	const deadline = Date.now() + 60_000;
	const invokeStart = performance.now();
	const result = await main_handler(event, {request_id: 'bench-cold', getRemainingTimeInMillis: () => deadline - Date.now()});
	const firstMs = performance.now() - invokeStart;
	return {bootMs, requireMs, firstMs, outcomes: (result.results ?? []).map((item) => item.outcome)};
}

/** Anonymous RSS now (heap, buffers: what a memory limit squeezes), from /proc; 0 where there is none. */
function anonKB() {
	try {
		return Number(/RssAnon:\s+(\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
	} catch {
		return 0;
	}
}

main().then(
	(report) => {
		// Exit once everything written so far has reached the pipe (keep-alive sockets would hold the process open).
		process.stdout.write(`BENCH ${JSON.stringify({...report, maxRssKB: process.resourceUsage().maxRSS, anonKB: anonKB()})}\n`, () => process.exit(0));
	},
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
