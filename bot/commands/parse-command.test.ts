import { test } from "node:test";
import assert from "node:assert/strict";
import { parseCommand } from "./parse-command.ts";
import { resolveShortRef } from "./short-ref.ts";

test("retry with repo, ref and direction in the documented order", () => {
  assert.deepEqual(parseCommand("retry my-repo refs/tags/v1"), { kind: "retry", repo: "my-repo", ref: "refs/tags/v1" });
  assert.deepEqual(parseCommand("  retry  my-repo  v1  target-to-source "), { kind: "retry", repo: "my-repo", ref: "v1", direction: "target-to-source" });
  assert.deepEqual(parseCommand("retry my-repo auto"), { kind: "retry", repo: "my-repo", direction: "auto" });
  assert.deepEqual(parseCommand("retry"), { kind: "retry" });
});

test("status, help, empty and unknown subcommands", () => {
  assert.deepEqual(parseCommand("status"), { kind: "status" });
  assert.deepEqual(parseCommand("Status app"), { kind: "status", repo: "app" });
  assert.deepEqual(parseCommand(""), { kind: "help" });
  assert.deepEqual(parseCommand("help"), { kind: "help" });
  assert.deepEqual(parseCommand("deploy prod"), { kind: "help", unknown: "deploy" });
});

test("short refs: one branch or one tag resolves; none or both is an error that says what to type", () => {
  const adv = new Map([["refs/heads/main", "a"], ["refs/tags/v1", "b"], ["refs/heads/x", "c"], ["refs/tags/x", "d"]]);
  assert.deepEqual(resolveShortRef("main", adv, "gt"), { ref: "refs/heads/main" });
  assert.deepEqual(resolveShortRef("v1", adv, "gt"), { ref: "refs/tags/v1" });
  assert.match((resolveShortRef("x", adv, "gt") as { error: string }).error, /both a branch and a tag on gt; say refs\/heads\/x or refs\/tags\/x/);
  assert.match((resolveShortRef("v2", adv, "gt") as { error: string }).error, /no branch or tag named "v2" on gt; give a full ref such as refs\/tags\/v2/);
});

test("migrate <action> [phase]", () => {
  assert.deepEqual(parseCommand("migrate RUN 4"), { kind: "migrate", action: "run", phase: "4" });
  assert.deepEqual(parseCommand("migrate status"), { kind: "migrate", action: "status" });
  assert.deepEqual(parseCommand("migrate"), { kind: "migrate" });
});
