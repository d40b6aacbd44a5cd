import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BusyError } from "../errors.ts";
import { touchHeldLocks, withRepoLock } from "./lock.ts";

function workDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "git-bridge-lock-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const lockPath = (dir: string, repo: string) => join(dir, "locks", `${repo}.lock`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const aged = (path: string, seconds: number) => {
  const then = new Date(Date.now() - seconds * 1000);
  utimesSync(path, then, then);
};

test("one holder at a time: the second waits for the first, or gives up with BusyError", async (t) => {
  const dir = workDir(t);
  const order: string[] = [];
  let release!: () => void;
  const first = withRepoLock(dir, "app", 1000, async () => {
    order.push("first in");
    await new Promise<void>((r) => (release = r));
    order.push("first out");
  });
  await sleep(10);
  assert.ok(existsSync(lockPath(dir, "app")));
  await assert.rejects(withRepoLock(dir, "app", 0, () => Promise.resolve(order.push("never"))), BusyError);
  const second = withRepoLock(dir, "app", 5000, () => Promise.resolve(void order.push("second in")));
  await withRepoLock(dir, "other", 0, () => Promise.resolve(void order.push("other repo")));
  await sleep(50);
  release();
  await Promise.all([first, second]);
  assert.deepEqual(order, ["first in", "other repo", "first out", "second in"]);
  assert.ok(!existsSync(lockPath(dir, "app")), "released");
});

test("a lock left by a dead holder (no touch for 10 s) is taken over; a fresh one is not", async (t) => {
  const dir = workDir(t);
  mkdirSync(join(dir, "locks"));
  writeFileSync(lockPath(dir, "a"), "");
  await assert.rejects(withRepoLock(dir, "a", 0, () => Promise.resolve()), BusyError);
  aged(lockPath(dir, "a"), 11);
  assert.equal(await withRepoLock(dir, "a", 0, () => Promise.resolve("ran")), "ran");
  // proper-lockfile, which earlier versions used, made a directory of the same name.
  mkdirSync(lockPath(dir, "b"));
  await assert.rejects(withRepoLock(dir, "b", 0, () => Promise.resolve()), BusyError);
  aged(lockPath(dir, "b"), 11);
  assert.equal(await withRepoLock(dir, "b", 0, () => Promise.resolve("ran")), "ran");
  assert.ok(!existsSync(lockPath(dir, "b")));
});

test("a held lock is kept fresh, and one taken over meanwhile aborts the work and is left alone", async (t) => {
  const dir = workDir(t);
  const path = lockPath(dir, "app");
  let reason: unknown;
  await withRepoLock(dir, "app", 0, (lost) => {
    // As if this process had stalled past the stale time and another one took the lock over.
    rmSync(path);
    writeFileSync(path, "");
    aged(path, -11);
    touchHeldLocks();
    assert.ok(lost.aborted);
    reason = lost.reason;
    return Promise.resolve();
  });
  assert.ok(reason instanceof BusyError);
  assert.ok(existsSync(path), "the other holder's lock stays");
  rmSync(path);

  await withRepoLock(dir, "app", 0, (lost) => {
    touchHeldLocks();
    touchHeldLocks();
    assert.equal(lost.aborted, false);
    return Promise.resolve();
  });
  assert.ok(!existsSync(path));
});
