export function median(values: number[]): number;
export function percentile(values: number[], p: number): number;
export function fmt(value: number, digits?: number): string;
export function ratio(a: number, b: number): string;
/** A markdown table. */
export function table(headers: string[], rows: string[][]): string;
