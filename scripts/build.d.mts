// Types for build.mjs (plain JavaScript: npm's prepare step runs it before anything is compiled).
export const ENTRIES: Record<string, string>;
export function buildDist(opts?: { quiet?: boolean }): Promise<number>;
