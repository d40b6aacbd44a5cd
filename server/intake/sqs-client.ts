// The SQS calls the consumer makes, on one @aws-sdk/client-sqs client per consumer. Static keys
// when the config has them; otherwise the SDK's default credential chain (environment, shared
// profile, web identity, ECS/EC2 instance metadata), so nothing secret has to be in the file.
// The SDK is imported when a consumer starts, so CLI commands that never poll SQS do not load it.
import type { Message } from "@aws-sdk/client-sqs";
import type { ConsumerConfig } from "../config/types.ts";

export type { Message };

export interface SqsOps {
  receive(max: number, signal: AbortSignal): Promise<Message[]>;
  delete(receiptHandle: string): Promise<void>;
  /** 0 makes the message visible to other consumers at once. */
  setVisibility(receiptHandle: string, seconds: number): Promise<void>;
  destroy(): void;
}

export async function sqsOps(consumer: ConsumerConfig): Promise<SqsOps> {
  const { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } = await import(
    "@aws-sdk/client-sqs"
  );
  const { accessKey, secretKey } = consumer.credentials;
  const client = new SQSClient({
    ...(consumer.region !== undefined ? { region: consumer.region } : {}),
    ...(consumer.endpoint !== undefined ? { endpoint: consumer.endpoint } : {}),
    ...(accessKey !== undefined && secretKey !== undefined
      ? { credentials: { accessKeyId: accessKey, secretAccessKey: secretKey } }
      : {}),
    // The consumer backs off and reports an unreachable queue itself; the SDK's own retries
    // would only hide an outage for longer.
    maxAttempts: 1,
  });
  const QueueUrl = consumer.queueUrl;
  return {
    async receive(max, signal) {
      const out = await client.send(
        new ReceiveMessageCommand({
          QueueUrl,
          MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
          WaitTimeSeconds: consumer.waitTimeSeconds,
          VisibilityTimeout: consumer.visibilityTimeoutSeconds,
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
        { abortSignal: signal },
      );
      return out.Messages ?? [];
    },
    async delete(ReceiptHandle) {
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle }));
    },
    async setVisibility(ReceiptHandle, VisibilityTimeout) {
      await client.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle, VisibilityTimeout }));
    },
    destroy: () => client.destroy(),
  };
}
