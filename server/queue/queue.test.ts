import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AuthError, RemoteError } from "../errors.ts";
import { backoffDelay } from "./backoff.ts";
import { mergeRequests } from "./outcome.ts";
import { engine, finished, hangingRun, openQueue, result, sleep, tempDir, waitFor } from "./test-kit.ts";
import type { Job, RunSync, SyncRequest } from "./types.ts";

const req = (repo: string, extra: Partial<SyncRequest> = {}): SyncRequest => ({
  repo,
  source: "github",
  ...extra,
});

test("a burst of 50 events during a sync collapses into one follow-up job", async (t) => {
  const calls: SyncRequest[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const run: RunSync = async (r) => {
    calls.push(r);
    if (calls.length === 1) await gate;
    return result(r.repo, "updated");
  };
  const q = await openQueue(t, { dir: tempDir(t), run });
  const first = await q.enqueue(req("app", { ref: "refs/heads/main" }));
  await waitFor("first sync to start", () => calls.length === 1);

  const burst = await Promise.all(
    Array.from({ length: 50 }, (_, i) => q.enqueue(req("app", { ref: `refs/heads/b${i % 5}` }))),
  );
  assert.ok(burst.every((r) => r.status === "accepted"));
  const ids = new Set([first.job.id, ...burst.map((r) => r.job.id)]);
  assert.equal(ids.size, 2, "one running job and one follow-up");
  const followUp = q.get(burst[0].job.id)!;
  assert.equal(followUp.state, "queued");
  assert.equal(followUp.merged, 49);
  assert.equal(followUp.request.ref, undefined, "different refs widen to a full catch-up");

  release();
  for (const id of ids) assert.equal((await finished(q, id)).state, "succeeded");
  assert.ok(calls.length <= 2, `run called ${calls.length} times`);
});

test("20 repos run in parallel up to the concurrency bound", async (t) => {
  let inFlight = 0;
  let maxInFlight = 0;
  const run: RunSync = async (r) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await sleep(200);
    inFlight--;
    return result(r.repo, "unchanged");
  };
  const q = await openQueue(t, { dir: tempDir(t), run, concurrency: 4 });
  const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => q.enqueue(req(`repo-${i}`))));
  assert.ok(q.stats().running <= 4);
  for (const a of acks) assert.equal((await finished(q, a.job.id)).state, "succeeded");
  assert.equal(maxInFlight, 4); // never more than the bound, and the bound was used
  assert.deepEqual(q.stats(), { queued: 0, running: 0 });
});

test("a repo whose sync hangs does not block the others", async (t) => {
  const run: RunSync = engine((
    r,
    signal,
  ) => (r.repo === "stuck" ? hangingRun(r, signal) : result(r.repo, "created")));
  const q = await openQueue(t, { dir: tempDir(t), run, concurrency: 2 });
  const stuck = await q.enqueue(req("stuck"));
  const others = await Promise.all(["a", "b", "c", "d", "e"].map((r) => q.enqueue(req(r))));
  for (const o of others) assert.equal((await finished(q, o.job.id)).state, "succeeded");
  assert.equal(q.get(stuck.job.id)!.state, "running");
});

test("one sync per repo: a request for a running repo waits for it", async (t) => {
  let inFlight = 0;
  let overlap = false;
  const run: RunSync = async (r) => {
    if (++inFlight > 1) overlap = true;
    await sleep(30);
    inFlight--;
    return result(r.repo, "updated");
  };
  const q = await openQueue(t, { dir: tempDir(t), run, concurrency: 4 });
  const a = await q.enqueue(req("same"));
  await sleep(5);
  const b = await q.enqueue(req("same"));
  assert.notEqual(a.job.id, b.job.id);
  await finished(q, b.job.id);
  assert.equal(overlap, false);
});

test("transient errors retry with backoff, then succeed", async (t) => {
  let calls = 0;
  const run: RunSync = engine((r) => {
    if (++calls < 3) throw new RemoteError("github.com answered 502");
    return result(r.repo, "updated");
  });
  const q = await openQueue(t, { dir: tempDir(t), run });
  const { job } = await q.enqueue(req("flaky"));
  const done = await finished(q, job.id);
  assert.equal(done.state, "succeeded");
  assert.equal(done.attempts, 3);
  assert.equal(done.error, undefined);
});

