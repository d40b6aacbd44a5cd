// A CodeCommit consumer in distributed mode: the event's message is handed to the shared FIFO
// queue (deleted once its job is there), the job runs from the FIFO queue, and its record in S3
// answers GET /jobs/:id.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { SQS_TEST_KEYS, type SqsServer, startSqsServer } from "../harness/sqs-server.ts";
import { bearer, call, type Hosts, pollUntil, SECRETS_YAML, startBridgeOn, startHosts, type TestBridge, waitRef } from "./server-kit.ts";

describe("distributed mode with a CodeCommit consumer", () => {
  let hosts: Hosts;
  let sqs: SqsServer;
  let b: TestBridge;
  let events: string;

  before(async () => {
    hosts = await startHosts("gb-dist-cc-");
    await hosts.createRepos(["v1/repos/myRepo"], ["app"]);
    sqs = await startSqsServer();
    events = (await sqs.createQueue("cc-events")).url;
    const jobs = (await sqs.createQueue("jobs", { fifo: true })).url;
    const s3 = new S3Client({ region: "us-east-1", endpoint: sqs.url, forcePathStyle: true, credentials: SQS_TEST_KEYS });
    await s3.send(new CreateBucketCommand({ Bucket: "jobs" }));
    s3.destroy();
    const keys = `credentials: { access_key: ${SQS_TEST_KEYS.accessKeyId}, secret_key: ${SQS_TEST_KEYS.secretAccessKey} }`;
    b = await startBridgeOn(
      hosts,
      `providers:
  cc:
    type: codecommit
    region: us-east-1
    base_url: ${hosts.source.url}
    allow_insecure_http: true
    allow_private_network: true
    credentials: { git_username: git-bridge, git_password: "\${GITEA_TOKEN}" }
  dst:
    type: git
    base_url: ${hosts.target.url}
    allow_insecure_http: true
    allow_private_network: true
    credentials: { git_username: mirror, git_password: "\${DST_PASS}" }
repos:
  - { name: app, source: cc, target: dst, source_path: myRepo, target_path: mirror/app }
consumers:
  - { name: cc, queue_url: "${events}", region: us-east-1, endpoint: "${sqs.url}", wait_time_seconds: 1, ${keys} }
queue:
  type: sqs
  queue_url: "${jobs}"
  region: us-east-1
  endpoint: "${sqs.url}"
  wait_time_seconds: 1
  ${keys}
  job_store: { bucket: jobs }
git:
  engine: native
${SECRETS_YAML}`,
    );
  });

  after(async () => {
    await b?.stop(5_000);
    await sqs?.close();
    await hosts?.close();
  });

  test("the event becomes a FIFO job, its message is deleted, the mirror lands, /jobs/:id reads S3", async () => {
    const tree = await hosts.sourceTree("wt", "v1/repos/myRepo");
    const sha = await tree.commit("one");
    await tree.push("HEAD:refs/heads/myBranch");
    const id = await sqs.send(events, readFileSync(new URL("../fixtures/codecommit/reference-updated-push.json", import.meta.url), "utf8"));
    await waitRef(hosts.target, "mirror/app", "refs/heads/myBranch", sha, 60_000);
    await pollUntil(async () => {
      const c = await sqs.count(events);
      return c.visible === 0 && c.inFlight === 0;
    }, { timeoutMs: 60_000, what: "the CodeCommit message deleted" });
    const queued = await pollUntil(
      () => b.logs.flatMap((l) => l.split("\n")).filter((l) => l.includes("sqs: CodeCommit event queued")).map((l) => JSON.parse(l)).find((l) => l.message === id),
      { what: "the queued log line" },
    );
    const job = await pollUntil(async () => {
      const r = await call(`${b.url}/jobs/${queued.job}`, { headers: bearer() });
      return r.status === 200 && r.json.state === "succeeded" ? r.json : undefined;
    }, { timeoutMs: 60_000, what: "the job record to say succeeded" });
    assert.equal(job.source, "sqs");
    assert.equal(job.ref, "refs/heads/myBranch");
  });
});
