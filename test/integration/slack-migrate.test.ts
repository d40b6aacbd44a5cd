// /gitbridge migrate through the real server and Bolt: signed slash commands, button clicks and a
// view submission into POST /slack/events, the local Slack Web API recording what the bot posts,
// and the GitHub + Gitea emulators the phases change. The clock is the bridge's (deps.clock).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startSlackApi } from "../harness/slack-api.ts";
import { ADMIN_PASSWORD, BACKUP_PASSWORD, GITHUB_TOKEN, startMigrationWorld } from "../harness/migration-fixture.ts";
import { CANARY, configYaml, mirrorRepo, pollUntil, standardProviders, startBridgeOn, startHosts } from "./server-kit.ts";
import { click, postSigned, slash } from "./slack-kit.ts";
import { APPROVE_ACTION, ORG_BLOCK, ORG_INPUT, REJECT_ACTION, TEARDOWN_VIEW } from "../../bot/views/migration.ts";

const ALLOWED = "UALLOWED01";
const APPROVER = "UAPPROVER1";
const APPROVER2 = "UAPPROVER2";
const STRANGER = "USTRANGER1";
const CHANNEL = "COPS000001";
const APPROVALS = "CAPPROVE01";
const SECRET = CANARY.SLACK_SIGNING;

type Block = { type: string; text?: { text: string }; elements?: Array<{ text: string; action_id?: string; value?: string }> };

