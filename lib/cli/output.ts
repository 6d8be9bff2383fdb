import type {BucketResult} from '../results.js';

const SYMBOL: Record<string, string> = {bound: '✔', 'already-bound': '✔', 'would-bind': '…', skipped: '–', failed: '✘', unbound: '✔'};

/** One line for a person: outcome, bucket, region, and the code and message on failure. */
export function formatHuman(result: BucketResult & Record<string, unknown>): string {
	const extra = result.outcome === 'failed' ? `  ${result.code ?? ''}: ${result.message ?? ''}` : result.message ? `  (${result.message})` : '';
	const status = typeof result.ciStatus === 'string' ? `  CI ${result.ciStatus}` : '';
	return `${SYMBOL[result.outcome] ?? '?'} ${result.outcome.padEnd(13)} ${result.bucket}  ${result.region}${status}${extra}`;
}

/** Print one record per line: JSON with `--json`, a readable line otherwise. */
export function printRecord(record: BucketResult & Record<string, unknown>, json: boolean, write = (line: string) => process.stdout.write(`${line}\n`)): void {
	write(json ? JSON.stringify(record) : formatHuman(record));
}
