// One sync per repo at a time, across processes: a lock directory under WORK_DIR/locks. The lock
// is refreshed while held, so a crashed holder's lock goes stale and is taken over.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import { BusyError } from "../errors.ts";

export async function withRepoLock<T>(workDir: string, repo: string, waitMs: number, fn: () => Promise<T>): Promise<T> {
  const dir = join(workDir, "locks");
  await mkdir(dir, { recursive: true });
  const path = join(dir, repo);
  const deadline = Date.now() + waitMs;
  let release: () => Promise<void>;
  for (;;) {
    try {
      release = await lockfile.lock(path, { realpath: false, stale: 10_000, update: 3_000 });
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== "ELOCKED") throw err;
      if (Date.now() >= deadline) {
        throw new BusyError(`another sync of ${repo} is still running (lock ${path}.lock); try again when it finishes`, { repo });
      }
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 150));
    }
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}
