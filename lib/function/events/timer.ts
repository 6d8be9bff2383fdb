import type {ScheduledEvent} from 'aws-lambda';
import {isBinderError} from '../../core/errors.js';
import {describeValue, type Fields, has, isFields, own, parseJson, plain} from '../../utils/fields.js';
import type {TimerEvent} from './shapes.js';
import {parseSyncOptions, SYNC_OPTION_KEYS} from './sync-options.js';
import type {ParsedEvent, SyncTrigger} from './types.js';

// Sources that send `"detail-type": "Scheduled Event"`: EventBridge rules and EventBridge Scheduler.
const SCHEDULE_SOURCES = new Set(['aws.events', 'aws.scheduler']);

/** Whether the event is an SCF timer trigger (`"Type": "Timer"`). */
export function isTimerEvent(event: Fields): boolean {
	const type = own<TimerEvent>(event, 'Type');
	return typeof type === 'string' && type.trim().toLowerCase() === 'timer';
}

/** Whether the event is an AWS scheduled event. */
export function isScheduledEvent(event: Fields): boolean {
	const source = own<ScheduledEvent>(event, 'source');
	return own<ScheduledEvent>(event, 'detail-type') === 'Scheduled Event' && typeof source === 'string' && SCHEDULE_SOURCES.has(source);
}

function withOptions(trigger: SyncTrigger, value: unknown, field: string): ParsedEvent {
	try {
		return {kind: 'sync', trigger, options: parseSyncOptions(value, field)};
	} catch (error) {
		if (isBinderError(error)) {
			return {kind: 'invalid', trigger, message: error.message};
		}

		throw error;
	}
}

// A label is logged, not acted on: keep it to one readable line.
const MAX_LABEL_LENGTH = 200;

/**
Plan a timer event. `Message` is the trigger's custom argument, free text typed in the SCF console (the
documented sample is `"user define msg body"`, docs 583/31927):

- empty: a default sync;
- text starting with `{`: JSON sync options ({@link SyncRequestOptions}); if it does not parse or
  validate, the event is `invalid` (a typo in options must not silently become a full sync with defaults);
- any other text (not a JSON object): a label for the run, logged; a default sync.
*/
export function parseTimer(event: Fields): ParsedEvent {
	const message = own<TimerEvent>(event, 'Message');
	if (message === undefined || message === null) {
		return {kind: 'sync', trigger: 'timer', options: {}};
	}

	if (isFields(message)) {
		// Test invocations from a console or SDK may pass the argument already parsed.
		return withOptions('timer', message, 'Message');
	}

	if (typeof message !== 'string') {
		return {kind: 'invalid', trigger: 'timer', message: `Message: expected empty or a JSON object of sync options, got ${describeValue(message)}`};
	}

	const trimmed = message.trim();
	if (trimmed === '') {
		return {kind: 'sync', trigger: 'timer', options: {}};
	}

	if (!trimmed.startsWith('{')) {
		return {kind: 'sync', trigger: 'timer', options: {}, label: plain(trimmed, MAX_LABEL_LENGTH)};
	}

	const parsed = parseJson(trimmed);
	if (!parsed.ok) {
		return {kind: 'invalid', trigger: 'timer', message: `Message: not valid JSON (${plain(parsed.error, 120)})`};
	}

	return withOptions('timer', parsed.value, 'Message');
}

/** Plan an AWS scheduled event: options come from `detail` when it carries any of ours, else defaults. */
export function parseSchedule(event: Fields): ParsedEvent {
	const detail = own<ScheduledEvent>(event, 'detail');
	if (isFields(detail) && SYNC_OPTION_KEYS.some((key) => has(detail, key))) {
		return withOptions('schedule', detail, 'detail');
	}

	return {kind: 'sync', trigger: 'schedule', options: {}};
}
