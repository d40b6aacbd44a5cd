import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rename, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drainSpool, listSpool, newSpoolId, type SpoolEntry, writeSpoolEntry } from "./spool.ts";

const entry = (over: Partial<SpoolEntry> = {}): SpoolEntry => ({
  version: 1,
  id: newSpoolId(),
  repo: "app",
  side: "source",
  mode: "push",
  config: "/c.yaml",
  updates: [{ old: "0".repeat(40), new: "a".repeat(40), ref: "refs/heads/main" }],
  created_at: new Date().toISOString(),
  attempts: 0,
  ...over,
});

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), "gb-spool-"));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("ids sort by time", () => {
  const a = newSpoolId(new Date("2025-01-01T00:00:00Z"));
  const b = newSpoolId(new Date("2025-01-01T00:00:00.001Z"));
  assert.ok(a < b);
  assert.match(a, /^20250101T000000000Z-[0-9a-f]{8}$/);
});

test("drain: delivered entries go, retries stay with the attempt recorded, failures move aside, skips stay untouched", () =>
  withDir(async (dir) => {
    const [d, r, f, s] = [entry({ id: "1-d" }), entry({ id: "2-r" }), entry({ id: "3-f" }), entry({ id: "4-s" })];
    for (const e of [d, r, f, s]) await writeSpoolEntry(dir, e);
    const order: string[] = [];
    const summary = await drainSpool(dir, (e) => {
      order.push(e.id);
      if (e.id === "1-d") return Promise.resolve({ status: "delivered" });
      if (e.id === "2-r") return Promise.reject(new Error("target down"));
      if (e.id === "3-f") return Promise.resolve({ status: "failed", reason: "auth" });
      return Promise.resolve({ status: "skip" });
    });
    assert.deepEqual(order, ["1-d", "2-r", "3-f", "4-s"], "oldest first");
    assert.deepEqual(summary, { delivered: ["1-d"], retained: ["2-r"], failed: ["3-f"], skipped: ["4-s"] });
    const left = await listSpool(dir);
    assert.deepEqual(left.map((e) => [e.id, e.attempts, e.last_error]), [["2-r", 1, "target down"], ["4-s", 0, undefined]]);
    assert.deepEqual(await readdir(join(dir, "spool", "failed")), ["3-f.json"]);
    assert.ok((await readdir(join(dir, "spool"))).every((n) => !n.includes(".tmp") && !n.includes(".claim")));
  }));

test("two drains at once deliver each entry once", () =>
  withDir(async (dir) => {
    for (let i = 0; i < 20; i++) await writeSpoolEntry(dir, entry({ id: `e${String(i).padStart(2, "0")}` }));
    const seen: string[] = [];
    const submit = async (e: SpoolEntry) => {
      seen.push(e.id);
      await new Promise((r) => setTimeout(r, 2));
      return { status: "delivered" as const };
    };
    await Promise.all([drainSpool(dir, submit), drainSpool(dir, submit), drainSpool(dir, submit)]);
    assert.equal(seen.length, 20);
    assert.equal(new Set(seen).size, 20);
  }));

test("a claim left by a dead drainer goes back to the spool once stale; entries past the max age are given up", () =>
  withDir(async (dir) => {
    await writeSpoolEntry(dir, entry({ id: "claimed" }));
    // A drainer that died mid-delivery left its claim behind.
    await rename(join(dir, "spool", "claimed.json"), join(dir, "spool", "claimed.json.claim-999999-abcdef"));
    const deliver = () => Promise.resolve({ status: "delivered" as const });
    let summary = await drainSpool(dir, deliver);
    assert.deepEqual(summary.delivered, [], "a fresh claim is respected");
    const old = new Date(Date.now() - 3600_000);
    await utimes(join(dir, "spool", "claimed.json.claim-999999-abcdef"), old, old);
    summary = await drainSpool(dir, deliver);
    assert.deepEqual(summary.delivered, ["claimed"]);

    await writeSpoolEntry(dir, entry({ id: "ancient", created_at: "2000-01-01T00:00:00Z" }));
    summary = await drainSpool(dir, deliver);
    assert.deepEqual(summary.failed, ["ancient"]);
  }));
