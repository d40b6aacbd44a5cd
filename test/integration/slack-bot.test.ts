// The Slack app through the real server: signed slash commands and block_actions (Slack's
// documented payloads) into the real Bolt app at POST /slack/events, a local Slack Web API that
// records what the bot posts, and real git servers behind the syncs.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { type WorkTree, workTree } from "../harness/git-cli.ts";
import { type SlackApi, startSlackApi } from "../harness/slack-api.ts";
import {
  CANARY,
  canaryFiles,
  configYaml,
  findCanaries,
  type Hosts,
  mirrorRepo,
  pollUntil,
  refsOf,
  sleep,
  standardProviders,
  startBridgeOn,
  startHosts,
  type TestBridge,
  transcript,
  waitRef,
} from "./server-kit.ts";
import { click, postSigned, slash, submitView } from "./slack-kit.ts";

const ALLOWED = "UALLOWED01";
const APPROVER = "UAPPROVER1";
const STRANGER = "USTRANGER1";
const CHANNEL = "COPS000001";
const NOTIFY = "CNOTIFY001";
const SECRET = CANARY.SLACK_SIGNING;

export const slackYaml = (api: SlackApi, extra = "") => `slack:
  bot_token: "\${SLACK_BOT}"
  signing_secret: "\${SLACK_SIGNING}"
  allowed_users: [${ALLOWED}]
  approvers: [${APPROVER}]
  api_url: ${api.apiUrl}
${extra}notification:
  slack:
    channel: ${NOTIFY}
`;

