// `git-bridge reconcile [--all|<repo>] [--json]`: one sweep by hand. Compares both sides from
// their advertisements, syncs each repo a sync could bring closer, then compares those again.
// Exit 0 when everything ends in sync, 3 when something stays diverged (or otherwise apart), 1
// when a side could not be read or a sync failed — the same codes as `sync` and `status`.
import { parse } from "./args.ts";
import { UsageError } from "../../server/errors.ts";
import { findRepo } from "../../server/config/find-repo.ts";
import { createIsomorphicEngine } from "../../server/mirror/git/isomorphic.ts";
import { redactor } from "../../server/mirror/redact.ts";
import { type SyncResult, syncRepo } from "../../server/mirror/sync.ts";
import { sweep, type SweepDeps, type SweepOutcome } from "../../server/reconcile/sweep.ts";
import { createSnapshot } from "../../server/status/snapshot.ts";
import type { CliIo } from "./io.ts";
import { resolveHost, setup } from "./load.ts";
import { formatReconcile, type ReconcileReport } from "./format-reconcile.ts";

export async function reconcileCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { all: { type: "boolean" }, config: { type: "string" }, json: { type: "boolean" } });
  if (values.all ? positionals.length !== 0 : positionals.length !== 1) {
    throw new UsageError("reconcile needs one repo name, or --all");
  }
  const { config, git } = await setup(io, values.config as string | undefined);
  const repos = values.all ? config.repos : [findRepo(config, positionals[0])];
  const redact = redactor(config.secrets);
  const advertisements = createIsomorphicEngine();
  const deps: SweepDeps = {
    config,
    git,
    resolveHost,
    listRemote: (r, p, o) => advertisements.listRemote(r, p, o),
    snapshot: createSnapshot(config, redact),
    redact,
    now: () => new Date(),
  };
  const before = await sweep(deps, repos, { concurrency: config.reconcile.concurrency });

  const toSync = before.filter((o) => o.ok && o.actionable).map((o) => o.repo);
  const synced = new Map<string, { result?: SyncResult; error?: string }>();
  let next = 0;
  const worker = async () => {
    while (next < toSync.length) {
      const name = toSync[next++];
      try {
        synced.set(name, { result: await syncRepo({ git, resolveHost }, config, { repo: name }) });
      } catch (err) {
        synced.set(name, { error: redact(err instanceof Error ? err.message : String(err)) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.mirror.concurrency, toSync.length) }, worker));

  // Only the repos a sync touched can have changed; the rest keep their first comparison.
  const again = new Map((await sweep(deps, repos.filter((r) => synced.has(r.name)), { concurrency: config.reconcile.concurrency })).map((o) => [o.repo, o]));
  const report: ReconcileReport[] = before.map((b) => {
    const after: SweepOutcome = again.get(b.repo) ?? b;
    const s = synced.get(b.repo);
    return {
      repo: b.repo,
      before: b.ok ? b.status.state : "unknown",
      synced: s !== undefined,
      ...(s?.result ? { changes: s.result.refs.filter((r) => r.action !== "unchanged" && r.action !== "filtered").map((r) => ({ ref: r.ref, action: r.action })) } : {}),
      state: after.ok ? after.status.state : "unknown",
      refs: after.ok ? after.status.refs.filter((r) => r.state !== "in_sync") : [],
      ...(s?.error ? { error: s.error } : !after.ok ? { error: after.error } : {}),
    };
  });
  io.stdout(values.json ? `${JSON.stringify(values.all ? { repos: report } : report[0])}\n` : formatReconcile(report));
  if (report.some((r) => r.error !== undefined)) return 1;
  return report.every((r) => r.state === "in_sync") ? 0 : 3;
}
