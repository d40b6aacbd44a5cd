// Waiting in the bridge-server tests: poll a condition to a deadline, sleep, and wait for a ref to
// land in a bare repo on a test git host.
import type { GitServer } from "../harness/git-server.ts";
import { refsOf } from "../harness/git-cli.ts";

export async function pollUntil<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 50, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ""}`);
    await sleep(intervalMs);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits until the bare repo `path` on `server` has `ref` at `sha`. */
export function waitRef(server: GitServer, path: string, ref: string, sha: string, timeoutMs = 10_000): Promise<true> {
  return pollUntil(async () => (await refsOf(server.repoDir(path)))[ref] === sha || undefined, {
    timeoutMs,
    what: `${path} ${ref} = ${sha.slice(0, 7)}`,
  });
}
