// Distributed mode (`queue: {type: sqs}`): the same Queue the routes and triggers use, backed by an
// SQS FIFO queue that every replica sends to and consumes from, with job records in S3 so any
// replica answers GET /jobs/:id. A request is acknowledged once its record is written and its
// message is in SQS (durable there). Duplicate deliveries: the job id is derived from the delivery
// id, so a repeated delivery on any replica finds the same record (and SQS's 5-minute
// deduplication drops a second message with the same id).
import { createHash, randomUUID } from "node:crypto";
import type { DistributedQueueConfig } from "../../config/types.ts";
import { BridgeError } from "../../errors.ts";
import type { Timers } from "../../deps.ts";
import type { Logger } from "../../log.ts";
import { errorText } from "../outcome.ts";
import { QueueClosedError } from "../queue-errors.ts";
import type { EnqueueResult, Queue } from "../queue-api.ts";
import type { Job, RunSync, SyncRequest } from "../types.ts";
import { type FifoOps, fifoOps } from "./fifo-client.ts";
import { fifoWorker } from "./fifo-worker.ts";
import { type JobRecords, s3JobRecords } from "./job-records.ts";

/** SQS or S3 could not take the request: answer 503 so the sender retries. */
export class SharedQueueUnavailableError extends BridgeError {
  constructor(cause: string) {
    super("queue_unavailable", `the shared sync queue (SQS/S3) did not take the request (${cause}); send it again shortly`);
  }
}

export interface FifoQueueOptions {
  config: DistributedQueueConfig;
  run: RunSync;
  log: Logger;
  redact: (s: string) => string;
  timers: Timers;
  now: () => Date;
  concurrency: number;
  maxAttempts?: number;
  /** Names this process in job records (host:pid by default). */
  replica: string;
  ops?: FifoOps;
  records?: JobRecords;
}

export type FifoQueue = Queue & { lookup(id: string): Promise<Job | undefined> };

export async function createFifoQueue(o: FifoQueueOptions): Promise<FifoQueue> {
  const ops = o.ops ?? await fifoOps(o.config, (why) => o.log.warn(`queue(sqs): ${why}`));
  const records = o.records ?? await s3JobRecords(o.config.jobStore);
  const listeners = new Set<(job: Job) => unknown>();
  /** Jobs this replica accepted or ran, newest last (a window, for list()/stats()). */
  const local = new Map<string, Job>();
  const remember = (job: Job) => {
    local.delete(job.id);
    local.set(job.id, job);
    if (local.size > 1000) local.delete(local.keys().next().value!);
  };
  let open = true;
  const worker = fifoWorker({
    ops,
    records,
    run: o.run,
    log: o.log,
    redact: o.redact,
    timers: o.timers,
    now: o.now,
    replica: o.replica,
    concurrency: o.concurrency,
    maxAttempts: o.maxAttempts ?? 5,
    visibilityTimeoutSeconds: o.config.visibilityTimeoutSeconds,
    finished(job) {
      remember(job);
      for (const l of listeners) {
        try {
          void Promise.resolve(l(job)).catch(() => {});
        } catch {
          // a listener's failure is its own
        }
      }
    },
  });
  worker.start();
  const unavailable = (err: unknown) => new SharedQueueUnavailableError(o.redact(errorText(err)));

  return {
    distributed: true,
    async enqueue(request: SyncRequest): Promise<EnqueueResult> {
      if (!open) throw new QueueClosedError();
      const id = request.deliveryId === undefined
        ? randomUUID()
        : `d${createHash("sha256").update(`${request.repo}\0${request.deliveryId}`).digest("hex").slice(0, 40)}`;
      try {
        if (request.deliveryId !== undefined) {
          const existing = await records.get(id);
          if (existing) {
            // Re-send while still queued: the first attempt may have stored the record and then
            // failed to send (SQS drops the copy if the first one did arrive).
            if (existing.state === "queued") await ops.send(id, existing.request);
            return { status: "duplicate", jobId: id, job: existing };
          }
        }
        const job: Job = { id, request, state: "queued", attempts: 0, queued_at: o.now().toISOString(), merged: 0 };
        await records.put(job);
        await ops.send(id, request);
        remember(job);
        return { status: "accepted", jobId: id, job: { ...job } };
      } catch (err) {
        throw unavailable(err);
      }
    },
    get: (id) => local.get(id),
    lookup: async (id) => (await records.get(id)) ?? local.get(id),
    list: () => [...local.values()],
    stats() {
      let queued = 0;
      for (const j of local.values()) if (j.state === "queued") queued++;
      return { queued, running: worker.running() };
    },
    onFinished(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    isOpen: () => open,
    async close(opts = {}) {
      open = false;
      await worker.stop(opts.deadlineMs ?? 30_000);
      ops.destroy();
      records.destroy();
    },
  };
}