test("transient errors give up after maxAttempts; AuthError fails at once", async (t) => {
  const runs: Record<string, number> = {};
  const run: RunSync = engine((r) => {
    runs[r.repo] = (runs[r.repo] ?? 0) + 1;
    throw r.repo === "denied"
      ? new AuthError("gitea.example refused the token")
      : new RemoteError("connection reset");
  });
  const q = await openQueue(t, { dir: tempDir(t), run, maxAttempts: 3 });
  const down = await q.enqueue(req("down"));
  const denied = await q.enqueue(req("denied"));
  const d1 = await finished(q, down.job.id);
  assert.equal(d1.state, "failed");
  assert.equal(d1.attempts, 3);
  assert.equal(d1.error, "connection reset");
  const d2 = await finished(q, denied.job.id);
  assert.equal(d2.state, "failed");
  assert.equal(d2.attempts, 1);
  assert.equal(runs.denied, 1);
});

test("a synchronous throw or a missing result is a failed attempt, not a crash", async (t) => {
  const run: RunSync = (r) => {
    if (r.repo === "sync-throw") throw new AuthError("bad token");
    return Promise.resolve(undefined as never);
  };
  const q = await openQueue(t, { dir: tempDir(t), run });
  const a = await finished(q, (await q.enqueue(req("sync-throw"))).job.id);
  const b = await finished(q, (await q.enqueue(req("no-result"))).job.id);
  assert.equal(a.state, "failed");
  assert.equal(a.error, "bad token");
  assert.equal(b.state, "failed");
  assert.match(b.error!, /no per-ref result/);
});

test("a diverged or rejected ref makes the job partial, without retry", async (t) => {
  let calls = 0;
  const run: RunSync = engine((r) => {
    calls++;
    return r.repo === "div" ? result(r.repo, "updated", "diverged") : result(r.repo, "created", "rejected");
  });
  const q = await openQueue(t, { dir: tempDir(t), run });
  const a = await finished(q, (await q.enqueue(req("div"))).job.id);
  const b = await finished(q, (await q.enqueue(req("rej"))).job.id);
  assert.equal(a.state, "partial");
  assert.equal(b.state, "partial");
  assert.equal(a.result!.refs[1].action, "diverged");
  assert.equal(calls, 2);
  assert.ok(a.started_at && a.finished_at && a.started_at <= a.finished_at);
});

test("a request for a repo waiting to retry folds into that job and starts it now", async (t) => {
  let calls = 0;
  const run: RunSync = engine((r) => {
    if (++calls === 1) throw new RemoteError("503");
    return result(r.repo, "updated");
  });
  const q = await openQueue(t, {
    dir: tempDir(t),
    run,
    backoff: { baseMs: 60_000, maxMs: 60_000 },
    random: () => 1,
  });
  const { job } = await q.enqueue(req("r", { ref: "refs/heads/main", direction: "source-to-target" }));
  const waiting = await waitFor("retry to be scheduled", () => {
    const j = q.get(job.id);
    return j?.next_attempt_at ? j : undefined;
  });
  assert.equal(waiting.state, "queued");
  assert.ok(Date.parse(waiting.next_attempt_at!) - Date.now() > 50_000);

  const again = await q.enqueue(req("r", { ref: "refs/heads/main", direction: "target-to-source" }));
  assert.equal(again.job.id, job.id);
  const done = await finished(q, job.id);
  assert.equal(done.state, "succeeded");
  assert.equal(done.merged, 1);
  assert.equal(done.attempts, 2);
  assert.equal(done.request.ref, "refs/heads/main");
  assert.equal(done.request.direction, undefined);
});

test("mergeRequests keeps what both agree on", () => {
  const a = req("x", { ref: "refs/heads/a", direction: "auto", deliveryId: "1" });
  assert.deepEqual(mergeRequests(a, req("x", { ref: "refs/heads/a" })), a);
  assert.deepEqual(
    mergeRequests(a, req("x", { ref: "refs/heads/b", direction: "source-to-target" })),
    req("x", { deliveryId: "1" }),
  );
});

