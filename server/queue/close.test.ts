// Shutdown: close() lets running syncs finish before its deadline and aborts them at it, leaving
// them queued (journaled) for the next process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createQueue } from "./queue.ts";
import { QueueClosedError } from "./queue-errors.ts";
import { engine, finished, hangingRun, openQueue, result, sleep, tempDir, waitFor } from "./test-kit.ts";
import type { RunSync, SyncRequest } from "./types.ts";

const req = (repo: string, extra: Partial<SyncRequest> = {}): SyncRequest => ({ repo, source: "github", ...extra });
const ok: RunSync = engine((r) => result(r.repo, "updated"));

test("close() lets running syncs finish before the deadline", async (t) => {
  const dir = tempDir(t);
  let calls = 0;
  const run: RunSync = async (r) => (calls++, await sleep(50), result(r.repo, "updated"));
  const q1 = await createQueue({ dir, run, redact: (s) => s });
  const { job } = await q1.enqueue(req("a"));
  await q1.close({ deadlineMs: 5000 });
  assert.equal(q1.get(job.id)!.state, "succeeded");
  const q2 = await openQueue(t, { dir, run });
  await sleep(30);
  assert.equal(calls, 1, "a finished job is not run again");
  assert.equal(q2.get(job.id)!.state, "succeeded");
});

test("close() aborts syncs at the deadline; they stay queued for the next process", async (t) => {
  const dir = tempDir(t);
  const seen: string[] = [];
  // The deadline's timer is ours to fire, so the test says what happens before and after it
  // without measuring time; timers of 0 ms (the queue's own pumping) run as usual.
  const deadlines: Array<{ fn: () => void; ms: number; cleared?: boolean }> = [];
  const timers = {
    setTimeout: (fn: () => void, ms: number) => {
      if (ms < 100) return { real: setTimeout(fn, ms) };
      const h = { fn, ms };
      deadlines.push(h);
      return h;
    },
    clearTimeout: (h: unknown) => {
      const x = h as { real?: ReturnType<typeof setTimeout>; cleared?: boolean };
      if (x?.real) clearTimeout(x.real);
      else if (x) x.cleared = true;
    },
  };
  let aborted = false;
  const run: RunSync = (r, signal) => {
    signal.addEventListener("abort", () => void (aborted = true), { once: true });
    return hangingRun(r, signal);
  };
  const q1 = await createQueue({ dir, run, redact: (s) => s, timers });
  q1.onFinished((j) => seen.push(j.id));
  const { job } = await q1.enqueue(req("a"));
  const waiting = await q1.enqueue(req("b", { deliveryId: "x" }));
  await waitFor("a to run", () => q1.get(job.id)?.state === "running");
  const closing = q1.close({ deadlineMs: 100 });
  await waitFor("the shutdown deadline to be set", () => deadlines.some((d) => d.ms === 100));
  assert.equal(aborted, false, "the running sync is left alone until the deadline");
  deadlines.find((d) => d.ms === 100)!.fn();
  await closing;
  assert.equal(aborted, true, "at the deadline the running sync is aborted");
  assert.equal(q1.isOpen(), false);
  assert.equal(q1.get(job.id)!.state, "queued");
  assert.deepEqual(seen, [], "an aborted sync is not a finished job");
  await assert.rejects(q1.enqueue(req("c")), QueueClosedError);

  const q2 = await openQueue(t, { dir, run: ok });
  const done = await finished(q2, job.id);
  assert.equal(done.state, "succeeded");
  assert.equal(done.attempts, 1, "the aborted attempt does not count");
  assert.equal((await finished(q2, waiting.job.id)).state, "succeeded");
});
