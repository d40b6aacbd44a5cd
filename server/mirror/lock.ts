// One sync per repo at a time, across processes: the lock is WORK_DIR/locks/<repo>.lock, created
// with O_CREAT|O_EXCL (atomic, also on NFS v3+). The holder touches it every UPDATE_MS, so a
// crashed holder's lock goes stale (no touch for STALE_MS) and is taken over. The name and the
// timings are those of proper-lockfile, which earlier versions used (it made a directory of the
// same name): either kind blocks the other, and a stale directory left by it is taken over here.
//
// The calls are synchronous on purpose: each is one metadata syscall of a few µs. On the 2-core
// development machine the async fs API cost some 40 µs of CPU per call in thread-pool hand-offs,
// and proper-lockfile's lock + release (mkdir -p, mkdir, stat, rmdir, a timer) ~420 µs, since
// creating and removing a directory allocates and frees a block (ext4 mounted with `discard`):
// more than the rest of a sync that finds nothing to do.
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  rmSync,
  type Stats,
  statSync,
  unlinkSync,
  utimesSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { BusyError } from "../errors.ts";

const STALE_MS = 10_000;
const UPDATE_MS = 3_000;

interface Held {
  path: string;
  repo: string;
  /** Aborted if the lock is lost while held. */
  controller: AbortController;
  ino: number;
  /** The mtime this process last gave the lock, in ms. */
  mtime: number;
  lost: boolean;
}

// Every lock this process holds, touched by one shared timer (none runs while nothing is held).
const held = new Set<Held>();
let ticker: ReturnType<typeof setInterval> | undefined;

const code = (err: unknown) => (err as { code?: string }).code;
// Second-granularity filesystems round what utimes sets; a taken-over lock is STALE_MS newer.
const ours = (h: Held, st: Stats) => st.ino === h.ino && Math.abs(st.mtimeMs - h.mtime) < 2000;

/** What the timer does every UPDATE_MS; exported for the tests. */
export function touchHeldLocks(): void {
  for (const h of held) {
    try {
      if (!ours(h, statSync(h.path))) throw new Error("taken over");
      const now = new Date();
      utimesSync(h.path, now, now);
      h.mtime = now.getTime();
    } catch {
      // Gone or replaced (this process stalled past STALE_MS, so another process took it over):
      // stop the work under it rather than run alongside the new holder, and never remove what is
      // no longer ours. (proper-lockfile threw from its timer, which ended the whole process.)
      h.lost = true;
      held.delete(h);
      h.controller.abort(
        new BusyError(`the sync lock of ${h.repo} was taken over by another process (${h.path})`, {
          repo: h.repo,
        }),
      );
    }
  }
  if (held.size === 0) stopTicker();
}

// Stopped as soon as nothing is held: an unref'd timer still keeps a Deno process alive.
function stopTicker(): void {
  clearInterval(ticker);
  ticker = undefined;
}

/** Takes the lock if it is free or stale; undefined while another holder keeps it fresh. */
function tryLock(path: string, repo: string): Held | undefined {
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (err) {
      if (code(err) === "ENOENT") {
        mkdirSync(dirname(path), { recursive: true });
        continue;
      }
      if (code(err) !== "EEXIST") throw err;
      let st: Stats;
      try {
        st = statSync(path);
      } catch (e) {
        if (code(e) === "ENOENT") continue; // released meanwhile
        throw e;
      }
      if (st.mtimeMs >= Date.now() - STALE_MS) return undefined;
      // Stale: its holder died. A directory is a stale proper-lockfile lock. (Two processes that
      // find the same stale lock at the same instant can both take it, as with proper-lockfile.)
      rmSync(path, { recursive: st.isDirectory(), force: true });
      continue;
    }
    try {
      const st = fstatSync(fd);
      return { path, repo, controller: new AbortController(), ino: st.ino, mtime: st.mtimeMs, lost: false };
    } finally {
      closeSync(fd);
    }
  }
  return undefined;
}

function unlock(h: Held): void {
  if (!held.delete(h) || h.lost) return;
  if (held.size === 0) stopTicker();
  try {
    if (ours(h, statSync(h.path))) unlinkSync(h.path);
  } catch {
    // Already gone: nothing to release.
  }
}

/** Runs fn holding the repo's lock; `lost` aborts if another process takes the lock over meanwhile. */
export async function withRepoLock<T>(
  workDir: string,
  repo: string,
  waitMs: number,
  fn: (lost: AbortSignal) => Promise<T>,
): Promise<T> {
  const path = `${join(workDir, "locks", repo)}.lock`;
  const deadline = Date.now() + waitMs;
  let lock: Held | undefined;
  while (!(lock = tryLock(path, repo))) {
    if (Date.now() >= deadline) {
      throw new BusyError(
        `another sync of ${repo} is still running (lock ${path}); try again when it finishes`,
        { repo },
      );
    }
    await new Promise((r) => setTimeout(r, 100 + Math.random() * 150));
  }
  held.add(lock);
  if (!ticker) {
    ticker = setInterval(touchHeldLocks, UPDATE_MS);
    (ticker as { unref?: () => void }).unref?.();
  }
  try {
    return await fn(lock.controller.signal);
  } finally {
    unlock(lock);
  }
}
