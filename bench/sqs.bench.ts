// CodeCommit events through the SQS consumer, against the SQS emulator's own round trip measured
// in the same run.
//
//   node --import tsx bench/sqs.bench.ts [--events 500] [--repos 10] [--rounds 2] [--in-flight N]
//
// Both sides talk to the same fauxqs (SQS protocol on 127.0.0.1, in this process) through
// @aws-sdk/client-sqs and get the same messages, sent the same way (SendMessageBatch of 10):
//   round trip: ReceiveMessage (10 at a time) → DeleteMessage per message; nothing else. The floor:
//               what any consumer of this emulator pays per message.
//   consumer:   the bridge's consumer (server/intake) in a running bridge: ReceiveMessage → parse →
//               match → journaled job (write + fdatasync) → sync → wait for the job → DeleteMessage.
// The sync engine answers at once with no refs (the engine is not what this measures; see
// bench/sync.bench.ts for that), so the queue, journal, locks and job bookkeeping run for real.
// Events are spread over --repos repos, one sync per repo at a time, as in production. Reported:
// events/s from the first send to the last delete, and the ratio consumer / round trip.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { startBridge } from "../server/bridge.ts";
import { parseConfig } from "../server/config/index.ts";
import { sqsConsumerService } from "../server/intake/sqs-consumer.ts";
import { sqsOps } from "../server/intake/sqs-client.ts";
import type { GitEngine } from "../server/mirror/git/types.ts";
import { SQS_TEST_KEYS, startSqsServer } from "../test/harness/sqs-server.ts";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "500" },
    repos: { type: "string", default: "10" },
    rounds: { type: "string", default: "2" },
    "in-flight": { type: "string" },
  },
});
const EVENTS = Number(args.events);
const REPOS = Number(args.repos);
const ROUNDS = Number(args.rounds);
const IN_FLIGHT = args["in-flight"] === undefined ? undefined : Number(args["in-flight"]);

const instantEngine: GitEngine = {
  name: "isomorphic",
  ensureCache: async () => {},
  listRemote: async () => new Map(),
  fetch: async () => {},
  readRefs: async () => new Map(),
  updateRefs: async () => {},
  ancestry: async (_cache, pairs) => pairs.map(() => undefined),
  commitAuthors: async () => new Map(),
  push: async (_cache, _remote, updates) => updates.map((u) => ({ ref: u.ref, ok: true })),
};

const event = (i: number) =>
  JSON.stringify({
    version: "0",
    id: `bench-${i}`,
    "detail-type": "CodeCommit Repository State Change",
    source: "aws.codecommit",
    account: "123456789012",
    region: "us-east-1",
    detail: {
      event: "referenceUpdated",
      repositoryName: `repo-${i % REPOS}`,
      referenceType: "branch",
      referenceName: "main",
      commitId: "0".repeat(40),
    },
  });

const sqs = await startSqsServer();
const client = sqs.client("us-east-1");

async function sendAll(queueUrl: string): Promise<void> {
  const batches = [];
  for (let i = 0; i < EVENTS; i += 10) {
    const entries = [];
    for (let j = i; j < Math.min(EVENTS, i + 10); j++) entries.push({ Id: `m${j}`, MessageBody: event(j) });
    batches.push(client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })));
  }
  await Promise.all(batches);
}

async function roundTrip(round: number): Promise<number> {
  const { url } = await sqs.createQueue(`bench-floor-${round}`);
  const t0 = performance.now();
  await sendAll(url);
  // Pipelined like the consumer: the next receive goes out while the deletes are on the wire.
  let received = 0;
  const deletes: Promise<unknown>[] = [];
  while (received < EVENTS) {
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 120 }));
    for (const m of out.Messages ?? []) deletes.push(client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle })));
    received += out.Messages?.length ?? 0;
  }
  await Promise.all(deletes);
  return EVENTS / ((performance.now() - t0) / 1000);
}

async function throughConsumer(round: number): Promise<number> {
  const { url } = await sqs.createQueue(`bench-consumer-${round}`);
  const dir = await mkdtemp(join(tmpdir(), "gb-sqs-bench-"));
  const repos = Array.from({ length: REPOS }, (_, i) =>
    `  - { name: repo-${i}, source: cc, target: mirror, source_path: repo-${i}, target_path: mirror/repo-${i} }`
  ).join("\n");
  const config = parseConfig(
    `providers:
  cc: { type: codecommit, region: us-east-1, credentials: { git_username: u, git_password: "\${CC_PASS}" } }
  mirror: { type: gitea, base_url: "https://gitea.example.com", credentials: { token: "\${GITEA_TOKEN}" } }
repos:
${repos}
`,
    join(dir, "config.yaml"),
    { CC_PASS: "cc-bench-0000", GITEA_TOKEN: "gitea-bench-0000", WORK_DIR: join(dir, "work") },
    { cwd: dir },
  );
  let deleted = 0;
  let allDeleted: () => void = () => {};
  const done = new Promise<void>((r) => (allDeleted = r));
  const consumer = {
    name: "bench",
    type: "sqs" as const,
    queueUrl: url,
    region: "us-east-1",
    endpoint: sqs.url,
    credentials: { accessKey: SQS_TEST_KEYS.accessKeyId, secretKey: SQS_TEST_KEYS.secretAccessKey },
    visibilityTimeoutSeconds: 120,
    waitTimeSeconds: 1,
    retryBackoffSeconds: 10,
  };
  const ops = await sqsOps(consumer);
  const counting = {
    ...ops,
    async delete(receipt: string) {
      await ops.delete(receipt);
      if (++deleted === EVENTS) allDeleted();
    },
  };
  const bridge = await startBridge({
    config,
    port: 0,
    hostname: "127.0.0.1",
    git: instantEngine,
    resolveHost: async () => ["52.94.0.1"], // a public address: the remote policy passes, no DNS
    write: () => {},
    services: (deps) => [sqsConsumerService(deps, consumer, { sqs: counting, ...(IN_FLIGHT ? { maxInFlight: IN_FLIGHT } : {}) })],
  });
  const t0 = performance.now();
  await sendAll(url);
  await done;
  const rate = EVENTS / ((performance.now() - t0) / 1000);
  const jobs = bridge.queue.list().length;
  await bridge.stop(5_000);
  await rm(dir, { recursive: true, force: true });
  console.log(`    round ${round}: round trip ${floor[round].toFixed(0)} events/s, consumer ${rate.toFixed(0)} events/s (${jobs} jobs)`);
  return rate;
}

console.log(`# ${EVENTS} CodeCommit events over ${REPOS} repos, ${ROUNDS} round(s), fauxqs on 127.0.0.1`);
const floor: number[] = [];
const ours: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  floor.push(await roundTrip(r));
  ours.push(await throughConsumer(r));
}
const best = (xs: number[]) => Math.max(...xs);
console.log(`round trip (send + receive + delete): ${best(floor).toFixed(0)} events/s`);
console.log(`through the consumer (+ parse, match, journal, sync, wait): ${best(ours).toFixed(0)} events/s`);
console.log(`ratio consumer / round trip: ${(best(ours) / best(floor)).toFixed(2)}`);
await sqs.close();
