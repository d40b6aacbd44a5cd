// How jobs leave the queue: as copies, so callers cannot change the queue's state by accident.
import type { EnqueueResult } from "./queue-api.ts";
import type { Job } from "./types.ts";

/**
 * A copy of the job. Only the request and the result are nested (structuredClone of the whole
 * job cost more than the rest of an enqueue that folds into a waiting job).
 */
export function view(job: Job): Job {
  const copy = { ...job, request: { ...job.request } };
  if (job.result) copy.result = structuredClone(job.result);
  return copy;
}

/** What enqueue() resolves to. The copy is made only if `job` is read: the webhook route needs only the id. */
export class Answer implements EnqueueResult {
  readonly status: EnqueueResult["status"];
  readonly jobId: string;
  #job: Job;
  #copy: Job | undefined;
  constructor(status: EnqueueResult["status"], job: Job) {
    this.status = status;
    this.jobId = job.id;
    this.#job = job;
  }
  get job(): Job {
    return (this.#copy ??= view(this.#job));
  }
}
