// The read API over the snapshot that every reader shares (GET /status, the page, the Slack
// status command): repos with their lag, counts by state, and the queue's depth. Pure.
import { REPO_STATES, type RepoSnapshot, type RepoState, type StatusSnapshot } from "./snapshot.ts";

export interface RepoView extends RepoSnapshot {
  /** Seconds since both sides were last seen equal (0 when in sync now); null = never seen equal. */
  lag_seconds: number | null;
}

export interface StatusView {
  generated_at: string;
  queue: { queued: number; running: number };
  counts: Record<RepoState, number>;
  /** Only the repos the filter asked for; counts always cover all. */
  repos: RepoView[];
}

export interface StatusSources {
  snapshot: StatusSnapshot;
  queueStats(): { queued: number; running: number };
  now(): Date;
}

export function statusView(src: StatusSources, states?: readonly RepoState[]): StatusView {
  const now = src.now();
  const all = src.snapshot.list();
  const counts = Object.fromEntries(REPO_STATES.map((s) => [s, 0])) as Record<RepoState, number>;
  for (const r of all) counts[r.state]++;
  const repos = all
    .filter((r) => !states || states.length === 0 || states.includes(r.state))
    .map((r) => ({ ...r, lag_seconds: lagSeconds(r, now) }));
  return { generated_at: now.toISOString(), queue: src.queueStats(), counts, repos };
}

function lagSeconds(r: RepoSnapshot, now: Date): number | null {
  if (r.state === "in_sync") return 0;
  if (!r.in_sync_at) return null;
  return Math.max(0, Math.round((now.getTime() - Date.parse(r.in_sync_at)) / 1000));
}

/** `?state=behind,diverged` (repeatable). Unknown names are an error that lists the valid ones. */
export function parseStateFilter(values: string[]): { states: RepoState[] } | { error: string } {
  const states: RepoState[] = [];
  for (const part of values.flatMap((v) => v.split(",")).map((s) => s.trim()).filter(Boolean)) {
    if (!(REPO_STATES as readonly string[]).includes(part)) {
      return { error: `unknown state ${JSON.stringify(part.slice(0, 40))}: use one or more of ${REPO_STATES.join(", ")}` };
    }
    if (!states.includes(part as RepoState)) states.push(part as RepoState);
  }
  return { states };
}
