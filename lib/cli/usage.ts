// The help texts: one per command (`cos-ci-binder <command> --help`, `cos-ci-binder help <command>`)
// and the overview (`cos-ci-binder --help`).

const ENVIRONMENT = `Environment:
  TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY, TENCENTCLOUD_SESSIONTOKEN   API keys
  TENCENTCLOUD_REGION   default --region       BINDER_ENDPOINT   e.g. the emulator's URL
  BINDER_*              the function's settings (BINDER_DRY_RUN, BINDER_RETRIES, BINDER_CONCURRENCY, …)`;

const EXIT_CODES = `Exit codes: 0 every bucket ended bound, already bound or as planned; 1 some bucket failed;
2 usage error, bad configuration or missing credentials (nothing is sent).`;

const COMMON_OPTIONS = `  --json            one JSON object per bucket per line (no progress line)
  --concurrency N   requests in flight, 1-64 (default BINDER_CONCURRENCY, else 8)
  -h, --help        this help`;

/** One command's help: the synopsis line of the overview and the full text. */
type CommandHelp = {synopsis: string; summary: string; text: string};

const perBucket = (name: string, summary: string, description: string, options: string) => ({
	synopsis: `${name} <bucket-appid>... --region R`,
	summary,
	text: `Usage: cos-ci-binder ${name} <bucket-appid>... --region R [options]

${description}
Buckets are named <name>-<appid>, e.g. photos-1250000000.

Options:
  --region R        region of the buckets (default $TENCENTCLOUD_REGION)
${options}${COMMON_OPTIONS}

${ENVIRONMENT}

${EXIT_CODES}`,
});

