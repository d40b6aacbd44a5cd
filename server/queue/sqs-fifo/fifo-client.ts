// The SQS FIFO calls of the distributed queue. A message carries one job: its id (the record's
// key in the job store) and its request, so a replica can run it even before the record is read.
import type { DistributedQueueConfig } from "../../config/types.ts";
import type { SyncRequest } from "../types.ts";

export interface FifoMessage {
  receipt: string;
  /** MessageGroupId: the repo. */
  group: string;
  jobId: string;
  request: SyncRequest;
  receives: number;
  /** SentTimestamp and ApproximateFirstReceiveTimestamp, ms, both on SQS's clock. */
  sentAt: number;
  firstReceivedAt: number;
}

export interface FifoOps {
  /** MessageGroupId = repo (SQS serialises each group); MessageDeduplicationId = job id. */
  send(jobId: string, request: SyncRequest): Promise<void>;
  receive(max: number, signal: AbortSignal): Promise<FifoMessage[]>;
  delete(receipt: string): Promise<void>;
  setVisibility(receipt: string, seconds: number): Promise<void>;
  destroy(): void;
}

export async function fifoOps(c: DistributedQueueConfig, onBadMessage: (why: string) => void): Promise<FifoOps> {
  // Imported only in distributed mode: CLI commands and the embedded queue never load the SDK.
  const { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } =
    await import("@aws-sdk/client-sqs");
  const { accessKey, secretKey } = c.credentials;
  const client = new SQSClient({
    region: c.region,
    ...(c.endpoint !== undefined ? { endpoint: c.endpoint } : {}),
    ...(accessKey !== undefined && secretKey !== undefined ? { credentials: { accessKeyId: accessKey, secretAccessKey: secretKey } } : {}),
    maxAttempts: 2,
  });
  const QueueUrl = c.queueUrl;
  const del = (ReceiptHandle: string) => client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle })).then(() => {});
  return {
    async send(jobId, request) {
      await client.send(new SendMessageCommand({
        QueueUrl,
        MessageBody: JSON.stringify({ job: jobId, request }),
        MessageGroupId: request.repo,
        MessageDeduplicationId: jobId,
      }));
    },
    async receive(max, signal) {
      const out = await client.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
          WaitTimeSeconds: c.waitTimeSeconds,
          VisibilityTimeout: c.visibilityTimeoutSeconds,
          MessageSystemAttributeNames: ["MessageGroupId", "ApproximateReceiveCount", "SentTimestamp", "ApproximateFirstReceiveTimestamp"],
        }),
        { abortSignal: signal },
      );
      const messages: FifoMessage[] = [];
      for (const m of out.Messages ?? []) {
        try {
          const body = JSON.parse(m.Body ?? "") as { job?: unknown; request?: SyncRequest };
          if (typeof body.job !== "string" || typeof body.request?.repo !== "string") throw new Error("no job id or request");
          messages.push({
            receipt: m.ReceiptHandle ?? "",
            group: m.Attributes?.MessageGroupId ?? body.request.repo,
            jobId: body.job,
            request: body.request,
            receives: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
            sentAt: Number(m.Attributes?.SentTimestamp ?? NaN),
            firstReceivedAt: Number(m.Attributes?.ApproximateFirstReceiveTimestamp ?? NaN),
          });
        } catch (err) {
          // Not one of ours (someone else writes to this queue): it would block its group forever.
          onBadMessage(`deleted message ${m.MessageId} that is not a git-bridge job (${(err as Error).message})`);
          await del(m.ReceiptHandle ?? "").catch(() => {});
        }
      }
      return messages;
    },
    delete: del,
    async setVisibility(ReceiptHandle, VisibilityTimeout) {
      await client.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout }));
    },
    destroy: () => client.destroy(),
  };
}