test("mergeRequests keeps an approved force for exactly its refs, whatever it joins", () => {
  const forced = req("x", { ref: "refs/heads/a", force: ["refs/heads/a"] });
  assert.deepEqual(mergeRequests(req("x"), forced), req("x", { force: ["refs/heads/a"] }));
  assert.deepEqual(mergeRequests(forced, req("x", { ref: "refs/heads/a" })), forced);
  assert.deepEqual(
    mergeRequests(forced, req("x", { ref: "refs/heads/b", force: ["refs/heads/b"] })),
    req("x", { force: ["refs/heads/a", "refs/heads/b"] }),
  );
});

test("backoff grows exponentially under a cap, with full jitter", () => {
  const o = { baseMs: 2000, maxMs: 60_000 };
  assert.equal(backoffDelay(1, o, () => 0.999999), 1999);
  assert.equal(backoffDelay(3, o, () => 0.5), 4000);
  assert.equal(backoffDelay(20, o, () => 0.5), 30_000);
  assert.equal(backoffDelay(5000, o, () => 0.5), 30_000);
  assert.equal(backoffDelay(4, o, () => 0), 0);
});

test("a throwing onFinished listener does not break the queue", async (t) => {
  const seen: Job[] = [];
  const warnings: string[] = [];
  const log = { info() {}, warn: (m: string) => warnings.push(m), error() {} };
  const q = await openQueue(t, { dir: tempDir(t), run: engine((r) => result(r.repo, "created")), log });
  q.onFinished(() => {
    throw new Error("slack is down");
  });
  q.onFinished(() => Promise.reject(new Error("async too")));
  q.onFinished((job) => seen.push(job));
  const a = await q.enqueue(req("a"));
  await waitFor("listener", () => seen.length === 1);
  const b = await q.enqueue(req("b"));
  await waitFor("second listener call", () => seen.length === 2);
  assert.deepEqual(seen.map((j) => j.id), [a.job.id, b.job.id]);
  assert.equal(seen[0].state, "succeeded");
  await waitFor("both listener failures logged", () => warnings.length >= 4);
});

test("error text is redacted in the job, the journal and the logs", async (t) => {
  const dir = tempDir(t);
  const CANARY = "CANARY-7f3a9e-SECRET";
  const logged: string[] = [];
  const log = {
    info() {},
    warn: (m: string, f?: object) => logged.push(m + JSON.stringify(f)),
    error: (m: string, f?: object) => logged.push(m + JSON.stringify(f)),
  };
  const run: RunSync = engine((r) => {
    throw r.repo === "auth"
      ? new AuthError(`push to https://bot:${CANARY}@gitea.example/x.git refused`)
      : new RemoteError(`fetch failed, token ${CANARY}`);
  });
  const q = await openQueue(t, { dir, run, log, maxAttempts: 2, redact: (s) => s.split(CANARY).join("***") });
  const a = await finished(q, (await q.enqueue(req("auth"))).job.id);
  const b = await finished(q, (await q.enqueue(req("remote"))).job.id);
  assert.equal(a.error, "push to https://bot:***@gitea.example/x.git refused");
  assert.equal(b.error, "fetch failed, token ***");
  await q.close({ deadlineMs: 0 });
  assert.ok(!readFileSync(join(dir, "journal.jsonl"), "utf8").includes(CANARY));
  assert.ok(logged.length >= 3 && logged.every((l) => !l.includes(CANARY)));
});

test("duplicate detection remembers the newest keepDeliveries ids, also after a restart", async (t) => {
  const dir = tempDir(t);
  const keep = 100;
  const q1 = await openQueue(t, { dir, run: hangingRun, keepDeliveries: keep });
  // Enough ids that the eviction queue is trimmed several times.
  const ids = Array.from({ length: 9000 }, (_, i) => `d-${i}`);
  const acks = await Promise.all(ids.map((d, i) => q1.enqueue(req(`r${i % 10}`, { deliveryId: d }))));
  assert.ok(acks.every((a) => a.status === "accepted"));
  for (const q of [q1, await openQueue(t, { dir, run: hangingRun, keepDeliveries: keep })]) {
    // Duplicates first: a new id would push the oldest remembered one out.
    for (const d of ids.slice(-keep).reverse()) {
      assert.equal((await q.enqueue(req("r0", { deliveryId: d }))).status, "duplicate", d);
    }
  }
  const q3 = await openQueue(t, { dir, run: hangingRun, keepDeliveries: keep });
  assert.equal((await q3.enqueue(req("r0", { deliveryId: ids.at(-keep - 1) }))).status, "accepted", "past the window");
});
