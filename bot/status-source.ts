// What `/gitbridge status` reads: the one status snapshot (server/status/snapshot.ts) that the
// reconcile sweep and finished jobs write and /status, the page and /metrics read too. A repo no
// sweep has compared since start-up is compared first through the reconcile service's `check`
// (the same sweep, recorded in the same snapshot), so the command never runs an ls-remote of its own.
import type { RepoSnapshot } from "../server/status/snapshot.ts";
import type { StatusSources } from "../server/status/view.ts";
import type { JobState } from "../server/queue/types.ts";

export type RepoSyncState = "in_sync" | "behind" | "ahead" | "diverged" | "unknown";

export interface RepoStatusView {
  repo: string;
  state: RepoSyncState;
  /** Refs per state (in_sync omitted), when known. */
  counts?: { behind: number; ahead: number; diverged: number };
  /** Why the state is unknown (a side could not be read), already redacted. */
  problem?: string;
  lastSync?: { at: string; state: JobState; jobId: string };
  /** The last job's error when it failed, already redacted. */
  lastError?: { at: string; text: string };
}

export interface StatusSource {
  /** Every configured repo, or only `repos` (names) when given, in config order. */
  list(repos?: string[]): Promise<RepoStatusView[]>;
  queueDepth(): { queued: number; running: number };
}

/** `compare` records the named repos in the snapshot (ReconcileService.check). */
export function snapshotStatusSource(status: StatusSources, compare: (repos: string[]) => Promise<void>): StatusSource {
  const pick = (names?: string[]) => status.snapshot.list().filter((r) => !names || names.includes(r.repo));
  return {
    async list(names) {
      const never = pick(names).filter((r) => r.checked_at === null).map((r) => r.repo);
      if (never.length > 0) await compare(never);
      return pick(names).map(statusViewOf);
    },
    queueDepth: () => status.queueStats(),
  };
}

export function statusViewOf(r: RepoSnapshot): RepoStatusView {
  const view: RepoStatusView = {
    repo: r.repo,
    state: r.state,
    counts: { behind: r.refs.behind.length, ahead: r.refs.ahead.length, diverged: r.refs.diverged.length },
  };
  if (r.check_error) view.problem = r.check_error;
  const job = r.last_job;
  if (job?.finished_at) {
    view.lastSync = { at: job.finished_at, state: job.state, jobId: job.id };
    if (job.state === "failed" && job.error) view.lastError = { at: job.finished_at, text: job.error };
  }
  return view;
}
