// The embedded queue's public shape: what createQueue() takes and returns.
import type { BackoffOptions } from "./backoff.ts";
import type { JournalFs } from "./journal.ts";
import type { Job, RunSync, SyncRequest } from "./types.ts";

export interface QueueLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface QueueTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface QueueOptions {
  /** WORK_DIR/queue; the journal is dir/journal.jsonl. */
  dir: string;
  run: RunSync;
  redact: (text: string) => string;
  /** mirror.concurrency; default 4. */
  concurrency?: number;
  /** Attempts per job for transient errors; default 5. */
  maxAttempts?: number;
  /** Default 2000 ms base, 60000 ms cap, full jitter. */
  backoff?: BackoffOptions;
  now?: () => Date;
  random?: () => number;
  log?: QueueLog;
  /** Finished jobs kept with their results, in memory and journal; default 1000. */
  keepFinished?: number;
  /** Delivery ids remembered for duplicate detection; default 10,000. */
  keepDeliveries?: number;
  /** Compact the journal when it passes this size (and has doubled); default 8 MiB. */
  compactAtBytes?: number;
  /** How long close() waits for aborted syncs to stop before it closes the journal anyway; default 5000 ms. */
  abortGraceMs?: number;
  timers?: QueueTimers;
  fs?: JournalFs;
  newId?: () => string;
}

export interface EnqueueResult {
  status: "accepted" | "duplicate";
  jobId: string;
  /** A copy of the job, made when first read. */
  readonly job: Job;
}

export interface Queue {
  /** Resolves once the request is journaled (written and synced). */
  enqueue(request: SyncRequest): Promise<EnqueueResult>;
  get(id: string): Job | undefined;
  /** Active jobs and the finished window, oldest first. */
  list(): Job[];
  stats(): { queued: number; running: number };
  /** Called once per job that reaches succeeded, partial or failed. Returns an unsubscribe. */
  onFinished(listener: (job: Job) => unknown): () => void;
  isOpen(): boolean;
  /**
   * Distributed mode: accepted requests are durable in SQS and may run on another replica, so
   * onFinished() sees only the jobs this replica ran (server/queue/sqs-fifo).
   */
  readonly distributed?: boolean;
  /** Stops intake, waits for running syncs until the deadline, aborts the rest (they stay queued). */
  close(opts?: { deadlineMs?: number }): Promise<void>;
}
