// One reconcile sweep: compare both sides of each repo from their ref advertisements (no pack
// transfer, no cache opened for repos whose sides are equal), record the result in the status
// snapshot, and say which repos a sync could bring closer. Concurrency is bounded so a sweep over
// a thousand repos holds a bounded number of sockets and advertisements at once.
import type { Config, RepoConfig } from "../config/types.ts";
import type { GitEngine } from "../mirror/git/types.ts";
import type { ResolveHost } from "../mirror/remote-policy.ts";
import { type ListRemote, repoStatus, type RepoStatus } from "../mirror/status.ts";
import type { StatusSnapshot } from "../status/snapshot.ts";

export interface SweepDeps {
  config: Config;
  git: GitEngine;
  resolveHost: ResolveHost;
  /** Reads an advertisement; the server and CLI pass the in-process smart-HTTP reader. */
  listRemote: ListRemote;
  snapshot: StatusSnapshot;
  redact: (text: string) => string;
  now: () => Date;
}

export type SweepOutcome =
  | { repo: string; ok: true; status: RepoStatus; actionable: boolean }
  | { repo: string; ok: false; error: string };

export interface SweepOptions {
  concurrency: number;
  signal?: AbortSignal;
}

export async function sweep(deps: SweepDeps, repos: RepoConfig[], opts: SweepOptions): Promise<SweepOutcome[]> {
  const out: SweepOutcome[] = new Array(repos.length);
  let next = 0;
  const worker = async () => {
    while (next < repos.length && !opts.signal?.aborted) {
      const i = next++;
      out[i] = await compareOne(deps, repos[i], opts.signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, repos.length) }, worker));
  return out.filter((o) => o !== undefined);
}

async function compareOne(deps: SweepDeps, repo: RepoConfig, signal?: AbortSignal): Promise<SweepOutcome> {
  try {
    const status = await repoStatus({ git: deps.git, resolveHost: deps.resolveHost, listRemote: deps.listRemote, signal }, deps.config, repo);
    deps.snapshot.recordCheck(status, deps.now());
    return { repo: repo.name, ok: true, status, actionable: actionable(repo, status) };
  } catch (err) {
    const error = deps.redact(err instanceof Error ? err.message : String(err));
    deps.snapshot.recordCheckError(repo.name, error, deps.now());
    return { repo: repo.name, ok: false, error };
  }
}

/**
 * Whether a sync could change something. A diverged ref under `on_divergence: skip` is reported,
 * not synced: the sync would skip it again (and post the same Slack message every sweep). A
 * one-way repo never takes the receiving side's own commits, so only refs the sending side is
 * ahead on count, plus refs the sending side lost when the repo prunes.
 */
export function actionable(repo: RepoConfig, status: RepoStatus): boolean {
  return status.refs.some((r) => {
    if (r.state === "in_sync") return false;
    if (r.state === "diverged") return repo.onDivergence === "force";
    if (repo.direction === "bidirectional") return true;
    const toTarget = repo.direction === "source-to-target";
    const sendingAhead = toTarget ? r.state === "behind" : r.state === "ahead";
    const sendingLost = toTarget ? r.source === null : r.target === null;
    return sendingAhead || (repo.prune && sendingLost);
  });
}
