// The bridge server end to end over real HTTP, its life cycle: started without webhook secrets
// (warned at startup, webhooks accepted unsigned, no retry API), and graceful shutdown (not ready,
// new webhooks refused, the running sync drained); and canary secrets.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { WorkTree } from "../harness/git-cli.ts";
import {
  bearer,
  call,
  canaryFiles,
  configYaml,
  findCanaries,
  getJob,
  type Hosts,
  mirrorRepo,
  pollUntil,
  rawPost,
  refsOf,
  startBridgeOn,
  startHosts,
  type TestBridge,
  transcript,
  waitRef,
} from "./server-kit.ts";
import {
  GH,
  githubHeaders,
  githubPush,
  giteaHeaders,
  giteaPush,
  gitlabHeaders,
  gitlabPush,
  GT,
  payloadMirrorsYaml,
  postHook,
} from "./server-payloads.ts";

const MB = 1024 * 1024;

describe("bridge server: unsigned mode, shutdown", () => {
  let hosts: Hosts;
  let b: TestBridge;
  let gh: WorkTree;
  let gt: WorkTree;

  before(async () => {
    hosts = await startHosts("gb-life-");
    await hosts.createRepos([GH, GT], ["gitea-app", "gh-app2"]);
    gh = await hosts.sourceTree("wt-gh", GH);
    gt = await hosts.sourceTree("wt-gt", GT);
    // The unsigned-mode test mirrors what is on the source's master already.
    await gh.commit("github change");
    await gh.push("HEAD:master");
    b = await startBridgeOn(hosts, payloadMirrorsYaml(hosts));
  });

  after(async () => {
    await b?.stop(2000);
    await hosts?.close();
  });

  test("no secrets configured: webhooks are accepted unsigned, a warning is logged at startup, /retry is 404", async () => {
    const { source, target } = hosts;
    const yaml = configYaml({
      providers: {
        gh: { type: "github", baseUrl: source.url, tokenVar: "GH_TOKEN" },
        dst: { type: "git", baseUrl: target.url, user: "mirror", passVar: "DST_PASS" },
      },
      repos: [mirrorRepo("gh-app2", "gh", GH)],
      top: "webhook:\n  max_body_size_mb: 1\n",
    });
    const open = await startBridgeOn(hosts, yaml, "work-open");
    try {
      const warn = open.logs.findIndex((l) => /"level":"warn"/.test(l) && /github_secret is not set/.test(l));
      const listening = open.logs.findIndex((l) => l.includes("git-bridge listening"));
      assert.ok(warn >= 0 && warn < listening, open.logs.join(""));
      // No gitlab or gitea provider here: those routes mirror nothing, so they are not warned about.
      for (const key of ["gitlab_secret", "gitea_secret"]) assert.ok(!open.logs.some((l) => l.includes(`${key} is not set`)), key);

      const sha = await gh.head();
      const raw = githubPush(source.url);
      const r = await postHook(open.url, "github", raw, githubHeaders(raw, { delivery: randomUUID(), secret: null }));
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, "accepted");
      await waitRef(target, "mirror/gh-app2", "refs/heads/master", sha);
      // GitLab without X-Gitlab-Token is not refused either (its repo is just not configured here).
      const gl = await postHook(open.url, "gitlab", await gitlabPush(source.url), gitlabHeaders({ token: null }));
      assert.equal(gl.status, 200, gl.text);
      assert.equal(gl.json.status, "ignored");

      for (const method of ["POST", "GET", "PUT", "DELETE"]) {
        const x = await call(`${open.url}/retry/mirror`, {
          method,
          headers: { "content-type": "application/json", ...bearer() },
          ...(method === "POST" || method === "PUT" ? { body: JSON.stringify({ repo: "gh-app2" }) } : {}),
        });
        assert.equal(x.status, 404, `${method}: ${x.text}`);
      }
      // webhook.max_body_size_mb is honoured (1 MB here).
      const big = await rawPost(`${open.url}/webhook/github`, { headers: { "x-github-event": "push" }, bytes: 2 * MB, chunked: true });
      assert.equal(big.status, 413, big.text);
    } finally {
      await open.stop(5000);
    }
  });

  test("shutdown: /ready turns 503 and new webhooks get 503 while a slow sync drains; the sync finishes", async () => {
    const sha = await gt.commit("during shutdown");
    await gt.push("HEAD:develop");
    const raw = await giteaPush(hosts.source.url);
    hosts.source.setDelay(300);
    try {
      const r = await postHook(b.url, "gitea", raw, giteaHeaders(raw, { delivery: randomUUID() }));
      assert.equal(r.json.status, "accepted");
      await pollUntil(async () => (await getJob(b.url, r.json.job_id)).json.state === "running" || undefined, { what: "the sync to run" });
      const stopping = b.stop(15_000);
      const ready = await pollUntil(async () => {
        const x = await call(`${b.url}/ready`);
        return x.status === 503 ? x : undefined;
      }, { what: "/ready to turn 503" });
      assert.equal(ready.json.reason, "shutting down");
      assert.equal((await call(`${b.url}/health`)).status, 200, "liveness is not readiness");
      const late = await postHook(b.url, "gitea", raw, giteaHeaders(raw, { delivery: randomUUID() }));
      assert.equal(late.status, 503, late.text);
      assert.notEqual(
        (await refsOf(hosts.target.repoDir("mirror/gitea-app")))["refs/heads/develop"],
        sha,
        "the sync was still running when shutdown began",
      );
      await stopping;
      assert.equal((await refsOf(hosts.target.repoDir("mirror/gitea-app")))["refs/heads/develop"], sha, "the running sync finished");
    } finally {
      hosts.source.setDelay(0);
    }
  });

  test("canary secrets never appear in a response body, a log line or a file under WORK_DIR", async () => {
    assert.ok(transcript.length > 10, "the transcript holds what the tests saw");
    const leaks = transcript.flatMap((t) => findCanaries(t).map((k) => `${k} in ${t.slice(0, 200)}`));
    assert.deepEqual(leaks, []);
    for (const dir of hosts.workDirs) assert.deepEqual(await canaryFiles(dir), [], dir);
  });
});