export const COMMAND_HELP: Record<string, CommandHelp> = {
	bind: perBucket(
		'bind',
		'Make sure the buckets are bound to Cloud Infinite',
		`Make sure each bucket is bound to Cloud Infinite: read its status, bind it when needed
(CreateCIBucket). On a terminal, a progress line on stderr shows how far it is, and says so when a
bind waits to retry.`,
		'  --dry-run         report would-bind, bind nothing (also BINDER_DRY_RUN=true)\n  --force           bind without reading the status first\n  --services a,b    also enable these capabilities (ci,media,doc,file,ai,asr,pic; default BINDER_SERVICES)\n',
	),
	status: perBucket('status', 'Read the buckets\' Cloud Infinite status', 'Read each bucket\'s Cloud Infinite status (on, off, unbinding); changes nothing.', ''),
	unbind: perBucket('unbind', 'Unbind the buckets from Cloud Infinite', 'Unbind each bucket from Cloud Infinite (DeleteCIBucket).', ''),
	list: {
		synopsis: 'list [--prefix P]',
		summary: 'List the buckets bound to Cloud Infinite',
		text: `Usage: cos-ci-binder list [--region R] [--prefix P] [--json]

List the buckets bound to Cloud Infinite (DescribeCIBuckets, every page). Buckets still unbinding
are listed as skipped.

Options:
  --region R        the region whose CI host is asked (default $TENCENTCLOUD_REGION, else ap-guangzhou)
  --prefix P        only buckets whose name starts with P
  --json            one JSON object per bucket per line
  -h, --help        this help

${ENVIRONMENT}

Exit codes: 0 listed; 1 the list could not be read; 2 usage error or missing credentials.`,
	},
	buckets: {
		synopsis: 'buckets [--region R]',
		summary: 'List every COS bucket, marked bound or not',
		text: `Usage: cos-ci-binder buckets [--region R] [--json]

List every COS bucket of the account (GetService, every page), marked already-bound or would-bind.

Options:
  --region R        only buckets in this region
  --json            one JSON object per bucket per line
  -h, --help        this help

${ENVIRONMENT}

Exit codes: 0 listed; 1 the list could not be read; 2 usage error or missing credentials.`,
	},
	sync: {
		synopsis: 'sync [--regions a,b] [--dry-run]',
		summary: 'Bind every bucket of the account not yet bound',
		text: `Usage: cos-ci-binder sync [options]

Batch rebinding, as the function's timer does: list the account's buckets (GetService), keep those
in scope, list what is bound (DescribeCIBuckets) and bind the rest. On a terminal, a progress line on
stderr shows done/total, bound and failed so far, and the time left.

Options:
  --regions a,b     only these regions (default BINDER_REGIONS, else every region)
  --include p       only bucket ids matching p (*, ?); repeatable (default BINDER_INCLUDE)
  --exclude p       leave bucket ids matching p alone; repeatable (default BINDER_EXCLUDE)
  --dry-run         report would-bind, bind nothing (also BINDER_DRY_RUN=true)
  --force           re-bind every bucket, bound or not
  --services a,b    also enable these capabilities for every bucket: ci,media,doc,file,ai,asr,pic
                    (default BINDER_SERVICES and BINDER_SERVICES_RULES; one list call per capability)
${COMMON_OPTIONS}

${ENVIRONMENT}

${EXIT_CODES}`,
	},
	policy: {
		synopsis: 'policy [--services a,b] [--app-id APPID]',
		summary: 'Print the execution role\'s least-privilege CAM policy',
		text: `Usage: cos-ci-binder policy [--services a,b] [--app-id APPID]

Print, as JSON, the least-privilege CAM policy the function's execution role needs for the services it
is configured to turn on (BINDER_SERVICES and BINDER_SERVICES_RULES, or --services): the binding's
actions (deploy/cam-policy.json) plus each capability's enable action on your buckets and its list
action on *. Sends nothing; needs no keys.

Options:
  --services a,b    instead of the configured services (ci,media,doc,file,ai,asr,pic)
  --app-id APPID    fill in your APPID (default: the placeholder APPID)
  -h, --help        this help

Exit codes: 0 printed; 2 usage error or bad configuration.`,
	},
	invoke: {
		synopsis: 'invoke <event.json>',
		summary: 'Run main_handler once on an event file',
		text: `Usage: cos-ci-binder invoke <event.json> [--context ctx.json]

Run main_handler on the event in <event.json>, as SCF would: the return value on stdout, the logs on
stderr. The webhook (BINDER_WEBHOOK_URL) is sent as from the function; the command ends when the
handler returns.

Options:
  --context F       a JSON object merged into the context (e.g. {"time_limit_in_ms": 3000})
  -h, --help        this help

${ENVIRONMENT}

Exit codes: 0 every bucket ended bound, already bound, skipped with a reason or as planned;
1 some bucket failed, the event was not understood, or main_handler threw;
2 usage error, bad configuration or missing credentials (nothing is sent).`,
	},
	serve: {
		synopsis: 'serve [--port N]',
		summary: 'Serve main_handler as a function URL on localhost',
		text: `Usage: cos-ci-binder serve [--port N] [--host H]

Serve main_handler as an SCF function URL until Ctrl-C: each request becomes the event SCF would
deliver. The HTTP API needs BINDER_HTTP_TOKEN.

Options:
  --port N          TCP port (default 9001)
  --host H          interface (default 127.0.0.1)
  -h, --help        this help

${ENVIRONMENT}

Exit codes: 0 stopped by a signal; 2 usage error, bad configuration or missing credentials.`,
	},
	emulator: {
		synopsis: 'emulator [--port N]',
		summary: 'Run the local Tencent CI + COS emulator',
		text: `Usage: cos-ci-binder emulator [--port N] [--host H] [--app-id APPID] [--latency-ms MS] [--seed N]

Run the local Tencent CI + COS emulator until Ctrl-C. It starts with no buckets; its banner shows
how to create one and the export BINDER_ENDPOINT=… line for the other commands.

Options:
  --port N          TCP port, 0 for a free one (default 9000)
  --host H          interface (default 127.0.0.1)
  --app-id APPID    the account's APPID (default 1250000000)
  --latency-ms MS   delay added to every answer (default 0)
  --seed N          seed of the fault RNG (default 1)
  -h, --help        this help

Exit codes: 0 stopped by a signal; 2 usage error.`,
	},
	doctor: {
		synopsis: 'doctor [--stage S] [--region R] [--canary]',
		summary: 'Check the deployed function, its triggers and the event path',
		text: `Usage: cos-ci-binder doctor [--stage S] [--region R] [--canary] [--json] [options]

Check the deployment that serverless.yml (in this folder) describes, with the deploying key, and print
one line per check with what to do when it fails: the keys; the function (Active, runtime, the code of
the last deploy, its execution role and what the role's policy allows); the timer and function URL
triggers and the EventBridge rule against serverless.yml; whether CloudAudit reaches EventBridge; the
function URL's /healthz, and /status for one bucket with the function's token. Only reads, except the
canary.

--canary also creates a bucket ccb-canary-<random>-<appid> in the region, waits until its CI status is
on (that proves the whole event path), shows how long it took and the function's log line for it, and
deletes the bucket again, also when it fails or on Ctrl-C.

Options:
  --stage S            the stage deployed (default: serverless.yml's, else dev)
  --region R           the region deployed (default: serverless.yml's)
  --function K         the function to check, when serverless.yml has several
  --param name=value   a param given to the deploy (repeatable)
  --config F           the serverless file (default serverless.yml)
  --canary             run the canary
  --canary-timeout N   seconds to wait for the canary's CI status (default 600)
  --json               one JSON object per check: {check, ok, detail, fix}
  -h, --help           this help

Environment:
  TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_SESSION_TOKEN   the deploying key
                       (or ~/.tencentcloud/credentials, as serverless deploy reads it)
  BINDER_ENDPOINT      COS/CI calls to an emulator; TENCENTCLOUD_API_CONNECT_TO=http://HOST:PORT API 3.0 calls
  BINDER_HTTP_TOKEN    used for /status only when the function has none

Exit codes: 0 every check passed; 1 a check failed or could not be verified; 2 usage error, unreadable
serverless.yml or missing credentials (nothing is sent).`,
	},
	start: {
		synopsis: 'start [--once] [--apply] [--port N]',
		summary: 'Emulator + function wired together (npm start)',
		text: `Usage: cos-ci-binder start [--once] [--apply] [--port N] [--emulator-port N] [--timer-seconds N]

Without TENCENTCLOUD_SECRETID: start the emulator with a demo account, serve the function on
localhost, deliver a PutBucket event to it for every bucket created in the emulator, and run batch
rebinding on a timer.

With keys set, the runner talks to that account (a real Tencent Cloud account unless BINDER_ENDPOINT
points at a local emulator) and only reports what it would bind, unless --apply is given.

Options:
  --once              one timer tick (and, on the emulator, one bucket creation), then exit
  --apply             with your own keys: bind for real (the default is a dry run)
  --port N            port of the function URL (default 9001)
  --emulator-port N   port of the embedded emulator (default: a free one)
  --timer-seconds N   seconds between timer ticks (default 60)
  -h, --help          this help

Exit codes: 0 done (with --once: nothing failed); 1 with --once, the handler threw or a bucket
failed; 2 usage error, bad configuration or missing credentials.`,
	},
};

/** The overview: every command on one line, where to find more. */
export function overview(): string {
	const width = Math.max(...Object.values(COMMAND_HELP).map((help) => help.synopsis.length));
	const lines = Object.values(COMMAND_HELP).map((help) => `  cos-ci-binder ${help.synopsis.padEnd(width)}  ${help.summary}`);
	return `cos-ci-binder — bind Tencent Cloud COS buckets to Cloud Infinite

Usage:
${lines.join('\n')}

  cos-ci-binder help <command>   (or <command> --help)   that command's options
  cos-ci-binder --version

${ENVIRONMENT}

${EXIT_CODES}`;
}
