// The embedded queue: every SyncRequest is journaled before it is acknowledged, requests for a repo
// that is already waiting fold into that job, one sync per repo runs at a time, at most
// `concurrency` syncs run at all, transient failures retry with backoff, and a restart picks up
// every acknowledged job that had not finished. This file takes requests in and replays the
// journal; runner.ts decides what runs when.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { DEFAULT_BACKOFF } from "./backoff.ts";
import { JobStore, type JournalRecord } from "./job-store.ts";
import { Answer, view } from "./job-view.ts";
import { defaultJournalFs, openJournal, readJournal } from "./journal.ts";
import { errorText, mergeRequests } from "./outcome.ts";
import { QueueClosedError, QueueUnavailableError } from "./queue-errors.ts";
import type { EnqueueResult, Queue, QueueLog, QueueOptions, QueueTimers } from "./queue-api.ts";
import { createRunner } from "./runner.ts";
import type { Job, SyncRequest } from "./types.ts";

export type { EnqueueResult, Queue, QueueLog, QueueOptions, QueueTimers };

const silent: QueueLog = { info() {}, warn() {}, error() {} };

export async function createQueue(opts: QueueOptions): Promise<Queue> {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? silent;
  const timers: QueueTimers = opts.timers ??
    {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    };
  const newId = opts.newId ?? randomUUID;
  const fs = opts.fs ?? defaultJournalFs;
  const path = join(opts.dir, "journal.jsonl");

  // Replay: the last record of each job wins; anything unfinished runs again.
  const store = new JobStore({
    keepFinished: atLeast(1, opts.keepFinished, 1000),
    keepDeliveries: atLeast(0, opts.keepDeliveries, 10_000),
  });
  const records = await readJournal(
    path,
    fs,
    (line) => log.warn("queue journal: skipped a damaged line", { path, line }),
  );
  for (const r of records) {
    if (!store.apply(r)) log.warn("queue journal: skipped an unknown record", { path });
  }
  const unfinished = store.settleReplay();
  for (const job of unfinished) {
    if (job.state === "running") {
      log.info("queue: re-queued a sync interrupted by a restart", { job: job.id, repo: job.request.repo });
    }
    job.state = "queued"; // before the journal is compacted below
  }
  const journal = await openJournal({
    path,
    fs,
    snapshot: () => store.snapshot(),
    compactAtBytes: opts.compactAtBytes,
    onError: (err) =>
      log.error("queue journal write failed; the queue takes no more requests", {
        path,
        error: opts.redact(err.message),
      }),
  });
  const persist = (job: Job, deliveryId?: string) =>
    journal.append(deliveryId === undefined ? { k: "job", job } : { k: "job", job, d: deliveryId });

  const listeners = new Set<(job: Job) => unknown>();
  const runner = createRunner({
    run: opts.run,
    redact: opts.redact,
    log,
    now,
    timers,
    random: opts.random ?? Math.random,
    concurrency: atLeast(1, opts.concurrency, 4),
    maxAttempts: atLeast(1, opts.maxAttempts, 5),
    backoff: opts.backoff ?? DEFAULT_BACKOFF,
    abortGraceMs: opts.abortGraceMs ?? 5000,
    store,
    persist: (job) => persist(job),
    finished: notify,
  });
  for (const job of unfinished) runner.add(job); // creation order: the newest queued job of a repo is the open one
  if (unfinished.length > 0) log.info("queue: resuming unfinished jobs", { count: unfinished.length });

  let closed = false;
  let closing: Promise<void> | undefined;

  function notify(job: Job): void {
    const copy = view(job);
    for (const listener of listeners) {
      try {
        const out = listener(copy) as { catch?: unknown } | undefined;
        if (out && typeof out.catch === "function") {
          (out as Promise<unknown>).catch((err) =>
            log.warn("queue: an onFinished listener failed", { error: opts.redact(errorText(err)) })
          );
        }
      } catch (err) {
        log.warn("queue: an onFinished listener failed", { error: opts.redact(errorText(err)) });
      }
    }
  }

  async function enqueue(input: SyncRequest): Promise<EnqueueResult> {
    if (closed) throw new QueueClosedError();
    const broken = journal.failure();
    if (broken) throw new QueueUnavailableError(path, opts.redact(broken.message));
    if (typeof input?.repo !== "string" || input.repo === "") {
      throw new TypeError("enqueue: request.repo must be a non-empty string");
    }
    const req = cleanRequest(input);
    const d = req.deliveryId;

    const original = d === undefined ? undefined : store.byDelivery(d);
    if (original) {
      // The original may still be on its way to disk.
      await journal.flushed().catch((err) =>
        Promise.reject(new QueueUnavailableError(path, opts.redact(errorText(err))))
      );
      return new Answer("duplicate", original);
    }
    let job = runner.openJob(req.repo);
    let durable: Promise<void>;
    if (job) {
      const before = job.request;
      job.request = mergeRequests(before, req);
      job.merged += 1;
      delete job.next_attempt_at; // a fresh event: the remote may be back, try now
      if (d !== undefined) store.remember(d, job.id);
      // State first, then the record: a compaction's snapshot covers it. A small record, not the job.
      const changed = job.request.ref !== before.ref || job.request.direction !== before.direction ||
        job.request.force !== before.force;
      const rec: JournalRecord = { k: "add", j: job.id, n: job.merged };
      if (d !== undefined) rec.d = d;
      if (changed) rec.req = job.request;
      durable = journal.append(rec);
      runner.pump(); // it may have been waiting to retry
    } else {
      const created: Job = {
        id: newId(),
        request: req,
        state: "queued",
        attempts: 0,
        queued_at: now().toISOString(),
        merged: 0,
      };
      job = created;
      store.add(job);
      // Held until its first record is durable: a sync runs for acknowledged work only, and the
      // requests that arrive meanwhile (one group commit) fold into it.
      runner.add(job, true);
      if (d !== undefined) store.remember(d, job.id);
      durable = persist(job, d);
      // Runs before this call's own continuation, so the job has started when enqueue() resolves.
      const release = () => runner.release(created);
      durable.then(release, release);
    }
    try {
      await durable;
    } catch (err) {
      throw new QueueUnavailableError(path, opts.redact(errorText(err)));
    }
    return new Answer("accepted", job);
  }

  timers.setTimeout(runner.pump, 0); // after the caller has had a chance to register onFinished listeners

  return {
    enqueue,
    get: (id) => {
      const job = store.get(id);
      return job && view(job);
    },
    list: () => store.list().map(view),
    stats: runner.stats,
    onFinished(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    isOpen: () => !closed && !journal.failure(),
    close({ deadlineMs = 10_000 } = {}) {
      closed = true;
      closing ??= runner.stop(deadlineMs).then(() => journal.close());
      return closing;
    },
  };
}

function atLeast(min: number, value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) ? Math.max(min, Math.floor(value)) : fallback;
}

function cleanRequest(r: SyncRequest): SyncRequest {
  const out: SyncRequest = { repo: r.repo, source: r.source };
  if (r.direction !== undefined) out.direction = r.direction;
  if (r.ref !== undefined) out.ref = r.ref;
  if (r.deliveryId !== undefined) out.deliveryId = r.deliveryId;
  if (r.actor !== undefined) out.actor = r.actor;
  if (Array.isArray(r.force) && r.force.length > 0) out.force = [...r.force];
  return out;
}
