'use strict';
// Warm invocations and batch rebinding: load a bundle once, then invoke main_handler with each event
// of a JSON array, one after the other. Usage: node bench/invoke-child.cjs <bundle.cjs> <events.json>
// Prints one line: BENCH {"durationsMs", "cpuMs" (per event), "outcomes": {bound: n, …}, "maxRssKB", "peakAnonKB"}.
const fs = require('node:fs');

const [bundle, eventsFile] = process.argv.slice(2);
// SCF's longest timeout for event functions; the batch's time budget counts down from it.
const TIME_LIMIT_MS = 900_000;
const SAMPLE_EVERY_MS = 10;

// Anonymous memory (heap, buffers) is what a memory limit squeezes; most of an idle Node's RSS is its
// own binary, mapped from disk. Linux has no peak for it, so sample it.
let peakAnonKB = 0;
function sampleAnon() {
	try {
		peakAnonKB = Math.max(peakAnonKB, Number(/RssAnon:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0));
	} catch {}
}

async function main() {
	const events = JSON.parse(fs.readFileSync(eventsFile, 'utf8'));
	const {main_handler} = require(bundle);
	setInterval(sampleAnon, SAMPLE_EVERY_MS).unref();
	const durationsMs = [];
	const cpuMs = [];
	const outcomes = {};
	for (const [index, event] of events.entries()) {
		const deadline = Date.now() + TIME_LIMIT_MS;
		const cpu = process.cpuUsage();
		const start = performance.now();
		const result = await main_handler(event, {request_id: `bench-${index}`, getRemainingTimeInMillis: () => deadline - Date.now()});
		durationsMs.push(performance.now() - start);
		const used = process.cpuUsage(cpu);
		cpuMs.push((used.user + used.system) / 1000);
		for (const item of result.results ?? []) {
			outcomes[item.outcome] = (outcomes[item.outcome] ?? 0) + 1;
		}
	}

	sampleAnon();
	return {durationsMs, cpuMs, outcomes, peakAnonKB};
}

main().then(
	(report) => {
		// Exit once everything written so far has reached the pipe (keep-alive sockets would hold the process open).
		process.stdout.write(`BENCH ${JSON.stringify({...report, maxRssKB: process.resourceUsage().maxRSS})}\n`, () => process.exit(0));
	},
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
