import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { directionFrom, isRequestedDirection, oneWayProblem, pushDirection, retryDirection, syncDirection } from "./direction.ts";
import type { RepoConfig } from "./types.ts";

const repo = (direction: RepoConfig["direction"], retry?: RepoConfig["retryDirection"]) =>
  ({ name: "app", direction, ...(retry ? { retryDirection: retry } : {}) }) as RepoConfig;
const ONE_WAY = "repo app mirrors source-to-target only; it cannot sync target-to-source";

describe("direction rules", () => {
  it("accepts only the documented request values", () => {
    for (const d of ["source-to-target", "target-to-source", "auto"]) assert.ok(isRequestedDirection(d));
    for (const d of ["bidirectional", "both", "", 1, undefined]) assert.ok(!isRequestedDirection(d));
    assert.equal(directionFrom("source"), "source-to-target");
    assert.equal(directionFrom("target"), "target-to-source");
  });

  it("a one-way repo never flows the other way, with one message", () => {
    assert.equal(oneWayProblem(repo("source-to-target"), "target-to-source"), ONE_WAY);
    assert.equal(oneWayProblem(repo("source-to-target"), "source-to-target"), undefined);
    assert.equal(oneWayProblem(repo("bidirectional"), "target-to-source"), undefined);
    assert.deepEqual(syncDirection(repo("source-to-target"), "target-to-source"), { error: ONE_WAY });
    assert.deepEqual(retryDirection(repo("source-to-target"), "target-to-source"), { error: ONE_WAY });
    assert.deepEqual(pushDirection(repo("source-to-target"), "target"), { error: `${ONE_WAY}: changes on its target are not mirrored` });
  });

  it("sync: auto or absent is every way the repo allows", () => {
    assert.deepEqual(syncDirection(repo("bidirectional"), undefined), { direction: undefined });
    assert.deepEqual(syncDirection(repo("bidirectional"), "auto"), { direction: undefined });
    assert.deepEqual(syncDirection(repo("target-to-source"), "auto"), { direction: "target-to-source" });
    assert.deepEqual(syncDirection(repo("bidirectional"), "source-to-target"), { direction: "source-to-target" });
  });

  it("retry: explicit, then retry_direction, then target-to-source for bidirectional, else the repo's own", () => {
    assert.deepEqual(retryDirection(repo("bidirectional", "source-to-target"), "target-to-source"), { direction: "target-to-source" });
    assert.deepEqual(retryDirection(repo("bidirectional", "source-to-target"), "auto"), { direction: "source-to-target" });
    assert.deepEqual(retryDirection(repo("bidirectional"), undefined), { direction: "target-to-source" });
    assert.deepEqual(retryDirection(repo("source-to-target"), undefined), { direction: "source-to-target" });
    // A retry_direction a one-way repo cannot take is refused, not silently swapped.
    assert.deepEqual(retryDirection(repo("source-to-target", "target-to-source"), undefined), { error: ONE_WAY });
  });

  it("push: refs flow away from the side they changed on", () => {
    assert.deepEqual(pushDirection(repo("bidirectional"), "target"), { direction: "target-to-source" });
    assert.deepEqual(pushDirection(repo("source-to-target"), "source"), { direction: "source-to-target" });
  });
});
