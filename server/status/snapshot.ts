// The one status snapshot: per configured repo, how its two sides compare (from the last
// reconcile sweep or the last finished sync), when it was last confirmed in sync, and its last
// job. Written by the sweep (recordCheck/recordCheckError) and by finished jobs (recordJob);
// read by GET /status, the page, GET /metrics and the Slack status command. Nobody else runs an
// ls-remote to answer "is it caught up?".
//
// Repos come from the config only: a job or check for a name the config does not list is dropped,
// which also keeps metric labels bounded.
import type { Config, RepoConfig } from "../config/types.ts";
import type { RefState, RepoStatus } from "../mirror/status.ts";
import { scopeReason } from "../mirror/ref-scope.ts";
import type { Job, JobState, Trigger } from "../queue/types.ts";

/** `unknown`: not compared yet since start-up, or the last compare failed (see check_error). */
export type RepoState = RefState | "unknown";
export const REPO_STATES: readonly RepoState[] = ["in_sync", "behind", "ahead", "diverged", "unknown"];

export interface LastJob {
  id: string;
  state: JobState;
  source: Trigger;
  finished_at: string | null;
  duration_ms: number | null;
  /** Redacted by the queue when it was recorded. */
  error: string | null;
}

export interface RepoSnapshot {
  repo: string;
  direction: string;
  state: RepoState;
  /** Ref names by how the target stands against the source. */
  refs: { behind: string[]; ahead: string[]; diverged: string[] };
  /** Last time both sides were compared (sweep) or a full sync finished. */
  checked_at: string | null;
  /** Last time both sides were seen equal. */
  in_sync_at: string | null;
  /** Why the last compare failed (redacted); null when it worked. */
  check_error: string | null;
  last_job: LastJob | null;
}

export interface StatusSnapshot {
  /** Every configured repo, in config order. Entries are replaced, never changed in place. */
  list(): readonly RepoSnapshot[];
  get(repo: string): RepoSnapshot | undefined;
  recordCheck(status: RepoStatus, at: Date): void;
  recordCheckError(repo: string, error: string, at: Date): void;
  recordJob(job: Job): void;
}

const NO_REFS = { behind: [], ahead: [], diverged: [] };

export function createSnapshot(config: Pick<Config, "repos">, redact: (s: string) => string): StatusSnapshot {
  const repos = new Map<string, RepoConfig>(config.repos.map((r) => [r.name, r]));
  const entries = new Map<string, RepoSnapshot>();
  for (const r of config.repos) {
    entries.set(r.name, {
      repo: r.name,
      direction: r.direction,
      state: "unknown",
      refs: NO_REFS,
      checked_at: null,
      in_sync_at: null,
      check_error: null,
      last_job: null,
    });
  }
  const update = (repo: string, change: (old: RepoSnapshot) => Partial<RepoSnapshot>) => {
    const old = entries.get(repo);
    if (old) entries.set(repo, { ...old, ...change(old) });
  };

  return {
    list: () => [...entries.values()],
    get: (repo) => entries.get(repo),
    recordCheck(status, at) {
      const iso = at.toISOString();
      const by = (s: RefState) => status.refs.filter((r) => r.state === s).map((r) => r.ref);
      update(status.repo, (old) => ({
        state: status.state,
        refs: { behind: by("behind"), ahead: by("ahead"), diverged: by("diverged") },
        checked_at: iso,
        in_sync_at: status.state === "in_sync" ? iso : old.in_sync_at,
        check_error: null,
      }));
    },
    recordCheckError(repo, error, at) {
      update(repo, () => ({ state: "unknown", refs: NO_REFS, checked_at: at.toISOString(), check_error: redact(error) }));
    },
    recordJob(job) {
      const repo = repos.get(job.request.repo);
      if (!repo) return;
      const last: LastJob = {
        id: job.id,
        state: job.state,
        source: job.request.source,
        finished_at: job.finished_at ?? null,
        duration_ms: job.result?.duration_ms ?? null,
        error: job.error === undefined ? null : redact(job.error),
      };
      update(repo.name, (old) => ({ last_job: last, ...confirmedBy(job, repo, old) }));
    },
  };
}

/**
 * What a finished job proves about both sides. Only a whole-repo sync in the repo's own direction
 * that succeeded with no ref left diverged, rejected or held back can say "in sync"; a job that
 * left refs diverged says which. Anything else leaves the comparison to the next sweep.
 */
function confirmedBy(job: Job, repo: RepoConfig, old: RepoSnapshot): Partial<RepoSnapshot> {
  const refs = job.result?.refs;
  if (!refs || job.request.ref !== undefined) return {};
  if (job.request.direction !== undefined && job.request.direction !== "auto" && repo.direction === "bidirectional") return {};
  const at = job.finished_at ?? new Date().toISOString();
  const diverged = refs.filter((r) => r.action === "diverged").map((r) => r.ref);
  if (diverged.length > 0) return { state: "diverged", refs: { ...old.refs, diverged }, checked_at: at, check_error: null };
  const heldBack = refs.some((r) =>
    r.action === "rejected" || (r.action === "filtered" && r.from !== r.to && scopeReason(repo, r.ref) === undefined)
  );
  if (job.state !== "succeeded" || heldBack) return {};
  return { state: "in_sync", refs: NO_REFS, checked_at: at, in_sync_at: at, check_error: null };
}
