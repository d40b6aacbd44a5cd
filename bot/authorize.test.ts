import { test } from "node:test";
import assert from "node:assert/strict";
import { authorize } from "./authorize.ts";

const slack = { allowedUsers: ["U1"], allowedChannels: [] as string[], approvers: ["UA"] };

test("run: allowed users and approvers; everyone when allowed_users is empty", () => {
  assert.equal(authorize(slack, { user: "U1", channel: "C" }, "run").ok, true);
  assert.equal(authorize(slack, { user: "UA", channel: "C" }, "run").ok, true);
  assert.deepEqual(authorize(slack, { user: "U2", channel: "C" }, "run"), { ok: false, reason: "you are not in slack.allowed_users" });
  assert.equal(authorize({ ...slack, allowedUsers: [] }, { user: "U2", channel: "C" }, "run").ok, true);
  assert.equal(authorize({ ...slack, allowedUsers: [] }, { user: undefined, channel: "C" }, "run").ok, false);
});

test("force: approvers only; nobody when no approvers are configured", () => {
  assert.equal(authorize(slack, { user: "UA", channel: "C" }, "force").ok, true);
  assert.equal(authorize(slack, { user: "U1", channel: "C" }, "force").ok, false);
  assert.equal(authorize({ ...slack, approvers: [] }, { user: "U1", channel: "C" }, "force").ok, false);
});

test("allowed_channels applies to everyone, approvers too", () => {
  const s = { ...slack, allowedChannels: ["COPS"] };
  assert.equal(authorize(s, { user: "U1", channel: "COPS" }, "run").ok, true);
  assert.deepEqual(authorize(s, { user: "UA", channel: "CRANDOM" }, "force"), { ok: false, reason: "this channel is not in slack.allowed_channels" });
});

test("approve (migration approvals and teardown): approvers only, in an allowed channel; none configured means nobody", () => {
  assert.equal(authorize(slack, { user: "UA", channel: "C" }, "approve").ok, true);
  assert.deepEqual(authorize(slack, { user: "U1", channel: "C" }, "approve"), { ok: false, reason: "approving or tearing down a migration phase needs an approver (slack.approvers)" });
  assert.equal(authorize({ ...slack, approvers: [] }, { user: "UA", channel: "C" }, "approve").ok, false);
  assert.equal(authorize({ ...slack, allowedChannels: ["C1"] }, { user: "UA", channel: "C2" }, "approve").ok, false);
});
