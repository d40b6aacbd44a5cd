// Slack notifications from the real bridge: an incoming webhook (a local node:http server stands
// in for hooks.slack.com) and bot-token mode (chat.postMessage on a local Slack Web API).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { WorkTree } from "../harness/git-cli.ts";
import { type RecordingServer, startRecorder } from "./server-fakes.ts";
import {
  canaryFiles,
  CANARY,
  configYaml,
  findCanaries,
  type Hosts,
  mirrorRepo,
  pollUntil,
  retry,
  SECRETS_YAML,
  sleep,
  startBridgeOn,
  startHosts,
  type TestBridge,
  transcript,
  waitJob,
  waitRef,
} from "./server-kit.ts";
import { giteaHeaders, giteaPush, postHook } from "./server-payloads.ts";

const AUTHOR = "Test Author"; // test/harness/git-cli.ts commits as this author

describe("Slack notifications", () => {
  let hosts: Hosts;
  let slack: RecordingServer;
  let b: TestBridge;
  let wt: WorkTree;

  const providers = (h: Hosts) => ({
    gt: { type: "gitea" as const, baseUrl: h.source.url, tokenVar: "GITEA_TOKEN" },
    dst: { type: "git" as const, baseUrl: h.target.url, user: "mirror", passVar: "DST_PASS" },
    "dst-wrong": { type: "git" as const, baseUrl: h.target.url, user: "mirror", passVar: "WRONG_PASS" },
  });

  before(async () => {
    hosts = await startHosts("gb-slack-");
    slack = await startRecorder("ok");
    await hosts.createRepos(["team/app", "team/bad"], ["bad", "app", "app-bot"]);
    wt = await hosts.sourceTree("wt", "team/app");
    // The incoming-webhook URL is a credential: its last segment is a canary.
    hosts.env.SLACK_WEBHOOK = `${slack.url}/services/T0000/B0000/${CANARY.SLACK_HOOK}`;
    const yaml = configYaml({
      providers: providers(hosts),
      repos: [
        mirrorRepo("app", "gt", "team/app"),
        mirrorRepo("bad", "gt", "team/bad", { target: "dst-wrong" }),
      ],
      top: `${SECRETS_YAML}notification:\n  slack:\n    webhook_url: "\${SLACK_WEBHOOK}"\n`,
    });
    b = await startBridgeOn(hosts, yaml);
  });

  after(async () => {
    await b?.stop(2000);
    await slack?.close();
    await hosts?.close();
  });

  const messages = () => slack.requests.map((r) => ({ ...r, json: JSON.parse(r.body) }));

  test("a webhook-driven mirror posts one message: repo, branch, commit author, source", async () => {
    const sha = await wt.commit("hello slack");
    await wt.push("HEAD:main");
    const raw = await giteaPush(hosts.source.url, { fullName: "team/app", ref: "refs/heads/main" });
    const r = await postHook(b.url, "gitea", raw, giteaHeaders(raw, { delivery: randomUUID() }));
    assert.equal(r.json.status, "accepted", r.text);
    await waitRef(hosts.target, "mirror/app", "refs/heads/main", sha);
    assert.equal((await waitJob(b.url, r.json.job_id)).job.state, "succeeded");
    await pollUntil(() => slack.requests.length >= 1 || undefined, { what: "a Slack post" });
    await sleep(300);
    const posts = messages();
    assert.equal(posts.length, 1);
    const [m] = posts;
    assert.equal(m.method, "POST");
    assert.equal(m.path, `/services/T0000/B0000/${CANARY.SLACK_HOOK}`);
    assert.match(m.headers["content-type"] ?? "", /application\/json/);
    assert.match(m.json.text, /Mirror sync succeeded: app/);
    assert.match(m.json.text, /Branch: main/);
    assert.match(m.json.text, new RegExp(`Commit author: ${AUTHOR}`));
    assert.match(m.json.text, /Source: gitea webhook/);
    assert.ok(Array.isArray(m.json.blocks) && m.json.blocks.length > 0);
    assert.ok(!m.json.text.includes("retry-api"));
  });

  test("a retry posts one message with Source: retry-api", async () => {
    await wt.git("checkout", "--quiet", "-b", "feature/retry");
    const sha = await wt.commit("retried change");
    await wt.push("HEAD:feature/retry");
    const before = slack.requests.length;
    const r = await retry(b.url, { repo: "app" });
    assert.equal(r.status, 200, r.text);
    assert.equal((await waitJob(b.url, r.json.job_id)).job.state, "succeeded");
    await waitRef(hosts.target, "mirror/app", "refs/heads/feature/retry", sha);
    await pollUntil(() => slack.requests.length > before || undefined, { what: "a Slack post" });
    await sleep(300);
    const posts = messages().slice(before);
    assert.equal(posts.length, 1);
    assert.match(posts[0].json.text, /Source: retry-api/);
    assert.match(posts[0].json.text, /app/);
    assert.match(posts[0].json.text, /feature\/retry/);
    assert.match(posts[0].json.text, new RegExp(AUTHOR));
  });

  test("a sync that changes nothing posts nothing", async () => {
    const before = slack.requests.length;
    const r = await retry(b.url, { repo: "app" });
    const { job } = await waitJob(b.url, r.json.job_id);
    assert.equal(job.state, "succeeded");
    assert.ok(job.refs.every((x: { action: string }) => x.action === "unchanged"), JSON.stringify(job.refs));
    await sleep(500);
    assert.equal(slack.requests.length, before);
  });

  test("a failed sync posts the redacted error (the rejected password is not in it)", async () => {
    const before = slack.requests.length;
    const r = await retry(b.url, { repo: "bad" });
    const { job } = await waitJob(b.url, r.json.job_id);
    assert.equal(job.state, "failed");
    await pollUntil(() => slack.requests.length > before || undefined, { what: "a Slack post" });
    const posts = messages().slice(before);
    assert.equal(posts.length, 1);
    assert.match(posts[0].json.text, /Mirror sync failed: bad/);
    assert.match(posts[0].json.text, /authentication failed/);
    assert.match(posts[0].json.text, /Attempts: 1/);
    assert.ok(!posts[0].body.includes(CANARY.WRONG_PASS));
  });

  test("Slack answering 500, then Slack gone: the sync still succeeds and the failure is logged", async () => {
    slack.respond(500, "internal_error");
    let sha = await wt.commit("slack is down");
    await wt.push("HEAD:feature/retry");
    let r = await retry(b.url, { repo: "app" });
    assert.equal((await waitJob(b.url, r.json.job_id)).job.state, "succeeded");
    await waitRef(hosts.target, "mirror/app", "refs/heads/feature/retry", sha);
    await pollUntil(() => b.logs.some((l) => l.includes("slack notification not delivered") && l.includes("HTTP 500")) || undefined, {
      what: "the Slack failure in the log",
    });

    await slack.close(); // connection refused from now on
    sha = await wt.commit("slack is gone");
    await wt.push("HEAD:feature/retry");
    const failures = b.logs.filter((l) => l.includes("slack notification not delivered")).length;
    r = await retry(b.url, { repo: "app" });
    assert.equal((await waitJob(b.url, r.json.job_id)).job.state, "succeeded");
    await waitRef(hosts.target, "mirror/app", "refs/heads/feature/retry", sha);
    await pollUntil(() => b.logs.filter((l) => l.includes("slack notification not delivered")).length > failures || undefined, {
      what: "the second Slack failure in the log",
    });
    assert.equal((await fetch(`${b.url}/ready`)).status, 200, "still ready");
  });

  test("bot token mode: chat.postMessage through @slack/web-api, Bearer auth, to the channel (not the webhook)", async () => {
    const api = await startRecorder('{"ok":true,"channel":"C123","ts":"1700000000.000100"}');
    const hook = await startRecorder("ok");
    hosts.env.SLACK_WEBHOOK = `${hook.url}/services/T0000/B0000/${CANARY.SLACK_HOOK}`;
    const yaml = configYaml({
      providers: providers(hosts),
      repos: [mirrorRepo("app-bot", "gt", "team/app")],
      top: `${SECRETS_YAML}notification:\n  slack:\n    bot_token: "\${SLACK_BOT}"\n    channel: "#mirrors"\n    webhook_url: "\${SLACK_WEBHOOK}"\n`,
    });
    const bot = await startBridgeOn(hosts, yaml, "work-bot", { slackApiUrl: `${api.url}/api/` });
    try {
      const r = await retry(bot.url, { repo: "app-bot", ref: "refs/heads/main" });
      assert.equal(r.status, 200, r.text);
      assert.equal((await waitJob(bot.url, r.json.job_id)).job.state, "succeeded");
      await pollUntil(() => api.requests.length >= 1 || undefined, { what: "chat.postMessage" });
      await sleep(300);
      assert.equal(api.requests.length, 1);
      const [m] = api.requests;
      assert.equal(m.method, "POST");
      assert.equal(m.path, "/api/chat.postMessage");
      assert.equal(m.headers.authorization, `Bearer ${CANARY.SLACK_BOT}`);
      // @slack/web-api posts a form; blocks travel as a JSON string in it.
      assert.match(m.headers["content-type"] ?? "", /application\/x-www-form-urlencoded/);
      const body = Object.fromEntries(new URLSearchParams(m.body));
      assert.equal(body.channel, "#mirrors");
      assert.ok(JSON.parse(body.blocks).length > 0);
      assert.match(body.text, /app-bot/);
      assert.match(body.text, /Branch: main/);
      assert.match(body.text, /Source: retry-api/);
      assert.equal(hook.requests.length, 0, "the incoming webhook got no copy");
    } finally {
      await bot.stop(2000);
      await api.close();
      await hook.close();
    }
  });

  test("no canary secret (Slack URL, bot token, …) in any response, log line or file under WORK_DIR", async () => {
    assert.ok(transcript.some((l) => l.includes("slack notification not delivered")));
    assert.deepEqual(transcript.flatMap((t) => findCanaries(t).map((k) => `${k}: ${t.slice(0, 200)}`)), []);
    for (const dir of hosts.workDirs) assert.deepEqual(await canaryFiles(dir), [], dir);
  });
});
