// The Slack app's other shapes: status of 60 repos (summarised within Slack's 50-block limit),
// Socket Mode against a local WebSocket server, and no Slack config at all (/slack/events is 404).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type SlackApi, startSlackApi } from "../harness/slack-api.ts";
import {
  CANARY,
  call,
  configYaml,
  findCanaries,
  type Hosts,
  mirrorRepo,
  pollUntil,
  standardProviders,
  startBridgeOn,
  startHosts,
  type TestBridge,
} from "./server-kit.ts";
import { slash, SLASH } from "./slack-kit.ts";

const USER = "UALLOWED01";
const CHANNEL = "COPS000001";

describe("Slack app: 60 repos, Socket Mode, off", () => {
  let hosts: Hosts;
  let api: SlackApi;
  const names = Array.from({ length: 60 }, (_, i) => `repo-${String(i).padStart(2, "0")}`);
  const bridges: TestBridge[] = [];

  before(async () => {
    hosts = await startHosts("gb-slackmodes-");
    api = await startSlackApi();
    await hosts.createRepos(names.map((n) => `team/${n}`), names);
  });
  after(async () => {
    for (const b of bridges) await b.stop(2000);
    await api?.close();
    await hosts?.close();
  });

  test("status of 60 repos: every repo accounted for, at most 50 blocks, problems listed first", async () => {
    // Two repos point at a target that refuses the bridge's password: their state is unknown.
    const yaml = configYaml({
      providers: standardProviders(hosts),
      repos: names.map((n, i) => mirrorRepo(n, "gt", `team/${n}`, i < 2 ? { target: "dst-wrong" } : {})),
      top: `slack:\n  bot_token: "\${SLACK_BOT}"\n  signing_secret: "\${SLACK_SIGNING}"\n  api_url: ${api.apiUrl}\n`,
    });
    const b = await startBridgeOn(hosts, yaml, "work-60", { slack: { retries: 0 } });
    bridges.push(b);
    const url = api.responseUrl("status60");
    const r = await slash(b.url, CANARY.SLACK_SIGNING, "status", USER, CHANNEL, url);
    assert.equal(r.status, 200);
    assert.match(String(r.json?.text), /Reading the status of 60 repos/);
    const reply = await pollUntil(() => api.responses.find((x) => url.endsWith(x.path) && Array.isArray(x.body.blocks)), { what: "status", timeoutMs: 60_000 });
    const blocks = reply.body.blocks as Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }>;
    assert.ok(blocks.length <= 50, `${blocks.length} blocks`);
    assert.equal(blocks[0].text?.text, "git-bridge status: 60 repos");
    assert.match(blocks[1].elements![0].text, /✅ in sync: 58 · ❓ unknown: 2/);
    const all = blocks.map((x) => x.text?.text ?? "").join("\n");
    assert.match(blocks[2].text!.text, /^\*repo-00\*  ❓ unknown/);
    assert.match(blocks[2].text!.text, /Could not read: .*(Authentication|401|auth)/i);
    assert.match(all, /\*✅ in sync\* \(58\)\nrepo-02, repo-03, /);
    for (const n of names) assert.ok(all.includes(n), `${n} is in the summary`);
    assert.deepEqual(findCanaries(JSON.stringify(reply.body) + b.logs.join("\n")), []);
  });

  test("Socket Mode: the app connects over WebSocket and answers /gitbridge help in the envelope's ack", async () => {
    const yaml = configYaml({
      providers: standardProviders(hosts),
      repos: [mirrorRepo("repo-00", "gt", "team/repo-00")],
      top: `slack:\n  bot_token: "\${SLACK_BOT}"\n  app_token: "\${SLACK_APP}"\n  socket_mode: true\n  api_url: ${api.apiUrl}\n  allowed_users: [${USER}]\n`,
    });
    const b = await startBridgeOn(hosts, yaml, "work-socket", { slack: { retries: 0 } });
    bridges.push(b);
    const open = api.of("apps.connections.open");
    assert.equal(open.length, 1);
    assert.equal(open[0].auth, `Bearer ${CANARY.SLACK_APP}`, "the connection is opened with the app token");
    const ws = await api.socket();
    const ack = await ws.send("slash_commands", { ...SLASH, command: "/gitbridge", text: "help", user_id: USER, channel_id: CHANNEL });
    assert.equal(ack.response_type, "ephemeral");
    assert.match(String(ack.text), /\/gitbridge retry <repo> \[ref\] \[direction\]/);
    const denied = await ws.send("slash_commands", { ...SLASH, command: "/gitbridge", text: "retry repo-00", user_id: "USTRANGER1", channel_id: CHANNEL });
    assert.match(String(denied.text), /Not allowed/);
    // Over a socket there is no HTTP endpoint for Slack.
    assert.equal((await call(`${b.url}/slack/events`, { method: "POST", body: "{}" })).status, 404);
    const ready = await call(`${b.url}/ready`);
    assert.equal(ready.status, 200, ready.text);
    assert.match(ready.text, /socket mode/);
    await b.stop(2000);
  });

  test("no Slack config: the app is off and /slack/events is a 404", async () => {
    const yaml = configYaml({ providers: standardProviders(hosts), repos: [mirrorRepo("repo-00", "gt", "team/repo-00")] });
    const before = api.calls.length;
    const b = await startBridgeOn(hosts, yaml, "work-off");
    bridges.push(b);
    const r = await slash(b.url, CANARY.SLACK_SIGNING, "help", USER, CHANNEL, api.responseUrl("off"));
    assert.equal(r.status, 404);
    assert.equal(api.calls.length, before, "nothing talked to Slack");
  });
});
