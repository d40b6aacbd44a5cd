// What `/gitbridge status` reads. Narrow on purpose: the live implementation below reads both
// sides' ref advertisements (server/mirror/status.ts) and the queue's job list; the reconcile
// snapshot implements the same interface from what it recorded, without any network call.
import type { Config, RepoConfig } from "../server/config/types.ts";
import type { BridgeDeps } from "../server/deps.ts";
import { repoStatus } from "../server/mirror/status.ts";
import type { Job, JobState } from "../server/queue/types.ts";

export type RepoSyncState = "in_sync" | "behind" | "ahead" | "diverged" | "unknown";

export interface RepoStatusView {
  repo: string;
  state: RepoSyncState;
  /** Refs per state (in_sync omitted), when known. */
  counts?: { behind: number; ahead: number; diverged: number };
  /** Why the state is unknown (a side could not be read), already redacted. */
  problem?: string;
  lastSync?: { at: string; state: JobState; jobId: string };
  /** The last failed job's error, already redacted. */
  lastError?: { at: string; text: string };
}

export interface StatusSource {
  /** Every configured repo, or only `repos` (names) when given, in config order. */
  list(repos?: string[]): Promise<RepoStatusView[]>;
  queueDepth(): { queued: number; running: number };
}

/** Advertisements are read this many repos at a time (60 repos must not open 120 git processes). */
const PARALLEL = 8;

export function liveStatusSource(deps: Pick<BridgeDeps, "config" | "git" | "resolveHost" | "queue" | "redact">): StatusSource {
  return {
    async list(names) {
      const repos = names ? deps.config.repos.filter((r) => names.includes(r.name)) : deps.config.repos;
      const jobs = deps.queue.list();
      const out: RepoStatusView[] = new Array(repos.length);
      let next = 0;
      const worker = async () => {
        while (next < repos.length) {
          const i = next++;
          out[i] = { ...(await liveState(deps, deps.config, repos[i])), ...lastJobs(jobs, repos[i].name) };
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL, repos.length) }, worker));
      return out;
    },
    queueDepth: () => deps.queue.stats(),
  };
}

async function liveState(
  deps: Pick<BridgeDeps, "git" | "resolveHost" | "redact">,
  config: Config,
  repo: RepoConfig,
): Promise<RepoStatusView> {
  try {
    const s = await repoStatus(deps, config, repo);
    const count = (state: string) => s.refs.filter((r) => r.state === state).length;
    return { repo: repo.name, state: s.state, counts: { behind: count("behind"), ahead: count("ahead"), diverged: count("diverged") } };
  } catch (err) {
    return { repo: repo.name, state: "unknown", problem: deps.redact(err instanceof Error ? err.message : String(err)) };
  }
}

/** The newest finished job of the repo and the newest failure, from the queue's window. */
export function lastJobs(jobs: Job[], repo: string): Pick<RepoStatusView, "lastSync" | "lastError"> {
  const out: Pick<RepoStatusView, "lastSync" | "lastError"> = {};
  for (let i = jobs.length - 1; i >= 0; i--) {
    const j = jobs[i];
    if (j.request.repo !== repo || !j.finished_at) continue;
    out.lastSync ??= { at: j.finished_at, state: j.state, jobId: j.id };
    if (j.state === "failed" && j.error) {
      out.lastError = { at: j.finished_at, text: j.error };
      break;
    }
  }
  return out;
}
