// Which drift a sync can act on, and divergence reported once per new state.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RepoConfig } from "../config/types.ts";
import type { RefStatus, RepoStatus } from "../mirror/status.ts";
import { divergenceTracker } from "./divergence.ts";
import { actionable } from "./sweep.ts";

const A = "a".repeat(40), B = "b".repeat(40), C = "c".repeat(40);
const repo = (extra: Partial<RepoConfig>): RepoConfig => ({
  name: "r", source: "s", target: "t", sourcePath: "p", targetPath: "q", direction: "source-to-target",
  refOverrides: [], refsInclude: [], refsExclude: [], prune: false, onDivergence: "skip", ...extra,
});
const st = (...refs: RefStatus[]): RepoStatus => ({ repo: "r", direction: "x", state: "behind", refs });
const ref = (state: RefStatus["state"], source: string | null, target: string | null): RefStatus => ({ ref: "refs/heads/main", state, source, target });

describe("actionable", () => {
  it("one-way: the sending side ahead, or gone with prune", () => {
    assert.equal(actionable(repo({}), st(ref("behind", B, A))), true);
    assert.equal(actionable(repo({}), st(ref("ahead", null, A))), false, "a target-only ref stays without prune");
    assert.equal(actionable(repo({ prune: true }), st(ref("ahead", null, A))), true);
    assert.equal(actionable(repo({ direction: "target-to-source" }), st(ref("ahead", A, B))), true);
    assert.equal(actionable(repo({ direction: "target-to-source" }), st(ref("behind", B, A))), false);
    assert.equal(actionable(repo({}), st(ref("in_sync", A, A))), false);
  });
  it("bidirectional: either side ahead", () => {
    assert.equal(actionable(repo({ direction: "bidirectional" }), st(ref("ahead", A, B))), true);
    assert.equal(actionable(repo({ direction: "bidirectional" }), st(ref("behind", B, A))), true);
  });
  it("diverged: only with on_divergence: force (a skipping sync would just skip it again)", () => {
    assert.equal(actionable(repo({}), st(ref("diverged", B, C))), false);
    assert.equal(actionable(repo({ onDivergence: "force" }), st(ref("diverged", B, C))), true);
  });
});

describe("divergenceTracker", () => {
  it("reports a divergence once, again when it changes, and again after it cleared", () => {
    const t = divergenceTracker();
    const d1 = st(ref("diverged", B, C));
    assert.equal(t.news(d1)?.length, 1);
    assert.equal(t.news(d1), undefined);
    assert.equal(t.news(st(ref("diverged", A, C)))?.length, 1, "the source moved: a new state");
    assert.equal(t.news(st(ref("in_sync", C, C))), undefined);
    assert.equal(t.news(st(ref("diverged", A, C)))?.length, 1, "news again after it was resolved");
  });
});