describe("Slack app over HTTP", () => {
  let hosts: Hosts;
  let api: SlackApi;
  let b: TestBridge;
  let app: WorkTree;
  let div: WorkTree;
  let n = 0;
  const rurl = () => api.responseUrl(`r${++n}`);
  const responsesTo = (url: string) => api.responses.filter((r) => url.endsWith(r.path));
  const run = (text: string, user = ALLOWED, o = {}) => {
    const url = rurl();
    return slash(b.url, SECRET, text, user, CHANNEL, url, o).then((a) => ({ ...a, url }));
  };

  before(async () => {
    hosts = await startHosts("gb-slackbot-");
    api = await startSlackApi();
    await hosts.createRepos(["team/app", "team/div", "team/bad"], ["app", "div", "bad"]);
    app = await hosts.sourceTree("wt-app", "team/app");
    div = await hosts.sourceTree("wt-div", "team/div");
    const yaml = configYaml({
      providers: standardProviders(hosts),
      repos: [
        mirrorRepo("app", "gt", "team/app"),
        mirrorRepo("div", "gt", "team/div"),
        mirrorRepo("bad", "gt", "team/bad", { target: "dst-wrong" }),
      ],
      top: slackYaml(api),
    });
    b = await startBridgeOn(hosts, yaml, "work", { slack: { retries: 0 } });
  });

  after(async () => {
    await b?.stop(2000);
    await api?.close();
    await hosts?.close();
  });

  test("the app checked its token at start (auth.test, with the bot token)", () => {
    assert.equal(api.of("auth.test").length, 1);
    assert.equal(api.of("auth.test")[0].auth, `Bearer ${CANARY.SLACK_BOT}`);
  });

  test("forged signature, stale and future timestamps: 401, nothing runs", async () => {
    const before = b.bridge.queue.list().length;
    for (const o of [{ forge: true }, { skewSeconds: -301 }, { skewSeconds: 301 }, { headers: { "x-slack-signature": "" } }]) {
      const r = await run("retry app", ALLOWED, o);
      assert.equal(r.status, 401, `${JSON.stringify(o)}: ${r.text}`);
    }
    const ok = await run("help", ALLOWED, { skewSeconds: -200 });
    assert.equal(ok.status, 200, "a timestamp within 5 minutes is fine");
    assert.equal(b.bridge.queue.list().length, before);
  });

  test("url_verification gets its challenge back", async () => {
    const r = await postSigned(b.url, SECRET, JSON.stringify({ token: "x", challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" }), "application/json");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  test("help and an unknown subcommand: usage, ephemeral", async () => {
    for (const text of ["help", "frobnicate now", ""]) {
      const r = await run(text);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json?.response_type, "ephemeral");
      assert.match(String(r.json?.text), /\/gitbridge retry <repo> \[ref\] \[direction\]/);
      if (text.startsWith("frob")) assert.match(String(r.json?.text), /Unknown subcommand `frobnicate`/);
    }
  });

  test("someone not allowed: ephemeral denial, an audit line, nothing queued", async () => {
    const before = b.bridge.queue.list().length;
    const r = await run("retry app", STRANGER);
    assert.equal(r.status, 200);
    assert.equal(r.json?.response_type, "ephemeral");
    assert.match(String(r.json?.text), /Not allowed: you are not in slack.allowed_users/);
    assert.equal(b.bridge.queue.list().length, before);
    assert.ok(b.logs.some((l) => l.includes('"audit":true') && l.includes(STRANGER)), "audit line");
  });

  test("unknown repo: ephemeral error with the closest names", async () => {
    const r = await run("retry ap");
    assert.equal(r.json?.response_type, "ephemeral");
    assert.match(String(r.json?.text), /unknown repo "ap"/);
    assert.match(String(r.json?.text), /Did you mean: `app`/);
  });

  test("retry end to end: queued as job …, the mirror lands, the result is threaded under a public note", async () => {
    const sha = await app.commit("from slack");
    await app.push("HEAD:main");
    const r = await run("retry app refs/heads/main");
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json?.response_type, "ephemeral");
    const id = /queued as job `([^`]+)`/.exec(String(r.json?.text))?.[1];
    assert.ok(id, r.text);
    await waitRef(hosts.target, "mirror/app", "refs/heads/main", sha);
    const note = await pollUntil(() => api.of("chat.postMessage").find((c) => c.args.channel === CHANNEL && String(c.args.text).includes(id)), { what: "the public note" });
    assert.match(String(note.args.text), new RegExp(`<@${ALLOWED}> asked to retry \`app\` \`refs/heads/main\``));
    const result = await pollUntil(() => api.of("chat.postMessage").find((c) => c.args.channel === CHANNEL && c.args.thread_ts), { what: "the threaded result" });
    assert.match(String(result.args.text), /Mirror sync succeeded: app/);
    assert.match(String(result.args.text), /Source: Slack/i);
    assert.match(String(result.args.text), /Branch: main/);
    assert.ok(!JSON.stringify(result.args.blocks).includes('"actions"'), "a success has no buttons");
    const job = b.bridge.queue.get(id)!;
    assert.equal(job.request.source, "slack");
    assert.equal(job.request.actor, ALLOWED);
  });

  test("a channel the bot is not in: the result goes to the requester through response_url", async () => {
    const sha = await app.commit("from a private channel");
    await app.push("HEAD:main");
    api.fail("chat.postMessage", "CPRIVATE01", "not_in_channel");
    const url = rurl();
    const r = await slash(b.url, SECRET, "retry app refs/heads/main", ALLOWED, "CPRIVATE01", url);
    assert.match(String(r.json?.text), /queued as job/);
    await waitRef(hosts.target, "mirror/app", "refs/heads/main", sha);
    const result = await pollUntil(() => responsesTo(url)[0], { what: "the result via response_url" });
    assert.equal(result.body.response_type, "ephemeral");
    assert.match(String(result.body.text), /Mirror sync succeeded: app/);
    assert.ok(b.logs.some((l) => l.includes("no public note") && l.includes("not_in_channel")));
  });

  test("a short tag name: v1 resolves to refs/tags/v1 on the source", async () => {
    await app.git("tag", "v1");
    await app.push("refs/tags/v1");
    const sha = await app.head();
    const r = await run("retry app v1");
    assert.match(String(r.json?.text), /Looking up `v1`/);
    const reply = await pollUntil(() => responsesTo(r.url).find((x) => /queued as job/.test(String(x.body.text))), { what: "queued reply" });
    assert.match(String(reply.body.text), /`refs\/tags\/v1`/);
    await waitRef(hosts.target, "mirror/app", "refs/tags/v1", sha);
    // and one that is nowhere:
    const none = await run("retry app v9");
    const miss = await pollUntil(() => responsesTo(none.url)[0], { what: "the v9 answer" });
    assert.match(String(miss.body.text), /no branch or tag named "v9"/);
  });

  test("status of one repo: Block Kit with state, last sync and queue depth", async () => {
    const r = await run("status app");
    assert.equal(r.status, 200);
    const reply = await pollUntil(() => responsesTo(r.url).find((x) => Array.isArray(x.body.blocks)), { what: "status" });
    const blocks = reply.body.blocks as Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }>;
    assert.equal(blocks[0].text?.text, "git-bridge status: app");
    assert.match(blocks[1].elements![0].text, /✅ in sync: 1/);
    assert.match(blocks[1].elements![0].text, /Queue: \d+ waiting, \d+ running/);
    assert.match(blocks[2].text!.text, /\*app\*  ✅ in sync/);
    assert.match(blocks[2].text!.text, /Last sync .* ago: succeeded/);
  });

  test("divergence: [Retry] and [Force from source]; a non-approver cannot force; double click and Slack retry run once", async () => {
    const base = await div.commit("mirrored first");
    await div.push("HEAD:main");
    await (await run("retry div")).json;
    await waitRef(hosts.target, "mirror/div", "refs/heads/main", base);
    const dst = await workTree(join(hosts.dir, "wt-div-dst"), hosts.target.authedUrl("mirror/div"));
    await dst.git("fetch", "--quiet", "origin", "main");
    await dst.git("checkout", "--quiet", "-B", "main", "FETCH_HEAD");
    const theirs = await dst.commit("made on the mirror");
    await dst.push("HEAD:main");
    const ours = await div.commit("made upstream");
    await div.push("HEAD:main");

    const r = await run("retry div");
    const id = /queued as job `([^`]+)`/.exec(String(r.json?.text))![1];
    // The notification (bot token = notification token) to the notification channel carries the buttons.
    const posted = await pollUntil(() => api.of("chat.postMessage").find((c) => c.args.channel === NOTIFY && String(c.args.text).includes("incomplete: div")), { what: "the divergence notification" });
    const actions = (posted.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string; text: { text: string } }> }>).find((x) => x.type === "actions")!;
    assert.deepEqual(actions.elements!.map((e) => e.text.text), ["Retry", "Force from source"]);
    const value = actions.elements![1].value;
    assert.match(value, /^[a-f0-9]{32}$/, "the button carries only a record id");
    assert.equal(b.bridge.queue.get(id)!.state, "partial");
    const msgTs = String(posted.reply!.ts);

    const jobsBefore = b.bridge.queue.list().length;
    // Not an approver: denied, audited, nothing runs, the message is untouched.
    const denyUrl = rurl();
    const denied = await click(b.url, SECRET, { user: ALLOWED, channel: NOTIFY, ts: msgTs, actionId: "gitbridge_force", value, responseUrl: denyUrl });
    assert.equal(denied.status, 200);
    const no = await pollUntil(() => responsesTo(denyUrl)[0], { what: "the denial" });
    assert.match(String(no.body.text), /Not allowed: forcing over a diverged target needs an approver/);
    assert.equal(no.body.response_type, "ephemeral");
    assert.equal(b.bridge.queue.list().length, jobsBefore);
    assert.equal(api.of("chat.update").length, 0);

    // A forged value names no record: nothing runs.
    const forgedUrl = rurl();
    await click(b.url, SECRET, { user: APPROVER, channel: NOTIFY, ts: msgTs, actionId: "gitbridge_force", value: "0".repeat(32), responseUrl: forgedUrl });
    assert.match(String((await pollUntil(() => responsesTo(forgedUrl)[0])).body.text), /does not belong to a message this bridge posted/);

    // The approver double-clicks, and Slack redelivers the first click.
    const u1 = rurl(), u2 = rurl(), u3 = rurl();
    const clicks = await Promise.all([
      click(b.url, SECRET, { user: APPROVER, channel: NOTIFY, ts: msgTs, actionId: "gitbridge_force", value, responseUrl: u1 }),
      click(b.url, SECRET, { user: APPROVER, channel: NOTIFY, ts: msgTs, actionId: "gitbridge_force", value, responseUrl: u2 }),
      click(b.url, SECRET, { user: APPROVER, channel: NOTIFY, ts: msgTs, actionId: "gitbridge_force", value, responseUrl: u3 }, { headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } }),
    ]);
    for (const c of clicks) assert.equal(c.status, 200);
    await waitRef(hosts.target, "mirror/div", "refs/heads/main", ours);
    const forced = b.bridge.queue.list().filter((j) => j.request.force);
    assert.equal(forced.length, 1, "one forced job");
    assert.deepEqual(forced[0].request.force, ["refs/heads/main"]);
    // The target's old tip is kept as a backup ref in the cache.
    const cache = await pollUntil(async () => {
      const { readdir } = await import("node:fs/promises");
      const dirs = await readdir(join(b.workDir, "cache")).catch(() => [] as string[]);
      for (const d of dirs) {
        const refs = await refsOf(join(b.workDir, "cache", d)).catch(() => ({} as Record<string, string>));
        const backup = Object.entries(refs).find(([k, v]) => k.startsWith("refs/bridge/backup/") && v === theirs);
        if (backup) return backup;
      }
      return undefined;
    }, { what: "a backup ref at the target's old tip" });
    assert.ok(cache);
    // The message is updated in place: queued, then the outcome, with who acted; no buttons left.
    const updates = await pollUntil(() => api.of("chat.update").length >= 2 ? api.of("chat.update") : undefined, { what: "two updates" });
    for (const u of updates) {
      assert.equal(u.args.ts, msgTs);
      assert.equal(u.args.channel, NOTIFY);
      assert.ok(!JSON.stringify(u.args.blocks).includes('"actions"'));
    }
    assert.match(JSON.stringify(updates[0].args.blocks), new RegExp(`Force from source by <@${APPROVER}>: queued as job`));
    assert.match(JSON.stringify(updates.at(-1)!.args.blocks), /job `[^`]+` succeeded/);
    // The double click got a "handled" note; the redelivery got nothing.
    await sleep(200);
    const handled = [...responsesTo(u1), ...responsesTo(u2)];
    assert.equal(handled.length, 1);
    assert.match(String(handled[0].body.text), /Already handled by <@UAPPROVER1>/);
    assert.equal(responsesTo(u3).length, 0);
  });

  test("a failure carries [Retry] only; a click by an allowed user re-runs it", async () => {
    const r = await run("retry bad");
    const id = /queued as job `([^`]+)`/.exec(String(r.json?.text))![1];
    const posted = await pollUntil(() => api.of("chat.postMessage").find((c) => c.args.channel === NOTIFY && String(c.args.text).includes("failed: bad")), { what: "failure notification" });
    assert.equal(b.bridge.queue.get(id)!.state, "failed");
    assert.ok(!JSON.stringify(posted.args).includes(CANARY.WRONG_PASS));
    const actions = (posted.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((x) => x.type === "actions")!;
    assert.deepEqual(actions.elements!.map((e) => e.action_id), ["gitbridge_retry"]);
    const before = b.bridge.queue.list().length;
    await click(b.url, SECRET, { user: ALLOWED, channel: NOTIFY, ts: String(posted.reply!.ts), actionId: "gitbridge_retry", value: actions.elements![0].value, responseUrl: rurl() });
    await pollUntil(() => b.bridge.queue.list().length > before || undefined, { what: "the retried job" });
    const again = b.bridge.queue.list().at(-1)!;
    assert.equal(again.request.repo, "bad");
    assert.equal(again.request.actor, ALLOWED);
  });

  test("a view_submission is acknowledged (and refused unsigned)", async () => {
    const ok = await submitView(b.url, SECRET);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json, { response_action: "clear" });
    assert.equal((await submitView(b.url, SECRET, { forge: true })).status, 401);
  });

  test("the ack does not wait for a 10 s sync", async () => {
    await pollUntil(() => b.bridge.queue.stats().running + b.bridge.queue.stats().queued === 0 || undefined, { what: "idle queue", timeoutMs: 30_000 });
    await app.commit("slow one");
    await app.push("HEAD:main");
    hosts.source.setDelay(2_500); // a fetch is several requests: the sync takes about 10 s
    try {
      const first = await run("retry app");
      const id = /queued as job `([^`]+)`/.exec(String(first.json?.text))![1];
      await pollUntil(() => b.bridge.queue.get(id)?.state === "running" || undefined, { what: "the slow sync running" });
      const second = await run("retry div");
      assert.match(String(second.json?.text), /queued as job/);
      assert.equal(b.bridge.queue.get(id)!.state, "running", "answered while the sync still ran");
    } finally {
      hosts.source.setDelay(0);
    }
  });

  test("no canary (bot token, signing secret, …) in any response, log line or file under WORK_DIR", async () => {
    // The token is sent to Slack as the credential (Authorization, or Bolt's `token` form field), nowhere else.
    for (const c of api.calls) assert.ok(c.args.token === undefined || c.args.token === CANARY.SLACK_BOT);
    const content = api.calls.map(({ args: { token: _t, ...rest } }) => rest);
    const seen = [...transcript, ...b.logs, JSON.stringify(content), JSON.stringify(api.responses)].join("\n");
    assert.deepEqual(findCanaries(seen), []);
    assert.deepEqual(await canaryFiles(b.workDir), []);
  });
});

