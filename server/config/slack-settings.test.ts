// The Slack app's keys: defaults, ${VAR} switches, SLACK_* environment fallbacks, the one-app rule
// (the bot token also posts notifications), and the errors that say what to set.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BASE, configErrorOf, parse, yaml } from "./test-helpers.ts";

describe("parseConfig: slack", () => {
  it("is off with defaults when absent", () => {
    const c = parse(yaml(...BASE));
    assert.deepEqual(c.slack, {
      botToken: undefined,
      signingSecret: undefined,
      appToken: undefined,
      socketMode: false,
      allowedUsers: [],
      allowedChannels: [],
      approvers: [],
      apiUrl: "https://slack.com/api/",
      allowSelfApproval: false,
    });
  });

  it("reads every key; ${VAR} values; secrets are redacted; the bot token posts notifications", () => {
    const c = parse(yaml(
      ...BASE,
      "slack:",
      '  bot_token: "${BOT}"',
      '  signing_secret: "${SIGN}"',
      "  allowed_users: [U1, ' U2 ']",
      "  allowed_channels: [C1]",
      "  approvers: [UA]",
      "  api_url: http://127.0.0.1:9/api",
      "  approvals_channel: C2",
      "  allow_self_approval: true",
      "notification:",
      "  slack: { channel: C9 }",
    ), { BOT: "xoxb-secret-1", SIGN: "signing-secret-1" });
    assert.equal(c.slack.botToken, "xoxb-secret-1");
    assert.equal(c.slack.signingSecret, "signing-secret-1");
    assert.deepEqual(c.slack.allowedUsers, ["U1", "U2"]);
    assert.deepEqual(c.slack.allowedChannels, ["C1"]);
    assert.deepEqual(c.slack.approvers, ["UA"]);
    assert.equal(c.slack.apiUrl, "http://127.0.0.1:9/api/");
    assert.equal(c.slack.approvalsChannel, "C2");
    assert.equal(c.slack.allowSelfApproval, true);
    assert.equal(c.notification.slack.botToken, "xoxb-secret-1", "one Slack app: the bot token notifies too");
    assert.ok(c.secrets.includes("xoxb-secret-1") && c.secrets.includes("signing-secret-1"));
  });

  it("SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_APP_TOKEN fill in what the file leaves unset", () => {
    const c = parse(yaml(...BASE, "slack:", "  socket_mode: true"), {
      SLACK_BOT_TOKEN: "xoxb-env",
      SLACK_SIGNING_SECRET: "sign-env",
      SLACK_APP_TOKEN: "xapp-env",
    });
    assert.equal(c.slack.botToken, "xoxb-env");
    assert.equal(c.slack.signingSecret, "sign-env");
    assert.equal(c.slack.appToken, "xapp-env");
    assert.equal(c.slack.socketMode, true);
    assert.ok(c.secrets.includes("xapp-env"));
  });

  it("an unset ${VAR} turns a token off instead of failing", () => {
    const c = parse(yaml(...BASE, "slack:", '  bot_token: "${NOPE}"', '  signing_secret: "${NOPE2}"'));
    assert.equal(c.slack.botToken, undefined);
  });

  it("a bot token needs a signing secret (or socket mode with an app token)", () => {
    const e = configErrorOf(yaml(...BASE, "slack:", "  bot_token: xoxb-1"));
    assert.match(e.message, /slack.bot_token is set but slack.signing_secret is not: set it \(or SLACK_SIGNING_SECRET\)/);
    const s = configErrorOf(yaml(...BASE, "slack:", "  bot_token: xoxb-1", "  socket_mode: true"));
    assert.match(s.message, /slack.socket_mode is true but slack.app_token is not set/);
  });

  it("wrong types and a non-URL api_url are errors with positions", () => {
    const e = configErrorOf(yaml(...BASE, "slack:", "  socket_mode: maybe", "  approvers: UA"));
    assert.match(e.message, /:\d+:\d+: slack.socket_mode must be true or false \(got "maybe"\)/);
    assert.match(e.message, /:\d+:\d+: slack.approvers must be a list/);
    const u = configErrorOf(yaml(...BASE, "slack:", "  api_url: not a url"));
    assert.match(u.message, /:\d+:\d+: slack.api_url must be an http\(s\) URL \(got "not a url"\)/);
  });
});

describe("parseConfig: migration", () => {
  it("is absent by default; migration.config resolves next to config.yaml", () => {
    assert.equal(parse(yaml(...BASE)).migration, undefined);
    assert.deepEqual(parse(yaml(...BASE, "migration: { config: ./migration.yaml }")).migration, { config: "/srv/bridge/migration.yaml" });
    assert.deepEqual(parse(yaml(...BASE, "migration: { config: /etc/gb/m.yaml }")).migration, { config: "/etc/gb/m.yaml" });
  });

  it("migration without config: an error naming the key", () => {
    assert.match(configErrorOf(yaml(...BASE, "migration: {}")).message, /migration/);
  });
});
