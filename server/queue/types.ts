// The one funnel: every trigger (webhook, retry API, hook, SQS, Slack, reconcile) becomes a
// SyncRequest, goes through one queue, and ends as a Job with a final state.
import type { Direction } from "../config/types.ts";
import type { SyncResult } from "../mirror/sync.ts";

export type Trigger = "github" | "gitlab" | "gitea" | "retry-api" | "hook" | "sqs" | "slack" | "reconcile" | "cli" | "demo";

export interface SyncRequest {
  repo: string;
  /** undefined or "auto": the repo's own direction (both ways for bidirectional repos). */
  direction?: Direction | "auto";
  /** A single full ref; undefined = incremental catch-up of every ref. */
  ref?: string;
  /** What triggered it (shown in Slack: `Source: retry-api`). */
  source: Trigger;
  /** The sender's delivery id (X-GitHub-Delivery, Idempotency-Key, …) for duplicate detection. */
  deliveryId?: string;
  /** Who pushed, for logs only. */
  actor?: string;
  /**
   * Refs an approver chose to overwrite on the receiving side if they are diverged (Slack's
   * [Force from source]), like `on_divergence: force` for these refs only; the old tip is kept.
   */
  force?: string[];
}

export type JobState = "queued" | "running" | "succeeded" | "partial" | "failed";

export interface Job {
  id: string;
  request: SyncRequest;
  state: JobState;
  attempts: number;
  queued_at: string;
  started_at?: string;
  finished_at?: string;
  /** When a transient failure is retried: not before this time. */
  next_attempt_at?: string;
  /** Per-ref results of the last attempt. */
  result?: SyncResult;
  /** Redacted error text of the last failed attempt. */
  error?: string;
  /** Requests folded into this job while it waited (a burst collapses into one sync). */
  merged: number;
}

/** Runs one sync. Thrown errors are classified with isTransient() for retries. */
export type RunSync = (request: SyncRequest, signal: AbortSignal) => Promise<SyncResult>;
