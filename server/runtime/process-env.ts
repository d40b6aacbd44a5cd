// The process environment, for the few local git commands that run outside any engine (creating a
// demo repo, reading a hook's repo config). Engines get the environment the entry point read,
// through their deps; this is the fallback, and the one place below the entry points that reads it.
// node:process exists on Node, Deno and Bun alike.
import process from "node:process";

export const processEnv = (): Record<string, string | undefined> => process.env;
