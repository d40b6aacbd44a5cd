// A real SQS-protocol server for tests and benchmarks: fauxqs (SQS's JSON protocol, long polling,
// visibility timeouts, redrive to a DLQ) bound to 127.0.0.1 — fauxqs's startFauxqs binds
// 0.0.0.0, so its app is built and listened on loopback here. Clients reach it through a TCP relay
// that can be taken down (connections reset, new ones refused) and brought back with the same
// queues and messages: an SQS outage without losing the emulator's state.
import { createServer, type Server, type Socket, connect } from "node:net";
import type { AddressInfo } from "node:net";
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { buildApp } from "fauxqs";

/** fauxqs checks no signatures; these keys only let the SDK sign. Not secrets. */
export const SQS_TEST_KEYS = { accessKeyId: "test-access-key", secretAccessKey: "test-secret-key" };

export interface SqsServer {
  /** The relay's URL: the `endpoint` of a consumer. */
  url: string;
  client(region?: string): SQSClient;
  /** Creates a queue (and, with maxReceiveCount, its DLQ `<name>-dlq` and redrive policy). */
  createQueue(name: string, o?: { region?: string; maxReceiveCount?: number; fifo?: boolean }): Promise<{ url: string; dlqUrl?: string }>;
  send(queueUrl: string, body: string, region?: string): Promise<string>;
  /** Sends past the relay (messages that arrive in SQS while consumers cannot reach it). */
  sendDirect(queueUrl: string, body: string, region?: string): Promise<string>;
  /** Visible + in flight + delayed messages. */
  count(queueUrl: string, region?: string): Promise<{ visible: number; inFlight: number }>;
  /** Receives (and leaves) whatever is visible, for DLQ checks. */
  peek(queueUrl: string, region?: string): Promise<{ body: string; receives: number }[]>;
  /** While down, the relay resets every connection. */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startSqsServer(): Promise<SqsServer> {
  const app = buildApp({ logger: false });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const upstream = (app.server.address() as AddressInfo).port;

  let down = false;
  const sockets = new Set<Socket>();
  const relay: Server = createServer((client) => {
    if (down) return void client.destroy();
    const server = connect(upstream, "127.0.0.1");
    for (const s of [client, server]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        server.destroy();
      });
    }
    client.pipe(server).pipe(client);
  });
  await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;

  const clients = new Map<string, SQSClient>();
  const client = (region = "us-east-1") => {
    let c = clients.get(region);
    if (!c) clients.set(region, c = new SQSClient({ region, endpoint: url, credentials: SQS_TEST_KEYS }));
    return c;
  };

  return {
    url,
    client,
    async createQueue(name, o = {}) {
      const sqs = client(o.region);
      const fifo: Record<string, string> = o.fifo ? { FifoQueue: "true" } : {};
      const suffix = o.fifo ? ".fifo" : "";
      let dlqUrl: string | undefined;
      const attributes: Record<string, string> = { ...fifo };
      if (o.maxReceiveCount !== undefined) {
        dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq${suffix}`, Attributes: { ...fifo } }))).QueueUrl!;
        const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] })))
          .Attributes!.QueueArn!;
        attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: o.maxReceiveCount });
      }
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name + suffix, Attributes: attributes }))).QueueUrl!;
      return dlqUrl === undefined ? { url: queueUrl } : { url: queueUrl, dlqUrl };
    },
    async send(queueUrl, body, region) {
      return (await client(region).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }))).MessageId!;
    },
    async sendDirect(queueUrl, body, region = "us-east-1") {
      const direct = new SQSClient({ region, endpoint: `http://127.0.0.1:${upstream}`, credentials: SQS_TEST_KEYS });
      try {
        return (await direct.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }))).MessageId!;
      } finally {
        direct.destroy();
      }
    },
    async count(queueUrl, region) {
      const a = (await client(region).send(new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
      }))).Attributes ?? {};
      return {
        visible: Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
        inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    },
    async peek(queueUrl, region) {
      const out = await client(region).send(new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }));
      return (out.Messages ?? []).map((m) => ({ body: m.Body ?? "", receives: Number(m.Attributes?.ApproximateReceiveCount ?? 0) }));
    },
    setDown(d) {
      down = d;
      if (d) for (const s of sockets) s.destroy();
    },
    async close() {
      for (const c of clients.values()) c.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => relay.close(() => r()));
      await app.close();
    },
  };
}
