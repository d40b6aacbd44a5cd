// Where the hook keeps things under WORK_DIR, and where this checkout's pieces are.
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The git-bridge checkout this file belongs to (the shim bakes in its absolute path). */
export const CHECKOUT = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
export const ENTRY = join(CHECKOUT, "hooks", "post-receive.ts");
export const DENO_CONFIG = join(CHECKOUT, "deno.json");
/** tsx's loader as a file: URL: `node --import` takes a URL, and a path with `#` or `%` is not one. */
export const TSX_IMPORT = pathToFileURL(join(CHECKOUT, "node_modules", "tsx", "dist", "loader.mjs")).href;

export const hooksDir = (workDir: string) => join(workDir, "hooks");
export const logPath = (workDir: string) => join(workDir, "hooks", "hook.log");
export const resultsDir = (workDir: string) => join(workDir, "hooks", "results");
export const resultPath = (workDir: string, id: string) => join(workDir, "hooks", "results", `${id}.json`);
