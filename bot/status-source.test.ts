import assert from "node:assert/strict";
import { test } from "node:test";
import { createSnapshot } from "../server/status/snapshot.ts";
import type { RepoConfig } from "../server/config/types.ts";
import { snapshotStatusSource } from "./status-source.ts";

const repos = ["a", "b"].map((name) => ({ name, direction: "source-to-target", refsInclude: ["refs/heads/*"], refsExclude: [] }) as unknown as RepoConfig);

test("status reads the one snapshot and compares only repos no sweep has compared yet", async () => {
  const snapshot = createSnapshot({ repos }, (s) => s);
  const at = new Date("2026-12-05T07:00:00Z");
  snapshot.recordCheck({ repo: "a", direction: "source-to-target", state: "behind", refs: [{ ref: "refs/heads/main", state: "behind", source: "1".repeat(40), target: "2".repeat(40) }] }, at);
  const compared: string[][] = [];
  const source = snapshotStatusSource({ snapshot, queueStats: () => ({ queued: 2, running: 1 }), now: () => at }, async (names) => {
    compared.push(names);
    for (const n of names) snapshot.recordCheckError(n, "authentication failed (canary redacted)", at);
  });
  const views = await source.list();
  assert.deepEqual(compared, [["b"]], "a was compared by a sweep already: no second read");
  assert.deepEqual(views.map((v) => [v.repo, v.state]), [["a", "behind"], ["b", "unknown"]]);
  assert.deepEqual(views[0].counts, { behind: 1, ahead: 0, diverged: 0 });
  assert.equal(views[1].problem, "authentication failed (canary redacted)");
  await source.list(["b"]);
  assert.equal(compared.length, 1, "a failed compare is recorded too: the next status reads the snapshot");
  assert.deepEqual(source.queueDepth(), { queued: 2, running: 1 });
});
