// Types for launch.mjs (plain JavaScript: it decides whether anything needs compiling).
export function staleReason(root?: URL): string | undefined;
export function load(name: string, source: string): Promise<Record<string, unknown>>;
