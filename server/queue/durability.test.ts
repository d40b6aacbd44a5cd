import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultJournalFs, type JournalFile, type JournalFs } from "./journal.ts";
import { createQueue } from "./queue.ts";
import { QueueUnavailableError } from "./queue-errors.ts";
import { engine, finished, hangingRun, openQueue, result, sleep, tempDir, waitFor } from "./test-kit.ts";
import type { RunSync, SyncRequest } from "./types.ts";

const req = (repo: string, extra: Partial<SyncRequest> = {}): SyncRequest => ({
  repo,
  source: "github",
  ...extra,
});
const ok: RunSync = engine((r) => result(r.repo, "updated"));
/** The journal's records: the file keeps zero-filled space after them. */
const journalOf = (dir: string) => readFileSync(join(dir, "journal.jsonl"), "utf8").split("\0")[0];

/** Wraps node:fs/promises and records each write and each completed data sync, in order. */
function spyFs(events: string[]): JournalFs {
  return {
    ...defaultJournalFs,
    async open(path, flags) {
      const f = await defaultJournalFs.open(path, flags);
      const spied: JournalFile = {
        async write(buf, off, len, position) {
          const out = await f.write(buf, off, len, position);
          events.push(`write ${new TextDecoder().decode(buf.subarray(off, off + out.bytesWritten))}`);
          return out;
        },
        async datasync() {
          await f.datasync();
          events.push("synced");
        },
        async sync() {
          await f.sync();
          events.push("synced");
        },
        close: () => f.close(),
      };
      return spied;
    },
  };
}

test("enqueue resolves only after the request is written and synced; syncs are shared", async (t) => {
  const dir = tempDir(t);
  const events: string[] = [];
  const q = await openQueue(t, { dir, run: hangingRun, fs: spyFs(events) });
  const { job } = await q.enqueue(req("a", { deliveryId: "d-1" }));
  const written = events.findIndex((e) => e.startsWith("write") && e.includes(job.id));
  assert.ok(written >= 0, "the record was written");
  assert.ok(events.indexOf("synced", written) > written, "and synced before enqueue resolved");
  assert.ok(journalOf(dir).includes(job.id));

  // Group commit: 300 concurrent requests share a few syncs.
  const before = events.filter((e) => e === "synced").length;
  const acks = await Promise.all(Array.from({ length: 300 }, (_, i) => q.enqueue(req(`r${i}`))));
  const syncs = events.filter((e) => e === "synced").length - before;
  assert.ok(syncs <= 5, `${syncs} syncs for 300 requests`);
  const text = journalOf(dir);
  assert.ok(acks.every((a) => text.includes(a.job.id)));
});

