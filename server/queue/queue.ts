// The embedded queue: every SyncRequest is journaled before it is acknowledged, requests for a repo
// that is already waiting fold into that job, one sync per repo runs at a time, at most
// `concurrency` syncs run at all, transient failures retry with backoff, and a restart picks up
// every acknowledged job that had not finished.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { isTransient } from "../errors.ts";
import { backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts";
import { JobStore } from "./job-store.ts";
import { defaultJournalFs, openJournal, readJournal } from "./journal.ts";
import { errorText, mergeRequests, resultState } from "./outcome.ts";
import { QueueClosedError, QueueUnavailableError, ShutdownAbortError } from "./queue-errors.ts";
import type { EnqueueResult, Queue, QueueLog, QueueOptions, QueueTimers } from "./queue-api.ts";
import type { Job, RunSync, SyncRequest } from "./types.ts";

export type { EnqueueResult, Queue, QueueLog, QueueOptions, QueueTimers };

interface Running {
  job: Job;
  controller: AbortController;
  done: Promise<void>;
}

const silent: QueueLog = { info() {}, warn() {}, error() {} };
const noop = () => {};
// Jobs are handed out as copies: callers cannot change the queue's state by accident.
const view = (job: Job): Job => structuredClone(job);

export async function createQueue(opts: QueueOptions): Promise<Queue> {
  const now = opts.now ?? (() => new Date());
  const iso = () => now().toISOString();
  const random = opts.random ?? Math.random;
  const log = opts.log ?? silent;
  const timers: QueueTimers = opts.timers ??
    {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    };
  const concurrency = atLeast(1, opts.concurrency, 4);
  const maxAttempts = atLeast(1, opts.maxAttempts, 5);
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
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
  const pending = new Set<Job>(); // queued jobs, in queue order
  const open = new Map<string, Job>(); // repo → the queued job later requests fold into
  const running = new Map<string, Running>(); // repo → its running sync
  for (const job of store.settleReplay()) {
    if (job.state === "running") {
      log.info("queue: re-queued a sync interrupted by a restart", { job: job.id, repo: job.request.repo });
    }
    job.state = "queued";
    pending.add(job);
    open.set(job.request.repo, job); // creation order: the newest queued job of a repo is the open one
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
  if (pending.size > 0) log.info("queue: resuming unfinished jobs", { count: pending.size });

  const listeners = new Set<(job: Job) => unknown>();
  let closed = false;
  let closing: Promise<void> | undefined;
  let wake: { at: number; handle: unknown } | undefined;

  const persist = (job: Job, deliveryId?: string) =>
    journal.append(deliveryId === undefined ? { k: "job", job } : { k: "job", job, d: deliveryId });

  function arm(at: number): void {
    if (wake && wake.at <= at) return;
    if (wake) timers.clearTimeout(wake.handle);
    const handle = timers.setTimeout(() => {
      wake = undefined;
      pump();
    }, Math.max(1, at - now().getTime()));
    wake = { at, handle };
  }

  // Starts every queued job that may run now: its repo idle, its retry time reached, a slot free.
  function pump(): void {
    if (closed) return;
    const t = now().getTime();
    let next = Infinity;
    for (const job of pending) {
      if (running.size >= concurrency) break;
      if (running.has(job.request.repo)) continue;
      const due = job.next_attempt_at ? Date.parse(job.next_attempt_at) : 0;
      if (due > t) next = Math.min(next, due);
      else start(job);
    }
    if (next !== Infinity) arm(next);
  }

  function start(job: Job): void {
    const repo = job.request.repo;
    pending.delete(job);
    if (open.get(repo) === job) open.delete(repo); // later requests queue a follow-up
    job.state = "running";
    job.attempts += 1;
    job.started_at = iso();
    delete job.next_attempt_at;
    // Not awaited: if this record is lost in a crash, the attempt is simply not counted.
    persist(job).catch(noop);
    const controller = new AbortController();
    const entry: Running = { job, controller, done: Promise.resolve() };
    running.set(repo, entry);
    entry.done = attempt(entry).catch((err) =>
      log.error("queue: internal error after a sync", {
        job: job.id,
        repo,
        error: opts.redact(errorText(err)),
      })
    );
  }

  async function attempt({ job, controller }: Running): Promise<void> {
    const repo = job.request.repo;
    let result: Awaited<ReturnType<RunSync>> | undefined;
    let failure: unknown;
    let threw = false;
    try {
      // Called on a later microtask, so even a synchronous throw settles outside pump()'s loop.
      result = await Promise.resolve().then(() => opts.run({ ...job.request }, controller.signal));
      if (!Array.isArray(result?.refs)) throw new Error("the sync engine returned no per-ref result");
    } catch (err) {
      threw = true;
      failure = err;
    }
    running.delete(repo);

    if (threw && controller.signal.aborted) {
      // Stopped by close(): not a failure. The job stays queued for the next process.
      job.state = "queued";
      job.attempts -= 1;
      pending.add(job);
      if (!open.has(repo)) open.set(repo, job);
      await persist(job).catch(noop);
      log.info("queue: sync stopped at shutdown; it runs again after the restart", { job: job.id, repo });
      return;
    }
    if (!threw) {
      job.result = result;
      job.state = resultState(result!);
      delete job.error;
    } else {
      delete job.result;
      job.error = opts.redact(errorText(failure));
      if (isTransient(failure) && job.attempts < maxAttempts) {
        const delay = backoffDelay(job.attempts, backoff, random);
        job.state = "queued";
        job.next_attempt_at = new Date(now().getTime() + delay).toISOString();
        pending.add(job);
        if (!open.has(repo)) open.set(repo, job); // else a follow-up is already waiting: it runs first
        persist(job).catch(noop);
        log.warn("queue: sync failed, will retry", {
          job: job.id,
          repo,
          attempts: job.attempts,
          delay_ms: delay,
          error: job.error,
        });
        pump();
        return;
      }
      job.state = "failed";
    }
    job.finished_at = iso();
    store.finish(job);
    const durable = persist(job).catch(noop);
    pump(); // the next sync starts while this record syncs
    await durable;
    if (job.state === "failed") {
      log.error("queue: sync failed", { job: job.id, repo, attempts: job.attempts, error: job.error });
    }
    notify(job);
  }

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
      return { status: "duplicate", job: view(original) };
    }
    let job = open.get(req.repo);
    if (job) {
      job.request = mergeRequests(job.request, req);
      job.merged += 1;
      delete job.next_attempt_at; // a fresh event: the remote may be back, try now
    } else {
      job = { id: newId(), request: req, state: "queued", attempts: 0, queued_at: iso(), merged: 0 };
      store.add(job);
      pending.add(job);
      open.set(req.repo, job);
    }
    if (d !== undefined) store.remember(d, job.id);
    const durable = persist(job, d); // state first, then the record: a compaction's snapshot covers it
    pump();
    try {
      await durable;
    } catch (err) {
      throw new QueueUnavailableError(path, opts.redact(errorText(err)));
    }
    return { status: "accepted", job: view(job) };
  }

  async function settleWithin(ms: number): Promise<boolean> {
    let handle: unknown;
    const timeout = new Promise<false>((resolve) => {
      handle = timers.setTimeout(() => resolve(false), ms);
    });
    const all = Promise.allSettled([...running.values()].map((r) => r.done)).then(() => true);
    const settled = await Promise.race([all, timeout]);
    timers.clearTimeout(handle);
    return settled;
  }

  async function shutdown(deadlineMs: number): Promise<void> {
    if (running.size > 0 && !(await settleWithin(deadlineMs))) {
      const reason = new ShutdownAbortError(deadlineMs);
      log.warn("queue: aborting syncs still running at the shutdown deadline", {
        jobs: [...running.values()].map((r) => r.job.id),
      });
      for (const r of running.values()) r.controller.abort(reason);
      if (!(await settleWithin(opts.abortGraceMs ?? 5000))) {
        log.error("queue: syncs ignored the abort; their jobs stay queued in the journal", {
          jobs: [...running.values()].map((r) => r.job.id),
        });
      }
    }
    await journal.close();
  }

  timers.setTimeout(pump, 0); // after the caller has had a chance to register onFinished listeners

  return {
    enqueue,
    get: (id) => {
      const job = store.get(id);
      return job && view(job);
    },
    list: () => store.list().map(view),
    stats: () => ({ queued: pending.size, running: running.size }),
    onFinished(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    isOpen: () => !closed && !journal.failure(),
    close({ deadlineMs = 10_000 } = {}) {
      closed = true;
      if (wake) timers.clearTimeout(wake.handle);
      wake = undefined;
      closing ??= shutdown(deadlineMs);
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
  return out;
}
