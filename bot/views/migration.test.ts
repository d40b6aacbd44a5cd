// The migration approval card, its decided form, thread lines and the teardown modal: ids only in
// the buttons and the modal, Slack's limits, the user's own text escaped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { APPROVE_ACTION, approvalCard, decidedCard, ORG_BLOCK, ORG_INPUT, orgMismatch, REJECT_ACTION, TEARDOWN_VIEW, teardownModal, threadMessage } from "./migration.ts";

type B = { type: string; block_id?: string; text?: { text: string }; elements?: Array<{ action_id?: string; value?: string; text: unknown }>; element?: { action_id: string } };
const ID = "0123456789abcdef0123456789abcdef";
const PLAN = "phase 4: Repos imported\n  create   repo acme/app\n  create   repo acme/<lib>\n";

test("approval card: plan preformatted, requester mentioned, [Approve] [Reject] carrying only the record id", () => {
  const m = approvalCard({ phase: "4", title: "Repos imported", org: "acme", plan: PLAN, requester: "UREQ00001", recordId: ID, expiresAt: new Date("2026-12-05T06:15:00Z") });
  const b = m.blocks as unknown as B[];
  assert.match(b[0].text!.text, /Migration phase 4: Repos imported\* for acme\nRequested by <@UREQ00001>/);
  assert.ok(b[1].text!.text.startsWith("```phase 4: Repos imported"));
  assert.match(b[1].text!.text, /acme\/&lt;lib&gt;/, "plan text is escaped");
  const actions = b.find((x) => x.type === "actions")!;
  assert.deepEqual(actions.elements!.map((e) => [e.action_id, e.value]), [[APPROVE_ACTION, ID], [REJECT_ACTION, ID]]);
  assert.match(m.text, /<@UREQ00001> asks to run migration phase 4/);
  assert.ok(b.every((x) => !x.text || x.text.text.length <= 3000));
});

test("a long plan stays within a section's 3000 characters", () => {
  const plan = Array.from({ length: 500 }, (_, i) => `  create   repo acme/r${i}`).join("\n");
  const m = approvalCard({ phase: "4", title: "t", org: "acme", plan, requester: "U1", recordId: ID, expiresAt: new Date() });
  for (const b of m.blocks as unknown as B[]) if (b.text) assert.ok(b.text.text.length <= 3000, `${b.text.text.length}`);
});

test("decided card: buttons gone, the decision and the outcome as context lines", () => {
  const m = approvalCard({ phase: "1", title: "t", org: "acme", plan: PLAN, requester: "U1", recordId: ID, expiresAt: new Date() });
  const d = decidedCard(m.blocks, ["✅ Approved by <@UAPP00001>", "✅ phase 1 done"]) as unknown as B[];
  assert.ok(!d.some((x) => x.type === "actions"));
  const ctx = d.slice(-2).map((x) => (x.elements![0] as unknown as { text: string }).text);
  assert.deepEqual(ctx, ["✅ Approved by <@UAPP00001>", "✅ phase 1 done"]);
});

test("thread message: the line, and detail preformatted", () => {
  const t = threadMessage("• importing 1/2 repos", "x <y>");
  assert.equal(t.text, "• importing 1/2 repos");
  assert.equal((t.blocks[1] as unknown as B).text!.text, "```x &lt;y&gt;```");
});

test("teardown modal: callback id, record id in private_metadata, one org-name input; a mismatch names that field", () => {
  const v = teardownModal({ phase: "8", title: "GitHub marked", org: "acme", plan: PLAN, recordId: ID }) as { callback_id: string; private_metadata: string; blocks: B[] };
  assert.equal(v.callback_id, TEARDOWN_VIEW);
  assert.equal(v.private_metadata, ID);
  const input = v.blocks.find((b) => b.type === "input")!;
  assert.equal(input.block_id, ORG_BLOCK);
  assert.equal(input.element!.action_id, ORG_INPUT);
  const e = orgMismatch("acme");
  assert.equal(e.response_action, "errors");
  assert.deepEqual(Object.keys(e.errors), [ORG_BLOCK]);
  assert.match(e.errors[ORG_BLOCK], /acme/);
});
