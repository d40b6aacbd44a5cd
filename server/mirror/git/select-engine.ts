// git.engine: native | isomorphic | auto. auto takes the git CLI when one runs, else the pure-JS
// engine, so the bridge still works in a container without git.
import { spawn } from "node:child_process";
import { createNativeEngine } from "./native.ts";
import type { GitEngine } from "./types.ts";

// Loaded only when chosen: isomorphic-git is the slowest module to load, and most runs never use it.
const createIsomorphicEngine = async () => (await import("./isomorphic.ts")).createIsomorphicEngine();

export async function selectEngine(
  choice: "native" | "isomorphic" | "auto",
  gitRuns: () => Promise<boolean> = hasGit,
  env?: Record<string, string | undefined>,
): Promise<GitEngine> {
  if (choice === "isomorphic") return createIsomorphicEngine();
  if (choice === "native" || (await gitRuns())) return createNativeEngine(env);
  return createIsomorphicEngine();
}

export function hasGit(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn("git", ["--version"], { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("close", (code) => resolve(code === 0));
  });
}
