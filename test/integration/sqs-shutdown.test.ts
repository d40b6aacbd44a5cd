// Shutdown of the CodeCommit consumer: a message whose sync cannot finish by the deadline is
// released (visibility 0) for another consumer instead of staying invisible for the rest of its
// visibility timeout, and a second bridge on the same queue then mirrors it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type GitServer, startGitServer } from "../harness/git-server.ts";
import { SQS_TEST_KEYS, type SqsServer, startSqsServer } from "../harness/sqs-server.ts";
import { CANARY, type Hosts, pollUntil, startBridgeOn, startHosts, type TestBridge, waitRef } from "./server-kit.ts";

describe("CodeCommit consumer: shutdown", () => {
  let hosts: Hosts;
  let slowHost: GitServer;
  let sqs: SqsServer;
  let queueUrl: string;
  let yaml: string;
  const bridges: TestBridge[] = [];

  before(async () => {
    hosts = await startHosts("gb-sqs-stop-");
    slowHost = await startGitServer({ root: join(hosts.dir, "slow-host"), users: { mirror: CANARY.DST_PASS } });
    sqs = await startSqsServer();
    await hosts.source.createRepo("v1/repos/slow");
    await slowHost.createRepo("mirror/slow");
    queueUrl = (await sqs.createQueue("events-stop")).url;
    yaml = `providers:
  cc:
    type: codecommit
    region: us-east-1
    base_url: ${hosts.source.url}
    allow_insecure_http: true
    allow_private_network: true
    credentials: { git_username: git-bridge, git_password: "\${GITEA_TOKEN}" }
  slow-dst:
    type: git
    base_url: ${slowHost.url}
    allow_insecure_http: true
    allow_private_network: true
    credentials: { git_username: mirror, git_password: "\${DST_PASS}" }
repos:
  - { name: slow, source: cc, target: slow-dst, source_path: slow, target_path: mirror/slow }
consumers:
  - { name: cc, queue_url: "${queueUrl}", region: us-east-1, endpoint: "${sqs.url}", wait_time_seconds: 1,
      visibility_timeout_seconds: 120,
      credentials: { access_key: ${SQS_TEST_KEYS.accessKeyId}, secret_key: ${SQS_TEST_KEYS.secretAccessKey} } }
mirror:
  timeout_seconds: 120
git:
  engine: native
`;
  });

  after(async () => {
    for (const b of bridges) await b.stop(2_000);
    await sqs?.close();
    await slowHost?.close();
    await hosts?.close();
  });

  test("an in-flight message is released at the deadline and mirrored by the next consumer", async () => {
    const tree = await hosts.sourceTree("wt", "v1/repos/slow");
    const sha = await tree.commit("slow 1");
    await tree.push("HEAD:refs/heads/main");
    const first = await startBridgeOn(hosts, yaml, "work-1");
    bridges.push(first);
    slowHost.setDelay(3_000); // the sync needs far longer than the shutdown deadline below
    const e = JSON.parse(readFileSync(new URL("../fixtures/codecommit/reference-updated-push.json", import.meta.url), "utf8"));
    e.detail.repositoryName = "slow";
    e.detail.referenceFullName = "refs/heads/main";
    await sqs.send(queueUrl, JSON.stringify(e));
    await pollUntil(() => first.bridge.queue.list().some((j) => j.state === "running") || undefined, {
      timeoutMs: 20_000,
      what: "the sync to start",
    });
    assert.deepEqual(await sqs.count(queueUrl), { visible: 0, inFlight: 1 });

    await first.stop(2_000);
    // Released: visible again now, not after the rest of its 120 s visibility timeout.
    assert.deepEqual(await sqs.count(queueUrl), { visible: 1, inFlight: 0 });
    assert.ok(first.logs.some((l) => l.includes("sqs: released an in-flight message")));

    slowHost.setDelay(0);
    const second = await startBridgeOn(hosts, yaml, "work-2");
    bridges.push(second);
    await waitRef(slowHost, "mirror/slow", "refs/heads/main", sha, 30_000);
    await pollUntil(async () => {
      const c = await sqs.count(queueUrl);
      return c.visible === 0 && c.inFlight === 0;
    }, { timeoutMs: 30_000, what: "the message deleted" });
  });
});
