// The consuming half of the distributed queue: every replica long-polls the FIFO queue and runs
// the syncs it receives. SQS does the coordination: while a replica holds a message of group
// <repo> (visibility extended by a heartbeat), SQS delivers no other message of that group to
// anyone, so one repo never syncs twice at once across replicas, in order. Messages of one group
// received together cost one sync. A replica that dies (kill -9) stops its heartbeat; its messages
// become visible after the visibility timeout and another replica runs them.
import { isTransient } from "../../errors.ts";
import type { Timers } from "../../deps.ts";
import type { Logger } from "../../log.ts";
import { backoffDelay } from "../backoff.ts";
import { errorText, mergeRequests, resultState } from "../outcome.ts";
import type { Job, RunSync, SyncRequest } from "../types.ts";
import type { FifoMessage, FifoOps } from "./fifo-client.ts";
import type { JobRecord, JobRecords, RepoMark } from "./job-records.ts";

export interface WorkerOptions {
  ops: FifoOps;
  records: JobRecords;
  run: RunSync;
  log: Logger;
  redact: (s: string) => string;
  timers: Timers;
  now: () => Date;
  replica: string;
  concurrency: number;
  maxAttempts: number;
  visibilityTimeoutSeconds: number;
  /** A job reached succeeded, partial or failed on this replica. */
  finished: (job: Job) => void;
}

export interface Worker {
  start(): void;
  /** Stops receiving; syncs still running at the deadline are aborted and their messages released. */
  stop(deadlineMs: number): Promise<void>;
  running(): number;
}

interface Batch {
  messages: FifoMessage[];
  controller: AbortController;
  done: Promise<void>;
}

