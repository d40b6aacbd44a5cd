// Hostile requests against the real bridge (issue 9): credentials that headers can disprove are
// refused before a byte of the body is read, refs git refuses are answered at intake, a huge ref
// costs nothing, the retry API has a small body limit, and a client that hangs up is a warning.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  bearer,
  call,
  CANARY,
  configYaml,
  findCanaries,
  type Hosts,
  mirrorRepo,
  pollUntil,
  rawPost,
  SECRETS_YAML,
  standardProviders,
  startBridgeOn,
  startHosts,
  type TestBridge,
} from "./server-kit.ts";
import { GH, githubHeaders, githubPush, GL, gitlabHeaders, postHook } from "./server-payloads.ts";
import { rawRequest, within } from "./raw-request.ts";

const MB = 1024 * 1024;
// How long a test waits for an answer that should come at once (patience, not a timing claim).
const PATIENCE = 10_000;

describe("hostile input", () => {
  let hosts: Hosts;
  let b: TestBridge;

  before(async () => {
    hosts = await startHosts("gb-hostile-");
    await hosts.createRepos([GH, GL], ["gh-app", "gl-app"]);
    const yaml = configYaml({
      providers: standardProviders(hosts),
      repos: [mirrorRepo("gh-app", "gh", GH), mirrorRepo("gl-app", "gl", GL)],
      top: SECRETS_YAML,
    }).replace(
      "  - name: gh-app\n",
      '  - name: gh-app\n    ref_overrides: [{ pattern: "*-stable", from: gh, to: dst }]\n',
    );
    b = await startBridgeOn(hosts, yaml);
  });
  after(async () => {
    await b?.stop(2000);
    await hosts?.close();
  });

  const hookPath = (p: string) => `/webhook/${p}`;
  const declared = (extra: Record<string, string>) => ({ "content-type": "application/json", "content-length": String(24 * MB), ...extra });

  describe("credentials in headers are checked before the body is read", () => {
    const cases: Array<[string, string, Record<string, string>, RegExp]> = [
      ["gitlab without X-Gitlab-Token", "gitlab", { "x-gitlab-event": "Push Hook" }, /missing X-Gitlab-Token/],
      ["gitlab with a wrong token", "gitlab", { "x-gitlab-event": "Push Hook", "x-gitlab-token": "not-the-secret" }, /X-Gitlab-Token does not match/],
      ["github without a signature", "github", { "x-github-event": "push" }, /missing X-Hub-Signature-256/],
      ["github with a malformed signature", "github", { "x-github-event": "push", "x-hub-signature-256": "sha1=abc" }, /malformed X-Hub-Signature-256/],
      ["gitea without a signature", "gitea", { "x-gitea-event": "push" }, /missing X-Gitea-Signature/],
    ];
    for (const [name, provider, headers, reason] of cases) {
      test(`${name}: 401 while the 24 MB body is still unsent, and the connection closes`, async () => {
        const r = rawRequest(b.url, { path: hookPath(provider), headers: declared(headers) });
        const answer = await within(r.answer, PATIENCE);
        assert.notEqual(answer, "no answer", "the bridge waited for the body before judging the headers");
        if (answer === "no answer") return;
        assert.equal(answer.status, 401);
        assert.match(JSON.parse(answer.text).error, reason);
        assert.notEqual(await within(r.closed, PATIENCE), "no answer", "the connection stays open for a body nobody will read");
      });
    }

    test("the gitlab token check still lets the right token through", async () => {
      const raw = new TextEncoder().encode(JSON.stringify({ object_kind: "push" }));
      const r = await postHook(b.url, "gitlab", raw, gitlabHeaders({ event: "Note Hook" }));
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, "ignored");
    });
  });

  describe("refs git refuses are answered at intake with 200 ignored", () => {
    const refused = ["refs/heads/a\nb", "refs/heads/../../x", "refs/heads/*", "refs/heads/@{-1}", "refs/heads/x.lock", "refs/heads/a b"];
    for (const ref of refused) {
      test(`${JSON.stringify(ref)}`, async () => {
        const raw = githubPush(hosts.source.url, { ref });
        const r = await postHook(b.url, "github", raw, githubHeaders(raw, { delivery: randomUUID() }));
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, "ignored", r.text);
        assert.match(r.json.reason, /is not a valid git ref name \(git check-ref-format\): \S/);
        assert.equal(r.json.job_id, undefined, "no job was queued");
      });
    }

    test("a 30,000-character ref against a ref_overrides glob is ignored at once, and /health answers meanwhile", async () => {
      const ref = `refs/heads/${"a".repeat(30_000)}`;
      const raw = githubPush(hosts.source.url, { ref });
      const pending = postHook(b.url, "github", raw, githubHeaders(raw, { delivery: randomUUID() }));
      const health = await within(call(`${b.url}/health`), PATIENCE);
      assert.notEqual(health, "no answer", "/health stalled while the delivery was handled");
      const r = await within(pending, PATIENCE);
      assert.notEqual(r, "no answer");
      if (r === "no answer" || health === "no answer") return;
      assert.equal(health.status, 200);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, "ignored");
      assert.match(r.json.reason, /longer than 1024 bytes/);
      assert.ok(r.text.length < 1000, "the reply does not echo the whole ref");
    });
  });

  describe("the retry API's body limit", () => {
    test("a body over 64 KiB is refused with 413, declared or chunked, before it is parsed", async () => {
      for (const chunked of [false, true]) {
        const r = await rawPost(`${b.url}/retry/mirror`, { headers: bearer(), bytes: 100 * 1024, chunked });
        assert.equal(r.status, 413, `${chunked ? "chunked" : "declared"}: ${r.text}`);
        assert.match(JSON.parse(r.text).error, /too large \(limit 64 KiB\)/);
      }
    });
    test("a small body still works, and a wrong token is 401 without reading the body", async () => {
      const ok = await call(`${b.url}/retry/mirror`, {
        method: "POST",
        headers: { "content-type": "application/json", ...bearer() },
        body: JSON.stringify({ repo: "gh-app" }),
      });
      assert.equal(ok.status, 200, ok.text);
      const r = rawRequest(b.url, { path: "/retry/mirror", headers: declared({ authorization: "Bearer wrong-token-value" }) });
      const answer = await within(r.answer, PATIENCE);
      assert.notEqual(answer, "no answer");
      if (answer !== "no answer") assert.equal(answer.status, 401);
      r.socket.destroy();
    });
  });

  test("a client that hangs up mid-body is logged as a warning, never as an error", async () => {
    const before = b.logs.length;
    const r = rawRequest(b.url, {
      path: hookPath("github"),
      headers: {
        "content-type": "application/json",
        "content-length": "5000",
        "x-github-event": "push",
        "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
        // Node answers 100 Continue once it hands the request to the app: then the body read has begun.
        expect: "100-continue",
      },
      body: '{"ref":',
    });
    const interim = await within(r.answer, PATIENCE);
    assert.ok(interim !== "no answer" && interim.status === 100, "the server took the request");
    r.socket.destroy();
    await pollUntil(() => b.logs.slice(before).find((l) => l.includes("request body not received")), { what: "the warning", timeoutMs: PATIENCE });
    const lines = b.logs.slice(before).map((l) => JSON.parse(l));
    assert.ok(lines.some((l) => l.level === "warn" && l.msg.includes("the client closed the connection")));
    assert.deepEqual(lines.filter((l) => l.level === "error"), []);
  });

  test("no canary secret appeared in any answer or log line", () => {
    assert.deepEqual(findCanaries(b.logs.join("\n")), []);
    assert.ok(CANARY.GH_SECRET.length > 4);
  });
});
