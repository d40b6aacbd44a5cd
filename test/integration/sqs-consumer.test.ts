// The CodeCommit consumer end to end: the real bridge (startBridge) with `consumers:` in its
// config, fauxqs on loopback as SQS (long polling, visibility, redrive to a DLQ), EventBridge
// events from the AWS documentation, and real git hosts standing in for CodeCommit (a codecommit
// provider's base_url points at them; the remote is `<base>/v1/repos/<name>` as on AWS).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startGitServer, type GitServer } from "../harness/git-server.ts";
import type { WorkTree } from "../harness/git-cli.ts";
import { SQS_TEST_KEYS, type SqsServer, startSqsServer } from "../harness/sqs-server.ts";
import {
  bearer,
  call,
  CANARY,
  canaryFiles,
  findCanaries,
  getJob,
  type Hosts,
  pollUntil,
  refsOf,
  SECRETS_YAML,
  sleep,
  startBridgeOn,
  startHosts,
  type TestBridge,
  waitRef,
} from "./server-kit.ts";

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/codecommit/${name}`, import.meta.url), "utf8"));

/** A documented event with its region, repository and branch replaced (short names, as EventBridge sends). */
function event(base: string, o: { region?: string; repo?: string; branch?: string; account?: string }): string {
  const e = fixture(base);
  if (o.region) e.region = o.region;
  if (o.account) e.account = o.account;
  if (o.repo) e.detail.repositoryName = o.repo;
  if (o.branch) {
    e.detail.referenceName = o.branch;
    delete e.detail.referenceFullName; // the ref is built from referenceType
  }
  return JSON.stringify(e);
}

describe("CodeCommit consumer (SQS)", () => {
  let hosts: Hosts;
  let slowHost: GitServer;
  let sqs: SqsServer;
  let b: TestBridge;
  const q: Record<string, { url: string; dlqUrl?: string }> = {};
  const trees: Record<string, WorkTree> = {};
  const savedEnv = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  before(async () => {
    hosts = await startHosts("gb-sqs-");
    slowHost = await startGitServer({ root: join(hosts.dir, "slow-host"), users: { mirror: CANARY.DST_PASS } });
    sqs = await startSqsServer();
    // Each region's "CodeCommit" is a path on the source host.
    const repos = ["us-east-1/v1/repos/myRepo", "us-west-2/v1/repos/myRepo", "us-east-1/v1/repos/broken", "us-east-1/v1/repos/slow"];
    await hosts.createRepos(repos, ["east-app", "west-app", "broken"]);
    await slowHost.createRepo("mirror/slow");
    for (const [name, path] of [["east", repos[0]], ["west", repos[1]], ["broken", repos[2]], ["slow", repos[3]]]) {
      trees[name] = await hosts.sourceTree(`wt-${name}`, path);
    }
    q.east = await sqs.createQueue("events-east", { region: "us-east-1" });
    q.west = await sqs.createQueue("events-west", { region: "us-west-2" });
    q.broken = await sqs.createQueue("events-broken", { region: "us-east-1", maxReceiveCount: 5 });
    q.slow = await sqs.createQueue("events-slow", { region: "us-east-1" });
    // The west consumer has no keys in the file: the SDK's default chain finds them in the environment.
    process.env.AWS_ACCESS_KEY_ID = SQS_TEST_KEYS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = SQS_TEST_KEYS.secretAccessKey;

    const cc = (region: string) =>
      `    type: codecommit\n    region: ${region}\n    account_id: "123456789012"\n    base_url: ${hosts.source.url}/${region}\n` +
      `    allow_insecure_http: true\n    allow_private_network: true\n` +
      `    credentials: { git_username: git-bridge, git_password: "\${GITEA_TOKEN}" }\n`;
    const git = (url: string, pass: string) =>
      `    type: git\n    base_url: ${url}\n    allow_insecure_http: true\n    allow_private_network: true\n` +
      `    credentials: { git_username: mirror, git_password: "\${${pass}}" }\n`;
    const consumer = (name: string, provider: string, region: string, url: string, extra = "") =>
      `  - { name: ${name}, queue_url: "${url}", region: ${region}, endpoint: "${sqs.url}", provider: ${provider},\n` +
      `      wait_time_seconds: 1, retry_backoff_seconds: 0${extra} }\n`;
    const keys = `, credentials: { access_key: ${SQS_TEST_KEYS.accessKeyId}, secret_key: ${SQS_TEST_KEYS.secretAccessKey} }`;
    const yaml = `providers:
  cc-east:
