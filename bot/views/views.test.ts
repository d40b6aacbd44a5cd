// The bot's Block Kit on its own: status for 1 and for 60 repos within Slack's limits, usage, and
// the buttons on a notification.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SLACK_LIMITS, type SlackMessage } from "../../server/notify/message.ts";
import type { RepoStatusView } from "../status-source.ts";
import { actedOn, FORCE_ACTION, RETRY_ACTION, withButtons } from "./buttons.ts";
import { statusMessage } from "./status.ts";
import { usageText } from "./usage.ts";

const NOW = new Date("2026-12-05T12:00:00Z");
type B = { type: string; text?: { text: string }; elements?: Array<{ text: string | { text: string }; action_id?: string; value?: string }> };
const blocksOf = (m: SlackMessage) => m.blocks as unknown as B[];

function limits(m: SlackMessage) {
  assert.ok(m.blocks.length <= SLACK_LIMITS.blocks, `${m.blocks.length} blocks`);
  for (const b of blocksOf(m)) if (b.text) assert.ok(b.text.text.length <= SLACK_LIMITS.sectionText);
  assert.ok(m.text.length <= 3000);
}

test("status of one repo: header, tally + queue line, one section with state, last sync, last error", () => {
  const m = statusMessage([{
    repo: "app",
    state: "diverged",
    counts: { behind: 1, ahead: 0, diverged: 2 },
    lastSync: { at: "2026-12-05T11:55:00Z", state: "partial", jobId: "job-9" },
    lastError: { at: "2026-12-05T10:00:00Z", text: "git push failed:\n<!channel> rejected" },
  }], { queued: 2, running: 1 }, NOW);
  limits(m);
  const b = blocksOf(m);
  assert.equal(b[0].text!.text, "git-bridge status: app");
  assert.equal(b[1].elements![0].text, "⚠️ diverged: 1\nQueue: 2 waiting, 1 running");
  assert.equal(b[2].text!.text, [
    "*app*  ⚠️ diverged (1 behind, 2 diverged refs)",
    "Last sync 5m 00s ago: partial (job `job-9`)",
    "Last error (2h 00m 00s ago): git push failed: &lt;!channel&gt; rejected",
  ].join("\n"));
});

test("status of 60 repos: problems first in detail, the rest summarised by state; nobody left out", () => {
  const repos: RepoStatusView[] = Array.from({ length: 60 }, (_, i) => ({
    repo: `repo-${String(i).padStart(2, "0")}`,
    state: i % 20 === 5 ? "behind" : i === 7 ? "unknown" : "in_sync",
    ...(i === 7 ? { problem: "authentication failed" } : {}),
  }));
  const m = statusMessage(repos, { queued: 0, running: 0 }, NOW);
  limits(m);
  const b = blocksOf(m);
  assert.equal(b[0].text!.text, "git-bridge status: 60 repos");
  assert.equal(b[1].elements![0].text, "✅ in sync: 56 · ⬇️ behind: 3 · ❓ unknown: 1\nQueue: 0 waiting, 0 running");
  assert.match(b[2].text!.text, /^\*repo-07\*  ❓ unknown\n.*\nCould not read: authentication failed$/);
  assert.match(b[3].text!.text, /^\*repo-05\*  ⬇️ behind/);
  assert.match(b[6].text!.text, /^\*✅ in sync\* \(56\)\nrepo-00, repo-01, repo-02, repo-03, repo-04, repo-06, repo-08/);
  const all = b.map((x) => x.text?.text ?? "").join("\n");
  for (const r of repos) assert.ok(all.includes(r.repo), r.repo);
});

test("status of 300 problem repos still fits: the overflow is summarised, never cut", () => {
  const repos: RepoStatusView[] = Array.from({ length: 300 }, (_, i) => ({ repo: `r${i}`, state: "behind" }));
  const m = statusMessage(repos, { queued: 0, running: 0 }, NOW);
  limits(m);
  const summary = blocksOf(m).at(-1)!.text!.text;
  assert.match(summary, /^\*⬇️ behind\* \(\d+\)\n/);
  const detailed = blocksOf(m).filter((x) => x.text?.text.startsWith("*r")).length;
  assert.equal(Number(/\((\d+)\)/.exec(summary)![1]) + detailed, 300);
});

test("usage names every subcommand and the unknown word, escaped", () => {
  const t = usageText("/gitbridge", "<!here>");
  assert.match(t, /^Unknown subcommand `&lt;!here&gt;`\./);
  assert.match(t, /`\/gitbridge retry <repo> \[ref\] \[direction\]`/);
  assert.match(t, /`\/gitbridge status \[repo\]`/);
  assert.match(t, /`\/gitbridge help`/);
});

test("buttons: Retry always, Force with a confirm only for diverged refs; the value is the record id", () => {
  const m: SlackMessage = { text: "t", blocks: [{ type: "header", text: { type: "plain_text", text: "h" } }] };
  const plain = withButtons(m, "abc", []);
  assert.deepEqual(blocksOf(plain).at(-1)!.elements!.map((e) => [e.action_id, e.value]), [[RETRY_ACTION, "abc"]]);
  const div = withButtons(m, "abc", ["refs/heads/main"]);
  const force = (div.blocks.at(-1) as { elements: Array<{ action_id: string; confirm?: { text: { text: string } } }> }).elements[1];
  assert.equal(force.action_id, FORCE_ACTION);
  assert.match(force.confirm!.text.text, /Overwrites refs\/heads\/main on the target.*kept as a backup ref/);
  const after = actedOn(div.blocks, "🔁 Retry by <@U123ABC>: queued as job `j1`");
  assert.ok(!after.some((x) => x.type === "actions"));
  assert.deepEqual(after.at(-1), { type: "context", elements: [{ type: "mrkdwn", text: "🔁 Retry by <@U123ABC>: queued as job `j1`" }] });
});
