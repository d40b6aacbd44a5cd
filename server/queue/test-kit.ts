// Helpers shared by the queue tests: temp dirs, a scripted fake engine, waiting for conditions.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SyncResult } from "../mirror/sync.ts";
import type { RefAction } from "../mirror/plan.ts";
import { createQueue, type Queue, type QueueOptions } from "./queue.ts";
import type { Job, RunSync, SyncRequest } from "./types.ts";

export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "git-bridge-queue-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function result(repo: string, ...actions: RefAction[]): SyncResult {
  return {
    repo,
    direction: "source-to-target",
    duration_ms: 1,
    refs: actions.map((action, i) => ({ ref: `refs/heads/b${i}`, action, from: null, to: "a".repeat(40) })),
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export const finished = (q: Queue, id: string, timeoutMs?: number): Promise<Job> =>
  waitFor(`job ${id} to finish`, () => {
    const j = q.get(id);
    return j && j.state !== "queued" && j.state !== "running" ? j : undefined;
  }, timeoutMs);

/** A fake engine from a plain function: its throws become rejections, as from the real engine. */
export const engine =
  (fn: (req: SyncRequest, signal: AbortSignal) => SyncResult | Promise<SyncResult>): RunSync =>
  (req, signal) => Promise.resolve().then(() => fn(req, signal));

/** A run that never resolves; it rejects with the abort reason when aborted (as the engine does). */
export const hangingRun: RunSync = (_req, signal) =>
  new Promise((_resolve, reject) =>
    signal.addEventListener("abort", () => reject(signal.reason), { once: true })
  );

/** Opens a queue with quiet defaults and closes it (deadline 0) when the test ends. */
export async function openQueue(
  t: { after(fn: () => Promise<void> | void): void },
  opts: Partial<QueueOptions> & Pick<QueueOptions, "dir" | "run">,
): Promise<Queue> {
  const q = await createQueue({
    redact: (s) => s,
    concurrency: 4,
    backoff: { baseMs: 1, maxMs: 5 },
    ...opts,
  });
  t.after(() => q.close({ deadlineMs: 0 }));
  return q;
}
