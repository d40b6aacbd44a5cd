// The part of the hook the pusher waits for: validate git's ref lines, spool them (atomically,
// before anything else, so the push is never lost), start the detached worker, and wait a short,
// fixed time for its answer. Whatever happens, the push is not held up past the budget and, once
// the push is spooled, the hook exits 0 with at most one line per target on stderr.
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, renameSync, statSync } from "node:fs";
import { readFile, unlink } from "node:fs/promises";
import { type HookArgs, workerArgv } from "./hook-args.ts";
import { parseUpdateLines, printable } from "./protocol.ts";
import { newSpoolId, type SpoolEntry, writeSpoolEntry } from "./spool.ts";
import { ENTRY, hooksDir, logPath, resultPath, resultsDir } from "./paths.ts";
import { commandFor } from "./runtime-command.ts";

export type { HookArgs } from "./hook-args.ts";

/** From the runtime's start: the shim and the runtime's own start-up count against it too. */
export const BUDGET_MS = 1600;
const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

export interface ForegroundDeps {
  readStdin: () => Promise<string>;
  stderr: (s: string) => void;
  /** Starts the detached worker; throws if it cannot. */
  startWorker: (args: HookArgs, id: string) => void;
  /** Epoch ms by which the hook returns. */
  deadline: number;
  now?: () => number;
  /** Called once the push is safe in the spool: from then on the hook may exit 0. */
  onSpooled?: () => void;
}

export async function runForeground(args: HookArgs, deps: ForegroundDeps): Promise<void> {
  const now = deps.now ?? Date.now;
  const { updates, refused } = parseUpdateLines(await deps.readStdin());
  for (const r of refused) deps.stderr(`git-bridge: refused ref update ${r}\n`);
  if (updates.length === 0) return;

  const entry: SpoolEntry = {
    version: 1,
    id: newSpoolId(),
    repo: args.repo,
    side: args.side,
    mode: args.mode,
    config: args.config,
    updates,
    created_at: new Date().toISOString(),
    attempts: 0,
  };
  await writeSpoolEntry(args.workDir, entry);
  deps.onSpooled?.();
  try {
    deps.startWorker(args, entry.id);
  } catch {
    deps.stderr("git-bridge: queued: could not start the background mirror (will retry on the next push)\n");
    return;
  }

  const result = resultPath(args.workDir, entry.id);
  while (now() < deps.deadline) {
    const text = await readFile(result, "utf8").catch(() => undefined);
    if (text !== undefined) {
      await unlink(result).catch(() => {});
      const lines = (JSON.parse(text) as { lines?: string[] }).lines ?? [];
      for (const l of lines) deps.stderr(`${printable(l)}\n`);
      return;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(15, deps.deadline - now()))));
  }
  deps.stderr("git-bridge: mirroring in the background\n");
}

/**
 * A child in its own session with stdio on the log file: it outlives the hook, and holds none of
 * the pipes git waits on (an inherited stderr would keep `git push` waiting for the whole sync).
 */
export function spawnWorker(args: HookArgs, id: string): void {
  mkdirSync(resultsDir(args.workDir), { recursive: true, mode: 0o700 });
  const log = logPath(args.workDir);
  try {
    if (statSync(log).size > LOG_ROTATE_BYTES) renameSync(log, `${log}.1`);
  } catch { /* no log yet */ }
  const fd = openSync(log, "a", 0o600);
  try {
    const { exe, argv } = commandFor(ENTRY, workerArgv(args, id));
    const child = spawn(exe, argv, { detached: true, stdio: ["ignore", fd, fd], cwd: hooksDir(args.workDir), env: workerEnv(process.env) });
    child.on("error", () => {}); // the entry stays spooled for the next run
    child.unref();
  } finally {
    closeSync(fd);
  }
}

/** The hook's environment without git's per-push variables (GIT_DIR=. would point git at the pushed repo). */
export function workerEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && !(k.startsWith("GIT_") && !k.startsWith("GIT_BRIDGE_"))) out[k] = v;
  }
  return out;
}
