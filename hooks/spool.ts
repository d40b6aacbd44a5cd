// The hook's spool: WORK_DIR/spool/<id>.json, one file per push that still has to be mirrored.
// Written atomically (temp file + rename) before anything is attempted, so a push is never lost:
// whoever drains next (the next hook run's detached worker, `git-bridge hooks drain`, or the
// server through drainSpool) delivers it. The shim's own spool files (written when no runtime could
// run) are adopted into this form first: spool-raw.ts. A drainer claims an entry by renaming it, so two
// drainers never deliver the same entry at once; a claim whose owner died goes stale and returns.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { HookMode, HookSide, RefUpdate } from "./protocol.ts";
import { adoptRawSpool } from "./spool-raw.ts";

export interface SpoolEntry {
  version: 1;
  id: string;
  repo: string;
  side: HookSide;
  mode: HookMode;
  /** The config the hook was installed with; a drainer with another config leaves the entry alone. */
  config: string;
  updates: RefUpdate[];
  created_at: string;
  attempts: number;
  last_attempt_at?: string;
  /** Redacted. */
  last_error?: string;
}

/** What delivering an entry came to. `retry` keeps it spooled; `failed` moves it to spool/failed/. */
export type SubmitOutcome =
  | { status: "delivered"; lines?: string[] }
  | { status: "retry"; reason: string; lines?: string[] }
  | { status: "failed"; reason: string; lines?: string[] }
  | { status: "skip" };

export type Submit = (entry: SpoolEntry, claim: { touch(): Promise<void> }) => Promise<SubmitOutcome>;

export interface DrainOptions {
  /** A claim untouched for this long belongs to a drainer that died (default 30 min). */
  staleClaimMs?: number;
  /** Entries older than this are given up on and moved to spool/failed/ (default 7 days). */
  maxAgeMs?: number;
  /** Called after each entry, e.g. to tell a waiting hook how its push went. */
  onOutcome?: (entry: SpoolEntry, outcome: SubmitOutcome) => Promise<void> | void;
  now?: () => Date;
}

export interface DrainSummary {
  delivered: string[];
  retained: string[];
  failed: string[];
  skipped: string[];
}

export const spoolDir = (workDir: string) => join(workDir, "spool");

/** Sortable by time, unique across processes: 20250101T120000123Z-<8 hex>. */
export function newSpoolId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:.]/g, "");
  return `${stamp}-${randomBytes(4).toString("hex")}`;
}

async function writeAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
  await writeFile(tmp, data, { mode: 0o600 });
  await rename(tmp, path);
}

export async function writeSpoolEntry(workDir: string, entry: SpoolEntry): Promise<string> {
  const dir = spoolDir(workDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${entry.id}.json`);
  await writeAtomic(path, `${JSON.stringify(entry)}\n`);
  return path;
}

/** Entries waiting (not claimed), oldest first. Unreadable files are skipped, not fatal. */
export async function listSpool(workDir: string): Promise<SpoolEntry[]> {
  const dir = spoolDir(workDir);
  await adoptRawSpool(dir);
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^[\w.-]+\.json$/.test(n)).sort();
  const out: SpoolEntry[] = [];
  for (const n of names) {
    const e = await readEntry(join(dir, n));
    if (e) out.push(e);
  }
  return out;
}

async function readEntry(path: string): Promise<SpoolEntry | undefined> {
  try {
    const e = JSON.parse(await readFile(path, "utf8")) as SpoolEntry;
    return e && e.version === 1 && typeof e.id === "string" && Array.isArray(e.updates) ? e : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Delivers every spooled entry through `submit`, oldest first: the hook's detached worker calls it
 * with the engine (push mode) or the signed notification (notify mode); the server can call it
 * with a submit that enqueues (see queueSubmit in ./queue-submit.ts). Thrown errors count as
 * `retry`. Never throws for one bad entry.
 */
export async function drainSpool(workDir: string, submit: Submit, opts: DrainOptions = {}): Promise<DrainSummary> {
  const dir = spoolDir(workDir);
  const now = opts.now ?? (() => new Date());
  const staleMs = opts.staleClaimMs ?? 30 * 60_000;
  const maxAgeMs = opts.maxAgeMs ?? 7 * 24 * 3600_000;
  const summary: DrainSummary = { delivered: [], retained: [], failed: [], skipped: [] };
  await releaseStaleClaims(dir, staleMs, now());
  const adopted = await adoptRawSpool(dir);
  summary.failed.push(...adopted.failed);

  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^[\w.-]+\.json$/.test(n)).sort();
  for (const name of names) {
    const path = join(dir, name);
    const claimPath = `${path}.claim-${process.pid}-${randomBytes(3).toString("hex")}`;
    try {
      await rename(path, claimPath);
    } catch {
      continue; // another drainer got it first
    }
    const entry = await readEntry(claimPath);
    if (!entry) {
      await moveToFailed(dir, name, claimPath);
      summary.failed.push(name.slice(0, -5));
      continue;
    }
    let outcome: SubmitOutcome;
    if (now().getTime() - Date.parse(entry.created_at) > maxAgeMs) {
      outcome = { status: "failed", reason: `not delivered within ${Math.round(maxAgeMs / 3600_000)} h; given up` };
    } else {
      try {
        outcome = await submit(entry, { touch: () => utimes(claimPath, now(), now()).catch(() => {}) });
      } catch (err) {
        outcome = { status: "retry", reason: err instanceof Error ? err.message : String(err) };
      }
    }
    if (outcome.status === "delivered") {
      await unlink(claimPath).catch(() => {});
      summary.delivered.push(entry.id);
    } else if (outcome.status === "skip") {
      await rename(claimPath, path).catch(() => {});
      summary.skipped.push(entry.id);
    } else if (outcome.status === "retry") {
      const updated: SpoolEntry = { ...entry, attempts: entry.attempts + 1, last_attempt_at: now().toISOString(), last_error: outcome.reason };
      await writeAtomic(path, `${JSON.stringify(updated)}\n`);
      await unlink(claimPath).catch(() => {});
      summary.retained.push(entry.id);
    } else {
      const updated: SpoolEntry = { ...entry, attempts: entry.attempts + 1, last_attempt_at: now().toISOString(), last_error: outcome.reason };
      await writeFile(claimPath, `${JSON.stringify(updated)}\n`).catch(() => {});
      await moveToFailed(dir, name, claimPath);
      summary.failed.push(entry.id);
    }
    await opts.onOutcome?.(entry, outcome);
  }
  return summary;
}

async function moveToFailed(dir: string, name: string, from: string): Promise<void> {
  await mkdir(join(dir, "failed"), { recursive: true, mode: 0o700 });
  await rename(from, join(dir, "failed", name)).catch(() => {});
}

async function releaseStaleClaims(dir: string, staleMs: number, now: Date): Promise<void> {
  for (const n of await readdir(dir).catch(() => [] as string[])) {
    const m = n.match(/^([\w.-]+\.json)\.claim-\d+-[0-9a-f]+$/) ?? n.match(/^([\w.-]+\.refs)\.adopt-\d+-[0-9a-f]+$/);
    if (!m) continue;
    const p = join(dir, n);
    const s = await stat(p).catch(() => undefined);
    if (s && now.getTime() - s.mtimeMs > staleMs) await rename(p, join(dir, m[1])).catch(() => {});
  }
}
