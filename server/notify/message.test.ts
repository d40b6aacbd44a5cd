import { test } from "node:test";
import assert from "node:assert/strict";
import type { ProviderConfig, RepoConfig } from "../config/types.ts";
import type { RefResult } from "../mirror/plan.ts";
import type { Job, SyncRequest } from "../queue/types.ts";
import { buildSyncMessage, SLACK_LIMITS, type SlackMessage, type SyncMessageInput } from "./message.ts";
import { formatDuration } from "./mrkdwn.ts";

const A = "a".repeat(40), B = "b".repeat(40), C = "c".repeat(40);
const CANARY = "canary-tok-9d8e7f6a5b4c3d2e";

const provider = (name: string, type: ProviderConfig["type"], extra: Partial<ProviderConfig> = {}): ProviderConfig =>
  ({ name, type, credentials: {}, allowInsecureHttp: false, allowPrivateNetwork: false, ...extra });
const providers = new Map([
  ["github", provider("github", "github")],
  ["gitea", provider("gitea", "gitea", { baseUrl: "https://gitea.example.com" })],
  ["cc", provider("cc", "codecommit", { region: "eu-west-1" })],
]);
const repo = (over: Partial<RepoConfig> = {}): RepoConfig => ({
  name: "app", source: "github", target: "gitea", sourcePath: "team/app", targetPath: "mirror/app",
  direction: "source-to-target", refOverrides: [], refsInclude: ["refs/heads/*"], refsExclude: [],
  prune: true, onDivergence: "skip", ...over,
});
const job = (request: Partial<SyncRequest> = {}, over: Partial<Job> = {}): Job => ({
  id: "job-1", request: { repo: "app", source: "github", ...request }, state: "succeeded", attempts: 1,
  queued_at: "2026-05-22T07:51:24Z", merged: 0, ...over,
});
const S2T = "source-to-target" as const;

function build(refs: RefResult[], over: Partial<SyncMessageInput> = {}): SlackMessage | undefined {
  const r = over.repo ?? repo();
  return buildSyncMessage({
    job: job(),
    repo: r,
    config: { providers, secrets: [CANARY] },
    durationMs: 1234,
    result: { repo: r.name, direction: r.direction, duration_ms: 1234, refs },
    ...over,
  });
}
function must(m: SlackMessage | undefined): SlackMessage {
  assert.ok(m, "expected a message");
  checkLimits(m);
  return m;
}
const header = (m: SlackMessage) => (m.blocks[0] as { text: { text: string } }).text.text;
const fields = (m: SlackMessage) => (m.blocks.find((b) => b.type === "section" && b.fields) as { fields: { text: string }[] }).fields.map((f) => f.text);
const sections = (m: SlackMessage) => m.blocks.flatMap((b) => (b.type === "section" && b.text ? [b.text.text] : []));
const context = (m: SlackMessage) => m.blocks.flatMap((b) => (b.type === "context" ? b.elements.map((e) => e.text) : []));

