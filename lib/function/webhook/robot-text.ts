import type {BucketResult} from '../../core/results.js';
import type {InvocationReport} from './types.js';
import {truncateUtf8} from '../../utils/truncate-utf8.js';

/** How a robot renders text: `markdown` (WeCom, DingTalk) or `plain` (Feishu text messages). */
export type TextStyle = {markdown: boolean; lineBreak: string; maxBytes: number};

// One long error message or bucket line must not crowd out the rest of the message.
const MAX_HEADER_LINE_BYTES = 512;
const MAX_ITEM_LINE_BYTES = 256;
// Room kept for the final "… N more (M failed)" line and its line break.
const MORE_NOTE_RESERVE_BYTES = 64;

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** One line title: what a reader of the chat should know at a glance. */
export function robotTitle(report: InvocationReport): string {
	const {total, failed} = report.summary;
	if (report.error) {
		return `cos-ci-binder: ${report.error.code}`;
	}

	return failed > 0 ? `cos-ci-binder: ${failed} failed of ${total}` : `cos-ci-binder: ${total} bucket${total === 1 ? '' : 's'} OK`;
}

function resultLine(result: BucketResult): string {
	const what = result.outcome === 'failed' ? (result.code ?? 'failed') : result.code ? `${result.outcome} (${result.code})` : result.outcome;
	return truncateUtf8(`- ${result.bucket} (${result.region}): ${what}`, MAX_ITEM_LINE_BYTES);
}

/**
The message text: title, counts, trigger and request id, the invocation error if any, then the failed
buckets (bucket, region, code) and the others, as many as fit in `style.maxBytes`, ending with
"… N more" when some did not.
*/
export function robotText(report: InvocationReport, style: TextStyle): string {
	const bold = (text: string) => (style.markdown ? `**${text}**` : text);
	const quote = (text: string) => (style.markdown ? `> ${text}` : text);
	const {summary} = report;
	const header = [
		bold(robotTitle(report)),
		quote(`total ${summary.total} · bound ${summary.bound} · already-bound ${summary['already-bound']} · would-bind ${summary['would-bind']} · skipped ${summary.skipped} · failed ${summary.failed}`),
		quote(`trigger ${report.trigger} · request ${report.requestId}${report.functionName ? ` · function ${report.functionName}` : ''}`),
		quote(`started ${report.startedAt} · ${Math.round(report.durationMs)} ms`),
		...(report.error ? [`${bold('Error')} ${report.error.code}: ${report.error.message}`] : []),
		...(report.unrecognized && report.unrecognized.length > 0
			? [`${bold('Unrecognized')} ${report.unrecognized.length} bucket creation record${report.unrecognized.length === 1 ? '' : 's'}: set BINDER_EVENT_BUCKET_PATH / BINDER_EVENT_REGION_PATH (the error log has each record's outline)`]
			: []),
	].map((line) => truncateUtf8(line, MAX_HEADER_LINE_BYTES));

	const failed = report.results.filter((result) => result.outcome === 'failed');
	const others = report.results.filter((result) => result.outcome !== 'failed');
	const sections = [
		{heading: bold(`Failed (${failed.length})`), items: failed},
		{heading: bold(`Others (${others.length})`), items: others},
	];

	const lines = [...header];
	let size = bytes(lines.join(style.lineBreak));
	const separator = bytes(style.lineBreak);
	let shown = 0;
	let shownFailed = 0;
	let full = false;
	for (const section of sections) {
		if (full || section.items.length === 0) {
			continue;
		}

		const heading = separator + bytes(section.heading);
		for (const [index, result] of section.items.entries()) {
			const line = resultLine(result);
			// The heading only goes in together with its first line.
			const cost = (index === 0 ? heading : 0) + separator + bytes(line);
			if (size + cost + MORE_NOTE_RESERVE_BYTES > style.maxBytes) {
				full = true;
				break;
			}

			if (index === 0) {
				lines.push(section.heading);
			}

			lines.push(line);
			size += cost;
			shown++;
			shownFailed += result.outcome === 'failed' ? 1 : 0;
		}
	}

	const hidden = report.results.length - shown;
	if (hidden > 0) {
		const hiddenFailed = failed.length - shownFailed;
		lines.push(`… ${hidden} more${hiddenFailed > 0 ? ` (${hiddenFailed} failed)` : ''}`);
	}

	// The header alone may exceed a tiny limit: the byte limit is the robot's, so it wins.
	return truncateUtf8(lines.join(style.lineBreak), style.maxBytes);
}