${cc("us-east-1")}  cc-west:
${cc("us-west-2")}  dst:
${git(hosts.target.url, "DST_PASS")}  dst-wrong:
${git(hosts.target.url, "WRONG_PASS")}  slow-dst:
${git(slowHost.url, "DST_PASS")}repos:
  - { name: east-app, source: cc-east, target: dst, source_path: myRepo, target_path: mirror/east-app, prune: true }
  - { name: west-app, source: cc-west, target: dst, source_path: myRepo, target_path: mirror/west-app }
  - { name: broken, source: cc-east, target: dst-wrong, source_path: broken, target_path: mirror/broken }
  - { name: slow, source: cc-east, target: slow-dst, source_path: slow, target_path: mirror/slow }
consumers:
${consumer("east", "cc-east", "us-east-1", q.east.url, keys)}${consumer("west", "cc-west", "us-west-2", q.west.url)}${
      consumer("broken", "cc-east", "us-east-1", q.broken.url, keys)
    }${consumer("slow", "cc-east", "us-east-1", q.slow.url, `${keys}, visibility_timeout_seconds: 2`)}mirror:
  timeout_seconds: 60
  drain_timeout_seconds: 10
git:
  engine: native
${SECRETS_YAML}`;
    b = await startBridgeOn(hosts, yaml);
  });

  after(async () => {
    await b?.stop(5_000);
    process.env.AWS_ACCESS_KEY_ID = savedEnv.id;
    process.env.AWS_SECRET_ACCESS_KEY = savedEnv.secret;
    if (savedEnv.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (savedEnv.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    assert.deepEqual(findCanaries(b.logs.join("\n")), [], "a canary secret reached the log");
    assert.ok(!b.logs.join("\n").includes(SQS_TEST_KEYS.secretAccessKey), "the SQS secret key reached the log");
    for (const d of hosts.workDirs) assert.deepEqual(await canaryFiles(d), []);
    await sqs?.close();
    await slowHost?.close();
    await hosts?.close();
  });

  /** Log lines of this bridge that mention `text`, parsed. */
  const logged = (msg: string) =>
    b.logs.flatMap((l) => l.split("\n")).filter((l) => l.includes(msg)).map((l) => JSON.parse(l) as Record<string, unknown>);
  const jobsOf = (repo: string) => b.bridge.queue.list().filter((j) => j.request.repo === repo);
  const drained = (url: string, region = "us-east-1", timeoutMs = 90_000) =>
    pollUntil(async () => {
      const c = await sqs.count(url, region);
      return c.visible === 0 && c.inFlight === 0;
    }, { timeoutMs, what: "the queue to be empty" });

  test("a push event syncs the repo, is deleted, and its job answers on /jobs/:id", async () => {
    const sha = await trees.east.commit("east 1");
    await trees.east.push("HEAD:refs/heads/myBranch");
    const id = await sqs.send(q.east.url, event("reference-updated-push.json", {}));
    await waitRef(hosts.target, "mirror/east-app", "refs/heads/myBranch", sha, 60_000);
    await drained(q.east.url);
    const line = await pollUntil(() => logged("sqs: CodeCommit event queued").find((l) => l.message === id), { what: "queued log line" });
    assert.equal(line.repo, "east-app");
    assert.equal(line.ref, "refs/heads/myBranch");
    const job = await getJob(b.url, String(line.job));
    assert.equal(job.status, 200);
    assert.equal(job.json.state, "succeeded");
    assert.equal(job.json.request?.source ?? "sqs", "sqs");
  });

  test("a tag event (the documented tag example) mirrors the tag", async () => {
    const sha = await trees.east.commit("east tagged");
    await trees.east.git("tag", "myTag");
    await trees.east.push("refs/tags/myTag");
    await sqs.send(q.east.url, event("reference-created-tag.json", {}));
    await waitRef(hosts.target, "mirror/east-app", "refs/tags/myTag", sha, 60_000);
    await drained(q.east.url);
  });

  test("referenceDeleted deletes the branch on a repo with prune: true", async () => {
    const sha = await trees.east.commit("to delete");
    await trees.east.push("HEAD:refs/heads/gone");
    await sqs.send(q.east.url, event("reference-created.json", { region: "us-east-1", repo: "myRepo", branch: "gone" }));
    await waitRef(hosts.target, "mirror/east-app", "refs/heads/gone", sha, 60_000);
    await trees.east.push(":refs/heads/gone");
    await sqs.send(q.east.url, event("reference-deleted.json", { region: "us-east-1", repo: "myRepo", branch: "gone" }));
    await pollUntil(async () => !("refs/heads/gone" in (await refsOf(hosts.target.repoDir("mirror/east-app")))), {
      timeoutMs: 30_000,
      what: "refs/heads/gone deleted on the mirror",
    });
    await drained(q.east.url);
  });

  test("two regions with the same repo name: each event syncs its own region's repo only", async () => {
    const eastBefore = await refsOf(hosts.target.repoDir("mirror/east-app"));
    const sha = await trees.west.commit("west 1");
    await trees.west.push("HEAD:refs/heads/main");
    const westEvent = event("reference-updated-push.json", { region: "us-west-2", branch: "main" });
    await sqs.send(q.west.url, westEvent, "us-west-2");
    await waitRef(hosts.target, "mirror/west-app", "refs/heads/main", sha, 60_000);
    await drained(q.west.url, "us-west-2");
    // An us-east-1 event arriving on the west consumer's queue is not the west provider's: deleted, not synced.
    const stray = await sqs.send(q.west.url, event("reference-updated-push.json", { branch: "main" }), "us-west-2");
    await drained(q.west.url, "us-west-2");
    const poison = logged("sqs: deleted a message that can never be mirrored").find((l) => l.message === stray);
    assert.ok(poison, "the stray event was logged");
    assert.match(String(poison.reason), /region us-east-1 .* no codecommit provider of consumer west is in/);
    assert.deepEqual(await refsOf(hosts.target.repoDir("mirror/east-app")), eastBefore);
    assert.equal(jobsOf("west-app").length, 1);
  });

  test("poison messages are deleted with a log line naming why, and start no sync", async () => {
    const jobsBefore = b.bridge.queue.list().length;
    const bodies = [
      "{not json",
      JSON.stringify({ source: "aws.s3", detail: { bucket: "x" } }),
      event("reference-updated-push.json", { repo: "no-such-repo" }),
      JSON.stringify({ ...fixture("reference-updated-push.json"), detail: { ...fixture("reference-updated-push.json").detail, event: "pullRequestCreated" } }),
    ];
    const ids = [];
    for (const body of bodies) ids.push(await sqs.send(q.east.url, body));
    await drained(q.east.url);
    const reasons = ids.map((id) => logged("sqs: deleted a message that can never be mirrored").find((l) => l.message === id)?.reason);
    assert.match(String(reasons[0]), /not JSON/);
    assert.match(String(reasons[1]), /not a CodeCommit event/);
    assert.match(String(reasons[2]), /no repo has codecommit path no-such-repo/);
    assert.match(String(reasons[3]), /not a reference change/);
    assert.equal(b.bridge.queue.list().length, jobsBefore);
  });

  test("a failing sync leaves the message; the redrive policy moves it to the DLQ after 5 receives", async () => {
    await trees.broken.commit("broken 1");
    await trees.broken.push("HEAD:refs/heads/main");
    const body = event("reference-updated-push.json", { repo: "broken", branch: "main" });
    await sqs.send(q.broken.url, body);
    const dlq = await pollUntil(async () => {
      const c = await sqs.count(q.broken.dlqUrl!);
      return c.visible > 0 ? c : undefined;
    }, { timeoutMs: 60_000, what: "the message in the DLQ" });
    assert.equal(dlq.visible, 1);
    const [moved] = await sqs.peek(q.broken.dlqUrl!);
    assert.equal(moved.body, body);
    assert.deepEqual(await sqs.count(q.broken.url), { visible: 0, inFlight: 0 });
    // One job per receive, each failed (wrong credentials are not retried within a receive).
    const jobs = jobsOf("broken");
    assert.equal(jobs.length, 5);
    assert.ok(jobs.every((j) => j.state === "failed"), jobs.map((j) => j.state).join());
    assert.deepEqual(jobs.map((j) => j.request.deliveryId?.split(":").pop()), ["1", "2", "3", "4", "5"]);
  });

  test("the heartbeat keeps a sync longer than the visibility timeout invisible", async () => {
    const sha = await trees.slow.commit("slow 1");
    await trees.slow.push("HEAD:refs/heads/main");
    slowHost.setDelay(1_500); // every request to the target waits: the sync takes several 2 s timeouts
    try {
      await sqs.send(q.slow.url, event("reference-updated-push.json", { repo: "slow", branch: "main" }));
      await pollUntil(() => jobsOf("slow").some((j) => j.state === "running") || undefined, { timeoutMs: 20_000, what: "the slow sync to start" });
      const started = Date.now();
      while (Date.now() - started < 5_000) {
        const c = await sqs.count(q.slow.url);
        assert.equal(c.visible, 0, "the message became visible while its sync ran");
        if (jobsOf("slow")[0].state !== "running") break;
        await sleep(250);
      }
      await waitRef(slowHost, "mirror/slow", "refs/heads/main", sha, 60_000);
      await drained(q.slow.url);
    } finally {
      slowHost.setDelay(0);
    }
    const jobs = jobsOf("slow");
    assert.equal(jobs.length, 1, "received once: no other receive of the message while the sync ran");
    assert.ok(Date.parse(jobs[0].finished_at!) - Date.parse(jobs[0].started_at!) > 2_000, "the sync outlasted the visibility timeout");
  });

  test("SQS unreachable: /ready says so without failing, nothing is lost, it recovers by itself", async () => {
    sqs.setDown(true);
    const degraded = await pollUntil(async () => {
      const r = await call(`${b.url}/ready`);
      return r.status === 200 && r.json.services?.["sqs:east"]?.ok === false ? r.json : undefined;
    }, { timeoutMs: 20_000, what: "/ready to report the east consumer down" });
    assert.match(degraded.services["sqs:east"].detail, /cannot reach SQS queue .*events-east/);
    assert.equal((await call(`${b.url}/health`)).status, 200);

    const shas: string[] = [];
    for (const branch of ["o1", "o2", "o3"]) {
      shas.push(await trees.east.commit(branch));
      await trees.east.push(`HEAD:refs/heads/${branch}`);
      await sqs.sendDirect(q.east.url, event("reference-updated-push.json", { branch }));
    }
    await sleep(1_500);
    sqs.setDown(false);
    for (const [i, branch] of ["o1", "o2", "o3"].entries()) {
      await waitRef(hosts.target, "mirror/east-app", `refs/heads/${branch}`, shas[i], 60_000);
    }
    // A message SQS handed to a long poll the outage cut off is in flight for the whole 120 s
    // visibility timeout before SQS redelivers it (nothing is lost, as on AWS): wait past that.
    await drained(q.east.url, "us-east-1", 150_000);
    await pollUntil(async () => (await call(`${b.url}/ready`)).json.services?.["sqs:east"]?.ok === true || undefined, {
      what: "/ready to report the east consumer up",
    });
    assert.ok(logged("sqs: queue reachable again").some((l) => l.consumer === "east"));
  });

  test("/jobs/:id needs the token like every other job", async () => {
    const id = b.bridge.queue.list().find((j) => j.request.source === "sqs")!.id;
    assert.equal((await getJob(b.url, id, {})).status, 401);
    assert.equal((await getJob(b.url, id, bearer())).status, 200);
  });
});
