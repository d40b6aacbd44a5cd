import { test } from "node:test";
import assert from "node:assert/strict";
import { notificationTargets } from "./route-notification.ts";

const cfg = (slack: { webhookUrl?: string; channel?: string; botToken?: string }) => ({ notification: { slack } });
const GLOBAL = "https://hooks.slack.com/services/T/B/global";
const REPO = "https://hooks.slack.com/services/T/B/repo";

test("nothing configured: no targets", () => {
  assert.deepEqual(notificationTargets(cfg({}), {}), []);
  assert.deepEqual(notificationTargets(cfg({ webhookUrl: "  " }), { slackWebhookUrl: "" }), []);
});

test("the global webhook", () => {
  assert.deepEqual(notificationTargets(cfg({ webhookUrl: GLOBAL }), {}), [{ webhookUrl: GLOBAL }]);
});

test("a repo's own webhook wins over the global webhook and the bot", () => {
  assert.deepEqual(notificationTargets(cfg({ webhookUrl: GLOBAL }), { slackWebhookUrl: REPO }), [{ webhookUrl: REPO }]);
  assert.deepEqual(
    notificationTargets(cfg({ webhookUrl: GLOBAL, botToken: "xoxb-1", channel: "#ops" }), { slackWebhookUrl: REPO }),
    [{ webhookUrl: REPO }],
  );
});

test("bot token and channel: chat.postMessage instead of the global webhook", () => {
  assert.deepEqual(
    notificationTargets(cfg({ webhookUrl: GLOBAL, botToken: "xoxb-1", channel: "#ops" }), {}),
    [{ botToken: "xoxb-1", channel: "#ops" }],
  );
});

test("a bot token without a channel cannot post: the global webhook is used", () => {
  assert.deepEqual(notificationTargets(cfg({ webhookUrl: GLOBAL, botToken: "xoxb-1" }), {}), [{ webhookUrl: GLOBAL }]);
  assert.deepEqual(notificationTargets(cfg({ botToken: "xoxb-1" }), {}), []);
});
