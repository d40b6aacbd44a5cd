import { test } from "node:test";
import assert from "node:assert/strict";
import type { RefResult } from "../server/mirror/plan.ts";
import { summaryLine } from "./deliver.ts";

const r = (ref: string, action: RefResult["action"], reason?: string): RefResult => ({ ref, action, from: null, to: null, ...(reason ? { reason } : {}) });

test("summaryLine: one line per target", () => {
  assert.equal(summaryLine("gitea", [r("refs/heads/main", "updated"), r("refs/tags/v1", "created"), r("refs/heads/x", "unchanged")]), "git-bridge: mirrored to gitea: 3 refs");
  assert.equal(summaryLine("gitea", [r("refs/heads/main", "updated")]), "git-bridge: mirrored to gitea: 1 ref");
  assert.equal(
    summaryLine("gitea", [r("refs/heads/a", "created"), r("refs/heads/main", "diverged", "target has commits the bridge never mirrored"), r("refs/heads/wip/x", "filtered")]),
    "git-bridge: mirrored to gitea: 1 ref; not mirrored to gitea: main diverged (target has commits the bridge never mirrored); 1 ref outside the repo's ref filters",
  );
  assert.equal(summaryLine("gitea", [r("refs/heads/main", "rejected", "hook declined")]), "git-bridge: not mirrored to gitea: main rejected (hook declined)");
});
