export const ROOT: string;
export const OUT: string;
/** Build every bundle; returns their paths by name (ours, baseline, server, harness). */
export function buildAll(): Promise<Record<string, string>>;