test("a failed fsync refuses the request and every later one", async (t) => {
  const dir = tempDir(t);
  let failSync = false;
  const fs: JournalFs = {
    ...defaultJournalFs,
    async open(path, flags) {
      const f = await defaultJournalFs.open(path, flags);
      return {
        write: (b, o, l, p) => f.write(b, o, l, p),
        datasync:
          () => (failSync
            ? Promise.reject(Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" }))
            : f.datasync()),
        sync: () => f.sync(),
        close: () => f.close(),
      };
    },
  };
  const errors: string[] = [];
  const log = { info() {}, warn() {}, error: (m: string) => errors.push(m) };
  const q = await openQueue(t, { dir, run: hangingRun, fs, log });
  await q.enqueue(req("a"));
  failSync = true;
  await assert.rejects(q.enqueue(req("b")), QueueUnavailableError);
  assert.equal(q.isOpen(), false, "/ready reports the broken queue");
  failSync = false;
  await assert.rejects(q.enqueue(req("c")), QueueUnavailableError);
  assert.equal(errors.length, 1);
});

test("a duplicate delivery id returns the original job, also after a restart", async (t) => {
  const dir = tempDir(t);
  let calls = 0;
  const run: RunSync = engine((r) => (calls++, result(r.repo, "created")));
  const q1 = await createQueue({ dir, run, redact: (s) => s });
  const first = await q1.enqueue(req("a", { deliveryId: "gh-123" }));
  assert.equal(first.status, "accepted");
  await finished(q1, first.job.id);
  const again = await q1.enqueue(req("a", { deliveryId: "gh-123" }));
  assert.equal(again.status, "duplicate");
  assert.equal(again.job.id, first.job.id);
  assert.equal(again.job.state, "succeeded");
  await q1.close({ deadlineMs: 1000 });

  const q2 = await openQueue(t, { dir, run });
  const after = await q2.enqueue(req("a", { deliveryId: "gh-123" }));
  assert.equal(after.status, "duplicate");
  assert.equal(after.job.id, first.job.id);
  await sleep(30);
  assert.equal(calls, 1);
  assert.equal(q2.stats().queued + q2.stats().running, 0);
});

test("after a crash, a new instance runs every acknowledged unfinished job", async (t) => {
  const dir = tempDir(t);
  const q1 = await createQueue({ dir, run: hangingRun, redact: (s) => s, concurrency: 1 });
  const a = await q1.enqueue(req("a"));
  const b = await q1.enqueue(req("b", { ref: "refs/tags/v1" }));
  await waitFor("a to run", () => q1.get(a.job.id)?.state === "running");
  // q1 is dropped without close(), as in a crash: q2 replays what q1 journaled.
  const ran: SyncRequest[] = [];
  const q2 = await openQueue(t, { dir, run: engine((r) => (ran.push(r), result(r.repo, "updated"))) });
  assert.equal((await finished(q2, a.job.id)).state, "succeeded");
  assert.equal((await finished(q2, b.job.id)).state, "succeeded");
  assert.deepEqual(ran.map((r) => r.repo).sort(), ["a", "b"]);
  assert.equal(ran.find((r) => r.repo === "b")!.ref, "refs/tags/v1");
  await q1.close({ deadlineMs: 0 }); // releases q1's file handle (of the replaced journal)
});

test("requests folded into a waiting job survive a crash: merged count, widened request, delivery ids", async (t) => {
  const dir = tempDir(t);
  const q1 = await createQueue({ dir, run: hangingRun, redact: (s) => s, concurrency: 1 });
  await q1.enqueue(req("x"));
  const first = await q1.enqueue(req("y", { ref: "refs/heads/main", deliveryId: "d1" }));
  const second = await q1.enqueue(req("y", { ref: "refs/heads/dev", deliveryId: "d2" }));
  const third = await q1.enqueue(req("y", { ref: "refs/heads/dev", deliveryId: "d3" }));
  assert.equal(second.job.id, first.job.id);
  assert.equal(third.job.id, first.job.id);
  const lines = journalOf(dir).trim().split("\n");
  assert.ok(lines.every((l) => l.length < 1000), "a fold is a small record, not the whole job");

  const q2 = await openQueue(t, { dir, run: hangingRun, concurrency: 1 });
  const y = q2.get(first.job.id)!;
  assert.equal(y.state, "queued");
  assert.equal(y.merged, 2);
  assert.equal(y.request.ref, undefined, "different refs widened to a full catch-up");
  assert.equal(y.request.deliveryId, "d1", "the first request still names the job");
  for (const d of ["d1", "d2", "d3"]) {
    const again = await q2.enqueue(req("y", { deliveryId: d }));
    assert.equal(again.status, "duplicate", d);
    assert.equal(again.job.id, first.job.id);
  }
  await q1.close({ deadlineMs: 0 });
});

test("an approved force survives a crash, also when it was folded into a waiting job", async (t) => {
  const dir = tempDir(t);
  const q1 = await createQueue({ dir, run: hangingRun, redact: (s) => s, concurrency: 1 });
  await q1.enqueue(req("x"));
  const waiting = await q1.enqueue(req("y"));
  const forced = await q1.enqueue(req("y", { source: "slack", ref: "refs/heads/main", force: ["refs/heads/main"] }));
  assert.equal(forced.jobId, waiting.jobId);
  const alone = await q1.enqueue(req("z", { source: "slack", force: ["refs/heads/a", "refs/heads/b"] }));
  const q2 = await openQueue(t, { dir, run: hangingRun, concurrency: 1 });
  assert.deepEqual(q2.get(waiting.jobId)!.request.force, ["refs/heads/main"]);
  assert.deepEqual(q2.get(alone.jobId)!.request.force, ["refs/heads/a", "refs/heads/b"]);
  await q1.close({ deadlineMs: 0 });
});

test("a torn last line and a damaged line are tolerated", async (t) => {
  for (const tail of ["", "\0".repeat(4096)]) await tornAndDamaged(t, tail);
});

// `tail` follows the records: nothing, or the zero-filled space the journal keeps (a crash in the
// middle of a write leaves a torn record and then zeros).
async function tornAndDamaged(t: TestContext, tail: string): Promise<void> {
  const dir = tempDir(t);
  const job = {
    id: "j1",
    request: req("a"),
    state: "queued",
    attempts: 0,
    queued_at: new Date().toISOString(),
    merged: 0,
  };
  writeFileSync(
    join(dir, "journal.jsonl"),
    `${JSON.stringify({ k: "job", job })}\nnot json\n{"k":"job","job":{"id":"j2","req${tail}`,
  );
  const warnings: unknown[] = [];
  const log = { info() {}, warn: (m: string, f?: unknown) => warnings.push([m, f]), error() {} };
  const q = await openQueue(t, { dir, run: ok, log });
  assert.equal((await finished(q, "j1")).state, "succeeded");
  assert.equal(q.get("j2"), undefined);
  assert.equal(warnings.length, 1, "the damaged middle line is reported, the torn tail is not");
  assert.ok(!journalOf(dir).includes("not json"), "compaction dropped both");
  await q.close();
}

test("the journal is compacted at startup and when it grows", async (t) => {
  const dir = tempDir(t);
  const q1 = await createQueue({ dir, run: ok, redact: (s) => s, keepFinished: 5, compactAtBytes: 4096 });
  const acks = [];
  for (let i = 0; i < 60; i++) {
    acks.push(await q1.enqueue(req(`r${i % 7}`, i === 0 ? { deliveryId: "d0" } : {})));
  }
  await waitFor("all to finish", () => q1.stats().queued + q1.stats().running === 0);
  assert.equal(q1.list().length, 5, "older finished jobs left memory");
  await q1.close({ deadlineMs: 1000 });
  // Uncompacted, 60 jobs × 3 records would be some 50 kB.
  assert.ok(Buffer.byteLength(journalOf(dir)) < 2 * 4096, "compacted while running");

  const q2 = await openQueue(t, { dir, run: ok, keepFinished: 5 });
  assert.equal(q2.list().length, 5, "the finished window");
  const lines = journalOf(dir).trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.filter((l) => l.k === "job").length, 6, "5 in the window + 1 a delivery id points at");
  // Older jobs leave the window but a redelivery still finds its original job (without its result).
  const dup = await q2.enqueue(req("r0", { deliveryId: "d0" }));
  assert.equal(dup.status, "duplicate");
  assert.equal(dup.job.id, acks[0].job.id);
  assert.equal(dup.job.state, "succeeded");
});

