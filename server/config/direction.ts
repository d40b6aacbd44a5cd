// Which way a sync of a repo flows: the one rule set behind the CLI, the retry API, the Slack
// command, webhooks and post-receive hooks. A one-way repo never syncs the other way, whatever
// asks; the message is the same wherever the refusal comes from.
import type { Direction, RepoConfig, Side } from "./types.ts";

export const DIRECTIONS = ["source-to-target", "target-to-source", "auto"] as const;
export type RequestedDirection = Direction | "auto";

export function isRequestedDirection(v: unknown): v is RequestedDirection {
  return typeof v === "string" && (DIRECTIONS as readonly string[]).includes(v);
}

/** Refs that changed on `side` flow away from it. */
export const directionFrom = (side: Side): Direction => side === "source" ? "source-to-target" : "target-to-source";

/** Why `repo` can never sync `direction`, or undefined when it can. */
export function oneWayProblem(repo: Pick<RepoConfig, "name" | "direction">, direction: Direction): string | undefined {
  if (repo.direction === "bidirectional" || repo.direction === direction) return undefined;
  return `repo ${repo.name} mirrors ${repo.direction} only; it cannot sync ${direction}`;
}

/**
 * A sync's direction (CLI `sync`, the engine): absent or auto = every way the repo allows
 * (undefined: both ways for a bidirectional repo, decided per ref).
 */
export function syncDirection(repo: RepoConfig, requested: RequestedDirection | undefined): { direction: Direction | undefined } | { error: string } {
  if (!requested || requested === "auto") return { direction: repo.direction === "bidirectional" ? undefined : repo.direction };
  const problem = oneWayProblem(repo, requested);
  return problem ? { error: problem } : { direction: requested };
}

/**
 * A retry's direction (retry API, Slack): explicit, then `retry_direction`, then target-to-source
 * for bidirectional repos (the Go bridge's rule: a retry repairs the mirror), else the repo's own.
 */
export function retryDirection(repo: RepoConfig, requested: RequestedDirection | undefined): { direction: Direction } | { error: string } {
  const direction: Direction = requested && requested !== "auto"
    ? requested
    : repo.retryDirection ?? (repo.direction === "bidirectional" ? "target-to-source" : repo.direction);
  const problem = oneWayProblem(repo, direction);
  return problem ? { error: problem } : { direction };
}

/** Where a change on `side` (a webhook from it, a hook installed on it) flows. */
export function pushDirection(repo: RepoConfig, side: Side): { direction: Direction } | { error: string } {
  const direction = directionFrom(side);
  const problem = oneWayProblem(repo, direction);
  return problem ? { error: `${problem}: changes on its ${side} are not mirrored` } : { direction };
}