async function setup(selfApproval: boolean) {
  const hosts = await startHosts("gb-slackmig-");
  const api = await startSlackApi();
  const world = await startMigrationWorld({ backup: false });
  await hosts.createRepos(["team/app"], ["app"]);
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  const yaml = configYaml({
    providers: standardProviders(hosts),
    repos: [mirrorRepo("app", "gt", "team/app")],
    top: `slack:
  bot_token: "\${SLACK_BOT}"
  signing_secret: "\${SLACK_SIGNING}"
  allowed_users: [${ALLOWED}]
  approvers: [${APPROVER}, ${APPROVER2}]
  approvals_channel: ${APPROVALS}
  allow_self_approval: ${selfApproval}
  api_url: ${api.apiUrl}
migration: { config: ${world.configPath} }
`,
  });
  const b = await startBridgeOn(hosts, yaml, "work", {
    slack: { retries: 0, migrationDeps: { sleep: world.deps.sleep, resolveHost: world.deps.resolveHost } },
    clock,
    bridgeEnv: { ...hosts.env, ...world.env },
  });
  let n = 0;
  const skew = () => Math.round(offsetMs / 1000);
  const run = (text: string, user = ALLOWED) => {
    const url = api.responseUrl(`m${++n}`);
    return slash(b.url, SECRET, text, user, CHANNEL, url, { skewSeconds: skew() }).then((a) => ({ ...a, url }));
  };
  const replies = (url: string) => api.responses.filter((r) => url.endsWith(r.path));
  const reply = (url: string, re: RegExp) => pollUntil(() => replies(url).find((r) => re.test(String(r.body.text))), { what: `a reply matching ${re}` });
  /** Asks for phase `phase` as `user`; the card posted in the approvals channel. */
  const request = async (phase: string, user = ALLOWED) => {
    const before = api.of("chat.postMessage").length;
    const r = await run(`migrate run ${phase}`, user);
    assert.equal(r.status, 200, r.text);
    await reply(r.url, /Approval for phase .* requested in <#CAPPROVE01>/);
    const card = api.of("chat.postMessage").slice(before).find((c) => c.args.channel === APPROVALS && !c.args.thread_ts)!;
    assert.ok(card, "the approval card");
    const ts = String(card.reply!.ts);
    const value = (card.args.blocks as Block[]).find((x) => x.type === "actions")!.elements![0].value!;
    return { card, ts, value };
  };
  const press = (card: { ts: string; value: string }, user: string, actionId = APPROVE_ACTION) => {
    const url = api.responseUrl(`c${++n}`);
    return click(b.url, SECRET, { user, channel: APPROVALS, ts: card.ts, actionId, value: card.value, responseUrl: url }, { skewSeconds: skew() }).then((a) => ({ ...a, url }));
  };
  const lastUpdate = (ts: string) => api.of("chat.update").filter((c) => c.args.ts === ts).at(-1);
  const thread = (ts: string) => api.of("chat.postMessage").filter((c) => c.args.thread_ts === ts).map((c) => String(c.args.text));
  return {
    hosts, api, world, b, skew, run, reply, replies, request, press, lastUpdate, thread,
    advance: (ms: number) => void (offsetMs += ms),
    close: async () => {
      await b.stop(2000);
      await api.close();
      await world.close();
      await hosts.close();
    },
  };
}

function noCanaries(s: Awaited<ReturnType<typeof setup>>) {
  // The bot token goes to Slack by design (Authorization, auth.test); anywhere else is a leak.
  const said = JSON.stringify([s.api.calls.filter((c) => c.method !== "auth.test").map((c) => [c.method, c.args, c.reply]), s.api.responses]) + s.b.logs.join("\n");
  for (const secret of [GITHUB_TOKEN, ADMIN_PASSWORD, BACKUP_PASSWORD, CANARY.SLACK_BOT, CANARY.SLACK_SIGNING]) {
    assert.ok(!said.includes(secret), `a canary leaked: ${secret.slice(0, 8)}… near ${said.slice(Math.max(0, said.indexOf(secret) - 300), said.indexOf(secret))}`);
  }
  // The admin token phase 1 created is a secret too.
  for (const t of s.world.primary.world.tokens) assert.ok(!said.includes(t.sha1), "the created Gitea token leaked");
}

describe("Slack migrate: approvals", () => {
  let s: Awaited<ReturnType<typeof setup>>;
  before(async () => void (s = await setup(false)));
  after(() => s?.close());

  test("status and plan: ephemeral, the CLI's text", async () => {
    const st = await s.run("migrate status");
    assert.equal(st.json?.response_type, "ephemeral");
    const table = await s.reply(st.url, /migration of acme/);
    assert.equal(table.body.response_type, "ephemeral");
    assert.match(String(table.body.text), /preflight\s+pending/);
    const plan = await s.run("migrate plan 1");
    const p = await s.reply(plan.url, /phase 1:/);
    assert.equal(p.body.response_type, "ephemeral");
    assert.match(String(p.body.text), /acme/);
  });

  test("a stranger cannot ask; an unknown phase says what to type", async () => {
    const r = await s.run("migrate run preflight", STRANGER);
    assert.match(String(r.json?.text), /Not allowed: you are not in slack.allowed_users/);
    assert.ok(s.b.logs.some((l) => l.includes('"audit":true') && l.includes(STRANGER)));
    const bad = await s.run("migrate run 42");
    assert.match(String(bad.json?.text), /unknown phase "42": use preflight, 1 … 9/);
  });

  test("approve: the requester and a non-approver are refused; an approver's double click runs the phase once", async () => {
    const card = await s.request("preflight", APPROVER);
    assert.match(String(card.card.args.text), /<@UAPPROVER1> asks to run migration phase preflight/);
    const self = await s.press(card, APPROVER);
    assert.equal(self.status, 200);
    await s.reply(self.url, /the requester cannot approve their own request/);
    const other = await s.press(card, ALLOWED);
    await s.reply(other.url, /needs an approver/);
    assert.ok(s.b.logs.some((l) => l.includes('"audit":true') && l.includes(ALLOWED) && l.includes("migration approve")));
    assert.equal(s.thread(card.ts).length, 0, "nothing ran");
    const [a, b2] = await Promise.all([s.press(card, APPROVER2), s.press(card, APPROVER2)]);
    assert.equal(a.status, 200);
    assert.equal(b2.status, 200);
    const done = await pollUntil(() => s.lastUpdate(card.ts)?.args.text && /phase preflight .*done/.test(String(s.lastUpdate(card.ts)!.args.text)) ? s.lastUpdate(card.ts) : undefined, { what: "the card's outcome" });
    assert.match(String(done!.args.text), /Approved by <@UAPPROVER2> \(requested by <@UAPPROVER1>\)/);
    assert.ok(!JSON.stringify(done!.args.blocks).includes('"actions"'), "the buttons are gone");
    await s.reply(a.url, /Already handled by <@UAPPROVER2>/).catch(() => s.reply(b2.url, /Already handled by <@UAPPROVER2>/));
    const t = s.thread(card.ts);
    assert.equal(t.filter((l) => /phase preflight .* started/.test(l)).length, 1, `ran once: ${t.join(" | ")}`);
    assert.ok(t.some((l) => /✅ phase preflight .* done/.test(l)), t.join(" | "));
  });

  test("approve phase 1: the org exists on Gitea, progress and the result in the thread", async () => {
    assert.equal(s.world.primary.world.orgs.acme, undefined);
    const card = await s.request("1");
    const r = await s.press(card, APPROVER);
    assert.equal(r.status, 200);
    await pollUntil(() => s.thread(card.ts).find((l) => /✅ phase 1 .* done/.test(l)), { what: "phase 1 done in the thread" });
    assert.ok(s.world.primary.world.orgs.acme, "the org was created");
    const t = s.thread(card.ts);
    assert.ok(t.length >= 3, `progress lines too: ${t.join(" | ")}`);
    // The thread's result and the card's update are two Web API calls: wait for the second too.
    await pollUntil(() => /✅ phase 1 .* done/.test(String(s.lastUpdate(card.ts)?.args.text ?? "")) || undefined, { what: "the card's outcome" });
    noCanaries(s);
  });

  test("a phase whose predecessor is not done: the CLI's reason, and no card", async () => {
    const cards = s.api.of("chat.postMessage").length;
    const r = await s.run("migrate run 3");
    await s.reply(r.url, /phase 3 needs phase 2 .* done first; it is pending/);
    assert.equal(s.api.of("chat.postMessage").length, cards);
  });

  test("reject: the card says who, nothing runs", async () => {
    const card = await s.request("2");
    await s.press(card, APPROVER, REJECT_ACTION);
    const u = await pollUntil(() => s.lastUpdate(card.ts), { what: "the rejected card" });
    assert.match(String(u!.args.text), /Rejected by <@UAPPROVER1>\. Nothing was run/);
    const late = await s.press(card, APPROVER2);
    await s.reply(late.url, /Already handled by <@UAPPROVER1> \(reject\)/);
    assert.equal(s.thread(card.ts).length, 0);
  });

  test("expiry: 16 minutes on the bridge's clock, the approval no longer runs", async () => {
    const card = await s.request("2");
    s.advance(16 * 60_000);
    const r = await s.press(card, APPROVER);
    assert.equal(r.status, 200, r.text);
    await s.reply(r.url, /expired/);
    const u = await pollUntil(() => s.lastUpdate(card.ts), { what: "the expired card" });
    assert.match(String(u!.args.text), /Expired: not approved within 15 minutes/);
    assert.equal(s.thread(card.ts).length, 0);
  });

  test("teardown: approvers only; a modal; a wrong org name is the field's error and tears nothing down; the right one does", async () => {
    const denied = await s.run("migrate teardown 1", ALLOWED);
    assert.match(String(denied.json?.text), /Not allowed: approving or tearing down a migration phase needs an approver/);
    const before = s.api.of("views.open").length;
    const r = await s.run("migrate teardown 1", APPROVER);
    assert.equal(r.status, 200);
    const open = await pollUntil(() => s.api.of("views.open")[before], { what: "views.open" });
    assert.ok(open.args.trigger_id, "opened with the command's trigger_id");
    const view = (typeof open.args.view === "string" ? JSON.parse(open.args.view) : open.args.view) as { callback_id: string; private_metadata: string };
    assert.equal(view.callback_id, TEARDOWN_VIEW);
    const submit = (user: string, typed: string) =>
      postSigned(s.b.url, SECRET, new URLSearchParams({ payload: JSON.stringify({
        type: "view_submission",
        team: { id: "T9TK3CUKW", domain: "example" },
        user: { id: user, username: "someone" },
        view: { id: "V0001", type: "modal", callback_id: TEARDOWN_VIEW, private_metadata: view.private_metadata, blocks: [], state: { values: { [ORG_BLOCK]: { [ORG_INPUT]: { type: "plain_text_input", value: typed } } } }, hash: "1.a" },
      }) }).toString(), "application/x-www-form-urlencoded", { skewSeconds: s.skew() });
    const wrong = await submit(APPROVER, "acme-typo");
    assert.equal(wrong.status, 200, wrong.text);
    assert.equal(wrong.json?.response_action, "errors");
    assert.match(String((wrong.json?.errors as Record<string, string>)[ORG_BLOCK]), /Type the organisation name exactly \(acme\)/);
    assert.ok(s.world.primary.world.orgs.acme, "nothing torn down");
    const right = await submit(APPROVER, "acme");
    assert.deepEqual(right.json, { response_action: "clear" });
    const note = await pollUntil(() => s.api.of("chat.postMessage").find((c) => c.args.channel === CHANNEL && /tore down migration phase 1/.test(String(c.args.text))), { what: "the teardown result" });
    assert.match(String(note.args.text), /torn-down/);
    assert.equal(s.world.primary.world.orgs.acme, undefined, "the org the toolkit created is gone");
    noCanaries(s);
  });
});

describe("Slack migrate: slack.allow_self_approval", () => {
  let s: Awaited<ReturnType<typeof setup>>;
  before(async () => void (s = await setup(true)));
  after(() => s?.close());

  test("the requester, an approver, may approve their own request", async () => {
    const card = await s.request("preflight", APPROVER);
    await s.press(card, APPROVER);
    await pollUntil(() => s.thread(card.ts).find((l) => /✅ phase preflight .* done/.test(l)), { what: "preflight done" });
    assert.match(String(s.lastUpdate(card.ts)!.args.text), /Approved by <@UAPPROVER1> \(requested by <@UAPPROVER1>\)/);
  });
});