/** Slack's Block Kit limits, and no raw `<` that is not one of our own links. */
function checkLimits(m: SlackMessage) {
  assert.ok(m.blocks.length <= SLACK_LIMITS.blocks);
  for (const b of m.blocks) {
    if (b.type === "header") assert.ok(b.text.text.length <= SLACK_LIMITS.headerText, "header too long");
    if (b.type === "section") {
      if (b.text) assert.ok(b.text.text.length <= SLACK_LIMITS.sectionText, `section ${b.text.text.length} chars`);
      if (b.fields) {
        assert.ok(b.fields.length <= SLACK_LIMITS.fields);
        for (const f of b.fields) assert.ok(f.text.length <= SLACK_LIMITS.fieldText);
      }
    }
  }
  const all = JSON.stringify(m.blocks) + m.text;
  for (const [, inner] of all.matchAll(/<([^>]*)>/g)) assert.match(inner, /^https:\/\//, `unexpected <${inner}>`);
}

test("created: header, exact fields, change line, source, fallback text", () => {
  const m = must(build([{ ref: "refs/heads/main", action: "created", from: null, to: A, direction: S2T }], {
    authors: { [A]: { name: "Jane Doe", email: "jane@example.com" } },
  }));
  assert.equal(header(m), "✅ Mirror sync succeeded: app");
  assert.deepEqual(fields(m), [
    "*Repo*\napp",
    "*Action*\nMirror sync",
    "*Route*\ngithub → gitea",
    "*Duration*\n1.2s",
    "*Target*\n<https://gitea.example.com/mirror/app|gitea: mirror/app>",
    "*Branch*\nmain",
    "*Commit author*\nJane Doe",
  ]);
  assert.deepEqual(sections(m), ["*Changes* (1 created)\n🆕 branch `main` created at `aaaaaaa`"]);
  assert.deepEqual(context(m), ["Source: github webhook", "Job `job-1`"]);
  assert.equal(m.text, [
    "✅ Mirror sync succeeded: app",
    "Repo: app",
    "Action: Mirror sync",
    "Route: github → gitea",
    "Duration: 1.2s",
    "Target: https://gitea.example.com/mirror/app",
    "Branch: main",
    "Commit author: Jane Doe",
    "Source: github webhook",
    "- 🆕 branch main created at aaaaaaa",
  ].join("\n"));
});

test("updated (fast-forward) with a tag: Tag field and both SHAs", () => {
  const m = must(build([{ ref: "refs/tags/v1", action: "updated", from: A, to: B, direction: S2T }]));
  assert.ok(fields(m).includes("*Tag*\nv1"));
  assert.deepEqual(sections(m), ["*Changes* (1 updated)\n⬆️ tag `v1` updated `aaaaaaa` → `bbbbbbb`"]);
  assert.equal(header(m), "✅ Mirror sync succeeded: app");
});

test("deleted: old SHA and backup ref", () => {
  const m = must(build([{ ref: "refs/heads/old", action: "deleted", from: A, to: null, direction: S2T, backup: "refs/bridge/backup/20260522T075124Z/target/heads/old" }]));
  assert.equal(sections(m)[0], "*Changes* (1 deleted)\n🗑️ branch `old` deleted (was `aaaaaaa`); old tip kept as `refs/bridge/backup/20260522T075124Z/target/heads/old`");
});

test("diverged: warning header, target and source SHAs, reason", () => {
  const m = must(build([
    { ref: "refs/heads/main", action: "diverged", from: A, to: B, direction: S2T, reason: "target has commits that were never mirrored from source; not overwritten" },
    { ref: "refs/heads/dev", action: "updated", from: A, to: C, direction: S2T },
  ], { job: job({}, { state: "partial" }) }));
  assert.equal(header(m), "⚠️ Mirror sync incomplete: app");
  assert.deepEqual(sections(m), [
    "*Changes* (1 updated, 1 diverged)\n" +
    "⚠️ diverged: branch `main`, target at `aaaaaaa`, source at `bbbbbbb`: target has commits that were never mirrored from source; not overwritten\n" +
    "⬆️ branch `dev` updated `aaaaaaa` → `ccccccc`",
  ]);
  assert.ok(fields(m).includes("*Branches*\nmain\ndev"));
});

test("rejected: the host's reason, warning header even if the job says succeeded", () => {
  const m = must(build([{ ref: "refs/heads/main", action: "rejected", from: A, to: B, direction: S2T, reason: "protected branch hook declined" }]));
  assert.equal(header(m), "⚠️ Mirror sync incomplete: app");
  assert.equal(sections(m)[0], "*Changes* (1 rejected)\n⛔ rejected: branch `main` `aaaaaaa` → `bbbbbbb`: protected branch hook declined");
});

test("forced update and upstream rewrite name the backup ref", () => {
  const m = must(build([
    { ref: "refs/heads/main", action: "updated", from: A, to: B, direction: S2T, reason: "forced (on_divergence: force): target has commits", backup: "refs/bridge/backup/T/target/heads/main" },
    { ref: "refs/heads/dev", action: "updated", from: A, to: C, direction: S2T, reason: "history rewritten on source", backup: "refs/bridge/backup/T/target/heads/dev" },
  ]));
  assert.equal(header(m), "✅ Mirror sync succeeded: app");
  assert.deepEqual(sections(m)[0].split("\n").slice(1), [
    "❗ branch `main` force-updated `aaaaaaa` → `bbbbbbb` (forced (on_divergence: force): target has commits); old tip kept as `refs/bridge/backup/T/target/heads/main`",
    "♻️ branch `dev` rewritten `aaaaaaa` → `ccccccc` (history rewritten on source); old tip kept as `refs/bridge/backup/T/target/heads/dev`",
  ]);
});

test("failed: error redacted again, attempts, requested ref", () => {
  const m = must(buildSyncMessage({
    job: job({ ref: "refs/heads/main" }, { state: "failed", attempts: 3 }),
    repo: repo(),
    config: { providers, secrets: [CANARY] },
    durationMs: 123_000,
    error: `git push failed: https://mirror:${CANARY}@gitea.example.com/mirror/app.git\nAuthorization: Bearer ${CANARY}`,
  }));
  assert.equal(header(m), "❌ Mirror sync failed: app");
  assert.deepEqual(fields(m), [
    "*Repo*\napp",
    "*Action*\nMirror sync",
    "*Route*\ngithub → gitea",
    "*Duration*\n2m 03s",
    "*Target*\n<https://gitea.example.com/mirror/app|gitea: mirror/app>",
    "*Branch*\nmain",
    "*Attempts*\n3",
  ]);
  assert.equal(sections(m)[0], "*Error*\n```git push failed: https://***@gitea.example.com/mirror/app.git\nAuthorization: Bearer ***```");
  assert.ok(!JSON.stringify(m).includes(CANARY));
  assert.ok(!JSON.stringify(m).includes("canary"));
  assert.match(m.text, /^Error: git push failed: https:\/\/\*\*\*@gitea/m);
});

test("failed catch-up without a result: every ref in scope", () => {
  const m = must(buildSyncMessage({ job: job({}, { state: "failed", attempts: 5 }), repo: repo(), config: { providers }, durationMs: 10, error: "boom" }));
  assert.ok(fields(m).includes("*Refs*\nall in scope (catch-up)"));
  assert.ok(fields(m).includes("*Duration*\n10ms"));
});

test("retry-api: Action Retry and a Source: retry-api line", () => {
  const m = must(build([{ ref: "refs/tags/Build-2231", action: "created", from: null, to: A, direction: "target-to-source" }], {
    job: job({ source: "retry-api", direction: "target-to-source", ref: "refs/tags/Build-2231" }),
    repo: repo({ direction: "bidirectional" }),
  }));
  assert.ok(fields(m).includes("*Action*\nRetry"));
  assert.ok(fields(m).includes("*Route*\ngitea → github"));
  assert.ok(fields(m).includes("*Target*\n<https://github.com/team/app|github: team/app>"));
  assert.ok(m.text.split("\n").includes("Source: retry-api"));
  assert.equal(context(m)[0], "Source: retry-api");
});

test("bidirectional: the route shows the directions refs actually flowed", () => {
  const m = must(build([
    { ref: "refs/heads/a", action: "updated", from: A, to: B, direction: S2T },
    { ref: "refs/heads/b", action: "updated", from: A, to: C, direction: "target-to-source" },
  ], { repo: repo({ direction: "bidirectional" }) }));
  assert.ok(fields(m).includes("*Route*\ngithub → gitea, gitea → github"));
  assert.ok(fields(m).includes("*Targets*\n<https://gitea.example.com/mirror/app|gitea: mirror/app>\n<https://github.com/team/app|github: team/app>"));
  assert.match(sections(m)[0], /updated `aaaaaaa` → `bbbbbbb` \[github → gitea\]/);
});

test("codecommit target links to the AWS console", () => {
  const m = must(build([{ ref: "refs/heads/main", action: "created", from: null, to: A, direction: S2T }], { repo: repo({ target: "cc", targetPath: "app" }) }));
  assert.ok(fields(m).includes(
    "*Target*\n<https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/app/browse?region=eu-west-1|cc: app>",
  ));
});

test("no message when nothing changed", () => {
  assert.equal(build([]), undefined);
  assert.equal(build([
    { ref: "refs/heads/main", action: "unchanged", from: A, to: A },
    { ref: "refs/heads/wip", action: "filtered", from: null, to: B, reason: "excluded by refs.exclude" },
  ]), undefined);
  assert.equal(buildSyncMessage({ job: job(), repo: repo(), config: { providers }, durationMs: 5 }), undefined);
});

test("hostile ref names, reasons and author names cannot inject mentions or links", () => {
  const m = must(build([
    { ref: "refs/heads/<!channel>&x", action: "created", from: null, to: A, direction: S2T },
    { ref: "refs/heads/`x`*y*", action: "rejected", from: A, to: B, direction: S2T, reason: "<https://evil.example|click me> <@U123>" },
  ], { authors: { [A]: { name: "<!here> Mallory" } } }));
  const all = JSON.stringify(m);
  assert.ok(!all.includes("<!channel>") && !all.includes("<!here>") && !all.includes("<@U123>") && !all.includes("<https://evil"));
  assert.ok(fields(m).includes("*Branches*\n&lt;!channel&gt;&amp;x\n`x`*y*"));
  assert.ok(fields(m).includes("*Commit author*\n&lt;!here&gt; Mallory"));
  assert.match(sections(m)[0], /🆕 branch `&lt;!channel&gt;&amp;x` created/);
  assert.match(sections(m)[0], /rejected: branch `ˋxˋ\*y\*` .*: &lt;https:\/\/evil\.example\|click me&gt; &lt;@U123&gt;/);
  assert.match(m.text, /&lt;!channel&gt;&amp;x/);
});

test("500 refs: listed up to 10, then 'and N more', within every Slack limit", () => {
  const refs: RefResult[] = Array.from({ length: 500 }, (_, i) => ({
    ref: `refs/heads/feature/${"long-name-".repeat(20)}${String(i).padStart(3, "0")}`,
    action: "created", from: null, to: A, direction: S2T,
  }));
  const m = must(build(refs, { error: undefined, repo: repo({ name: "r".repeat(400) }) }));
  assert.ok(header(m).length <= 150 && header(m).endsWith("…"));
  const changes = sections(m)[0];
  assert.ok(changes.startsWith("*Changes* (500 created)\n"));
  assert.match(changes, /…and \d+ more$/);
  const listed = changes.split("\n").filter((l) => l.startsWith("🆕")).length;
  assert.ok(listed >= 1 && listed <= 10);
  assert.match(changes, new RegExp(`…and ${500 - listed} more$`));
  const branches = fields(m).find((f) => f.startsWith("*Branches*"))!;
  assert.match(branches, /…and \d+ more$/);
  assert.ok(m.text.length < 4000, `text ${m.text.length} chars`);
});

test("a huge error with entities is cut without breaking an entity", () => {
  const m = must(buildSyncMessage({
    job: job({}, { state: "failed" }), repo: repo(), config: { providers }, durationMs: 1, error: "<&>".repeat(5000),
  }));
  const err = sections(m)[0];
  assert.ok(err.length <= 3000);
  assert.match(err, /^\*Error\*\n```(&lt;&amp;&gt;)+(&lt;|&amp;)?…```$/);
});

test("formatDuration", () => {
  assert.equal(formatDuration(450), "450ms");
  assert.equal(formatDuration(1234), "1.2s");
  assert.equal(formatDuration(59_940), "59.9s");
  assert.equal(formatDuration(59_990), "1m 00s");
  assert.equal(formatDuration(123_000), "2m 03s");
  assert.equal(formatDuration(3_723_000), "1h 02m 03s");
  assert.equal(formatDuration(-5), "0ms");
});