export function fifoWorker(o: WorkerOptions): Worker {
  const abort = new AbortController();
  const batches = new Set<Batch>();
  let loop: Promise<void> | undefined;
  let slot: () => void = () => {};
  let failures = 0;
  const errorOf = (err: unknown) => o.redact(errorText(err));

  async function poll() {
    while (!abort.signal.aborted) {
      if (batches.size >= o.concurrency) {
        await new Promise<void>((r) => (slot = r));
        continue;
      }
      let messages: FifoMessage[];
      try {
        messages = await o.ops.receive(o.concurrency - batches.size, abort.signal);
        failures = 0;
      } catch (err) {
        if (abort.signal.aborted) break;
        failures++;
        if (failures === 1 || failures % 10 === 0) o.log.warn("queue(sqs): cannot receive; retrying", { failures, error: errorOf(err) });
        await new Promise<void>((r) => o.timers.setTimeout(() => r(), Math.max(100, backoffDelay(failures, { baseMs: 1000, maxMs: 30_000 }, Math.random))));
        continue;
      }
      const groups = new Map<string, FifoMessage[]>();
      for (const m of messages) groups.set(m.group, [...(groups.get(m.group) ?? []), m]);
      for (const group of groups.values()) {
        const batch: Batch = { messages: group, controller: new AbortController(), done: Promise.resolve() };
        batches.add(batch);
        batch.done = runBatch(batch)
          .catch((err) => o.log.error("queue(sqs): internal error after a sync", { error: errorOf(err) }))
          .finally(() => {
            batches.delete(batch);
            slot();
          });
      }
    }
  }

  async function runBatch(batch: Batch): Promise<void> {
    const { messages } = batch;
    let beating = true; // a heartbeat still on the wire when its message is deleted fails harmlessly
    const beat = o.timers.setInterval(() => {
      for (const m of messages) {
        o.ops.setVisibility(m.receipt, o.visibilityTimeoutSeconds).catch((err) => {
          if (beating) o.log.warn("queue(sqs): visibility heartbeat failed", { job: m.jobId, error: errorOf(err) });
        });
      }
    }, Math.max(200, (o.visibilityTimeoutSeconds * 1000) / 3));
    const stopBeat = () => {
      beating = false;
      o.timers.clearInterval(beat);
    };
    try {
      const jobs: JobRecord[] = [];
      for (const m of messages) {
        const stored = await o.records.get(m.jobId);
        const job: JobRecord = stored ?? { id: m.jobId, request: m.request, state: "queued", attempts: 0, queued_at: o.now().toISOString(), merged: 0 };
        // A final record with its message still here: the replica that finished it died before
        // the delete. Nothing to run again.
        if (job.state === "succeeded" || job.state === "partial" || job.state === "failed") await o.ops.delete(m.receipt);
        else jobs.push(job);
      }
      if (jobs.length === 0) return;
      await finishCovered(messages, jobs);
      if (jobs.length === 0) return;
      const receipts = messages.filter((m) => jobs.some((j) => j.id === m.jobId));
      // SQS received every message of this batch before the sync below starts: a later message of
      // the group sent before the latest of these receives was sent after its push, so this sync
      // fetches that push too (both times on SQS's clock, none on ours).
      const receivedAt = Math.max(...receipts.map((m) => m.firstReceivedAt));
      let request: SyncRequest = jobs[0].request;
      for (const j of jobs.slice(1)) request = mergeRequests(request, j.request);
      const started = o.now().toISOString();
      for (const j of jobs) {
        j.state = "running";
        j.attempts += 1;
        j.started_at = started;
        j.replica = o.replica;
        delete j.next_attempt_at;
        delete j.finished_at;
      }
      jobs[0].merged = jobs.length - 1;
      await Promise.all(jobs.map((j) => o.records.put(j)));
      o.log.info("queue(sqs): sync started", { repo: request.repo, jobs: jobs.map((j) => j.id), replica: o.replica });

      let result: Awaited<ReturnType<RunSync>> | undefined;
      let failure: unknown;
      try {
        result = await o.run({ ...request }, batch.controller.signal);
      } catch (err) {
        failure = err ?? new Error("sync failed");
      }
      if (failure !== undefined && batch.controller.signal.aborted) {
        // Shutdown: not an attempt. The jobs go back to queued and the messages to the queue now.
        for (const j of jobs) {
          j.state = "queued";
          j.attempts -= 1;
        }
        await Promise.all(jobs.map((j) => o.records.put(j))).catch(() => {});
        await Promise.all(receipts.map((m) => o.ops.setVisibility(m.receipt, 0).catch(() => {})));
        o.log.info("queue(sqs): sync stopped at shutdown; released for another replica", { repo: request.repo });
        return;
      }
      const finishedAt = o.now().toISOString();
      const retry = failure !== undefined && isTransient(failure) && jobs.every((j) => j.attempts < o.maxAttempts);
      for (const j of jobs) {
        if (failure === undefined) {
          j.result = result;
          j.state = resultState(result!);
          delete j.error;
        } else {
          delete j.result;
          j.error = errorOf(failure);
          j.state = retry ? "queued" : "failed";
        }
        if (!retry) j.finished_at = finishedAt;
      }
      if (retry) {
        const delayMs = backoffDelay(jobs[0].attempts, { baseMs: 2000, maxMs: 60_000 }, Math.random);
        for (const j of jobs) j.next_attempt_at = new Date(o.now().getTime() + delayMs).toISOString();
        await Promise.all(jobs.map((j) => o.records.put(j)));
        stopBeat();
        await Promise.all(receipts.map((m) => o.ops.setVisibility(m.receipt, Math.ceil(delayMs / 1000))));
        o.log.warn("queue(sqs): sync failed, will retry", { repo: request.repo, attempts: jobs[0].attempts, error: jobs[0].error });
        return;
      }
      // Record first, then delete: a crash in between re-delivers a message whose record is final.
      await Promise.all(jobs.map((j) => o.records.put(j)));
      if (jobs[0].state === "succeeded" && Number.isFinite(receivedAt)) {
        const mark: RepoMark = { received_at: receivedAt };
        if (request.ref !== undefined) mark.ref = request.ref;
        if (request.direction !== undefined && request.direction !== "auto") mark.direction = request.direction;
        await o.records.putMark(request.repo, mark).catch((err) =>
          o.log.warn("queue(sqs): could not record the repo's last sync", { repo: request.repo, error: errorOf(err) })
        );
      }
      stopBeat();
      await Promise.all(receipts.map((m) => o.ops.delete(m.receipt)));
      for (const j of jobs) o.finished(j);
      if (jobs[0].state === "failed") o.log.error("queue(sqs): sync failed", { repo: request.repo, error: jobs[0].error });
    } finally {
      stopBeat();
    }
  }

  /**
   * Jobs the repo's last successful sync already covered (their message was sent before that
   * sync's messages were received, and it synced their ref and direction or everything) finish
   * without a sync of their own: a burst for one repo costs one sync, whichever replicas take it.
   * Removes them from `jobs`.
   */
  async function finishCovered(messages: FifoMessage[], jobs: JobRecord[]): Promise<void> {
    const mark = await o.records.getMark(jobs[0].request.repo).catch(() => undefined);
    if (!mark) return;
    const now = o.now().toISOString();
    for (const m of messages) {
      const i = jobs.findIndex((j) => j.id === m.jobId);
      if (i < 0) continue;
      const j = jobs[i];
      const dir = j.request.direction === "auto" ? undefined : j.request.direction;
      const covered = m.sentAt < mark.received_at && (mark.ref === undefined || mark.ref === j.request.ref) &&
        (mark.direction === undefined || mark.direction === dir);
      if (!covered) continue;
      jobs.splice(i, 1);
      Object.assign(j, { state: "succeeded", started_at: now, finished_at: now, replica: o.replica, covered: true });
      await o.records.put(j);
      await o.ops.delete(m.receipt);
    }
  }

  return {
    start() {
      loop = poll();
    },
    async stop(deadlineMs) {
      abort.abort();
      slot();
      await loop;
      if (batches.size === 0) return;
      let timer: unknown;
      const deadline = new Promise<void>((r) => (timer = o.timers.setTimeout(r, deadlineMs)));
      await Promise.race([Promise.all([...batches].map((b) => b.done)), deadline]);
      o.timers.clearTimeout(timer);
      for (const b of batches) b.controller.abort();
      await Promise.all([...batches].map((b) => b.done));
    },
    running: () => batches.size,
  };
}
