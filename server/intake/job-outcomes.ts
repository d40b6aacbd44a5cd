// Waiting for one job's final state: the SQS consumer deletes a message only once the job its
// request went into has succeeded. One onFinished listener for the whole consumer; requests that
// folded into the same job (a burst) all wait on that job.
import type { Queue } from "../queue/queue.ts";
import type { Job } from "../queue/types.ts";

const FINAL = new Set(["succeeded", "partial", "failed"]);

export interface JobOutcomes {
  /** Resolves with the job once it reaches succeeded, partial or failed. */
  wait(jobId: string): Promise<Job>;
  close(): void;
}

export function jobOutcomes(queue: Pick<Queue, "get" | "onFinished">): JobOutcomes {
  const waiters = new Map<string, ((job: Job) => void)[]>();
  const unsubscribe = queue.onFinished((job) => {
    const list = waiters.get(job.id);
    if (!list) return;
    waiters.delete(job.id);
    for (const resolve of list) resolve(job);
  });
  return {
    wait(jobId) {
      return new Promise<Job>((resolve) => {
        // Registered before the state is read, both in one synchronous step: a job that finishes
        // in between is caught by one or the other.
        const list = waiters.get(jobId) ?? [];
        list.push(resolve);
        waiters.set(jobId, list);
        const now = queue.get(jobId);
        if (now && FINAL.has(now.state)) {
          waiters.delete(jobId);
          for (const r of list) r(now);
        }
      });
    },
    close() {
      unsubscribe();
      waiters.clear();
    },
  };
}
