// The queue's scheduler: which queued job runs when (one sync per repo, at most `concurrency` at
// all, retries when their time comes), what an attempt's outcome does to the job, and stopping
// at shutdown. Enqueueing and the journal's replay live in queue.ts.
import { isTransient } from "../errors.ts";
import { backoffDelay, type BackoffOptions } from "./backoff.ts";
import type { JobStore } from "./job-store.ts";
import { errorText, resultState } from "./outcome.ts";
import type { QueueLog, QueueTimers } from "./queue-api.ts";
import { ShutdownAbortError } from "./queue-errors.ts";
import type { Job, RunSync } from "./types.ts";

export interface RunnerOptions {
  run: RunSync;
  redact: (text: string) => string;
  log: QueueLog;
  now: () => Date;
  timers: QueueTimers;
  random: () => number;
  concurrency: number;
  maxAttempts: number;
  backoff: BackoffOptions;
  /** How long stop() waits for aborted syncs to stop. */
  abortGraceMs: number;
  store: JobStore;
  /** Journals the job's whole state. */
  persist: (job: Job) => Promise<void>;
  /** Once per job that reaches succeeded, partial or failed, after that record is durable. */
  finished: (job: Job) => void;
}

export interface Runner {
  /** The queued job that later requests for `repo` fold into, if any. */
  openJob(repo: string): Job | undefined;
  /** Queues a job as the repo's open one; a held job does not start before release(job). */
  add(job: Job, held?: boolean): void;
  release(job: Job): void;
  /** Starts every queued job that may run now. */
  pump(): void;
  stats(): { queued: number; running: number };
  /** Starts nothing more; waits for running syncs until the deadline, then aborts them. */
  stop(deadlineMs: number): Promise<void>;
}

interface Running {
  job: Job;
  controller: AbortController;
  done: Promise<void>;
}

const noop = () => {};

export function createRunner(o: RunnerOptions): Runner {
  const { log, now, timers, store, persist } = o;
  const pending = new Set<Job>(); // queued jobs, in queue order
  const open = new Map<string, Job>(); // repo → the queued job later requests fold into
  const running = new Map<string, Running>(); // repo → its running sync
  const held = new Set<Job>();
  let stopped = false;
  let wake: { at: number; handle: unknown } | undefined;

  function arm(at: number): void {
    if (wake && wake.at <= at) return;
    if (wake) timers.clearTimeout(wake.handle);
    const handle = timers.setTimeout(() => {
      wake = undefined;
      pump();
    }, Math.max(1, at - now().getTime()));
    wake = { at, handle };
  }

  // A job starts when its repo is idle, its retry time has come and a slot is free.
  function pump(): void {
    if (stopped) return;
    const t = now().getTime();
    let next = Infinity;
    for (const job of pending) {
      if (running.size >= o.concurrency) break;
      if (running.has(job.request.repo) || held.has(job)) continue;
      const due = job.next_attempt_at ? Date.parse(job.next_attempt_at) : 0;
      if (due > t) next = Math.min(next, due);
      else start(job);
    }
    if (next !== Infinity) arm(next);
  }

  /** Back in the queue after an attempt; a follow-up that is already waiting stays the open job. */
  function requeue(job: Job): void {
    job.state = "queued";
    pending.add(job);
    if (!open.has(job.request.repo)) open.set(job.request.repo, job);
  }

  function start(job: Job): void {
    const repo = job.request.repo;
    pending.delete(job);
    if (open.get(repo) === job) open.delete(repo); // later requests queue a follow-up
    job.state = "running";
    job.attempts += 1;
    job.started_at = now().toISOString();
    delete job.next_attempt_at;
    // Not awaited: if this record is lost in a crash, the attempt is simply not counted.
    persist(job).catch(noop);
    const controller = new AbortController();
    const entry: Running = { job, controller, done: Promise.resolve() };
    running.set(repo, entry);
    entry.done = attempt(entry).catch((err) =>
      log.error("queue: internal error after a sync", { job: job.id, repo, error: o.redact(errorText(err)) })
    );
  }

  async function attempt({ job, controller }: Running): Promise<void> {
    const repo = job.request.repo;
    let result: Awaited<ReturnType<RunSync>> | undefined;
    let failure: unknown;
    let threw = false;
    try {
      // Called on a later microtask, so even a synchronous throw settles outside pump()'s loop.
      result = await Promise.resolve().then(() => o.run({ ...job.request }, controller.signal));
      if (!Array.isArray(result?.refs)) throw new Error("the sync engine returned no per-ref result");
    } catch (err) {
      threw = true;
      failure = err;
    }
    running.delete(repo);

    if (threw && controller.signal.aborted) {
      // Stopped by stop(): not a failure. The job stays queued for the next process.
      job.attempts -= 1;
      requeue(job);
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
      job.error = o.redact(errorText(failure));
      if (isTransient(failure) && job.attempts < o.maxAttempts) {
        const delay = backoffDelay(job.attempts, o.backoff, o.random);
        requeue(job);
        job.next_attempt_at = new Date(now().getTime() + delay).toISOString();
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
    job.finished_at = now().toISOString();
    store.finish(job);
    const durable = persist(job).catch(noop);
    pump(); // the next sync starts while this record syncs
    await durable;
    if (job.state === "failed") {
      log.error("queue: sync failed", { job: job.id, repo, attempts: job.attempts, error: job.error });
    }
    o.finished(job);
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

  return {
    openJob: (repo) => open.get(repo),
    add(job, hold = false) {
      pending.add(job);
      open.set(job.request.repo, job);
      if (hold) held.add(job);
    },
    release(job) {
      held.delete(job);
      pump();
    },
    pump,
    stats: () => ({ queued: pending.size, running: running.size }),
    async stop(deadlineMs) {
      stopped = true;
      if (wake) timers.clearTimeout(wake.handle);
      wake = undefined;
      if (running.size === 0 || (await settleWithin(deadlineMs))) return;
      const reason = new ShutdownAbortError(deadlineMs);
      log.warn("queue: aborting syncs still running at the shutdown deadline", {
        jobs: [...running.values()].map((r) => r.job.id),
      });
      for (const r of running.values()) r.controller.abort(reason);
      if (!(await settleWithin(o.abortGraceMs))) {
        log.error("queue: syncs ignored the abort; their jobs stay queued in the journal", {
          jobs: [...running.values()].map((r) => r.job.id),
        });
      }
    },
  };
}
