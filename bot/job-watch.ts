// Callbacks for jobs the bot started (a /gitbridge retry, a button): run once when the queue says
// the job finished. Jobs merge in the queue, so several callbacks may wait on one job. In memory:
// after a restart the job still runs (it is journaled) and its notification still goes out; only
// the thread reply and the in-place update of the clicked message are lost.
import type { Job } from "../server/queue/types.ts";

export interface JobWatch {
  on(jobId: string, fn: (job: Job) => Promise<void> | void): void;
  finished(job: Job): Promise<void>;
}

export function jobWatch(log: { warn(msg: string, f?: Record<string, unknown>): void }): JobWatch {
  const waiting = new Map<string, Array<(job: Job) => Promise<void> | void>>();
  return {
    on(jobId, fn) {
      const list = waiting.get(jobId) ?? [];
      list.push(fn);
      waiting.set(jobId, list);
    },
    async finished(job) {
      const list = waiting.get(job.id);
      if (!list) return;
      waiting.delete(job.id);
      for (const fn of list) {
        try {
          await fn(job);
        } catch (err) {
          log.warn("slack: could not report a finished job", { job: job.id, error: String(err) });
        }
      }
    },
  };
}
