// Job records of the distributed queue, in S3: one object per job (`<prefix>jobs/<id>.json`), written
// by whichever replica accepted, ran or finished the job, read by any replica for GET /jobs/:id.
// S3 because every replica can already reach AWS (it polls SQS), it needs no server of ours, and
// its read-after-write consistency means a replica reads the record another one just wrote. One
// job is written by one replica at a time (the SQS FIFO message group is locked while a replica
// holds its message), so plain puts need no conditional writes.
import type { JobStoreConfig } from "../../config/types.ts";
import type { Job } from "../types.ts";

/** A job as stored: the queue's Job plus the replica that last wrote it. */
export type JobRecord = Job & {
  replica?: string;
  /** Finished without a sync of its own: a sync that started after it was queued covered it. */
  covered?: boolean;
};

/** The last sync of a repo that succeeded: a job queued before it started is already covered. */
export interface RepoMark {
  /** SQS's receive time (ms) of the sync's messages: it started after this. */
  received_at: number;
  ref?: string;
  direction?: string;
}

export interface JobRecords {
  get(id: string): Promise<JobRecord | undefined>;
  getMark(repo: string): Promise<RepoMark | undefined>;
  putMark(repo: string, mark: RepoMark): Promise<void>;
  put(job: JobRecord): Promise<void>;
  /** Every record (for tests and operators; pages through the listing). */
  list(): Promise<JobRecord[]>;
  destroy(): void;
}

/** Job ids are ours (uuid or d<hex>); anything else cannot be a key we wrote. */
const ID = /^[A-Za-z0-9-]{1,64}$/;

export async function s3JobRecords(c: JobStoreConfig): Promise<JobRecords> {
  const { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } = await import("@aws-sdk/client-s3");
  const { accessKey, secretKey } = c.credentials;
  const s3 = new S3Client({
    region: c.region,
    ...(c.endpoint !== undefined ? { endpoint: c.endpoint, forcePathStyle: true } : {}),
    ...(accessKey !== undefined && secretKey !== undefined
      ? { credentials: { accessKeyId: accessKey, secretAccessKey: secretKey } }
      : {}),
  });
  const key = (id: string) => `${c.prefix}jobs/${id}.json`;
  const markKey = (repo: string) => `${c.prefix}repos/${repo}.json`;
  const write = (k: string, value: unknown) =>
    s3.send(new PutObjectCommand({ Bucket: c.bucket, Key: k, Body: JSON.stringify(value), ContentType: "application/json" }))
      .then(() => {});
  const read = async <T = JobRecord>(k: string): Promise<T | undefined> => {
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: c.bucket, Key: k }));
      return JSON.parse(await out.Body!.transformToString()) as T;
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === "NoSuchKey" || name === "NotFound") return undefined;
      throw err;
    }
  };
  return {
    get: (id) => (ID.test(id) ? read(key(id)) : Promise.resolve(undefined)),
    put: (job) => write(key(job.id), job),
    getMark: (repo) => read<RepoMark>(markKey(repo)),
    putMark: (repo, mark) => write(markKey(repo), mark),
    async list() {
      const out: JobRecord[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: c.bucket, Prefix: `${c.prefix}jobs/`, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          const r = o.Key ? await read(o.Key) : undefined;
          if (r) out.push(r);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    destroy: () => s3.destroy(),
  };
}
