import { test } from "node:test";
import assert from "node:assert/strict";
import { formatStatus, formatSync } from "./format.ts";

const A = "a".repeat(40), B = "b".repeat(40);

test("sync output: a short table of what changed, unchanged refs counted, not listed", () => {
  const out = formatSync({
    repo: "web-app",
    direction: "source-to-target",
    duration_ms: 1234,
    refs: [
      { ref: "refs/heads/main", action: "updated", from: A, to: B },
      { ref: "refs/heads/dev", action: "diverged", from: A, to: B, reason: "target has commits that were never mirrored from source" },
      { ref: "refs/tags/v1", action: "unchanged", from: A, to: A },
      { ref: "refs/tags/v2", action: "unchanged", from: A, to: A },
    ],
  });
  assert.equal(
    out,
    [
      "web-app  source-to-target  1.2s",
      "  REF              ACTION    FROM     TO       NOTE",
      "  refs/heads/main  updated   aaaaaaa  bbbbbbb",
      "  refs/heads/dev   diverged  aaaaaaa  bbbbbbb  target has commits that were never mirrored from source",
      "  1 updated, 1 diverged, 2 unchanged (2 unchanged not listed)",
      "",
    ].join("\n"),
  );
});

test("sync output when nothing changed is one summary line", () => {
  const out = formatSync({ repo: "r", direction: "bidirectional", duration_ms: 80, refs: [{ ref: "refs/heads/main", action: "unchanged", from: A, to: A }] });
  assert.equal(out, "r  bidirectional  0.1s\n  1 unchanged\n");
});

test("status output lists only refs that are not in sync", () => {
  const out = formatStatus([{
    repo: "app",
    direction: "source-to-target",
    state: "behind",
    refs: [
      { ref: "refs/heads/main", state: "behind", source: B, target: A },
      { ref: "refs/tags/v1", state: "in_sync", source: A, target: A },
    ],
  }]);
  assert.equal(out, "app  behind  (1/2 refs in sync)\n  REF              STATE   SOURCE   TARGET\n  refs/heads/main  behind  bbbbbbb  aaaaaaa\n");
});
