// Where the hook keeps things under WORK_DIR, and where this checkout's pieces are.
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The git-bridge checkout this file belongs to (the shim bakes in its absolute path). */
export const CHECKOUT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
export const ENTRY = join(CHECKOUT, "hooks", "post-receive.ts");
export const DENO_CONFIG = join(CHECKOUT, "deno.json");
/** What node runs: the prebuilt bundle of post-receive.ts, or the sources through tsx when it is stale. */
export const NODE_ENTRY = join(CHECKOUT, "hooks", "node-entry.mjs");

export const hooksDir = (workDir: string) => join(workDir, "hooks");
export const logPath = (workDir: string) => join(workDir, "hooks", "hook.log");
export const resultsDir = (workDir: string) => join(workDir, "hooks", "results");
export const resultPath = (workDir: string, id: string) => join(workDir, "hooks", "results", `${id}.json`);
