// The one parser for "sync this repo (this ref, this way)": the retry API's JSON body, the CLI's
// `sync` arguments and the Slack `/gitbridge retry` command all become `{repo, ref?, direction?}`
// and go through here, so the same input gets the same answer and the same error everywhere.
import { type Direction, type RepoConfig } from "../config/types.ts";
import { DIRECTIONS, isRequestedDirection, retryDirection, syncDirection } from "../config/direction.ts";
import { closestRepoNames, repoNamed, unknownRepoMessage } from "../config/find-repo.ts";
import type { Config } from "../config/types.ts";
import { refFormatProblem } from "../mirror/refname.ts";

export interface RetryInput {
  repo?: unknown;
  ref?: unknown;
  direction?: unknown;
}

export interface ParsedRetry {
  repo: RepoConfig;
  /** undefined only for the `sync` policy on a bidirectional repo without a direction: both ways. */
  direction: Direction | undefined;
  ref?: string;
}

export type RetryParse =
  | { ok: true; value: ParsedRetry }
  /** `field` says which input was wrong; `closest` lists near repo names for an unknown repo. */
  | { ok: false; field: "body" | "repo" | "direction" | "ref"; error: string; closest?: string[] };

/**
 * `policy` picks the default direction: "retry" (API, Slack) repairs the mirror the way
 * retry_direction says; "sync" (CLI) syncs every way the repo allows.
 */
export function parseRetryRequest(config: Pick<Config, "repos">, input: unknown, policy: "retry" | "sync" = "retry"): RetryParse {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { ok: false, field: "body", error: "the body must be a JSON object" };
  }
  const { repo: name, direction, ref } = input as RetryInput;
  if (typeof name !== "string" || name.trim() === "") {
    return { ok: false, field: "repo", error: "repo is required: the repo's name in config.yaml" };
  }
  const repo = repoNamed(config, name);
  if (!repo) return { ok: false, field: "repo", error: unknownRepoMessage(config, name), closest: closestRepoNames(config, name) };
  if (direction !== undefined && !isRequestedDirection(direction)) {
    return { ok: false, field: "direction", error: `direction must be one of ${DIRECTIONS.join(", ")}` };
  }
  const resolved = policy === "retry" ? retryDirection(repo, direction) : syncDirection(repo, direction);
  if ("error" in resolved) return { ok: false, field: "direction", error: resolved.error };
  if (ref !== undefined && (typeof ref !== "string" || refFormatProblem(ref))) {
    return {
      ok: false,
      field: "ref",
      error: `ref must be a full ref name such as refs/tags/v1.0.0 (${typeof ref === "string" ? refFormatProblem(ref) : "not a string"})`,
    };
  }
  return { ok: true, value: { repo, direction: resolved.direction, ...(ref !== undefined ? { ref: ref as string } : {}) } };
}
