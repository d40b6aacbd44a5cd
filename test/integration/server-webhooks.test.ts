// The bridge server end to end over real HTTP, webhook side: health/readiness, the three webhooks
// (real payloads, real signatures) into real git mirrors, every documented status code, duplicate
// deliveries, and canary secrets. Unsigned mode and graceful shutdown: server-lifecycle.test.ts.
// The retry API and GET /jobs: server-retry.test.ts.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import type { WorkTree } from "../harness/git-cli.ts";
import {
  bearer,
  call,
  canaryFiles,
  fetchesOf,
  findCanaries,
  type Hosts,
  pushesOf,
  rawPost,
  sleep,
  startBridgeOn,
  startHosts,
  type TestBridge,
  transcript,
  waitJob,
  waitRef,
} from "./server-kit.ts";
import {
  GH,
  githubExample,
  githubHeaders,
  githubPush,
  giteaHeaders,
  giteaPush,
  GL,
  gitlabHeaders,
  gitlabPush,
  GT,
  payloadMirrorsYaml,
  postHook,
} from "./server-payloads.ts";

const HEALTH = '{"status":"ok","service":"git-bridge"}';
const MB = 1024 * 1024;
const enc = new TextEncoder();

describe("bridge server: health, webhooks, status codes", () => {
  let hosts: Hosts;
  let b: TestBridge;
  let gh: WorkTree;
  let gl: WorkTree;
  let gt: WorkTree;

  before(async () => {
    hosts = await startHosts("gb-hooks-");
    await hosts.createRepos([GH, GL, GT], ["gh-app", "gl-app", "gitea-app"]);
    gh = await hosts.sourceTree("wt-gh", GH);
    gl = await hosts.sourceTree("wt-gl", GL);
    gt = await hosts.sourceTree("wt-gt", GT);
    b = await startBridgeOn(hosts, payloadMirrorsYaml(hosts));
  });

  after(async () => {
    await b?.stop(2000);
    await hosts?.close();
  });

  test("GET /health and GET /ready answer exactly the documented body", async () => {
    for (const path of ["/health", "/ready"]) {
      const r = await call(`${b.url}${path}`);
      assert.equal(r.status, 200, path);
      assert.equal(r.text, HEALTH, path);
      assert.match(r.headers.get("content-type") ?? "", /application\/json/);
    }
  });

  test("GET /ready is 503 with a reason while WORK_DIR is not writable (/health stays 200)", async () => {
    // Root ignores permission bits, so WORK_DIR is swapped for a plain file and back.
    const moved = `${b.workDir}.moved`;
    await rename(b.workDir, moved);
    await writeFile(b.workDir, "not a directory");
    try {
      const r = await call(`${b.url}/ready`);
      assert.equal(r.status, 503);
      assert.equal(r.json.service, "git-bridge");
      assert.notEqual(r.json.status, "ok");
      assert.match(r.json.reason, /WORK_DIR .* is not writable/);
      assert.equal((await call(`${b.url}/health`)).text, HEALTH);
    } finally {
      await rm(b.workDir, { force: true });
      await rename(moved, b.workDir);
    }
    const again = await call(`${b.url}/ready`);
    assert.equal(again.status, 200);
    assert.equal(again.text, HEALTH);
  });

  test("GitHub push (real @octokit/webhooks-examples payload, X-Hub-Signature-256) mirrors the branch", async () => {
    const sha = await gh.commit("github change");
    await gh.push("HEAD:master");
    const raw = githubPush(hosts.source.url);
    const r = await postHook(b.url, "github", raw, githubHeaders(raw, { delivery: randomUUID() }));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json), ["status", "job_id"]);
    assert.equal(r.json.status, "accepted");
    assert.equal(typeof r.json.job_id, "string");
    await waitRef(hosts.target, "mirror/gh-app", "refs/heads/master", sha);
  });

  test("GitLab Push Hook (fixture, X-Gitlab-Token) mirrors the branch", async () => {
    const sha = await gl.commit("gitlab change");
    await gl.push("HEAD:master");
    const raw = await gitlabPush(hosts.source.url);
    const r = await postHook(b.url, "gitlab", raw, gitlabHeaders({ key: randomUUID() }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, "accepted");
    assert.equal(typeof r.json.job_id, "string");
    await waitRef(hosts.target, "mirror/gl-app", "refs/heads/master", sha);
  });

  test("Gitea push (fixture, X-Gitea-Signature) mirrors the branch", async () => {
    const sha = await gt.commit("gitea change");
    await gt.push("HEAD:develop");
    const raw = await giteaPush(hosts.source.url);
    const r = await postHook(b.url, "gitea", raw, giteaHeaders(raw, { delivery: randomUUID() }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, "accepted");
    assert.equal(typeof r.json.job_id, "string");
    await waitRef(hosts.target, "mirror/gitea-app", "refs/heads/develop", sha);
  });

  test("401 (never 500) for a missing, malformed or wrong signature or token", async () => {
    const gh = githubPush(hosts.source.url);
    const gl = await gitlabPush(hosts.source.url);
    const gt = await giteaPush(hosts.source.url);
    const d = randomUUID();
    const cases: Array<[string, "github" | "gitlab" | "gitea", Uint8Array, Record<string, string>]> = [
      ["github: no signature", "github", gh, githubHeaders(gh, { delivery: d, secret: null })],
      ["github: wrong secret", "github", gh, githubHeaders(gh, { delivery: d, secret: "not-the-secret" })],
      ["github: malformed", "github", gh, { ...githubHeaders(gh, { delivery: d }), "x-hub-signature-256": "sha256=zz" }],
      ["github: sha1 only", "github", gh, {
        ...githubHeaders(gh, { delivery: d, secret: null }),
        "x-hub-signature": "sha1=0000000000000000000000000000000000000000",
      }],
      ["github: body changed after signing", "github", enc.encode(new TextDecoder().decode(gh) + " "), githubHeaders(gh, { delivery: d })],
      ["gitlab: no token", "gitlab", gl, gitlabHeaders({ token: null })],
      ["gitlab: wrong token", "gitlab", gl, gitlabHeaders({ token: "wrong-token" })],
      ["gitea: no signature", "gitea", gt, giteaHeaders(gt, { delivery: d, secret: null })],
      ["gitea: wrong secret", "gitea", gt, giteaHeaders(gt, { delivery: d, secret: "not-the-secret" })],
      ["gitea: malformed", "gitea", gt, { ...giteaHeaders(gt, { delivery: d }), "x-gitea-signature": "xyz" }],
    ];
    for (const [name, provider, raw, headers] of cases) {
      const r = await postHook(b.url, provider, raw, headers);
      assert.equal(r.status, 401, `${name}: ${r.status} ${r.text}`);
      assert.equal(typeof r.json?.error, "string", name);
    }
  });

  test("400 for a correctly signed body that is not JSON", async () => {
    const bad = enc.encode('{"ref": "refs/heads/master", ');
    const r1 = await postHook(b.url, "github", bad, githubHeaders(bad, { delivery: randomUUID() }));
    assert.equal(r1.status, 400, r1.text);
    const r2 = await postHook(b.url, "gitlab", bad, gitlabHeaders({}));
    assert.equal(r2.status, 400, r2.text);
    const r3 = await postHook(b.url, "gitea", bad, giteaHeaders(bad, { delivery: randomUUID() }));
    assert.equal(r3.status, 400, r3.text);
    for (const r of [r1, r2, r3]) assert.match(r.json.error, /not valid JSON/);
    // Valid JSON that is not a push payload (no repository) is an invalid body too.
    const empty = enc.encode("{}");
    const r4 = await postHook(b.url, "github", empty, githubHeaders(empty, { delivery: randomUUID() }));
    assert.equal(r4.status, 400, r4.text);
    assert.match(r4.json.error, /repository\.full_name/);
  });

  test("405 for other methods on the webhook and retry endpoints", async () => {
    for (const [method, path] of [["GET", "/webhook/github"], ["GET", "/webhook/gitlab"], ["PUT", "/webhook/gitea"], ["GET", "/retry/mirror"]]) {
      const r = await call(`${b.url}${path}`, { method, headers: bearer() });
      assert.equal(r.status, 405, `${method} ${path}: ${r.text}`);
      assert.equal(r.headers.get("allow"), "POST");
    }
  });

  test("413 for a 26 MB body, with Content-Length and with Transfer-Encoding: chunked", async () => {
    const headers = { "x-github-event": "push", "x-github-delivery": randomUUID(), "x-hub-signature-256": `sha256=${"0".repeat(64)}` };
    const plain = await rawPost(`${b.url}/webhook/github`, { headers, bytes: 26 * MB, chunked: false });
    assert.equal(plain.status, 413, plain.text);
    const chunked = await rawPost(`${b.url}/webhook/github`, { headers, bytes: 26 * MB, chunked: true });
    assert.equal(chunked.status, 413, chunked.text);
    assert.equal((await call(`${b.url}/health`)).status, 200, "the server is still fine");
  });

  test("200 ignored for a ping, an unmirrored event type and a repo not in the config", async () => {
    const ping = enc.encode(JSON.stringify(githubExample("ping", (p) => p.repository)));
    const r1 = await postHook(b.url, "github", ping, githubHeaders(ping, { delivery: randomUUID(), event: "ping" }));
    assert.equal(r1.status, 200, r1.text);
    assert.deepEqual(r1.json, { status: "ignored", reason: "ping" });

    const issues = enc.encode(JSON.stringify(githubExample("issues")));
    const r2 = await postHook(b.url, "github", issues, githubHeaders(issues, { delivery: randomUUID(), event: "issues" }));
    assert.equal(r2.status, 200, r2.text);
    assert.equal(r2.json.status, "ignored");
    assert.match(r2.json.reason, /issues is not mirrored/);

    const unknown = githubPush(hosts.source.url, { fullName: "Codertocat/Not-Mirrored" });
    const r3 = await postHook(b.url, "github", unknown, githubHeaders(unknown, { delivery: randomUUID() }));
    assert.equal(r3.status, 200, r3.text);
    assert.equal(r3.json.status, "ignored");
    assert.match(r3.json.reason, /no repo has github at .* path Codertocat\/Not-Mirrored/);

    const glBody = await gitlabPush(hosts.source.url);
    const r4 = await postHook(b.url, "gitlab", glBody, gitlabHeaders({ event: "Issue Hook" }));
    assert.equal(r4.status, 200, r4.text);
    assert.equal(r4.json.status, "ignored");
    assert.equal(Object.keys(r4.json).join(), "status,reason");
  });

  test("a repeated X-GitHub-Delivery is a duplicate and syncs once", async () => {
    const fetches = fetchesOf(hosts.source, GH);
    const pushes = pushesOf(hosts.target, "mirror/gh-app");
    const sha = await gh.commit("once");
    await gh.push("HEAD:master");
    const raw = githubPush(hosts.source.url);
    const headers = githubHeaders(raw, { delivery: randomUUID() });
    const first = await postHook(b.url, "github", raw, headers);
    const second = await postHook(b.url, "github", raw, headers);
    assert.equal(first.json.status, "accepted");
    assert.deepEqual(second.json, { status: "duplicate", job_id: first.json.job_id });
    assert.equal(second.status, 200);
    await waitRef(hosts.target, "mirror/gh-app", "refs/heads/master", sha);
    await waitJob(b.url, first.json.job_id);
    const third = await postHook(b.url, "github", raw, headers); // redelivered after the sync
    assert.deepEqual(third.json, { status: "duplicate", job_id: first.json.job_id });
    await sleep(300);
    assert.equal(fetchesOf(hosts.source, GH) - fetches, 1, "one fetch of the source");
    assert.equal(pushesOf(hosts.target, "mirror/gh-app") - pushes, 1, "one push to the target");
  });

  test("a repeated GitLab Idempotency-Key is a duplicate and syncs once", async () => {
    const fetches = fetchesOf(hosts.source, GL);
    const sha = await gl.commit("gitlab once");
    await gl.push("HEAD:master");
    const raw = await gitlabPush(hosts.source.url);
    const key = randomUUID();
    const first = await postHook(b.url, "gitlab", raw, gitlabHeaders({ key }));
    const second = await postHook(b.url, "gitlab", raw, gitlabHeaders({ key }));
    assert.equal(first.json.status, "accepted");
    assert.deepEqual(second.json, { status: "duplicate", job_id: first.json.job_id });
    await waitRef(hosts.target, "mirror/gl-app", "refs/heads/master", sha);
    await waitJob(b.url, first.json.job_id);
    await sleep(300);
    assert.equal(fetchesOf(hosts.source, GL) - fetches, 1);
  });

  test("canary secrets never appear in a response body, a log line or a file under WORK_DIR", async () => {
    assert.ok(transcript.length > 50, "the transcript holds what the tests saw");
    const leaks = transcript.flatMap((t) => findCanaries(t).map((k) => `${k} in ${t.slice(0, 200)}`));
    assert.deepEqual(leaks, []);
    for (const dir of hosts.workDirs) assert.deepEqual(await canaryFiles(dir), [], dir);
  });
});
