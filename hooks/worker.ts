// The hook's detached worker: load the config (secrets from the env file), then drain the spool
// oldest first — earlier pushes that could not be mirrored, then this one — through the engine or
// the bridge server, and leave each hook run its answer. Its stdout/stderr are the hook log.
import { mkdir, readdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadConfig } from "../server/config/load-config.ts";
import { createLogger } from "../server/log.ts";
import { hasGit, selectEngine } from "../server/mirror/git/select-engine.ts";
import { redactor } from "../server/mirror/redact.ts";
import { systemResolveHost as resolveHost } from "../server/mirror/remote-policy.ts";
import { hookSubmit } from "./deliver.ts";
import { loadEnvFile } from "./env-file.ts";
import type { HookArgs } from "./hook-args.ts";
import { resultPath, resultsDir } from "./paths.ts";
import { runtimeName } from "./runtime-command.ts";
import { drainSpool } from "./spool.ts";

const RESULT_TTL_MS = 10 * 60_000;

export async function runWorker(
  args: HookArgs,
  id: string | undefined,
  write: (line: string) => void,
  processEnv: Record<string, string | undefined>,
): Promise<void> {
  const started = Date.now();
  let redact = (s: string) => s;
  let log = createLogger(write, redact);
  try {
    const fileEnv = args.envFile ? await loadEnvFile(args.envFile) : {};
    // The env file fills in what the git server's environment lacks; WORK_DIR is the installed one.
    const env = { ...fileEnv, ...processEnv, WORK_DIR: args.workDir };
    const config = await loadConfig({ path: args.config, env });
    redact = redactor(config.secrets);
    log = createLogger(write, redact);
    const git = await selectEngine(config.git.engine, hasGit, env);
    const submit = hookSubmit({ config, git, resolveHost, fetch, redact, log });
    const summary = await drainSpool(config.workDir, submit, {
      staleClaimMs: Math.max(30 * 60_000, 3 * config.mirror.timeoutSeconds * 1000),
      onOutcome: async (entry, outcome) => {
        if (outcome.status === "skip") return;
        log.info("hook push handled", {
          id: entry.id,
          repo: entry.repo,
          mode: entry.mode,
          side: entry.side,
          refs: entry.updates.map((u) => u.ref),
          outcome: outcome.status,
          ...("reason" in outcome ? { reason: outcome.reason } : {}),
          attempts: entry.attempts + 1,
        });
        await writeResult(config.workDir, entry.id, outcome.lines ?? []);
      },
    });
    log.info("hook worker done", {
      runtime: runtimeName(),
      delivered: summary.delivered.length,
      retained: summary.retained.length,
      failed: summary.failed.length,
      duration_ms: Date.now() - started,
    });
  } catch (err) {
    log.error("hook worker failed", { runtime: runtimeName(), error: redact(err instanceof Error ? err.message : String(err)) });
    if (id) await writeResult(args.workDir, id, ["git-bridge: queued: the mirror could not start, see the hook log (will retry)"]).catch(() => {});
  }
  await pruneResults(args.workDir);
}

async function writeResult(workDir: string, id: string, lines: string[]): Promise<void> {
  await mkdir(resultsDir(workDir), { recursive: true, mode: 0o700 });
  const path = resultPath(workDir, id);
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify({ lines }), { mode: 0o600 });
  await rename(tmp, path);
}

/** Answers nobody waited for (the hook had already said "in the background"). */
async function pruneResults(workDir: string): Promise<void> {
  const dir = resultsDir(workDir);
  for (const n of await readdir(dir).catch(() => [] as string[])) {
    const p = join(dir, n);
    const s = await stat(p).catch(() => undefined);
    if (s && Date.now() - s.mtimeMs > RESULT_TTL_MS) await unlink(p).catch(() => {});
  }
}
