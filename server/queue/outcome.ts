// Pure rules of the queue: how a request folds into a waiting job, and what a sync's outcome means.
import type { SyncResult } from "../mirror/sync.ts";
import type { JobState, SyncRequest } from "./types.ts";

/** "auto" and absent mean the same thing: the repo's own direction. */
const sameDirection = (a: SyncRequest["direction"], b: SyncRequest["direction"]) =>
  (a === "auto" ? undefined : a) === (b === "auto" ? undefined : b);

/**
 * Folds a later request into a waiting one. Different refs widen to a full catch-up (ref
 * undefined), different directions to the repo's own direction; the first request's source, actor
 * and delivery id stay (they name the job in Slack).
 */
export function mergeRequests(waiting: SyncRequest, later: SyncRequest): SyncRequest {
  const sameRef = waiting.ref === later.ref;
  const sameDir = sameDirection(waiting.direction, later.direction);
  // An approved force names its refs, so it stays approved for exactly those whatever it joins.
  const force = later.force?.length ? [...new Set([...(waiting.force ?? []), ...later.force])] : waiting.force;
  if (sameRef && sameDir && force === waiting.force) return waiting; // the usual burst: nothing to widen, nothing to copy
  const { ref, direction, force: _f, ...out } = waiting as SyncRequest;
  const merged: SyncRequest = out;
  if (sameRef && ref !== undefined) merged.ref = ref;
  if (sameDir && direction !== undefined) merged.direction = direction;
  if (force?.length) merged.force = force;
  return merged;
}

/** Divergence and host rejections are results to report, not failures to retry. */
export function resultState(result: SyncResult): JobState {
  const bad = result.refs.some((r) => r.action === "diverged" || r.action === "rejected");
  return bad ? "partial" : "succeeded";
}

/** The text of a thrown value, before redaction. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message || err.name : String(err);
}
