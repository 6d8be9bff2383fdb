/*
The one reader of whole numbers within bounds, for options, settings, flags and query parameters alike.
Each caller words its own refusal (a usage error, a setting, a field of a body), so these only say
whether the value is one, and which.
*/

/** `value` when it is a number that is a whole number from `min` to `max`; `undefined` otherwise (text included). */
export function integerInRange(value: unknown, min: number, max: number): number | undefined {
	return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

/** The whole number decimal `text` spells (digits, an optional leading `-`), when it lies from `min` to `max`. */
export function parseIntegerInRange(text: string, min: number, max: number): number | undefined {
	return /^-?\d+$/.test(text) ? integerInRange(Number(text), min, max) : undefined;
}
