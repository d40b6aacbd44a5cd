// The command that runs a TypeScript file under the runtime we are on, as the shim started us:
// the detached worker must run wherever the hook itself could run. Reads process.versions only
// (Deno and Bun set .deno / .bun there), so no runtime global is touched outside server/runtime.
import { DENO_FLAGS } from "./shim.ts";
import { DENO_CONFIG, NODE_ENTRY } from "./paths.ts";

export type RuntimeName = "node" | "deno" | "bun";

export function runtimeName(): RuntimeName {
  const v = process.versions as Record<string, string | undefined>;
  if (v.deno) return "deno";
  if (v.bun) return "bun";
  return "node";
}

/** `file` is the .ts entry deno and bun run; node runs hooks/node-entry.mjs, which picks bundle or sources. */
export function commandFor(file: string, args: string[]): { exe: string; argv: string[] } {
  switch (runtimeName()) {
    case "deno":
      return { exe: process.execPath, argv: [...DENO_FLAGS, DENO_CONFIG, file, ...args] };
    case "bun":
      return { exe: process.execPath, argv: [file, ...args] };
    default:
      return { exe: process.execPath, argv: [...process.execArgv, NODE_ENTRY, ...args] };
  }
}
