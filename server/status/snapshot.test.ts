// The snapshot's write rules: what a comparison and what a finished job prove about a repo.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RepoConfig } from "../config/types.ts";
import type { RepoStatus } from "../mirror/status.ts";
import type { Job } from "../queue/types.ts";
import { createSnapshot } from "./snapshot.ts";
import { statusView } from "./view.ts";

const repo = (name: string, extra: Partial<RepoConfig> = {}): RepoConfig => ({
  name,
  source: "s",
  target: "t",
  sourcePath: `team/${name}`,
  targetPath: `mirror/${name}`,
  direction: "source-to-target",
  refOverrides: [],
  refsInclude: ["refs/heads/*", "refs/tags/*"],
  refsExclude: [],
  prune: false,
  onDivergence: "skip",
  ...extra,
});
const A = "a".repeat(40), B = "b".repeat(40), C = "c".repeat(40);
const SECRET = "canary-snapshot-secret-77";
const redact = (s: string) => s.split(SECRET).join("***");
const job = (over: Partial<Job> & { request: Job["request"] }): Job => ({
  id: "job-1",
  state: "succeeded",
  attempts: 1,
  queued_at: "2026-03-02T10:00:00.000Z",
  finished_at: "2026-03-02T10:00:05.000Z",
  merged: 0,
  ...over,
});
const status = (name: string, refs: RepoStatus["refs"], state: RepoStatus["state"]): RepoStatus => ({ repo: name, direction: "source-to-target", state, refs });

describe("status snapshot", () => {
  it("lists configured repos only, unknown until compared", () => {
    const s = createSnapshot({ repos: [repo("a"), repo("b")] }, redact);
    assert.deepEqual(s.list().map((r) => [r.repo, r.state]), [["a", "unknown"], ["b", "unknown"]]);
    s.recordJob(job({ request: { repo: "not-configured", source: "retry-api" } }));
    s.recordCheck(status("not-configured", [], "in_sync"), new Date());
    assert.equal(s.get("not-configured"), undefined);
    assert.equal(s.list().length, 2);
  });

  it("a comparison sets the state and refs; in sync moves in_sync_at, drift keeps the old one", () => {
    const s = createSnapshot({ repos: [repo("a")] }, redact);
    s.recordCheck(status("a", [{ ref: "refs/heads/main", state: "in_sync", source: A, target: A }], "in_sync"), new Date("2026-03-02T10:00:00Z"));
    assert.equal(s.get("a")!.in_sync_at, "2026-03-02T10:00:00.000Z");
    s.recordCheck(status("a", [
      { ref: "refs/heads/main", state: "behind", source: B, target: A },
      { ref: "refs/heads/dev", state: "diverged", source: B, target: C },
    ], "diverged"), new Date("2026-03-02T10:10:00Z"));
    const a = s.get("a")!;
    assert.equal(a.state, "diverged");
    assert.deepEqual(a.refs, { behind: ["refs/heads/main"], ahead: [], diverged: ["refs/heads/dev"] });
    assert.equal(a.in_sync_at, "2026-03-02T10:00:00.000Z");
    assert.equal(a.checked_at, "2026-03-02T10:10:00.000Z");
    const view = statusView({ snapshot: s, queueStats: () => ({ queued: 2, running: 1 }), now: () => new Date("2026-03-02T10:15:00Z") });
    assert.equal(view.repos[0].lag_seconds, 900);
    assert.deepEqual(view.queue, { queued: 2, running: 1 });
    assert.equal(view.counts.diverged, 1);
  });

  it("a failed comparison keeps its redacted reason and makes the state unknown", () => {
    const s = createSnapshot({ repos: [repo("a")] }, redact);
    s.recordCheckError("a", `authentication failed for http://x:${SECRET}@host`, new Date());
    assert.equal(s.get("a")!.state, "unknown");
    assert.equal(s.get("a")!.check_error, "authentication failed for http://x:***@host");
  });

  it("a whole-repo sync that succeeded confirms in sync; one that left refs diverged says which", () => {
    const s = createSnapshot({ repos: [repo("a")] }, redact);
    s.recordJob(job({ request: { repo: "a", source: "reconcile" }, result: { repo: "a", direction: "source-to-target", duration_ms: 40, refs: [
      { ref: "refs/heads/main", action: "updated", from: A, to: B },
    ] } }));
    assert.equal(s.get("a")!.state, "in_sync");
    assert.equal(s.get("a")!.in_sync_at, "2026-03-02T10:00:05.000Z");
    assert.deepEqual(s.get("a")!.last_job, { id: "job-1", state: "succeeded", source: "reconcile", finished_at: "2026-03-02T10:00:05.000Z", duration_ms: 40, error: null });

    s.recordJob(job({ id: "job-2", state: "partial", request: { repo: "a", source: "github" }, result: { repo: "a", direction: "source-to-target", duration_ms: 9, refs: [
      { ref: "refs/heads/main", action: "diverged", from: C, to: B },
    ] } }));
    assert.equal(s.get("a")!.state, "diverged");
    assert.deepEqual(s.get("a")!.refs.diverged, ["refs/heads/main"]);
  });

  it("a single-ref sync or a failed one proves nothing about the other refs", () => {
    const s = createSnapshot({ repos: [repo("a")] }, redact);
    s.recordCheck(status("a", [{ ref: "refs/heads/main", state: "behind", source: B, target: A }], "behind"), new Date());
    s.recordJob(job({ request: { repo: "a", source: "github", ref: "refs/heads/other" }, result: { repo: "a", direction: "source-to-target", duration_ms: 1, refs: [] } }));
    assert.equal(s.get("a")!.state, "behind");
    s.recordJob(job({ id: "j3", state: "failed", error: `push refused: ${SECRET}`, request: { repo: "a", source: "reconcile" } }));
    assert.equal(s.get("a")!.state, "behind");
    assert.equal(s.get("a")!.last_job?.error, "push refused: ***");
  });
});
