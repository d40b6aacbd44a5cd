// The bridge server end to end over real HTTP, retry side: POST /retry/mirror (auth, validation,
// direction resolution, a single ref) and GET /jobs/:id (queued/running → succeeded, partial for a
// diverged target, failed for wrong credentials without retries), and canary secrets.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { type WorkTree, workTree } from "../harness/git-cli.ts";
import {
  bearer,
  CANARY,
  canaryFiles,
  configYaml,
  findCanaries,
  getJob,
  type Hosts,
  mirrorRepo,
  pollUntil,
  refsOf,
  retry,
  SECRETS_YAML,
  sleep,
  standardProviders,
  startBridgeOn,
  startHosts,
  type TestBridge,
  transcript,
  waitJob,
} from "./server-kit.ts";

const GH = "Codertocat/Hello-World";
const GT = "gitea/webhooks";

describe("bridge server: retry API and jobs", () => {
  let hosts: Hosts;
  let b: TestBridge;
  let gh: WorkTree;
  let gt: WorkTree;

  before(async () => {
    hosts = await startHosts("gb-retry-");
    await hosts.createRepos(
      [GH, GT, "team/badauth", "team/bidi", "team/bidi-rd", "team/t2s"],
      ["gh-app", "gitea-app", "badauth", "bidi", "bidi-rd", "t2s"],
    );
    gh = await hosts.sourceTree("wt-gh", GH);
    gt = await hosts.sourceTree("wt-gt", GT);
    const yaml = configYaml({
      providers: standardProviders(hosts),
      repos: [
        mirrorRepo("gh-app", "gh", GH),
        mirrorRepo("gitea-app", "gt", GT),
        mirrorRepo("badauth", "gt", "team/badauth", { target: "dst-wrong" }),
        mirrorRepo("bidi", "gt", "team/bidi", { direction: "bidirectional" }),
        mirrorRepo("bidi-rd", "gt", "team/bidi-rd", { direction: "bidirectional", retryDirection: "source-to-target" }),
        mirrorRepo("t2s", "gt", "team/t2s", { direction: "target-to-source" }),
      ],
      top: SECRETS_YAML,
    });
    b = await startBridgeOn(hosts, yaml);
  });

  after(async () => {
    await b?.stop(2000);
    await hosts?.close();
  });

  test("POST /retry/mirror: 401 without or with a wrong bearer token", async () => {
    for (const headers of [{}, bearer("wrong-token"), { authorization: CANARY.RETRY_TOKEN }, { authorization: `Basic ${CANARY.RETRY_TOKEN}` }]) {
      const r = await retry(b.url, { repo: "gh-app" }, headers);
      assert.equal(r.status, 401, `${JSON.stringify(Object.keys(headers))}: ${r.text}`);
    }
  });

  test("POST /retry/mirror: 400 for invalid JSON, missing/empty repo, invalid direction, hostile ref", async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ["invalid JSON", "{repo: gh-app", /invalid JSON/],
      ["missing repo", { direction: "auto" }, /repo is required/],
      ["empty repo", { repo: "" }, /repo is required/],
      ["blank repo", { repo: "   " }, /repo is required/],
      ["repo not a string", { repo: 7 }, /repo is required/],
      ["unknown repo", { repo: "nope" }, /unknown repo/],
      ["invalid direction", { repo: "gh-app", direction: "sideways" }, /direction must be one of/],
      ["direction the repo does not allow", { repo: "gh-app", direction: "target-to-source" }, /source-to-target only/],
      ["hostile ref ..", { repo: "gh-app", ref: "refs/heads/../x" }, /ref must be a full ref name/],
      ["option-like ref", { repo: "gh-app", ref: "--upload-pack=touch /tmp/pwned" }, /ref must be a full ref name/],
      ["short ref", { repo: "gh-app", ref: "main" }, /ref must be a full ref name/],
    ];
    for (const [name, body, message] of cases) {
      const r = await retry(b.url, body);
      assert.equal(r.status, 400, `${name}: ${r.status} ${r.text}`);
      assert.match(r.json.error, message, name);
    }
  });

  test("POST /retry/mirror resolves direction: explicit, retry_direction, bidirectional, single allowed", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ repo: "gh-app" }, "source-to-target"], // one-way: its single direction
      [{ repo: "gh-app", direction: "auto" }, "source-to-target"],
      [{ repo: "gh-app", direction: "source-to-target" }, "source-to-target"],
      [{ repo: "t2s" }, "target-to-source"],
      [{ repo: "bidi" }, "target-to-source"], // bidirectional: target-to-source
      [{ repo: "bidi", direction: "source-to-target" }, "source-to-target"], // explicit wins
      [{ repo: "bidi-rd" }, "source-to-target"], // retry_direction
      [{ repo: "bidi-rd", direction: "target-to-source" }, "target-to-source"],
    ];
    for (const [body, direction] of cases) {
      const r = await retry(b.url, body);
      assert.equal(r.status, 200, `${JSON.stringify(body)}: ${r.text}`);
      assert.equal(r.json.direction, direction, JSON.stringify(body));
      assert.deepEqual(Object.keys(r.json), ["status", "repo", "direction", "queued_at", "job_id"]);
      assert.equal(r.json.status, "accepted");
      assert.equal(r.json.repo, body.repo);
      assert.match(r.json.queued_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      assert.equal(typeof r.json.job_id, "string");
      const job = await getJob(b.url, r.json.job_id);
      assert.equal(job.status, 200);
      assert.equal(job.json.source, "retry-api");
    }
    // Let those syncs (of empty repos) settle before the next tests count anything.
    await pollUntil(() => b.bridge.queue.stats().running + b.bridge.queue.stats().queued === 0 || undefined, { what: "an idle queue" });
  });

  test("a retry with ref mirrors just that ref; GET /jobs goes queued/running → succeeded with per-ref results", async () => {
    await gt.git("checkout", "--quiet", "-b", "only-this");
    const only = await gt.commit("only this");
    await gt.git("checkout", "--quiet", "-b", "not-this");
    await gt.commit("not this");
    await gt.push("only-this", "not-this");
    hosts.source.setDelay(250); // slow enough to see the job before it finishes
    try {
      const r = await retry(b.url, { repo: "gitea-app", ref: "refs/heads/only-this" });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.json), ["status", "repo", "direction", "ref", "queued_at", "job_id"]);
      assert.equal(r.json.ref, "refs/heads/only-this");
      assert.equal(r.json.direction, "source-to-target");
      const early = await getJob(b.url, r.json.job_id);
      assert.ok(["queued", "running"].includes(early.json.state), early.text);
      const { job, states } = await waitJob(b.url, r.json.job_id);
      assert.equal(states[states.length - 1], "succeeded", states.join(" → "));
      assert.equal(job.id, r.json.job_id);
      assert.equal(job.repo, "gitea-app");
      assert.equal(job.ref, "refs/heads/only-this");
      assert.equal(job.attempts, 1);
      assert.ok(job.started_at && job.finished_at && job.queued_at);
      assert.deepEqual(job.refs.map((x: { ref: string; action: string; to: string }) => [x.ref, x.action, x.to]), [
        ["refs/heads/only-this", "created", only],
      ]);
    } finally {
      hosts.source.setDelay(0);
    }
    const refs = await refsOf(hosts.target.repoDir("mirror/gitea-app"));
    assert.equal(refs["refs/heads/only-this"], only);
    assert.ok(!("refs/heads/not-this" in refs), "the other new branch was not mirrored");
  });

  test("GET /jobs: partial when the target diverged (and the target's commit is kept)", async () => {
    // First a clean mirror, so the bridge's ledger knows the branch.
    const base = await gh.commit("mirrored first");
    await gh.push("HEAD:master");
    const first = await retry(b.url, { repo: "gh-app" });
    assert.equal((await waitJob(b.url, first.json.job_id)).job.state, "succeeded");
    assert.equal((await refsOf(hosts.target.repoDir("mirror/gh-app")))["refs/heads/master"], base);

    const dst = await workTree(join(hosts.dir, "wt-dst-gh"), hosts.target.authedUrl("mirror/gh-app"));
    await dst.git("fetch", "--quiet", "origin", "master");
    await dst.git("checkout", "--quiet", "-B", "master", "FETCH_HEAD");
    const theirs = await dst.commit("made on the mirror");
    await dst.push("HEAD:master");
    const ours = await gh.commit("made upstream");
    await gh.push("HEAD:master");
    const r = await retry(b.url, { repo: "gh-app" });
    const { job } = await waitJob(b.url, r.json.job_id);
    assert.equal(job.state, "partial", JSON.stringify(job));
    const master = job.refs.find((x: { ref: string }) => x.ref === "refs/heads/master");
    assert.equal(master.action, "diverged");
    assert.equal(master.from, theirs);
    assert.equal(master.to, ours);
    assert.equal((await refsOf(hosts.target.repoDir("mirror/gh-app")))["refs/heads/master"], theirs);
  });

  test("GET /jobs: failed for wrong credentials, after one attempt (auth is not retried)", async () => {
    const r = await retry(b.url, { repo: "badauth" });
    assert.equal(r.status, 200, r.text);
    const { job } = await waitJob(b.url, r.json.job_id);
    assert.equal(job.state, "failed", JSON.stringify(job));
    assert.equal(job.attempts, 1);
    assert.match(job.error, /authentication failed/);
    assert.equal(job.next_attempt_at, undefined);
    await sleep(500);
    assert.equal((await getJob(b.url, r.json.job_id)).json.attempts, 1);
  });

  test("GET /jobs/:id: 401 without the token, 404 for an unknown id", async () => {
    const r = await retry(b.url, { repo: "gh-app" });
    for (const headers of [{}, bearer("wrong")]) {
      const j = await getJob(b.url, r.json.job_id, headers);
      assert.equal(j.status, 401, j.text);
      assert.equal(j.json.state, undefined);
    }
    const missing = await getJob(b.url, randomUUID());
    assert.equal(missing.status, 404, missing.text);
  });

  test("canary secrets never appear in a response body, a log line or a file under WORK_DIR", async () => {
    assert.ok(transcript.length > 20, "the transcript holds what the tests saw");
    const leaks = transcript.flatMap((t) => findCanaries(t).map((k) => `${k} in ${t.slice(0, 200)}`));
    assert.deepEqual(leaks, []);
    for (const dir of hosts.workDirs) assert.deepEqual(await canaryFiles(dir), [], dir);
  });
});
