// The queue's memory: jobs by id, the delivery ids seen (for duplicate detection), and the window of
// finished jobs kept with their results. It also turns itself into journal records and back.
//
// Journal records, one JSON object per line:
//   {"k":"job","job":Job,"d"?:deliveryId}   the job's whole state (last one wins); d = the delivery
//                                            id of the request that created it
//   {"k":"add","j":jobId,"n":merged,"d"?:deliveryId,"req"?:SyncRequest}
//                                            a request folded into the waiting job j: its merged
//                                            count is now n, a retry wait ends, and req is the
//                                            job's request if the fold changed it. A burst of
//                                            webhooks costs ~100 bytes each instead of the whole job.
//   {"k":"dlv","ids":[[deliveryId, jobId], …]}  delivery ids, written by compaction
import type { Job, JobState, SyncRequest } from "./types.ts";

export type JournalRecord =
  | { k: "job"; job: Job; d?: string }
  | { k: "add"; j: string; n: number; d?: string; req?: SyncRequest }
  | { k: "dlv"; ids: Array<[string, string]> };

const STATES: ReadonlySet<JobState> = new Set(["queued", "running", "succeeded", "partial", "failed"]);
export const isFinished = (job: Job): boolean => job.state !== "queued" && job.state !== "running";

export interface JobStoreOptions {
  /** Finished jobs kept whole (with results); default 1000. */
  keepFinished: number;
  /** Delivery ids remembered for duplicate detection; default 10,000. */
  keepDeliveries: number;
}

export class JobStore {
  readonly jobs = new Map<string, Job>();
  private readonly deliveries = new Map<string, string>();
  // The delivery ids in the order they were remembered, oldest at `head`: the eviction queue.
  // (Taking the oldest from deliveries.keys() instead walks over every entry deleted since V8
  // last rehashed the map: thousands per call in a full window, a tenth of a busy server's time.)
  private order: string[] = [];
  private head = 0;
  private readonly refs = new Map<string, number>();
  private readonly finished = new Set<string>();
  // Finished jobs past the window that a remembered delivery id still points at: kept without
  // their result, so a late redelivery still answers with the original job.
  private readonly slim = new Set<string>();
  private readonly opts: JobStoreOptions;

  constructor(opts: JobStoreOptions) {
    this.opts = opts;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** Jobs that still carry their full record (active ones and the finished window), oldest first. */
  list(): Job[] {
    return [...this.jobs.values()].filter((j) => !this.slim.has(j.id));
  }

  byDelivery(deliveryId: string): Job | undefined {
    const id = this.deliveries.get(deliveryId);
    return id === undefined ? undefined : this.jobs.get(id);
  }

  add(job: Job): void {
    this.jobs.set(job.id, job);
  }

  remember(deliveryId: string, jobId: string): void {
    if (this.deliveries.has(deliveryId)) return;
    this.deliveries.set(deliveryId, jobId);
    this.order.push(deliveryId);
    this.refs.set(jobId, (this.refs.get(jobId) ?? 0) + 1);
    while (this.deliveries.size > this.opts.keepDeliveries && this.head < this.order.length) {
      this.forget(this.order[this.head++]);
    }
    if (this.head >= 4096 && this.head * 2 >= this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }

  private forget(deliveryId: string): void {
    const id = this.deliveries.get(deliveryId);
    if (id === undefined) return;
    this.deliveries.delete(deliveryId);
    const left = (this.refs.get(id) ?? 1) - 1;
    if (left > 0) this.refs.set(id, left);
    else {
      this.refs.delete(id);
      if (this.slim.delete(id)) this.jobs.delete(id);
    }
  }

  /** Puts a job that just reached a final state at the new end of the finished window. */
  finish(job: Job): void {
    this.finished.delete(job.id);
    this.finished.add(job.id);
    while (this.finished.size > this.opts.keepFinished) {
      const oldest = this.finished.values().next().value as string;
      this.finished.delete(oldest);
      const old = this.jobs.get(oldest);
      if (!old) continue;
      if (this.refs.has(oldest)) {
        delete old.result;
        this.slim.add(oldest);
      } else this.jobs.delete(oldest);
    }
  }

  /** Applies one replayed record; returns false for a record it does not understand. */
  apply(record: unknown): boolean {
    const r = record as Partial<JournalRecord> | null;
    if (r?.k === "job" && isJob(r.job)) {
      this.jobs.set(r.job.id, r.job);
      if (typeof r.d === "string") this.remember(r.d, r.job.id);
      return true;
    }
    if (r?.k === "add" && typeof r.j === "string" && typeof r.n === "number") {
      const job = this.jobs.get(r.j);
      if (job) {
        job.merged = r.n;
        delete job.next_attempt_at;
        if (typeof r.req?.repo === "string") job.request = r.req;
      }
      // Remembered even if the job is unknown: settleReplay() drops ids whose job did not survive.
      if (typeof r.d === "string") this.remember(r.d, r.j);
      return true;
    }
    if (r?.k === "dlv" && Array.isArray(r.ids)) {
      for (const pair of r.ids) {
        if (Array.isArray(pair) && typeof pair[0] === "string" && typeof pair[1] === "string") {
          this.remember(pair[0], pair[1]);
        }
      }
      return true;
    }
    return false;
  }

  /** After replay: rebuilds the finished window in finishing order and returns the unfinished jobs. */
  settleReplay(): Job[] {
    const done = [...this.jobs.values()].filter(isFinished);
    done.sort((a, b) => (a.finished_at ?? "").localeCompare(b.finished_at ?? ""));
    for (const job of done) this.finish(job);
    // Delivery ids whose job did not survive (never journaled, or dropped) cannot answer a duplicate.
    for (const [d, id] of [...this.deliveries]) if (!this.jobs.has(id)) this.forget(d);
    this.order = [...this.deliveries.keys()]; // the only forget() outside eviction order
    this.head = 0;
    return [...this.jobs.values()].filter((j) => !isFinished(j));
  }

  /** The records that recreate this store. Jobs are written in creation order (= queue order). */
  snapshot(): JournalRecord[] {
    const out: JournalRecord[] = [...this.jobs.values()].map((job) => ({ k: "job", job }));
    const ids = [...this.deliveries];
    for (let i = 0; i < ids.length; i += 500) out.push({ k: "dlv", ids: ids.slice(i, i + 500) });
    return out;
  }
}

function isJob(v: unknown): v is Job {
  const j = v as Job | null;
  return typeof j?.id === "string" && typeof j.request?.repo === "string" && STATES.has(j.state);
}