test("kill -9 loses no acknowledged request", { timeout: 60_000 }, async (t) => {
  const dir = tempDir(t);
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const script = join(root, "server/queue/kill-child.ts");
  const versions = process.versions as Record<string, string | undefined>;
  const args = versions.deno
    ? ["run", "-A", script, dir]
    : versions.bun
    ? [script, dir]
    : ["--import", "tsx", script, dir];
  const child = spawn(process.execPath, args, { cwd: root });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const exited = new Promise((r) => child.on("exit", r));
  const target = 400 + Math.floor(Math.random() * 1200);
  await waitFor(
    `the child to ack ${target} requests (stderr: ${err})`,
    () => out.split("\n").length > target,
    30_000,
  );
  child.kill("SIGKILL");
  assert.equal(await exited, null);

  const acked = out.split("\n").filter((l) => l.startsWith("acked ")).map((l) => l.split(" "));
  assert.ok(acked.length >= target);
  const q = await openQueue(t, { dir, run: ok });
  for (const [, id, delivery] of acked) {
    assert.ok(q.get(id), `acked job ${id} survived`);
    const again = await q.enqueue(req("any", { deliveryId: delivery }));
    assert.equal(again.status, "duplicate", `delivery ${delivery} survived`);
    assert.equal(again.job.id, id);
  }
  const ids = [...new Set(acked.map((a) => a[1]))];
  for (const id of ids) assert.ok(["succeeded", "queued", "running"].includes(q.get(id)!.state));
  for (const id of ids) assert.equal((await finished(q, id, 20_000)).state, "succeeded");
});
